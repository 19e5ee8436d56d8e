"""Indices of agglomeration, localisation and specialisation.

Input is a *tidy* region x industry table (one row per region-industry pair with a size
measure such as employment, establishments or patents) or, for the Ellison-Glaeser and
Maurel-Sedillot indices, a plant list (one row per plant with its industry, region and size).
Absent region-industry pairs count as zero.

Notation: :math:`E_{ri}` employment of industry *i* in region *r*, :math:`E_r`, :math:`E_i`, :math:`E`
the row, column and grand totals; :math:`s_{ri}=E_{ri}/E_i` region *r*'s share of industry *i*,
:math:`x_r=E_r/E` its share of all activity.

* location quotient :math:`LQ_{ri}=(E_{ri}/E_r)/(E_i/E)` (on patents: Balassa's revealed
  technological advantage);
* Krugman specialisation index :math:`K_r=\\sum_i |E_{ri}/E_r - E^{ref}_i/E^{ref}|`, the
  reference being the rest of the regions (Krugman 1991, *Geography and Trade*, ch. 3) or all;
* Hoover localisation coefficient :math:`\\tfrac12\\sum_r |s_{ri}-x_r|`;
* locational Gini (Krugman 1991, *Geography and Trade*, app. D): one minus twice the area under
  the localisation curve (regions ordered by :math:`LQ_{ri}`) below the diagonal;
* Herfindahl :math:`H=\\sum_j z_j^2` of plant shares :math:`z_j`;
* Ellison & Glaeser (1997, sect. I)
  :math:`\\gamma=\\frac{G-(1-\\sum_r x_r^2)H}{(1-\\sum_r x_r^2)(1-H)}` with raw concentration
  :math:`G=\\sum_r (s_{ri}-x_r)^2`; under the "dartboard" (plants placed independently with
  probabilities :math:`x_r`) :math:`E[\\gamma]=0` (EG 1997, Proposition 1).
* Maurel & Sedillot (1999)
  :math:`\\gamma^{MS}=\\frac{G^{MS}-H}{1-H}`,
  :math:`G^{MS}=\\frac{\\sum_r s_{ri}^2-\\sum_r x_r^2}{1-\\sum_r x_r^2}`; also unbiased under
  the dartboard.

No maintained Python package implements these (``pysal`` has inequality measures but not the
EG/MS indices on plant data), so they are written here by hand with vectorised pandas.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import as_1d_float, require_columns

__all__ = ["region_industry_matrix", "location_quotient", "krugman_specialisation",
           "hoover_localisation", "locational_gini", "herfindahl", "ellison_glaeser",
           "maurel_sedillot", "dartboard", "EGResult", "coagglomeration",
           "herfindahl_from_counts", "ellison_glaeser_regions", "dartboard_equal_plants"]


def _check_values(s: pd.Series, name: str) -> np.ndarray:
    if not (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
        raise BookInputError(f"column {name!r} must be numeric, got dtype {s.dtype}; convert it "
                             "with pd.to_numeric(...) first.")
    v = s.to_numpy(dtype=float)
    if np.isnan(v).any():
        raise BookInputError(
            f"column {name!r} has {int(np.isnan(v).sum())} missing value(s); suppressed cells "
            "must be imputed or dropped explicitly before computing an index.")
    if np.isinf(v).any():
        raise BookInputError(f"column {name!r} has infinite values.")
    if (v < 0).any():
        raise BookInputError(f"column {name!r} has {int((v < 0).sum())} negative value(s); "
                             "employment (or any size measure) cannot be negative.")
    return v


def region_industry_matrix(data: pd.DataFrame, region: str = "region",
                           industry: str = "industry", value: str = "employment", *,
                           allow_empty_regions: bool = False) -> pd.DataFrame:
    """Validate a tidy table and pivot it to a region x industry matrix (absent pairs = 0).

    Raises
    ------
    BookInputError
        Missing columns, non-numeric / missing / negative values, duplicated (region, industry)
        keys, a region with zero total (unless ``allow_empty_regions``), an industry with zero
        total, or fewer than two regions or industries.
    """
    require_columns(data, [region, industry, value], "data")
    _check_values(data[value], value)
    if data[[region, industry]].isna().any().any():
        raise BookInputError(f"columns {region!r}/{industry!r} contain missing keys.")
    dup = data.duplicated([region, industry], keep=False)
    if dup.any():
        pairs = data.loc[dup, [region, industry]].drop_duplicates().head(3).values.tolist()
        raise BookInputError(f"duplicated (region, industry) key(s), e.g. {pairs}; aggregate "
                             "them first (data.groupby([region, industry]).sum()).")
    E = data.pivot(index=region, columns=industry, values=value).fillna(0.0).astype(float)
    if E.shape[0] < 2 or E.shape[1] < 2:
        raise BookInputError(f"need at least 2 regions and 2 industries, got {E.shape[0]} x "
                             f"{E.shape[1]}.")
    zero_r = E.index[E.sum(axis=1) == 0].tolist()
    if zero_r and not allow_empty_regions:
        raise BookInputError(f"region(s) {zero_r[:5]} have zero total {value}: shares and "
                             "location quotients are undefined there; drop them.")
    zero_i = E.columns[E.sum(axis=0) == 0].tolist()
    if zero_i:
        raise BookInputError(f"industry(ies) {zero_i[:5]} have zero total {value}; drop them.")
    return E


def location_quotient(data: pd.DataFrame, region: str = "region", industry: str = "industry",
                      value: str = "employment") -> pd.DataFrame:
    """Location quotient :math:`LQ_{ri}=(E_{ri}/E_r)/(E_i/E)` as a region x industry matrix.

    LQ > 1: the region is more specialised in the industry than the whole economy. Applied to
    patent counts it is Balassa's revealed (technological) advantage index.
    """
    E = region_industry_matrix(data, region, industry, value)
    tot = E.to_numpy().sum()
    return E.div(E.sum(axis=1), axis=0).div(E.sum(axis=0) / tot, axis=1)


def krugman_specialisation(data: pd.DataFrame, region: str = "region",
                           industry: str = "industry", value: str = "employment", *,
                           reference: str = "rest") -> pd.Series:
    """Krugman specialisation index per region, in [0, 2].

    :math:`K_r=\\sum_i |E_{ri}/E_r - R_{ri}|` where :math:`R_{ri}` is industry *i*'s share of
    activity in the reference: ``"rest"`` (all other regions; Krugman 1991) or ``"total"``
    (all regions including *r*).
    """
    if reference not in ("rest", "total"):
        raise BookInputError(f"reference must be 'rest' or 'total', got {reference!r}.")
    E = region_industry_matrix(data, region, industry, value)
    own = E.div(E.sum(axis=1), axis=0)
    if reference == "total":
        ref = pd.DataFrame(np.tile(E.sum(axis=0) / E.to_numpy().sum(), (len(E), 1)),
                           index=E.index, columns=E.columns)
    else:
        rest = E.sum(axis=0).to_numpy()[None, :] - E.to_numpy()
        tot = rest.sum(axis=1, keepdims=True)
        if (tot == 0).any():
            raise BookInputError("with reference='rest' every other region being empty leaves "
                                 "no reference; use reference='total'.")
        ref = pd.DataFrame(rest / tot, index=E.index, columns=E.columns)
    return (own - ref).abs().sum(axis=1).rename("krugman_index")


def hoover_localisation(data: pd.DataFrame, region: str = "region", industry: str = "industry",
                        value: str = "employment") -> pd.Series:
    """Hoover coefficient of localisation per industry, :math:`\\tfrac12\\sum_r|s_{ri}-x_r|`, in [0, 1)."""
    E = region_industry_matrix(data, region, industry, value)
    s = E / E.sum(axis=0)
    x = E.sum(axis=1) / E.to_numpy().sum()
    return (0.5 * s.sub(x, axis=0).abs().sum(axis=0)).rename("hoover")


def locational_gini(data: pd.DataFrame, region: str = "region", industry: str = "industry",
                    value: str = "employment") -> pd.Series:
    """Krugman's locational Gini per industry (Krugman 1991, *Geography and Trade*).

    Regions are sorted by the industry's location quotient (ascending); the localisation curve
    plots the cumulative share of the industry (:math:`s_{ri}`) against the cumulative share of
    total activity (:math:`x_r`). The index is one minus twice the area under that curve: 0 when
    the industry is spread like all activity, approaching 1 when it sits in one small region.
    """
    E = region_industry_matrix(data, region, industry, value)
    x = (E.sum(axis=1) / E.to_numpy().sum()).to_numpy()
    out = {}
    for col in E.columns:
        s = (E[col] / E[col].sum()).to_numpy()
        order = np.argsort(s / x, kind="stable")
        X = np.concatenate([[0.0], np.cumsum(x[order])])
        Y = np.concatenate([[0.0], np.cumsum(s[order])])
        area = np.sum((X[1:] - X[:-1]) * (Y[1:] + Y[:-1]) / 2)
        out[col] = 1 - 2 * area
    return pd.Series(out, name="locational_gini").rename_axis(E.columns.name)


def herfindahl(sizes) -> float:
    """Herfindahl index :math:`H=\\sum_j z_j^2` of plant shares :math:`z_j=e_j/\\sum e`.

    Parameters
    ----------
    sizes : array-like
        Non-negative plant sizes (employment), at least one positive.
    """
    e = as_1d_float(sizes, "sizes")
    if (e < 0).any():
        raise BookInputError("sizes has negative values; plant employment cannot be negative.")
    tot = e.sum()
    if tot <= 0:
        raise BookInputError("sizes sum to zero; the Herfindahl index is undefined.")
    z = e / tot
    return float(np.sum(z**2))


@dataclass(frozen=True)
class EGResult:
    """Per-industry Ellison-Glaeser / Maurel-Sedillot components."""

    table: pd.DataFrame   # columns: n_plants, H, G, gamma (and G_ms, gamma_ms)
    x: pd.Series           # regions' shares of aggregate activity


def _plants(plants, region, industry, size, region_shares):
    require_columns(plants, [region, industry, size], "plants")
    e = _check_values(plants[size], size)
    if plants[[region, industry]].isna().any().any():
        raise BookInputError(f"plants has missing {region!r} or {industry!r} keys.")
    if (e == 0).any():
        raise BookInputError(f"{int((e == 0).sum())} plant(s) have zero {size}; drop them (a plant "
                             "with no employment carries no weight and is usually a data error).")
    if region_shares is None:
        x = plants.groupby(region, observed=True)[size].sum()
        x = x / x.sum()
    else:
        x = pd.Series(region_shares, dtype=float)
        if x.index.has_duplicates:
            raise BookInputError("region_shares has duplicated regions.")
        if x.isna().any() or (x < 0).any():
            raise BookInputError("region_shares must be non-negative numbers without NaN.")
        if abs(x.sum() - 1) > 1e-8:
            raise BookInputError(f"region_shares must sum to 1, they sum to {x.sum():.6g}.")
        unknown = sorted(set(plants[region]) - set(x.index), key=str)
        if unknown:
            raise BookInputError(f"plants are located in region(s) {unknown[:5]} that "
                                 "region_shares does not list.")
    if len(x) < 2:
        raise BookInputError("need at least two regions.")
    counts = plants.groupby(industry, observed=True).size()
    single = counts.index[counts < 2].tolist()
    if single:
        raise BookInputError(
            f"industry(ies) {single[:5]} have a single plant: H = 1 and the Ellison-Glaeser index "
            "is undefined (0/0); drop industries with fewer than two plants.")
    return x


def _eg_components(s, x, sum_x2: float, H, axis: int):
    """The one place the EG and Maurel-Sedillot formulas are written (callers validate inputs).

    ``s`` holds industries' regional shares, summed over ``axis``; ``x`` the aggregate shares
    (broadcastable to ``s``), ``sum_x2`` :math:`\\sum_r x_r^2 < 1` and ``H`` the plant
    Herfindahl (scalar or one per industry). Returns G, gamma (EG 1997, eq. 4), G_ms and
    gamma_ms (Maurel-Sedillot 1999).
    """
    G = np.sum((s - x) ** 2, axis=axis)
    gamma = (G - (1 - sum_x2) * H) / ((1 - sum_x2) * (1 - H))
    G_ms = (np.sum(s**2, axis=axis) - sum_x2) / (1 - sum_x2)
    gamma_ms = (G_ms - H) / (1 - H)
    return G, gamma, G_ms, gamma_ms


def ellison_glaeser(plants: pd.DataFrame, region: str = "region", industry: str = "industry",
                    size: str = "employment", *, region_shares=None) -> EGResult:
    """Ellison-Glaeser (1997) agglomeration index :math:`\\gamma` per industry, with the
    Maurel-Sedillot (1999) variant.

    Parameters
    ----------
    plants : DataFrame
        One row per plant: its ``industry``, ``region`` and ``size`` (employment, > 0).
    region_shares : Series, optional
        :math:`x_r`, each region's share of aggregate activity (all industries); default: the
        regions' shares of the plants' total size in ``plants``.

    Returns
    -------
    EGResult
        ``table`` indexed by industry with n_plants, H (plant Herfindahl), G (EG raw
        concentration), gamma (EG 1997), G_ms and gamma_ms (Maurel-Sedillot 1999). All
        activity in one region (a region share of 1) raises: gamma divides by
        :math:`1-\\sum_r x_r^2=0`.
    """
    x = _plants(plants, region, industry, size, region_shares)
    sum_x2 = float((x**2).sum())
    if sum_x2 >= 1 - 1e-12:
        raise BookInputError("all aggregate activity is in one region (a region share of 1): "
                             "G and gamma divide by 1 - sum x_r^2 = 0. Use at least two regions "
                             "with activity.")
    rows = {}
    for ind, grp in plants.groupby(industry, observed=True, sort=True):
        e = grp[size].to_numpy(dtype=float)
        H = float(np.sum((e / e.sum()) ** 2))
        s = grp.groupby(region, observed=True)[size].sum() / e.sum()
        s = s.reindex(x.index, fill_value=0.0).to_numpy(dtype=float)
        comps = _eg_components(s, x.to_numpy(dtype=float), sum_x2, H, axis=0)
        rows[ind] = (len(e), H, *(float(c) for c in comps))
    tab = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["n_plants", "H", "G", "gamma", "G_ms", "gamma_ms"])
    tab.index.name = industry
    tab["n_plants"] = tab["n_plants"].astype(int)
    return EGResult(tab, x.rename("x"))


def maurel_sedillot(plants: pd.DataFrame, region: str = "region", industry: str = "industry",
                    size: str = "employment", *, region_shares=None) -> pd.Series:
    """Maurel-Sedillot (1999) :math:`\\gamma^{MS}` per industry (see :func:`ellison_glaeser`)."""
    return ellison_glaeser(plants, region, industry, size,
                           region_shares=region_shares).table["gamma_ms"]


def _dartboard_args(region_shares, n_sim, rng) -> np.ndarray:
    """Validated region shares of a dartboard simulation (and its draw count and generator)."""
    x = as_1d_float(region_shares, "region_shares")
    if (x < 0).any() or abs(x.sum() - 1) > 1e-8 or x.size < 2:
        raise BookInputError("region_shares must be >= 2 non-negative shares summing to 1.")
    if not isinstance(n_sim, int) or isinstance(n_sim, bool) or n_sim < 1:
        raise BookInputError(f"n_sim must be a positive int, got {n_sim!r}.")
    if not isinstance(rng, np.random.Generator):
        raise BookInputError("rng must be a numpy Generator; use book.rng(offset).")
    return x


def _dartboard_frame(s: np.ndarray, x: np.ndarray, sum_x2: float, H: float) -> pd.DataFrame:
    """G, EG gamma and Maurel-Sedillot gamma of simulated regional shares ``s`` (draws x R)."""
    G, gamma, _, gamma_ms = _eg_components(s, x, sum_x2, H, axis=1)
    return pd.DataFrame({"G": G, "gamma": gamma, "gamma_ms": gamma_ms})


def dartboard(sizes, region_shares, n_sim: int, rng) -> pd.DataFrame:
    """Simulate the EG dartboard: place each plant independently in region *r* with
    probability :math:`x_r` and compute gamma and gamma_ms for each draw.

    Parameters
    ----------
    sizes : array-like
        Plant sizes of one industry (>= 2 plants, positive).
    region_shares : array-like
        :math:`x_r` (non-negative, summing to one).
    n_sim : int
        Number of simulated industries.
    rng : numpy.random.Generator
        From :func:`book.rng`.

    Returns
    -------
    DataFrame with columns G, gamma, gamma_ms, one row per draw. EG (1997, Prop. 1):
    :math:`E[G]=(1-\\sum x_r^2)H`, hence :math:`E[\\gamma]=0`.
    """
    e = as_1d_float(sizes, "sizes")
    if e.size < 2 or (e <= 0).any():
        raise BookInputError("sizes needs at least two plants, all with positive size.")
    x = _dartboard_args(region_shares, n_sim, rng)
    z = e / e.sum()
    H = float(np.sum(z**2))
    sum_x2 = float(np.sum(x**2))
    loc = rng.choice(x.size, size=(n_sim, e.size), p=x)
    s = np.zeros((n_sim, x.size))
    np.add.at(s, (np.repeat(np.arange(n_sim), e.size), loc.ravel()), np.tile(z, n_sim))
    return _dartboard_frame(s, x, sum_x2, H)


def coagglomeration(data: pd.DataFrame, region: str = "region", industry: str = "industry",
                    value: str = "employment", *, x: pd.Series | None = None,
                    pairs: bool = False) -> pd.DataFrame:
    """Ellison-Glaeser-Kerr pairwise co-agglomeration index for every pair of industries.

    Ellison, Glaeser & Kerr (2010, AER 100(3), the pairwise index of their measurement section;
    derived in their Mathematical Appendix, sect. 1), the two-industry case of the
    Ellison & Glaeser (1997) co-agglomeration index of a group of industries (the equation
    numbers could not be checked against the printed article):

    .. math:: \\gamma^c_{ij} = \\frac{\\sum_{m=1}^{M} (s_{mi}-x_m)(s_{mj}-x_m)}{1-\\sum_m x_m^2},

    with :math:`s_{mi}` area *m*'s share of industry *i*'s employment and :math:`x_m` area
    *m*'s share of aggregate employment. Positive: the two industries locate in the same areas
    more than a dartboard would put them there; zero: independent locations.

    All :math:`I(I-1)/2` pairs come from one sparse product. Writing :math:`S` for the
    :math:`M\\times I` share matrix and :math:`u=S^\\top x`,
    :math:`(1-\\sum x_m^2)\\,\\Gamma = S^\\top S - u\\mathbf 1^\\top - \\mathbf 1 u^\\top
    + (x^\\top x)\\,\\mathbf 1\\mathbf 1^\\top`, so the cost is one matrix product
    :math:`S^\\top S` (``scipy.sparse`` when fewer than 5 % of the shares are non-zero, dense
    BLAS otherwise) plus :math:`O(I^2)` for the rank-one corrections; no pair loop. Written by hand: no maintained Python package computes
    the index (R's REAT ``ellison.c2`` loops over pairs from plant lists).

    Parameters
    ----------
    data : DataFrame
        Tidy table, one row per (region, industry) with a non-negative ``value``; absent pairs
        count as zero.
    region, industry, value : str
        Column names.
    x : Series, optional
        Aggregate size of each region (e.g. total employment of all industries, including
        ones not in ``data``), indexed by region; normalised to shares here. Must cover every
        region of ``data``; regions of ``x`` absent from ``data`` hold none of these
        industries. Default: the regions' totals over the industries in ``data``.
    pairs : bool
        False (default): the symmetric ``I x I`` matrix (the diagonal is
        :math:`G_i/(1-\\sum x_m^2)`, the raw concentration term, not the EG :math:`\\gamma_i`).
        True: a long table of the pairs ``i < j`` (columns ``industry_i``, ``industry_j``,
        ``gamma_c``) sorted from the most to the least co-agglomerated.

    Raises
    ------
    BookInputError
        Everything :func:`region_industry_matrix` refuses (negative, missing or text values,
        duplicated keys, an all-zero industry, a region with no employment when ``x`` is not
        given); ``x`` that misses regions, is negative, NaN or has duplicated ids; all
        aggregate activity in one region (:math:`\\sum x_m^2 = 1`); and numeric industry
        codes mixing levels (e.g. NAICS ``311`` with its own ``3111``), for which
        :math:`\\gamma^c` is mechanically positive.
    """
    import scipy.sparse as sp

    E = region_industry_matrix(data, region, industry, value, allow_empty_regions=x is not None)
    codes = [str(c) for c in E.columns]
    if all(c.isdigit() for c in codes):
        known = set(codes)
        nested = next(((c[:k], c) for c in codes for k in range(2, len(c)) if c[:k] in known),
                      None)
        if nested:
            raise BookInputError(
                f"industry codes mix levels: {nested[0]!r} and its own sub-industry "
                f"{nested[1]!r} are both present; a code and its sub-codes share employment, "
                "which makes gamma_c mechanically positive. Compute each digit level "
                "separately.")
    if x is None:
        xs = E.sum(axis=1)
    else:
        if not isinstance(x, pd.Series):
            raise BookInputError(f"x must be a pandas Series indexed by region, got "
                                 f"{type(x).__name__}.")
        if x.index.has_duplicates:
            raise BookInputError("x has duplicated region ids; aggregate them first.")
        xv = _check_values(x, "x")
        missing = E.index.difference(x.index)
        if len(missing):
            raise BookInputError(
                f"x lacks {len(missing)} region(s) of data, e.g. {missing[:3].tolist()}; the "
                "region ids of x and data must match (same codes, same dtype).")
        if xv.sum() <= 0:
            raise BookInputError("x sums to zero; it must measure the size of the regions.")
        xs = pd.Series(xv, index=x.index)
        E = E.reindex(xs.index, fill_value=0.0)
    xv = xs.to_numpy(dtype=float) / float(xs.sum())
    denom = 1.0 - float(xv @ xv)
    if denom <= 1e-12:
        raise BookInputError("all aggregate activity is in one region (sum of x_m^2 = 1): the "
                             "co-agglomeration index is undefined.")
    Ev = E.to_numpy(dtype=float)
    Sd = Ev / Ev.sum(axis=0)                           # M x I industry shares
    if np.count_nonzero(Sd) < 0.05 * Sd.size:          # very sparse: scipy.sparse product
        S = sp.csc_matrix(Sd)
        StS = (S.T @ S).toarray()                      # the one product: I x I
    else:                                              # otherwise dense BLAS is faster
        StS = Sd.T @ Sd
    u = Sd.T @ xv                                      # S'x
    G = (StS - u[:, None] - u[None, :] + float(xv @ xv)) / denom
    out = pd.DataFrame(G, index=E.columns, columns=E.columns)
    out.index.name, out.columns.name = "industry_i", "industry_j"
    if not pairs:
        return out
    iu, ju = np.triu_indices(len(codes), k=1)
    long = pd.DataFrame({"industry_i": E.columns[iu], "industry_j": E.columns[ju],
                         "gamma_c": G[iu, ju]})
    return long.sort_values("gamma_c", ascending=False, kind="stable", ignore_index=True)


def herfindahl_from_counts(establishments, cv2=0.0) -> pd.Series:
    """Plant Herfindahl approximated from establishment counts, :math:`H\\approx(1+c^2)/N`.

    With :math:`N` plants whose sizes have coefficient of variation :math:`c`,
    :math:`H=\\sum_j z_j^2=(1+c^2)/N` exactly. Published tables (CBP) give :math:`N` but not
    the sizes, so ``cv2=0`` (equal plants, :math:`H=1/N`) is the *lower bound* of :math:`H`:
    it understates the plant Herfindahl and therefore overstates the EG :math:`\\gamma`
    (by about :math:`H-1/N`). ``cv2 > 0`` gives the value for an assumed size dispersion.

    Parameters
    ----------
    establishments : Series or array-like
        Number of establishments per industry (positive integers).
    cv2 : float
        Assumed squared coefficient of variation of plant size (>= 0).
    """
    idx = establishments.index if isinstance(establishments, pd.Series) else None
    n = as_1d_float(establishments, "establishments")
    if (n < 1).any():
        raise BookInputError(f"establishments must be >= 1, got {int((n < 1).sum())} value(s) "
                             "below 1; an industry without establishments has no Herfindahl.")
    if isinstance(cv2, bool) or not isinstance(cv2, (int, float)) or not np.isfinite(cv2) \
            or cv2 < 0:
        raise BookInputError(f"cv2 must be a non-negative number, got {cv2!r}.")
    H = np.minimum(1.0, (1.0 + float(cv2)) / n)
    return pd.Series(H, index=idx, name="H")


def ellison_glaeser_regions(data: pd.DataFrame, herfindahl: pd.Series, region: str = "region",
                            industry: str = "industry", value: str = "employment", *,
                            region_shares: pd.Series | None = None) -> pd.DataFrame:
    """EG (1997) and Maurel-Sedillot (1999) :math:`\\gamma` from a region x industry table.

    The same formulas as :func:`ellison_glaeser` (EG 1997, eq. 4 and sect. I; MS 1999), but
    with regional industry totals instead of a plant list, and the plant Herfindahl supplied
    per industry (e.g. from :func:`herfindahl_from_counts` when only establishment counts are
    published).

    Parameters
    ----------
    data : DataFrame
        Tidy region x industry table (``value`` >= 0; absent pairs are zero).
    herfindahl : Series
        Plant Herfindahl :math:`H_i` per industry, in (0, 1), indexed like ``data[industry]``.
    region_shares : Series, optional
        :math:`x_r`, regions' shares of aggregate activity (summing to one, covering every
        region of ``data``); default: shares of the total of ``data``.

    Returns
    -------
    DataFrame indexed by industry: H, G, gamma, G_ms, gamma_ms.
    """
    E = region_industry_matrix(data, region, industry, value, allow_empty_regions=True)
    if not isinstance(herfindahl, pd.Series):
        raise BookInputError("herfindahl must be a pandas Series indexed by industry.")
    missing = [i for i in E.columns if i not in herfindahl.index]
    if missing:
        raise BookInputError(f"herfindahl lacks industry(ies) {missing[:5]} of data; the "
                             "industry codes of the two must match.")
    H = herfindahl.reindex(E.columns).astype(float)
    if H.isna().any() or (H <= 0).any() or (H >= 1).any():
        raise BookInputError("herfindahl values must lie strictly between 0 and 1 (H = 1 is a "
                             "single plant, for which gamma is undefined).")
    if region_shares is None:
        x = E.sum(axis=1) / E.to_numpy().sum()
    else:
        x = pd.Series(region_shares, dtype=float)
        if x.index.has_duplicates or x.isna().any() or (x < 0).any():
            raise BookInputError("region_shares must be non-negative, without NaN or duplicated "
                                 "regions.")
        if abs(x.sum() - 1) > 1e-8:
            raise BookInputError(f"region_shares must sum to 1, they sum to {x.sum():.6g}.")
        unknown = sorted(set(E.index) - set(x.index), key=str)
        if unknown:
            raise BookInputError(f"data has region(s) {unknown[:5]} that region_shares does "
                                 "not list (ids must match, same dtype).")
        E = E.reindex(x.index, fill_value=0.0)
    xv = x.reindex(E.index).to_numpy(dtype=float)
    sum_x2 = float(xv @ xv)
    if sum_x2 >= 1 - 1e-12:
        raise BookInputError("all aggregate activity is in one region; gamma is undefined.")
    s = E.to_numpy(dtype=float) / E.to_numpy(dtype=float).sum(axis=0)
    h = H.to_numpy()
    G, gamma, G_ms, gamma_ms = _eg_components(s, xv[:, None], sum_x2, h, axis=0)
    out = pd.DataFrame({"H": h, "G": G, "gamma": gamma, "G_ms": G_ms, "gamma_ms": gamma_ms},
                       index=E.columns)
    out.index.name = industry
    return out


def dartboard_equal_plants(n_plants: int, region_shares, n_sim: int, rng) -> pd.DataFrame:
    """The EG dartboard for ``n_plants`` equal-sized plants: region counts are multinomial.

    Equivalent to :func:`dartboard` with equal sizes (:math:`H=1/N`) but drawn as
    :math:`\\mathrm{Multinomial}(N, x)` counts, so it costs :math:`O(n\\_sim\\cdot R)` whatever
    :math:`N` (CBP industries have thousands of establishments).

    Returns
    -------
    DataFrame with columns G, gamma, gamma_ms, one row per draw.
    """
    if isinstance(n_plants, bool) or not isinstance(n_plants, (int, np.integer)) or n_plants < 2:
        raise BookInputError(f"n_plants must be an int >= 2, got {n_plants!r}.")
    x = _dartboard_args(region_shares, n_sim, rng)
    x = x / x.sum()
    H = 1.0 / int(n_plants)
    sum_x2 = float(x @ x)
    s = rng.multinomial(int(n_plants), x, size=n_sim) / float(n_plants)
    return _dartboard_frame(s, x, sum_x2, H)
