"""China's 31 mainland provinces: names, codes, boundaries and contiguity weights.

``cn_province_geometry`` - OCHA's *China - Subnational Administrative Boundaries* (admin level
1, 2020), simplified and redistributed as GeoJSON in mgastner/cartogram-cpp (34 units with
Hong Kong, Macao and Taiwan). The loader keeps the 31 mainland provinces of the statistical
panels (Hong Kong, Macao and Taiwan are not in the Chinese provincial yearbooks) and keys every
row on the two-digit administrative division code of GB/T 2260 (``code``: Beijing 11 ...
Xinjiang 65), taken from OCHA's ``ADM1_PCODE`` (``CN011`` -> 11).

Names come from the book's one province table, :func:`book.china.provinces` (code, short and
full Chinese name, English name, NBS regions); every Chinese loader maps its own spelling onto
it with :func:`book.china.match_provinces`, which refuses names it cannot map, so that tables
join on ``code`` and never on row order.

:func:`contiguity_weights` builds queen contiguity on these polygons with libpysal and adds
the one link geography does not give: Hainan, an island, shares no boundary with any province;
it is linked to Guangdong (across the Qiongzhou Strait, the usual convention in Chinese
provincial spatial econometrics), so that no province is an island in W.
"""
from __future__ import annotations

import io
import lzma
import warnings
from collections.abc import Sequence

from ..china import match_provinces, provinces
from ..data import fetch, loader
from ..errors import BookInputError, DataIntegrityError

#: units of the OCHA file that are not in the provincial panels (Taiwan, Hong Kong, Macao)
NOT_IN_PANEL = {"CN071": "Taiwan", "CN081": "Hong Kong", "CN082": "Macao"}

#: links added by hand to queen contiguity: Hainan (46) <-> Guangdong (44)
EXTRA_LINKS: tuple[tuple[int, int], ...] = ((46, 44),)


@loader("cn_province_geometry")
def cn_province_geometry():
    """31 mainland provinces: code, province_zh, province, region3, label, geometry (EPSG:4326)."""
    import geopandas as gpd

    path = fetch("cn_province_geometry", "china_provinces_ocha.geojson.xz")
    with lzma.open(path) as fh:
        raw = gpd.read_file(io.BytesIO(fh.read()))
    pcodes = set(raw["ADM1_PCODE"])
    if len(raw) != 34 or not set(NOT_IN_PANEL) <= pcodes:
        raise DataIntegrityError(f"the OCHA province file should hold 34 units incl. "
                                 f"{sorted(NOT_IN_PANEL)}; got {len(raw)} units.")
    g = raw[~raw["ADM1_PCODE"].isin(NOT_IN_PANEL)].copy()
    g["code"] = g["ADM1_PCODE"].str.removeprefix("CN").astype(int)
    # the file's own Chinese names must agree with the code (a check, not a join key)
    by_name = match_provinces(g["ADM1_ZH"], "OCHA ADM1_ZH")
    if not (by_name == g["code"].to_numpy()).all():
        raise DataIntegrityError("OCHA ADM1_ZH names disagree with ADM1_PCODE codes.")
    names = provinces()[["code", "province_zh", "province", "region3", "label"]]
    out = names.merge(g[["code", "geometry"]], on="code", how="left", validate="1:1")
    if out["geometry"].isna().any():
        raise DataIntegrityError("provinces without a polygon: "
                                 f"{out.loc[out['geometry'].isna(), 'province'].tolist()}.")
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=raw.crs or "EPSG:4326")
    gdf["code"] = gdf["code"].astype(int)
    return gdf


def contiguity_weights(gdf, order: Sequence[int] | None = None, *, id_col: str = "code",
                       extra_links: Sequence[tuple[int, int]] = EXTRA_LINKS,
                       transform: str = "R"):
    """Queen contiguity for Chinese provinces, Hainan linked to Guangdong, in a given id order.

    Parameters
    ----------
    gdf : GeoDataFrame
        Province polygons with an id column (``cn_province_geometry``).
    order : sequence of ids, optional
        The order of the panel the weights will be used with (e.g. the provinces of a
        cross-section). W's ids are put in this order **by key**; ids missing from the
        polygons, duplicated, or polygons not in ``order`` raise :class:`BookInputError`.
        Default: the order of ``gdf``.
    id_col : str
        Column with the province ids (default ``"code"``, GB/T 2260).
    extra_links : sequence of (id, id)
        Symmetric links added to the queen neighbours; default Hainan (46) - Guangdong (44).
    transform : {"R", "B"}
        Row-standardised (default) or binary.

    Returns
    -------
    libpysal.weights.W
        Queen contiguity (libpysal ``Queen.from_dataframe``) plus ``extra_links``; refuses to
        return a W with islands.

    Notes
    -----
    Queen and rook contiguity coincide on these polygons. Without the Hainan link Hainan is
    an island (zero row in W) and Moran's I, spatial lags and ML spatial models are undefined
    for it; the link follows the common practice of Chinese provincial studies.
    """
    from libpysal.weights import Queen, W

    if id_col not in getattr(gdf, "columns", []):
        raise BookInputError(f"contiguity_weights: the polygons have no id column {id_col!r}.")
    if transform not in ("R", "B"):
        raise BookInputError(f"transform must be 'R' (row-standardised) or 'B' (binary), got "
                             f"{transform!r}.")
    ids = [int(i) for i in gdf[id_col]]
    if len(set(ids)) != len(ids):
        raise BookInputError(f"contiguity_weights: duplicated ids in {id_col!r}.")
    order = ids if order is None else list(order)
    if len(set(order)) != len(order):
        dup = sorted({i for i in order if order.count(i) > 1})
        raise BookInputError(f"contiguity_weights: order repeats ids {dup}; pass each province "
                             "once (a cross-section, not a stacked panel).")
    unknown = sorted(set(order) - set(ids), key=str)
    extra = sorted(set(ids) - set(order), key=str)
    if unknown or extra:
        raise BookInputError(
            f"contiguity_weights: the panel's ids and the polygons' ids differ (not in the "
            f"polygons: {unknown}; polygons not in the panel: {extra}). Join the panel to "
            "cn_province_geometry on 'code' and pass the same 31 provinces.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about the Hainan island before the fix
        q = Queen.from_dataframe(gdf, ids=ids, use_index=False)
    nb = {i: set(q.neighbors[i]) for i in ids}
    for a, b in extra_links:
        if a not in nb or b not in nb or a == b:
            raise BookInputError(f"extra link ({a}, {b}) names an id that is not a province "
                                 "in the polygons (or links a province to itself).")
        nb[a].add(b)
        nb[b].add(a)
    lonely = [i for i in ids if not nb[i]]
    if lonely:
        raise DataIntegrityError(f"provinces without neighbours after the extra links: {lonely}; "
                                 "add a link for each or drop them from the panel.")
    w = W({i: sorted(nb[i]) for i in order}, id_order=order, silence_warnings=True)
    w.transform = transform
    return w
