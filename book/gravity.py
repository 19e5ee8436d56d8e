"""Knowledge flows between places: localisation against the flow matrix's margins, and gravity.

Two tools for a matrix of citation counts ``F[i, j]`` (citations made by patents located in
place *i* to patents located in place *j*; rows are *citing*, columns *cited*):

1. :func:`localisation` — the share of citations that stay within the same city (or country)
   against the share expected if each citation picked its cited place at random in proportion
   to where cited patents are, a margins version of the benchmark of
   Jaffe, Trajtenberg & Henderson (1993, QJE 108(3), Table III). With ``T = sum F``,
   ``o_i = sum_j F_ij`` (citing margin) and ``c_j = sum_i F_ij`` (cited margin):

   .. math::  S = \\frac{1}{T}\\sum_i F_{ii}, \\qquad
              E = \\sum_i \\frac{o_i}{T}\\,\\frac{c_i}{T}.

   *E* is the probability that a citation drawn at random (citing place ``i`` with probability
   ``o_i / T``) lands in its own place when its cited place is drawn independently from the
   cited margin (``c_i / T``): the expected value of *S* under independence of rows and columns
   with the margins held fixed, i.e. ``E[F_ii] = o_i c_i / T``. For countries the same with
   ``o_C = sum_{i in C} o_i`` and ``c_C``. As in JTH's matched controls, the benchmark holds the
   geography of cited patents fixed, so a city that is large in both margins is *expected* to
   cite itself often; *S / E* is the localisation ratio. Within technology fields the benchmark
   is computed per field and :func:`field_adjusted` pools ``sum_k (T_k / T) E_k``, which
   controls for the technology composition of places as JTH's matching on patent class does.
2. :func:`ppml` — a gravity model of the off-diagonal counts estimated by Poisson
   pseudo-maximum likelihood (Santos Silva & Tenreyro 2006, REStat 88(4)) with citing and
   cited fixed effects absorbed by :func:`pyfixest.fepois`:

   .. math::  E[F_{ij}] = \\exp(\\alpha_i + \\gamma_j + \\beta \\ln d_{ij}
              + \\delta\\,\\mathrm{SameCountry}_{ij}), \\quad i \\ne j,

   so ``beta`` is the distance elasticity of knowledge flows and ``exp(delta)`` the border
   effect (how many times more citations go to a place in the same country than to an
   equally distant foreign place), as in Maurseth & Verspagen (2002), Peri (2005) and
   Paci & Usai (2009). The diagonal (citations within the same city) is **excluded**: its
   distance is not defined by two points, and with a same-city dummy its coefficient would
   only absorb an arbitrary internal distance. :func:`ppml_glm` fits the same model with
   statsmodels' Poisson GLM and explicit dummies — the cross-check on small cases.

Great-circle distances come from :class:`pyproj.Geod` (WGS84 ellipsoid). The margins
benchmark, its citing-city cluster bootstrap and the pair-frame construction are written here
because no well-kept library computes them; estimation is left to pyfixest and statsmodels.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import as_1d_float

# ----------------------------------------------------------------------------- validation


def _check_flows(flows, *, by=None):
    from .datasets.eu_citations import check_flows

    return check_flows(flows, by=[] if by is None else [by])


def _country_map(country, places, what="country") -> pd.Series:
    if isinstance(country, dict):
        country = pd.Series(country)
    if not isinstance(country, pd.Series):
        raise BookInputError(f"{what} must be a pandas Series (or dict) mapping each city id to "
                             f"its country, got {type(country).__name__}.")
    if country.index.duplicated().any():
        dup = country.index[country.index.duplicated()].tolist()[:5]
        raise BookInputError(f"{what} lists city id(s) {dup} more than once.")
    missing = sorted(set(places) - set(country.index))
    if missing:
        raise BookInputError(f"{len(missing)} city id(s) of the flows have no {what}, e.g. "
                             f"{missing[:6]}; drop those flows explicitly or complete the map.")
    if country.reindex(list(places)).isna().any():
        raise BookInputError(f"{what} is missing (NaN) for some cities of the flows.")
    return country


# ----------------------------------------------------------------------------- localisation


def _matrix(flows: pd.DataFrame):
    places = pd.Index(sorted(set(flows["citing"]) | set(flows["cited"])))
    i = places.get_indexer(flows["citing"])
    j = places.get_indexer(flows["cited"])
    F = np.zeros((len(places), len(places)))
    np.add.at(F, (i, j), flows["count"].to_numpy(dtype=float))
    return places, F


def _shares(F: np.ndarray, w: np.ndarray, same_c: np.ndarray | None, codes: np.ndarray | None):
    """Observed and expected same-city (and same-country) shares with citing weights ``w``."""
    out_ = F.sum(axis=1)
    T = float(w @ out_)
    inn = w @ F  # cited margin of the (re)weighted citing cities
    s_city = float(w @ np.diag(F)) / T
    e_city = float(w @ (out_ * inn)) / T**2
    res = [s_city, e_city]
    if same_c is not None:
        k = codes.max() + 1
        in_c = np.bincount(codes, weights=inn, minlength=k)
        s_ctry = float(w @ same_c) / T
        e_ctry = float(w @ (out_ * in_c[codes])) / T**2
        res += [s_ctry, e_ctry]
    return res, T


def localisation(flows: pd.DataFrame, country=None, *, by: str | None = None, reps: int = 0,
                 offset: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Same-city and same-country citation shares against the margins benchmark.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``citing``, ``cited``, ``count`` (non-negative whole numbers; one row per pair,
        per ``by`` group).
    country : pandas.Series or dict, optional
        City id -> country. If given, same-country shares are added.
    by : str, optional
        Column to compute the shares within (e.g. ``"field"``); one output row per value.
    reps : int, default 0
        Citing-city cluster-bootstrap replications (0: none). Citing cities are resampled with
        replacement (their whole rows of the flow matrix), the cited margin is recomputed from
        the resample, and percentile intervals are reported for the observed share, the expected
        share and their ratio. Random numbers come from ``book.rng(offset)``.
    level : float, default 0.95
        Coverage of the bootstrap intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``citations``, ``cities``, ``same_city``, ``same_city_expected``,
        ``same_city_ratio`` (and ``same_country``, ``same_country_expected``,
        ``same_country_ratio``), plus ``*_lo``/``*_hi`` bootstrap bounds when ``reps > 0``.

    Notes
    -----
    ``same_city_expected`` is :math:`E=\\sum_i (o_i/T)(c_i/T)` (module docstring). Treating
    citations as independent draws would give binomial standard errors of order
    ``sqrt(S(1-S)/T)``, far too small because citations cluster by citing city; the cluster
    bootstrap is the honest interval for this cross-section.
    """
    from . import rng

    _check_flows(flows, by=by)
    if not isinstance(reps, (int, np.integer)) or isinstance(reps, bool) or reps < 0:
        raise BookInputError(f"reps must be a non-negative whole number, got {reps!r}.")
    if 0 < reps < 50:
        raise BookInputError(f"reps={reps} is too few for percentile intervals; use at least 50 "
                             "(or 0 for none).")
    if not (isinstance(level, float) and 0.5 <= level < 1):
        raise BookInputError(f"level must be a float in [0.5, 1), got {level!r}.")
    groups = [(None, flows)] if by is None else list(flows.groupby(by, sort=True))
    places_all = set(flows["citing"]) | set(flows["cited"])
    cmap = None if country is None else _country_map(country, places_all)
    gen = rng(offset) if reps else None
    rows = []
    for key, g in groups:
        g = g[g["count"] > 0]
        if g.empty or g["count"].sum() == 0:
            raise BookInputError(f"group {key!r} has no citations; drop it before calling.")
        places, F = _matrix(g)
        same_c = codes = None
        if cmap is not None:
            codes = pd.factorize(cmap.reindex(places).to_numpy())[0]
            same_c = (F * (codes[:, None] == codes[None, :])).sum(axis=1)
        w = np.ones(len(places))
        w[F.sum(axis=1) == 0] = 0.0  # cities that are only cited do not cite
        vals, T = _shares(F, w, same_c, codes)
        names = ["same_city", "same_city_expected"]
        if cmap is not None:
            names += ["same_country", "same_country_expected"]
        row = {"citations": int(round(T)), "cities": len(places), **dict(zip(names, vals, strict=True))}
        row["same_city_ratio"] = row["same_city"] / row["same_city_expected"]
        if cmap is not None:
            row["same_country_ratio"] = row["same_country"] / row["same_country_expected"]
        if reps:
            citing = np.flatnonzero(w > 0)
            draws = []
            for _ in range(reps):
                pick = gen.choice(citing, size=len(citing), replace=True)
                wb = np.bincount(pick, minlength=len(places)).astype(float)
                v, _ = _shares(F, wb, same_c, codes)
                draws.append(v)
            draws = np.asarray(draws)
            a = (1 - level) / 2
            pairs = [("same_city", 0, 1)] + ([("same_country", 2, 3)] if cmap is not None else [])
            for nm, o, e in pairs:
                for col, series in ((nm, draws[:, o]), (f"{nm}_expected", draws[:, e]),
                                    (f"{nm}_ratio", draws[:, o] / draws[:, e])):
                    row[f"{col}_lo"], row[f"{col}_hi"] = np.quantile(series, [a, 1 - a])
        if by is not None:
            row = {by: key, **row}
        rows.append(row)
    return pd.DataFrame(rows)


def field_adjusted(by_field: pd.DataFrame) -> pd.Series:
    """Pool per-field shares with citation weights: ``sum_k (T_k/T) S_k`` and ``... E_k``.

    Parameters
    ----------
    by_field : pandas.DataFrame
        Output of :func:`localisation` with ``by=...`` (needs ``citations`` and the share columns).

    Returns
    -------
    pandas.Series
        Weighted observed and expected shares and their ratio (same-city, and same-country when
        present). The pooled expected share holds each field's own geography fixed, the margins
        analogue of JTH's matching of controls on technology class.
    """
    if not isinstance(by_field, pd.DataFrame) or "citations" not in by_field:
        raise BookInputError("by_field must be the DataFrame returned by localisation(..., by=...)"
                             " (it needs a 'citations' column).")
    w = as_1d_float(by_field["citations"], "by_field.citations")
    if (w < 0).any() or w.sum() <= 0:
        raise BookInputError("by_field.citations must be non-negative with a positive total.")
    w = w / w.sum()
    out = {"citations": float(by_field["citations"].sum())}
    for nm in ("same_city", "same_country"):
        if nm in by_field:
            out[nm] = float(w @ by_field[nm].to_numpy(float))
            out[f"{nm}_expected"] = float(w @ by_field[f"{nm}_expected"].to_numpy(float))
            out[f"{nm}_ratio"] = out[nm] / out[f"{nm}_expected"]
    if len(out) == 1:
        raise BookInputError("by_field has no same_city/same_country columns.")
    return pd.Series(out)


# ----------------------------------------------------------------------------- gravity


def great_circle_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in km on the WGS84 ellipsoid (:meth:`pyproj.Geod.inv`).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : array-like
        Degrees (longitude east, latitude north), equal lengths.
    """
    from pyproj import Geod

    arrs = [as_1d_float(np.atleast_1d(v), nm) for v, nm in
            ((lon1, "lon1"), (lat1, "lat1"), (lon2, "lon2"), (lat2, "lat2"))]
    if len({a.size for a in arrs}) != 1:
        raise BookInputError(f"coordinates must have equal lengths, got {[a.size for a in arrs]}.")
    for a, nm, lim in zip(arrs, ("lon1", "lat1", "lon2", "lat2"), (180, 90, 180, 90), strict=True):
        if (np.abs(a) > lim).any():
            raise BookInputError(f"{nm} has values outside [-{lim}, {lim}] degrees; pass "
                                 "longitude/latitude in degrees (not projected metres).")
    _, _, m = Geod(ellps="WGS84").inv(arrs[0], arrs[1], arrs[2], arrs[3])
    return np.asarray(m) / 1000.0


def pair_frame(flows: pd.DataFrame, nodes: pd.DataFrame, *, bands=None,
               diagonal: bool = False) -> pd.DataFrame:
    """All ordered pairs ``i != j`` of citing and cited cities, with zeros, for a gravity model.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``citing``, ``cited``, ``count`` (one field; every id must be in ``nodes``).
    nodes : pandas.DataFrame
        ``city``, ``lon``, ``lat`` and (for the border dummy) ``country``.
    bands : sequence of float, optional
        Distance-band edges in km (increasing, first > 0); adds dummies ``band_<k>`` for
        ``edges[k-1] < d <= edges[k]`` and ``band_<m>`` for ``d > edges[-1]`` (``m`` edges);
        the first band, ``d <= edges[0]``, is the reference.
    diagonal : bool, default False
        Also include the pairs ``(i, i)`` (same-city citations) for cities that both cite and
        are cited, with ``same_city = 1`` (0 elsewhere), ``dist_km = 0`` and ``log_dist = NaN``
        (a model with the diagonal cannot use ``log_dist``; :func:`ppml` refuses it).

    Returns
    -------
    pandas.DataFrame
        ``citing, cited, count, dist_km, log_dist, same_country`` (+ band dummies). Rows: every
        city with a positive off-diagonal citing total times every city with a positive
        off-diagonal cited total, minus the diagonal; the diagonal (same-city citations) is
        excluded unless ``diagonal=True`` (see the module docstring).
    """
    from .datasets.eu_citations import check_flows

    check_flows(flows, nodes=nodes)
    off = flows[(flows["citing"] != flows["cited"]) & (flows["count"] > 0)]
    if off.empty:
        raise BookInputError("flows has no citations between different cities.")
    citing = np.sort(off["citing"].unique())
    cited = np.sort(off["cited"].unique())
    pairs = pd.MultiIndex.from_product([citing, cited], names=["citing", "cited"]).to_frame(
        index=False)
    pairs = pairs[pairs["citing"] != pairs["cited"]]
    pairs = pairs.merge(off[["citing", "cited", "count"]], on=["citing", "cited"], how="left")
    pairs["count"] = pairs["count"].fillna(0).astype("int64")
    nd = nodes.set_index("city")
    a, b = nd.loc[pairs["citing"]], nd.loc[pairs["cited"]]
    pairs["dist_km"] = great_circle_km(a["lon"].to_numpy(), a["lat"].to_numpy(),
                                       b["lon"].to_numpy(), b["lat"].to_numpy())
    if (pairs["dist_km"] <= 0).any():
        ex = pairs.loc[pairs["dist_km"] <= 0, ["citing", "cited"]].head(3).to_dict("records")
        raise BookInputError(f"distinct cities at zero distance, e.g. {ex}; two ids share one "
                             "point — merge them or fix the coordinates.")
    pairs["log_dist"] = np.log(pairs["dist_km"])
    if "country" in nd.columns:
        if nd["country"].isna().any():
            raise BookInputError("nodes.country has missing values; every city needs a country "
                                 "for the border dummy.")
        pairs["same_country"] = (a["country"].to_numpy() == b["country"].to_numpy()).astype(float)
    if bands is not None:
        edges = as_1d_float(bands, "bands")
        if edges[0] <= 0 or (np.diff(edges) <= 0).any():
            raise BookInputError(f"bands must be increasing positive km edges, got {list(edges)}.")
        k = np.searchsorted(edges, pairs["dist_km"].to_numpy(), side="left")
        for b_ in range(1, len(edges) + 1):
            pairs[f"band_{b_}"] = (k == b_).astype(float)
    if not isinstance(diagonal, (bool, np.bool_)):
        raise BookInputError(f"diagonal must be True or False, got {diagonal!r}.")
    if diagonal:
        pairs["same_city"] = 0.0
        both = np.intersect1d(citing, cited)
        own = flows[flows["citing"] == flows["cited"]].set_index("citing")["count"]
        d = pd.DataFrame({"citing": both, "cited": both,
                          "count": own.reindex(both).fillna(0).astype("int64").to_numpy(),
                          "dist_km": 0.0, "log_dist": np.nan, "same_city": 1.0})
        if "same_country" in pairs:
            d["same_country"] = 1.0
        for col in pairs.columns:
            if col.startswith("band_"):
                d[col] = 0.0
        pairs = pd.concat([pairs, d[pairs.columns]], ignore_index=True)
    return pairs.reset_index(drop=True)


@dataclass
class GravityResult:
    """A PPML gravity fit: coefficients, standard errors and bookkeeping."""

    params: pd.Series
    se: pd.Series
    nobs: int
    n_dropped: int
    seconds: float
    vcov: str
    model: object = field(default=None, repr=False)
    #: covariance matrix of ``params`` (same order), for delta-method functions of several
    cov: pd.DataFrame | None = field(default=None, repr=False)

    def border_effect(self, name: str = "same_country") -> tuple[float, float]:
        """``exp(delta)`` and its delta-method standard error ``exp(delta) * se(delta)``."""
        b = float(np.exp(self.params[name]))
        return b, b * float(self.se[name])


def _check_frame(frame, y, regressors, fe):
    if not isinstance(frame, pd.DataFrame):
        raise BookInputError(f"frame must be a DataFrame (see pair_frame), got "
                             f"{type(frame).__name__}.")
    if isinstance(regressors, str):
        regressors = [regressors]
    regressors = list(regressors)
    if not regressors:
        raise BookInputError("pass at least one regressor.")
    missing = [c for c in [y, *regressors, *fe] if c not in frame.columns]
    if missing:
        raise BookInputError(f"frame lacks column(s) {missing}.")
    yv = pd.to_numeric(frame[y], errors="coerce")
    if yv.isna().any() or (yv < 0).any():
        raise BookInputError(f"{y} must be non-negative counts without missing values.")
    if yv.sum() == 0:
        raise BookInputError(f"{y} is zero everywhere; nothing to estimate.")
    for r in regressors:
        v = pd.to_numeric(frame[r], errors="coerce")
        if v.isna().any() or not np.isfinite(v).all():
            raise BookInputError(f"regressor {r} has missing or infinite values.")
        if v.nunique() < 2:
            raise BookInputError(f"regressor {r} is constant ({v.iloc[0]!r}); it cannot be "
                                 "estimated next to the fixed effects — drop it.")
    return regressors


def ppml(frame: pd.DataFrame, regressors=("log_dist", "same_country"), *, y: str = "count",
         fe=("citing", "cited"), vcov: str = "twoway") -> GravityResult:
    """Poisson pseudo-maximum likelihood with absorbed fixed effects (:func:`pyfixest.fepois`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Pair data, e.g. from :func:`pair_frame`.
    regressors : sequence of str
        Right-hand-side columns.
    y : str
        Count column.
    fe : sequence of str
        Fixed effects to absorb (default citing and cited city).
    vcov : {"twoway", "hetero", "citing"}
        ``"twoway"``: clustered by citing and by cited city (Cameron, Gelbach & Miller 2011),
        the default because flows of one city are correlated; ``"hetero"``: Eicker-Huber-White;
        ``"citing"``: clustered by citing city.

    Returns
    -------
    GravityResult
        ``params``/``se`` (Series), ``nobs`` used, ``n_dropped`` (pairs whose fixed effect has
        only zero flows, removed because they carry no information), ``seconds`` (wall time of
        the fit).
    """
    import pyfixest as pf

    fe = [fe] if isinstance(fe, str) else list(fe)
    regressors = _check_frame(frame, y, regressors, fe)
    vmap = {"twoway": {"CRV1": "+".join(fe[:2])} if len(fe) >= 2 else None,
            "hetero": "hetero", "citing": {"CRV1": fe[0]} if fe else None}
    if vcov not in vmap or vmap[vcov] is None:
        raise BookInputError(f"vcov must be one of {sorted(vmap)} (twoway/citing need fixed "
                             f"effects), got {vcov!r}.")
    fml = f"{y} ~ {' + '.join(regressors)}" + (f" | {' + '.join(fe)}" if fe else "")
    data = frame[[y, *regressors, *fe]].copy()
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # pyfixest's own pandas deprecation notices
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        try:
            fit = pf.fepois(fml, data=data, vcov=vmap[vcov])
        except ValueError as exc:
            raise BookInputError(f"pyfixest could not fit {fml!r}: {str(exc).strip()} Check that "
                                 "the regressors vary within the fixed effects and that there "
                                 "are more pairs than parameters.") from None
    secs = time.perf_counter() - t0
    params = fit.coef()
    se = fit.se()
    nobs = int(fit._N)
    cov = pd.DataFrame(np.asarray(fit._vcov), index=params.index, columns=params.index)
    return GravityResult(params=params[regressors], se=se[regressors], nobs=nobs,
                         n_dropped=len(frame) - nobs, seconds=secs, vcov=vcov, model=fit,
                         cov=cov.loc[regressors, regressors])


def ppml_glm(frame: pd.DataFrame, regressors=("log_dist", "same_country"), *, y: str = "count",
             fe=("citing", "cited")) -> GravityResult:
    """The same PPML point estimates with statsmodels' Poisson GLM and explicit dummies.

    For cross-checking :func:`ppml` on small cases (the dummy matrix grows with the number of
    places). Fixed-effect groups whose counts are all zero are dropped first, as pyfixest does.
    Standard errors are Eicker-Huber-White (``HC0``).
    """
    import statsmodels.api as sm

    fe = [fe] if isinstance(fe, str) else list(fe)
    regressors = _check_frame(frame, y, regressors, fe)
    d = frame[[y, *regressors, *fe]].copy()
    while True:  # drop groups with only zeros (their FE would go to -inf)
        keep = np.ones(len(d), bool)
        for f_ in fe:
            keep &= d.groupby(f_)[y].transform("sum").to_numpy() > 0
        if keep.all():
            break
        d = d[keep]
    X = d[regressors].astype(float)
    for f_ in fe:
        X = X.join(pd.get_dummies(d[f_].astype(str), prefix=f_, drop_first=(f_ != fe[0]),
                                  dtype=float))
    t0 = time.perf_counter()
    fit = sm.GLM(d[y].astype(float), X, family=sm.families.Poisson()).fit(cov_type="HC0",
                                                                          tol=1e-12)
    secs = time.perf_counter() - t0
    return GravityResult(params=fit.params[regressors], se=fit.bse[regressors], nobs=len(d),
                         n_dropped=len(frame) - len(d), seconds=secs, vcov="HC0", model=fit,
                         cov=fit.cov_params().loc[regressors, regressors])


def decay_curve(result: GravityResult, km, *, ref_km: float = 50.0,
                name: str = "log_dist") -> np.ndarray:
    """Citations at distance ``km`` relative to ``ref_km`` implied by the elasticity: ``(km/ref)^beta``."""
    d = as_1d_float(np.atleast_1d(km), "km")
    if (d <= 0).any() or not ref_km > 0:
        raise BookInputError("distances must be positive km.")
    if name not in result.params:
        raise BookInputError(f"the fit has no coefficient {name!r}.")
    return (d / ref_km) ** float(result.params[name])
