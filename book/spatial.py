"""Spatial weights, spatial autocorrelation, spatial regressions and their effects.

This module is the book's thin, validated layer over the PySAL stack:

* weights from geometry (:func:`weights_for`) with ids taken from a named column, never from
  row order, and islands reported (libpysal);
* explicit alignment of a data table to the weights (:func:`align`), which refuses missing,
  extra or duplicated ids;
* global Moran's I for every period of a panel (:func:`moran_by_period`, esda) and local
  Moran / LISA clusters (:func:`lisa`, esda; Anselin 1995);
* cross-section regressions with spatial diagnostics and the ML spatial error / spatial lag
  models (:func:`spatial_models`, spreg; Anselin 1988) returned as tidy tables;
* LeSage & Pace (2009, ch. 2.7 and 4.2) direct / indirect / total effects of spatial lag and
  spatial Durbin models (:func:`lag_effects`), with simulation inference
  (:func:`effects_inference`). These are written here because spreg 1.9 offers impacts only
  for its cross-section models and only in printed output; the formulas are the textbook ones
  and the traces of powers of W are estimated as in LeSage & Pace (2009, sec. 4.2.2) so that a
  large N never needs a dense N x N inverse.

Every public function validates its inputs and raises :class:`book.errors.BookInputError`
with a message that says what is wrong and how to fix it.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from . import SEED
from .errors import BookInputError
from .validate import as_1d_float, require_columns, require_in_range

WEIGHT_KINDS = ("queen", "rook", "knn", "distance_band", "inverse_distance")
#: LISA quadrant codes of esda (1 HH, 2 LH, 3 LL, 4 HL) mapped to labels
LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


# ----------------------------------------------------------------------------- weights
def _check_w(w, name: str = "w"):
    from libpysal.weights import W

    if not isinstance(w, W):
        raise BookInputError(f"{name} must be a libpysal.weights.W (build it with "
                             f"book.spatial.weights_for), got {type(w).__name__}.")
    return w


def _no_islands(w, what: str) -> None:
    """Refuse weights with islands: a zero row makes Moran's I / spatial lags meaningless there."""
    isl = list(w.islands)
    if isl:
        raise BookInputError(
            f"{what}: the weights have {len(isl)} island(s) (regions without a neighbour) "
            f"{isl[:5]}; their spatial lag is 0 by construction. Drop them, or build weights "
            "that connect them (e.g. kind='knn' or a wider distance band).")


def islands(w) -> list:
    """Ids of regions with no neighbour in ``w`` (an island has an all-zero row)."""
    _check_w(w)
    return list(w.islands)


def weights_for(gdf, id_col: str, kind: str = "queen", *, k: int = 4,
                threshold: float | None = None, alpha: float = -1.0, crs=None,
                standardise: bool = True, on_islands: str = "raise"):
    """Spatial weights built from polygons, keyed by the ids in ``gdf[id_col]``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        One row per region; ``id_col`` holds unique ids (the weights' keys).
    id_col : str
        Column with the region ids. Ids, not row positions, identify regions everywhere else.
    kind : {"queen", "rook", "knn", "distance_band", "inverse_distance"}
        Contiguity (shared vertex / shared edge), k nearest centroids, a binary distance band
        (``threshold``) or inverse-distance weights :math:`d_{ij}^{\\alpha}` within
        ``threshold`` (all pairs when ``threshold`` is None).
    k : int
        Neighbours for ``knn``.
    threshold : float
        Distance band in the units of the projected CRS (metres for the default), required
        for ``distance_band``.
    alpha : float
        Distance-decay exponent for ``inverse_distance`` (negative, default -1).
    crs : optional
        Projected CRS for distances; default: the GeoDataFrame's own CRS when it is projected,
        otherwise its estimated UTM zone (geopandas ``estimate_utm_crs``).
    standardise : bool
        Row-standardise (each row sums to 1; Anselin 1988, p. 23). The unstandardised
        contiguity matrix is symmetric.
    on_islands : {"raise", "warn", "ignore"}
        What to do when a region has no neighbour. Islands make a row-standardised W
        ill-defined for that row, so the default refuses them.

    Returns
    -------
    libpysal.weights.W
        ``w.id_order`` are the ids from ``id_col``; ``w.transform`` is ``"R"`` or ``"O"``.
    """
    import geopandas as gpd
    from libpysal import weights as lw

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BookInputError(f"gdf must be a GeoDataFrame with polygons, got {type(gdf).__name__}.")
    require_columns(gdf, [id_col], "gdf")
    ids = gdf[id_col]
    if ids.isna().any():
        raise BookInputError(f"{id_col!r} has {int(ids.isna().sum())} missing id(s); every "
                             "region needs an id.")
    dup = ids[ids.duplicated()].unique().tolist()
    if dup:
        raise BookInputError(f"{id_col!r} has duplicated id(s) {dup[:5]}; dissolve or rename "
                             "them so that each region appears once.")
    if kind not in WEIGHT_KINDS:
        raise BookInputError(f"kind must be one of {WEIGHT_KINDS}, got {kind!r}.")
    if on_islands not in ("raise", "warn", "ignore"):
        raise BookInputError(f"on_islands must be 'raise', 'warn' or 'ignore', got {on_islands!r}.")
    g = gdf.set_index(id_col, drop=False)
    g.index.name = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands; we report them below
        if kind in ("queen", "rook"):
            cls = lw.Queen if kind == "queen" else lw.Rook
            w = cls.from_dataframe(g, use_index=True)
        else:
            if crs is None:
                crs = g.crs if (g.crs is not None and g.crs.is_projected) else g.estimate_utm_crs()
            pts = g.to_crs(crs).centroid
            pg = gpd.GeoDataFrame(geometry=pts, index=g.index)
            if kind == "knn":
                if not isinstance(k, (int, np.integer)) or k < 1 or k >= len(g):
                    raise BookInputError(f"k must be an integer in [1, {len(g) - 1}], got {k!r}.")
                w = lw.KNN.from_dataframe(pg, k=int(k), use_index=True)
            elif kind == "distance_band":
                if threshold is None:
                    raise BookInputError("distance_band weights need threshold= (a distance in "
                                         "the CRS units, metres by default).")
                require_in_range(threshold, "threshold", 0, lo_open=True)
                w = lw.DistanceBand.from_dataframe(pg, threshold=float(threshold), binary=True,
                                                   use_index=True, silence_warnings=True)
            else:
                require_in_range(alpha, "alpha", hi=0, hi_open=True)
                thr = threshold
                if thr is None:
                    xy = np.column_stack([pts.x, pts.y])
                    span = np.ptp(xy, axis=0)
                    thr = float(np.hypot(*span)) * 1.01
                w = lw.DistanceBand.from_dataframe(pg, threshold=float(thr), binary=False,
                                                   alpha=float(alpha), use_index=True,
                                                   silence_warnings=True)
    isl = list(w.islands)
    if isl:
        msg = (f"{len(isl)} region(s) have no neighbour under {kind!r} weights: {isl[:10]}. "
               "Use kind='knn' (every region gets k neighbours), widen the distance band, or "
               "drop the island(s) explicitly before building weights.")
        if on_islands == "raise":
            raise BookInputError(msg)
        if on_islands == "warn":
            warnings.warn(msg, stacklevel=2)
    w.transform = "R" if standardise else "O"
    return w


def as_sparse(w) -> sp.csr_matrix:
    """The weights as a SciPy CSR matrix in ``w.id_order`` (current transform)."""
    _check_w(w)
    return w.sparse.tocsr()


def is_symmetric(w, tol: float = 1e-12) -> bool:
    """True when the weights matrix (current transform) equals its transpose."""
    tol = require_in_range(tol, "tol", 0)
    m = as_sparse(w)
    return bool(abs(m - m.T).max() <= tol) if m.nnz else True


def align(data: pd.DataFrame, w, id_col: str) -> pd.DataFrame:
    """Reorder ``data`` to the order of ``w.id_order`` by joining on ``id_col``.

    Raises when ids are duplicated in ``data``, or present in one of ``data`` / ``w`` and
    not the other, so that a row can never be attached to the wrong region.
    """
    _check_w(w)
    require_columns(data, [id_col], "data")
    ids = data[id_col]
    dup = ids[ids.duplicated()].unique().tolist()
    if dup:
        raise BookInputError(f"data has duplicated id(s) in {id_col!r}: {dup[:5]}; keep one row "
                             "per region (for a panel select one period first).")
    a, b = set(ids), set(w.id_order)
    if a != b:
        only_d = sorted(map(str, a - b))[:5]
        only_w = sorted(map(str, b - a))[:5]
        raise BookInputError(
            f"ids differ between data and weights: only in data {only_d}, only in weights "
            f"{only_w}. Build the weights from the same regions (or subset the data) and make "
            "sure both use the same id spelling.")
    return data.set_index(id_col, drop=False).loc[list(w.id_order)].reset_index(drop=True)


def spatial_lag(w, values) -> np.ndarray:
    """:math:`Wx` for a vector already ordered like ``w.id_order``."""
    x = as_1d_float(values, "values")
    _no_islands(_check_w(w), "spatial_lag")
    if x.size != w.n:
        raise BookInputError(f"values has {x.size} entries, weights have {w.n} regions; "
                             "align the data first (book.spatial.align).")
    return as_sparse(w) @ x


# ----------------------------------------------------------------------------- autocorrelation
def moran_by_period(df: pd.DataFrame, w, *, id_col: str, time: str, value: str,
                    relative: bool = True, permutations: int = 999) -> pd.DataFrame:
    """Global Moran's I of ``value`` for every period of a long panel (Rey & Montouri 1999).

    Parameters
    ----------
    df : DataFrame
        Long panel: one row per (region, period).
    w : libpysal W
        Weights whose ids are the values of ``id_col``.
    relative : bool
        Divide by the cross-section mean of each period first (relative income, as in
        Rey & Montouri 1999, p. 147). Moran's I is scale invariant, so this changes nothing
        numerically but keeps the quantity the paper maps.
    permutations : int
        Conditional permutations for the pseudo p-value (esda; seeded with ``book.SEED``).

    Returns
    -------
    DataFrame indexed by period: I, EI, z_norm, p_norm, p_sim.
    """
    import esda

    require_columns(df, [id_col, time, value], "df")
    if not isinstance(permutations, (int, np.integer)) or permutations < 99:
        raise BookInputError(f"permutations must be an int >= 99, got {permutations!r}.")
    _no_islands(_check_w(w), "moran_by_period")
    rows = []
    np.random.seed(SEED)
    for t, part in df.groupby(time, sort=True):
        part = align(part, w, id_col)
        y = as_1d_float(part[value], f"{value} in period {t}")
        if relative:
            y = y / y.mean()
        m = esda.Moran(y, w, permutations=int(permutations))
        rows.append({time: t, "I": float(m.I), "EI": float(m.EI), "z_norm": float(m.z_norm),
                     "p_norm": float(m.p_norm), "p_sim": float(m.p_sim)})
    return pd.DataFrame(rows).set_index(time)


def lisa(df: pd.DataFrame, w, *, id_col: str, value: str, permutations: int = 999,
         alpha: float = 0.05) -> pd.DataFrame:
    """Local Moran's I and LISA cluster labels (Anselin 1995) for one cross-section.

    Returns one row per region (in ``w.id_order``) with ``Ii``, ``p_sim`` and ``cluster``
    in {"HH", "LH", "LL", "HL", "ns"}; "ns" when the pseudo p-value exceeds ``alpha``.
    Permutations are seeded with ``book.SEED``.
    """
    import esda

    require_in_range(alpha, "alpha", 0, 1, lo_open=True, hi_open=True)
    if not isinstance(permutations, (int, np.integer)) or permutations < 1:
        raise BookInputError(f"permutations must be a positive int (e.g. 999), got {permutations!r}.")
    require_columns(df, [id_col, value], "df")
    _no_islands(_check_w(w), "lisa")
    part = align(df, w, id_col)
    y = as_1d_float(part[value], value)
    m = esda.Moran_Local(y, w, permutations=int(permutations), seed=SEED)
    lab = pd.Series(m.q).map(LISA_LABELS).to_numpy()
    cluster = np.where(m.p_sim <= alpha, lab, "ns")
    return pd.DataFrame({id_col: part[id_col].to_numpy(), "Ii": m.Is, "p_sim": m.p_sim,
                         "quadrant": lab, "cluster": cluster})


def lisa_map(gdf, clusters: pd.DataFrame, *, id_col: str, ax=None, title: str | None = None):
    """Draw LISA clusters on ``gdf`` (joined on ``id_col``) with the book's LISA colours."""
    import geopandas as gpd

    from .plotting import LISA_COLOURS, choropleth

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BookInputError(f"lisa_map needs a GeoDataFrame, got {type(gdf).__name__}.")
    require_columns(clusters, [id_col, "cluster"], "clusters")
    dup = clusters[id_col][clusters[id_col].duplicated()].unique().tolist()
    if dup:
        raise BookInputError(f"clusters has duplicated region id(s) {dup[:5]}; pass one LISA row "
                             "per region (the output of lisa()).")
    g = gdf.merge(clusters[[id_col, "cluster"]], on=id_col, how="left", validate="one_to_one")
    if g["cluster"].isna().any():
        miss = g.loc[g["cluster"].isna(), id_col].tolist()[:5]
        raise BookInputError(f"no LISA result for region(s) {miss}; compute lisa() on the same "
                             "regions as the map.")
    return choropleth(g, "cluster", ax=ax, categorical=True, colours=LISA_COLOURS, title=title)


# ----------------------------------------------------------------------------- regressions
def _tidy(model, label: str) -> pd.DataFrame:
    names = list(model.name_x)
    betas = np.asarray(model.betas).ravel()
    se = np.asarray(model.std_err).ravel()
    if hasattr(model, "z_stat"):
        stat = np.array([s for s, _ in model.z_stat])
        p = np.array([q for _, q in model.z_stat])
    else:
        stat = np.array([s for s, _ in model.t_stat])
        p = np.array([q for _, q in model.t_stat])
    if len(names) < len(betas):  # spreg ML_Error puts lambda last without a name in some versions
        names = names + ["lambda"] * (len(betas) - len(names))
    return pd.DataFrame({"model": label, "term": names[:len(betas)], "coef": betas, "se": se,
                         "stat": stat, "p": p})


@dataclass
class SpatialFit:
    """Cross-section OLS / spatial error / spatial lag fits of one equation.

    Attributes
    ----------
    coefficients : DataFrame
        Tidy table (model, term, coef, se, stat, p) for all three models.
    diagnostics : DataFrame
        LM tests on the OLS residuals (Anselin 1988; robust forms of Anselin et al. 1996)
        and Moran's I of the residuals.
    fit : DataFrame
        Log-likelihood, AIC, Schwarz criterion per model.
    models : dict
        The spreg objects ("ols", "error", "lag").
    """

    coefficients: pd.DataFrame
    diagnostics: pd.DataFrame
    fit: pd.DataFrame
    models: dict

    def wide(self, stat: str = "coef") -> pd.DataFrame:
        """Coefficients side by side: terms x models."""
        return self.coefficients.pivot(index="term", columns="model", values=stat)


def spatial_models(data: pd.DataFrame, w, *, id_col: str, y: str, x: list[str]) -> SpatialFit:
    """OLS with spatial diagnostics, then ML spatial error and ML spatial lag (spreg).

    The regressions of Rey & Montouri (1999, Table 3): :math:`y=X\\beta+\\varepsilon`
    (OLS), :math:`y=X\\beta+u,\\ u=\\lambda Wu+\\varepsilon` (spatial error) and
    :math:`y=\\rho Wy+X\\beta+\\varepsilon` (spatial lag), all by maximum likelihood
    except OLS (Anselin 1988, ch. 6 and 12).

    Parameters
    ----------
    data : DataFrame
        One row per region, joined to ``w`` on ``id_col`` (:func:`align`).
    y, x : str, list of str
        Dependent variable and regressors (a constant is added).
    """
    import spreg

    if isinstance(x, str):
        x = [x]
    require_columns(data, [id_col, y, *x], "data")
    d = align(data, w, id_col)
    yy = as_1d_float(d[y], y).reshape(-1, 1)
    xx = np.column_stack([as_1d_float(d[c], c) for c in x])
    if w.transform.upper() != "R":
        raise BookInputError("spatial_models expects row-standardised weights (w.transform='R').")
    _no_islands(w, "spatial_models")
    X1 = np.column_stack([np.ones(len(xx)), xx])
    if np.linalg.matrix_rank(X1) < X1.shape[1]:
        raise BookInputError(f"regressors {list(x)} (with the constant) are perfectly collinear; "
                             "drop a redundant or constant column.")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # spreg prints the model names; keep pages clean
        ols = spreg.OLS(yy, xx, w=w, spat_diag=True, moran=True, name_y=y, name_x=list(x))
        err = spreg.ML_Error(yy, xx, w, name_y=y, name_x=list(x))
        lag = spreg.ML_Lag(yy, xx, w, name_y=y, name_x=list(x))
    coef = pd.concat([_tidy(ols, "OLS"), _tidy(err, "spatial error"),
                      _tidy(lag, "spatial lag")], ignore_index=True)
    coef["term"] = coef["term"].replace({f"W_{y}": "rho", "lambda": "lambda"})
    diag = pd.DataFrame([
        {"test": "Moran's I (residuals)", "value": ols.moran_res[0], "p": ols.moran_res[2]},
        {"test": "LM error", "value": ols.lm_error[0], "p": ols.lm_error[1]},
        {"test": "robust LM error", "value": ols.rlm_error[0], "p": ols.rlm_error[1]},
        {"test": "LM lag", "value": ols.lm_lag[0], "p": ols.lm_lag[1]},
        {"test": "robust LM lag", "value": ols.rlm_lag[0], "p": ols.rlm_lag[1]},
        {"test": "LM SARMA", "value": ols.lm_sarma[0], "p": ols.lm_sarma[1]},
    ]).set_index("test")
    fit = pd.DataFrame({
        "logL": [ols.logll, err.logll, lag.logll],
        "AIC": [ols.aic, err.aic, lag.aic],
        "Schwarz": [ols.schwarz, err.schwarz, lag.schwarz],
    }, index=["OLS", "spatial error", "spatial lag"])
    return SpatialFit(coef, diag, fit, {"ols": ols, "error": err, "lag": lag})


# ----------------------------------------------------------------------------- effects
def _w_matrix(w) -> sp.csr_matrix:
    if isinstance(w, sp.spmatrix) or isinstance(w, sp.sparray):
        m = sp.csr_matrix(w)
    elif isinstance(w, np.ndarray):
        m = sp.csr_matrix(w)
    else:
        m = as_sparse(_check_w(w))
    if m.shape[0] != m.shape[1]:
        raise BookInputError(f"W must be square, got shape {m.shape}.")
    return m.astype(float)


def trace_powers(w, m: int = 30, *, method: str = "auto", draws: int = 50,
                 exact_upto: int = 2, seed_offset: int = 0) -> np.ndarray:
    """Traces :math:`\\mathrm{tr}(W^j)`, j = 0..m, without forming dense powers.

    ``method="exact"`` multiplies dense powers (small N only, for checks);
    ``"mc"`` uses the Monte Carlo estimator :math:`\\mathrm{tr}(W^j)\\approx
    \\frac{1}{R}\\sum_r u_r'W^ju_r` with Rademacher vectors (Barry & Pace 1999; LeSage & Pace
    2009, sec. 4.2.2), except that :math:`\\mathrm{tr}(W^0)=N`, :math:`\\mathrm{tr}(W)` and
    :math:`\\mathrm{tr}(W^2)=\\sum_{ij}w_{ij}w_{ji}` are computed exactly (``exact_upto``).
    ``"auto"`` is exact for N <= 400, Monte Carlo above. Cost of "mc": m * draws sparse
    matrix-vector products, memory O(nnz + N * draws).
    """
    W = _w_matrix(w)
    n = W.shape[0]
    if not isinstance(m, (int, np.integer)) or m < 2:
        raise BookInputError(f"m (number of powers) must be an int >= 2, got {m!r}.")
    if method not in ("auto", "exact", "mc"):
        raise BookInputError(f"method must be 'auto', 'exact' or 'mc', got {method!r}.")
    if not isinstance(draws, (int, np.integer)) or draws < 1:
        raise BookInputError(f"draws (Monte Carlo probe vectors) must be a positive int, got {draws!r}.")
    if method == "auto":
        method = "exact" if n <= 400 else "mc"
    tr = np.empty(m + 1)
    if method == "exact":
        if n > 5000:
            raise BookInputError(f"exact traces need dense powers; N={n} is too large. "
                                 "Use method='mc'.")
        D = W.toarray()
        P = np.eye(n)
        for j in range(m + 1):
            tr[j] = np.trace(P)
            P = P @ D
        return tr
    rng = np.random.default_rng(SEED + seed_offset)
    U = rng.choice([-1.0, 1.0], size=(n, int(draws)))
    V = U.copy()
    for j in range(m + 1):
        tr[j] = float(np.mean(np.sum(U * V, axis=0)))
        V = W @ V
    tr[0] = n
    if exact_upto >= 1:
        tr[1] = float(W.diagonal().sum())
    if exact_upto >= 2:
        tr[2] = float(W.multiply(W.T).sum())
    return tr


def _series_terms(rho: float, tr: np.ndarray) -> tuple[float, float]:
    """(tr((I-rho W)^-1)/N, tr((I-rho W)^-1 W)/N) from traces by the power series."""
    n = tr[0]
    powers = rho ** np.arange(len(tr))
    a = float(np.sum(powers * tr) / n)
    b = float(np.sum(powers[:-1] * tr[1:]) / n)
    return a, b


def _total_multiplier(W: sp.csr_matrix, rho: float) -> float:
    """Average row sum of (I - rho W)^{-1}, by one sparse LU solve (exact)."""
    n = W.shape[0]
    A = (sp.identity(n, format="csc") - rho * W.tocsc())
    x = spla.spsolve(A, np.ones(n))
    return float(x.mean())


def lag_effects(rho: float, beta, w, *, theta=None, names: list[str] | None = None,
                method: str = "auto", m: int = 60, draws: int = 50,
                traces: np.ndarray | None = None) -> pd.DataFrame:
    """Average direct, indirect and total effects of a spatial lag / spatial Durbin model.

    For :math:`y=\\rho Wy+X\\beta+WX\\theta+\\varepsilon` the N x N matrix of partial
    derivatives for regressor k is :math:`S_k(W)=(I-\\rho W)^{-1}(\\beta_kI+\\theta_kW)`
    (LeSage & Pace 2009, eq. 2.46). The average direct effect is :math:`N^{-1}\\mathrm{tr}
    S_k`, the average total effect :math:`N^{-1}\\iota'S_k\\iota`, the indirect (spillover)
    effect their difference (LeSage & Pace 2009, eqs. 2.47-2.49). Without ``theta`` it is the
    spatial lag model.

    Parameters
    ----------
    rho : float
        Spatial autoregressive coefficient, :math:`|\\rho|<1`.
    beta, theta : array-like
        Coefficients of X (no constant) and of WX (Durbin; optional).
    w : libpysal W, scipy sparse matrix or ndarray
        The weights used in estimation (row-standardised in the book).
    method : {"auto", "dense", "traces"}
        ``"dense"`` inverts :math:`I-\\rho W` (only for small N; used to check the others);
        ``"traces"`` uses the power series :math:`\\mathrm{tr}((I-\\rho W)^{-1})=
        \\sum_j\\rho^j\\mathrm{tr}(W^j)` with traces from :func:`trace_powers` and an exact
        sparse LU solve for the total effect. ``"auto"``: dense for N <= 400.
    m, draws : int
        Powers in the series and Monte Carlo draws for the traces.
    traces : ndarray, optional
        Precomputed :func:`trace_powers` (reused across simulation draws).

    Returns
    -------
    DataFrame indexed by regressor: direct, indirect, total.
    """
    rho = require_in_range(rho, "rho", -1, 1, lo_open=True, hi_open=True)
    b = as_1d_float(beta, "beta")
    t = np.zeros_like(b) if theta is None else as_1d_float(theta, "theta")
    if t.size != b.size:
        raise BookInputError(f"theta has {t.size} entries, beta {b.size}; pass one WX "
                             "coefficient per regressor.")
    if names is None:
        names = [f"x{i + 1}" for i in range(b.size)]
    if len(names) != b.size:
        raise BookInputError(f"names has {len(names)} entries for {b.size} coefficients.")
    W = _w_matrix(w)
    n = W.shape[0]
    if method not in ("auto", "dense", "traces"):
        raise BookInputError(f"method must be 'auto', 'dense' or 'traces', got {method!r}.")
    if method == "auto":
        method = "dense" if n <= 400 else "traces"
    if method == "dense":
        if n > 5000:
            raise BookInputError(f"a dense inverse of a {n} x {n} matrix is wasteful; use "
                                 "method='traces'.")
        Ainv = np.linalg.inv(np.eye(n) - rho * W.toarray())
        a = np.trace(Ainv) / n
        bb = np.trace(Ainv @ W.toarray()) / n
        tot = Ainv.sum() / n
        totw = (Ainv @ W.toarray()).sum() / n
    else:
        tr = traces if traces is not None else trace_powers(W, m, method="auto", draws=draws)
        a, bb = _series_terms(rho, tr)
        tot = _total_multiplier(W, rho)
        rs = np.asarray(W.sum(axis=1)).ravel()
        if np.allclose(rs, 1.0):
            totw = tot
        else:
            A = sp.identity(n, format="csc") - rho * W.tocsc()
            totw = float(spla.spsolve(A, W @ np.ones(n)).mean())
    direct = b * a + t * bb
    total = b * tot + t * totw
    return pd.DataFrame({"direct": direct, "indirect": total - direct, "total": total},
                        index=pd.Index(names, name="variable"))


def effects_inference(rho: float, beta, cov: np.ndarray, w, *, theta=None,
                      names: list[str] | None = None, draws: int = 1000,
                      seed_offset: int = 0, m: int = 60) -> pd.DataFrame:
    """Effects with simulation standard errors (LeSage & Pace 2009, sec. 2.7, p. 39).

    Draws :math:`(\\beta,\\theta,\\rho)` from the asymptotic normal distribution of the ML
    estimates, computes the effects for each draw (traces computed once), and reports the
    mean, standard deviation, z and two-sided normal p-value, and the 2.5 / 97.5 percentiles.

    Parameters
    ----------
    cov : ndarray
        Covariance of the stacked vector ``[beta, theta, rho]`` (theta omitted for a lag
        model), in that order.
    """
    b = as_1d_float(beta, "beta")
    t = None if theta is None else as_1d_float(theta, "theta")
    k = b.size
    rho = require_in_range(rho, "rho", -1, 1, lo_open=True, hi_open=True)
    mean = np.concatenate([b, t if t is not None else [], [rho]])
    cov = np.asarray(cov, dtype=float)
    if cov.shape != (mean.size, mean.size):
        raise BookInputError(f"cov must be {mean.size} x {mean.size} for [beta, theta, rho], "
                             f"got {cov.shape}.")
    if not np.isfinite(cov).all():
        raise BookInputError("cov contains NaN or infinite entries; pass the estimator's finite "
                             "covariance matrix.")
    if not isinstance(draws, (int, np.integer)) or draws < 100:
        raise BookInputError(f"draws must be an int >= 100, got {draws!r}.")
    W = _w_matrix(w)
    n = W.shape[0]
    dense = n <= 400
    tr = None if dense else trace_powers(W, m, method="mc")
    rng = np.random.default_rng(SEED + 1000 + seed_offset)
    sims = rng.multivariate_normal(mean, (cov + cov.T) / 2, size=int(draws), method="eigh")
    sims = sims[np.abs(sims[:, -1]) < 1]
    if dense:
        Wd = W.toarray()
    out = []
    for s in sims:
        r = s[-1]
        bs = s[:k]
        ts = s[k:2 * k] if t is not None else np.zeros(k)
        if dense:
            Ainv = np.linalg.inv(np.eye(n) - r * Wd)
            a = np.trace(Ainv) / n
            bb = np.trace(Ainv @ Wd) / n
            tot = Ainv.sum() / n
            totw = (Ainv @ Wd).sum() / n
        else:
            a, bb = _series_terms(r, tr)
            tot = _total_multiplier(W, r)
            totw = tot
        d = bs * a + ts * bb
        tt = bs * tot + ts * totw
        out.append(np.concatenate([d, tt - d, tt]))
    out = np.asarray(out)
    point = lag_effects(rho, b, W, theta=t, names=names, method="dense" if dense else "traces",
                        traces=tr)
    from scipy.stats import norm

    rows = []
    for j, kind in enumerate(("direct", "indirect", "total")):
        block = out[:, j * k:(j + 1) * k]
        sd = block.std(axis=0, ddof=1)
        for i, name in enumerate(point.index):
            est = float(point.iloc[i][kind])
            z = est / sd[i] if sd[i] > 0 else np.nan
            rows.append({"variable": name, "effect": kind, "estimate": est, "sd": float(sd[i]),
                         "z": float(z), "p": float(2 * norm.sf(abs(z))),
                         "lo95": float(np.percentile(block[:, i], 2.5)),
                         "hi95": float(np.percentile(block[:, i], 97.5))})
    return pd.DataFrame(rows)


def synthetic_weights(n: int, k: int = 6, *, seed_offset: int = 0) -> sp.csr_matrix:
    """Row-standardised k-nearest-neighbour weights on ``n`` random points (benchmarks only).

    Uses :class:`scipy.spatial.cKDTree`; never forms a dense matrix.
    """
    from scipy.spatial import cKDTree

    if not isinstance(k, (int, np.integer)) or k < 1:
        raise BookInputError(f"k must be a positive int (neighbours per point), got {k!r}.")
    if not isinstance(n, (int, np.integer)) or n <= k:
        raise BookInputError(f"n must be an int larger than k={k}, got {n!r}.")
    rng = np.random.default_rng(SEED + seed_offset)
    pts = rng.random((n, 2))
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = idx[:, 1:].ravel()
    return sp.csr_matrix((np.full(n * k, 1.0 / k), (rows, cols)), shape=(n, n))
