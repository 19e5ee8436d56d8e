"""Loaders for European city-to-city patent citation flows (OECD REGPAT / EPO, via PEXP_1.1).

Two registry entries, both vendored under ``data/vendor/eu_citations/``:

``eu_citation_flows``
    Tidy flows ``citing, cited, field, field_code, field_name, count``: citation links from
    EPO patents whose inventors live in the *citing* functional urban area (FUA) to patents
    whose inventors live in the *cited* FUA, for all fields (``field == 0``, the repository's
    ``linksTot.csv``) or for each of 35 technology fields (``by_field=True``,
    ``linksTot1..35.csv`` packed in one tar).
``eu_citation_nodes``
    One row per FUA point: ``city, name, country, lon, lat``. The repository gives only the
    point; the country is the Eurostat country code (``CNTR_CODE``; ``EL`` Greece, ``UK``
    United Kingdom) of the NUTS-2 region that contains the point (registry ``eu_nuts2_eurostat``,
    2008 boundaries) or, for coastal points that the generalised boundaries leave in the sea,
    of the nearest region within :data:`MAX_SNAP_KM`. Andorra is not a NUTS country and is set
    to ``AD`` explicitly.

The validation helpers :func:`check_flows` and :func:`check_nodes` are what the loaders and the
gravity helpers use to refuse unknown city ids, negative or fractional counts, duplicated pairs
and missing coordinates.
"""
from __future__ import annotations

import io
import json
import lzma
import re
import tarfile

import numpy as np
import pandas as pd

from ..data import fetch, loader
from ..errors import BookInputError, DataIntegrityError

#: cities outside every NUTS country, with their ISO country code (a fact, set by hand)
NON_NUTS = {"Andorre": "AD"}
#: largest distance (km) at which a point outside every NUTS-2 polygon is snapped to the nearest
MAX_SNAP_KM = 1.0

_FLOW_COLS = ["citing", "cited", "field", "field_code", "field_name", "count"]


def _read_links(raw: bytes, what: str) -> pd.DataFrame:
    df = pd.read_csv(io.BytesIO(raw), index_col=0, dtype={"source": str, "target": str})
    if list(df.columns) != ["source", "target", "flow"]:
        raise DataIntegrityError(f"{what}: expected columns source, target, flow, got "
                                 f"{list(df.columns)}; the vendored file's layout changed.")
    return df.rename(columns={"source": "citing", "target": "cited", "flow": "count"})


def _fields() -> pd.DataFrame:
    path = fetch("eu_citation_flows", "techfieldfreq.tsv")
    tab = pd.read_csv(path, sep="\t")
    if len(tab) != 35 or "letter" not in tab or "name" not in tab:
        raise DataIntegrityError(f"{path}: expected 35 technology fields with columns letter and "
                                 f"name, got {len(tab)} rows and {list(tab.columns)}.")
    return pd.DataFrame({"field": np.arange(1, 36), "field_code": tab["letter"].astype(str),
                         "field_name": tab["name"].astype(str).str.strip('"')})


@loader("eu_citation_flows")
def eu_citation_flows(by_field: bool = False) -> pd.DataFrame:
    """City-to-city citation links between European patents.

    Parameters
    ----------
    by_field : bool, default False
        False: all technology fields together (``field == 0``). True: the 35 technology fields
        stacked (``field`` 1..35; a pair appears once per field in which it has links).

    Returns
    -------
    pandas.DataFrame
        ``citing, cited, field, field_code, field_name, count`` (see the registry entry).
    """
    if not isinstance(by_field, (bool, np.bool_)):
        raise BookInputError(f"by_field must be True or False, got {by_field!r}.")
    if not by_field:
        raw = lzma.decompress(fetch("eu_citation_flows", "linksTot.csv.xz").read_bytes())
        df = _read_links(raw, "linksTot.csv")
        df["field"], df["field_code"], df["field_name"] = 0, "ALL", "All fields"
    else:
        fields = _fields()
        parts = []
        with tarfile.open(fetch("eu_citation_flows", "linksTot_fields.tar.xz"), "r:xz") as tar:
            for member in tar.getmembers():
                m = re.fullmatch(r"linksTot(\d+)\.csv", member.name)
                if not m:
                    raise DataIntegrityError(f"unexpected member {member.name!r} in "
                                             "linksTot_fields.tar.xz.")
                part = _read_links(tar.extractfile(member).read(), member.name)
                part["field"] = int(m.group(1))
                parts.append(part)
        if sorted(p["field"].iat[0] for p in parts) != list(range(1, 36)):
            raise DataIntegrityError("linksTot_fields.tar.xz must hold linksTot1..35.csv.")
        df = pd.concat(parts, ignore_index=True).merge(fields, on="field", how="left")
        df = df.sort_values(["field", "citing", "cited"], kind="stable")
    df["field"] = df["field"].astype("int64")
    df["count"] = df["count"].astype("int64")
    out = df[_FLOW_COLS].reset_index(drop=True)
    check_flows(out, by=["field"])
    return out


def _nuts_countries(points: pd.DataFrame) -> pd.Series:
    """Country code of each point from the Eurostat NUTS-2 (2008) polygons (see module doc)."""
    import geopandas as gpd

    from .. import data

    nuts = data.load("eu_nuts2_eurostat", year=2008)
    ccol = "country" if "country" in nuts.columns else "CNTR_CODE"
    nuts = nuts[[ccol, "geometry"]].rename(columns={ccol: "country"}).to_crs(3035)
    pts = gpd.GeoDataFrame(points[["city"]].copy(),
                           geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                           crs=4326).to_crs(3035)
    j = gpd.sjoin_nearest(pts, nuts, how="left", distance_col="dist_m")
    j = j[~j.index.duplicated(keep="first")]  # a point on a shared boundary: first region
    country = j["country"].astype(str).where(j["dist_m"] <= MAX_SNAP_KM * 1000)
    for city, code in NON_NUTS.items():
        country[j["city"] == city] = code
    far = j.loc[country.isna(), "city"].tolist()
    if far:
        raise DataIntegrityError(f"cities {far} are more than {MAX_SNAP_KM} km from every NUTS-2 "
                                 "region; add them to NON_NUTS with their country code.")
    return country.reindex(points.index)


@loader("eu_citation_nodes")
def eu_citation_nodes() -> pd.DataFrame:
    """One row per functional urban area: ``city, name, country, lon, lat`` (WGS84 degrees)."""
    raw = json.loads(lzma.decompress(fetch("eu_citation_nodes", "nodes.geojson.xz").read_bytes()))
    rows = []
    for feat in raw.get("features", []):
        props = feat.get("properties") or {}
        rows.append({"city": feat.get("id"), "lon": props.get("LON"), "lat": props.get("LAT")})
    nodes = pd.DataFrame(rows)
    nodes["city"] = nodes["city"].astype(str)
    nodes["name"] = nodes["city"]
    nodes["lon"] = nodes["lon"].astype(float)
    nodes["lat"] = nodes["lat"].astype(float)
    check_nodes(nodes)
    nodes["country"] = _nuts_countries(nodes)
    return nodes[["city", "name", "country", "lon", "lat"]].sort_values("city").reset_index(drop=True)


# ----------------------------------------------------------------------------- validation
def check_nodes(nodes: pd.DataFrame) -> pd.DataFrame:
    """Refuse a node table with missing/duplicated city ids or missing/impossible coordinates.

    Parameters
    ----------
    nodes : pandas.DataFrame
        Columns ``city``, ``lon``, ``lat`` (degrees).

    Returns
    -------
    pandas.DataFrame
        ``nodes`` unchanged.
    """
    if not isinstance(nodes, pd.DataFrame):
        raise BookInputError(f"nodes must be a DataFrame with columns city, lon, lat; got "
                             f"{type(nodes).__name__}.")
    missing = [c for c in ("city", "lon", "lat") if c not in nodes.columns]
    if missing:
        raise BookInputError(f"nodes lacks column(s) {missing}; it needs city, lon, lat.")
    if nodes["city"].isna().any():
        raise BookInputError("nodes has rows without a city id.")
    dup = nodes["city"][nodes["city"].duplicated()].tolist()
    if dup:
        raise BookInputError(f"nodes lists city id(s) {dup[:5]} more than once.")
    for c, lim in (("lon", 180.0), ("lat", 90.0)):
        v = pd.to_numeric(nodes[c], errors="coerce")
        if v.isna().any():
            bad = nodes.loc[v.isna(), "city"].tolist()[:5]
            raise BookInputError(f"nodes has missing or non-numeric {c} for {bad}; every city "
                                 "needs coordinates (drop the city explicitly, saying so).")
        if (v.abs() > lim).any():
            bad = nodes.loc[v.abs() > lim, "city"].tolist()[:5]
            raise BookInputError(f"nodes has {c} outside [-{lim}, {lim}] degrees for {bad}; "
                                 "are lon and lat swapped or projected?")
    return nodes


def check_flows(flows: pd.DataFrame, *, nodes: pd.DataFrame | None = None,
                by: list[str] | tuple = ()) -> pd.DataFrame:
    """Refuse a flow table with bad counts, duplicated pairs or (given ``nodes``) unknown ids.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``citing``, ``cited``, ``count`` (plus the columns in ``by``).
    nodes : pandas.DataFrame, optional
        If given, every citing and cited id must be a ``nodes.city``.
    by : list of str
        Columns that, with the pair, identify a row (e.g. ``["field"]``).

    Returns
    -------
    pandas.DataFrame
        ``flows`` unchanged.
    """
    if not isinstance(flows, pd.DataFrame):
        raise BookInputError(f"flows must be a DataFrame, got {type(flows).__name__}.")
    need = ["citing", "cited", "count", *by]
    missing = [c for c in need if c not in flows.columns]
    if missing:
        raise BookInputError(f"flows lacks column(s) {missing}; it needs {need}.")
    if len(flows) == 0:
        raise BookInputError("flows is empty.")
    if flows[["citing", "cited"]].isna().any().any():
        raise BookInputError("flows has rows without a citing or cited city id.")
    cnt = pd.to_numeric(flows["count"], errors="coerce")
    if cnt.isna().any():
        raise BookInputError(f"flows.count has {int(cnt.isna().sum())} missing or non-numeric "
                             "value(s).")
    if (cnt < 0).any():
        ex = flows.loc[cnt < 0, ["citing", "cited", "count"]].head(3).to_dict("records")
        raise BookInputError(f"flows.count has {int((cnt < 0).sum())} negative value(s), e.g. "
                             f"{ex}; citation counts cannot be negative.")
    if not np.allclose(cnt, np.round(cnt)):
        raise BookInputError("flows.count has non-integer values; citation counts are whole "
                             "numbers (pass counts, not shares).")
    key = ["citing", "cited", *by]
    if flows.duplicated(key).any():
        ex = flows.loc[flows.duplicated(key), key].head(3).to_dict("records")
        raise BookInputError(f"flows has duplicated {key} rows, e.g. {ex}; aggregate them first "
                             "(groupby(...).sum()).")
    if nodes is not None:
        check_nodes(nodes)
        known = set(nodes["city"])
        unknown = sorted((set(flows["citing"]) | set(flows["cited"])) - known)
        if unknown:
            raise BookInputError(f"flows has {len(unknown)} city id(s) not in nodes, e.g. "
                                 f"{unknown[:6]}; drop those flows explicitly (and report how "
                                 "many citations that removes) or add the cities to nodes.")
    return flows
