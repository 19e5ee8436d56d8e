"""Spatial weights: building, validating and aligning them, and the sensitivity suite.

* :func:`weights_for` builds libpysal weights from polygons with ids taken from a named
  column, never from row order, and reports islands;
* :func:`check_w` is the one validation of a weights object used by every spatial helper
  (type, row-standardisation, islands);
* :func:`align` joins a data table to the weights on the ids and refuses missing, extra or
  duplicated ids;
* :func:`weights_suite`, :func:`min_band`, :func:`describe_weights` and
  :func:`relative_spread` build and summarise the family of matrices used to ask how much
  spillover estimates depend on W (LeSage & Pace 2014);
* :func:`rho_interval` is the admissible interval of a spatial autoregressive parameter for
  a given W, :math:`1/\\lambda_{\\min}<\\rho<1/\\lambda_{\\max}` (LeSage & Pace 2009, sec. 4.3);
* :func:`synthetic_weights` makes k-nearest-neighbour weights on random points for benchmarks.

Every public function raises :class:`book.errors.BookInputError` with a message that says
what is wrong and how to fix it.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import BookInputError
from ..validate import as_1d_float, require_columns, require_in_range, require_unique

WEIGHT_KINDS = ("queen", "rook", "knn", "distance_band", "inverse_distance")
#: the matrices compared in the weights-sensitivity page, in display order
DEFAULT_SPECS = ("queen", "rook", "knn4", "knn6", "knn8", "distance band", "inverse distance")


def check_w(w, name: str = "w", *, what: str | None = None, row_standardised: bool = False,
            no_islands: bool = False):
    """Validate a weights object once, for every helper: the one place W is checked.

    Parameters
    ----------
    w : libpysal.weights.W
        The weights (build them with :func:`weights_for`).
    name : str
        Argument name used in messages.
    what : str, optional
        Name of the calling function, used in messages.
    row_standardised : bool
        Require ``w.transform == "R"`` (rows sum to one).
    no_islands : bool
        Refuse regions without a neighbour: their spatial lag is 0 by construction, which
        makes Moran's I, LISA and spatial regressions meaningless for them.

    Returns
    -------
    The same ``w``.
    """
    from libpysal.weights import W

    who = f"{what}: " if what else ""
    if not isinstance(w, W):
        raise BookInputError(f"{who}{name} must be a libpysal.weights.W (build it with "
                             f"book.spatial.weights.weights_for), got {type(w).__name__}.")
    if row_standardised and str(w.transform).upper() != "R":
        raise BookInputError(f"{who}expects row-standardised weights (w.transform='R'), got "
                             f"transform {w.transform!r}; set w.transform = 'R'.")
    if no_islands:
        isl = list(w.islands)
        if isl:
            raise BookInputError(
                f"{who}the weights have {len(isl)} island(s) (regions without a neighbour) "
                f"{isl[:5]}; their spatial lag is 0 by construction. Drop them, or build "
                "weights that connect them (e.g. kind='knn' or a wider distance band).")
    return w


def islands(w) -> list:
    """Ids of regions with no neighbour in ``w`` (an island has an all-zero row)."""
    return list(check_w(w).islands)


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
    on_islands : {"raise", "warn", "ignore", "nearest"}
        What to do when a region has no neighbour. Islands make a row-standardised W
        ill-defined for that row, so the default refuses them. ``"nearest"`` links each
        island to its nearest region by centroid distance (in ``crs``), in both directions
        (as libpysal's ``attach_islands`` with 1-nearest-neighbour weights), warns, and
        records the links in ``w.attached_islands`` ({island: neighbour}).

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
    if on_islands not in ("raise", "warn", "ignore", "nearest"):
        raise BookInputError("on_islands must be 'raise', 'warn', 'ignore' or 'nearest', got "
                             f"{on_islands!r}.")
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
        if on_islands == "nearest":
            w = _attach_nearest(g, w, isl, crs)
            warnings.warn(f"linked {len(isl)} island(s) to their nearest region: "
                          f"{w.attached_islands}", stacklevel=2)
    w.transform = "R" if standardise else "O"
    return w


def _attach_nearest(g, w, isl, crs):
    """Link each island to its nearest other region (centroids), symmetrically."""
    from libpysal.weights import W as PW
    from scipy.spatial import cKDTree

    if crs is None:
        crs = g.crs if (g.crs is not None and g.crs.is_projected) else g.estimate_utm_crs()
    pts = g.to_crs(crs).centroid
    xy = np.column_stack([pts.x, pts.y])
    ids = list(g.index)
    tree = cKDTree(xy)
    neigh = {k: list(v) for k, v in w.neighbors.items()}
    wts = {k: list(v) for k, v in w.weights.items()}
    links = {}
    for i in isl:
        _, idx = tree.query(xy[ids.index(i)], k=2)
        j = ids[int(idx[1])] if ids[int(idx[0])] == i else ids[int(idx[0])]
        links[i] = j
        for a, b in ((i, j), (j, i)):
            if b not in neigh[a]:
                neigh[a].append(b)
                wts[a].append(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = PW(neigh, wts, id_order=list(w.id_order))
    out.attached_islands = links
    return out


def as_sparse(w) -> sp.csr_matrix:
    """The weights as a SciPy CSR matrix in ``w.id_order`` (current transform)."""
    return check_w(w).sparse.tocsr()


def as_matrix(w) -> sp.csr_matrix:
    """A square float CSR matrix from a libpysal W, a SciPy sparse matrix or an ndarray."""
    if isinstance(w, (sp.spmatrix, sp.sparray, np.ndarray)):
        m = sp.csr_matrix(w)
    else:
        m = as_sparse(w)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise BookInputError(f"W must be square, got shape {m.shape}.")
    m = m.astype(float)
    if m.nnz and not np.isfinite(m.data).all():
        raise BookInputError("W contains NaN or infinite weights; rebuild the weights.")
    return m


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
    check_w(w)
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
    check_w(w, what="spatial_lag", no_islands=True)
    if x.size != w.n:
        raise BookInputError(f"values has {x.size} entries, weights have {w.n} regions; "
                             "align the data first (book.spatial.weights.align).")
    return as_sparse(w) @ x


def rho_interval(w) -> tuple[float, float]:
    """Admissible interval of a spatial autoregressive parameter for ``w``.

    :math:`I-\\rho W` is invertible with a convergent power series on
    :math:`1/\\lambda_{\\min}<\\rho<1/\\lambda_{\\max}`, the reciprocals of the extreme real
    eigenvalues of W (LeSage & Pace 2009, sec. 4.3; Anselin 1988, p. 78). For a
    row-standardised W, :math:`\\lambda_{\\max}=1`. Small W: dense eigenvalues; N > 400:
    ARPACK (``scipy.sparse.linalg.eigs``) for the two extremes.

    Returns
    -------
    (lower, upper) : the open interval's ends.
    """
    W = as_matrix(w)
    n = W.shape[0]
    if n < 2 or W.nnz == 0:
        raise BookInputError("W has no links; a spatial parameter is not identified.")
    if n <= 400:
        ev = np.linalg.eigvals(W.toarray())
        re = ev.real[np.abs(ev.imag) < 1e-10] if np.any(np.abs(ev.imag) < 1e-10) else ev.real
        lmin, lmax = float(re.min()), float(re.max())
    else:
        import scipy.sparse.linalg as spla

        lmax = float(np.real(spla.eigs(W, k=1, which="LR", return_eigenvectors=False,
                                       maxiter=5000, tol=1e-8)[0]))
        lmin = float(np.real(spla.eigs(W, k=1, which="SR", return_eigenvectors=False,
                                       maxiter=5000, tol=1e-8)[0]))
    if W.data.min() >= 0 and np.allclose(np.asarray(W.sum(axis=1)).ravel(), 1.0):
        lmax = 1.0  # row-stochastic: exactly 1 (Perron-Frobenius), not 1 - 1e-16
    if not (lmin < 0 < lmax):
        raise BookInputError(f"W's extreme real eigenvalues ({lmin:.3g}, {lmax:.3g}) do not "
                             "bracket 0; use a weights matrix with zero diagonal.")
    return 1.0 / lmin, 1.0 / lmax


# ----------------------------------------------------------------------------- the suite
def min_band(gdf, id_col: str, crs=None) -> float:
    """Smallest distance band (CRS units, metres by default) giving every region a neighbour.

    The largest nearest-neighbour distance between centroids (libpysal
    ``min_threshold_distance``), computed in the same projected CRS that
    :func:`weights_for` uses.
    """
    import geopandas as gpd
    from libpysal.weights import min_threshold_distance

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise BookInputError(f"gdf must be a GeoDataFrame, got {type(gdf).__name__}.")
    if id_col not in gdf.columns:
        raise BookInputError(f"gdf has no column {id_col!r}; pass the column with region ids.")
    require_unique(gdf[id_col], f"gdf[{id_col!r}] (region ids)")
    if len(gdf) < 2:
        raise BookInputError("a distance band needs at least two regions.")
    if crs is None:
        crs = gdf.crs if (gdf.crs is not None and gdf.crs.is_projected) else gdf.estimate_utm_crs()
    pts = gdf.to_crs(crs).centroid
    return float(min_threshold_distance(np.column_stack([pts.x, pts.y])))


def weights_suite(gdf, id_col: str, specs=DEFAULT_SPECS, *, band_factor: float = 1.0001,
                  alpha: float = -1.0) -> dict:
    """Row-standardised weights of several kinds on the same regions, keyed by spec name.

    Parameters
    ----------
    gdf : GeoDataFrame
        Region polygons; ids in ``id_col``.
    specs : iterable of str
        Names among ``"queen"``, ``"rook"``, ``"knn<k>"`` (e.g. ``"knn6"``),
        ``"distance band"`` and ``"inverse distance"``.
    band_factor : float
        The distance band is ``band_factor`` times :func:`min_band` (>= 1, so that no region
        is an island).
    alpha : float
        Distance-decay exponent of the inverse-distance weights (all pairs, row-standardised).

    Returns
    -------
    dict name -> libpysal W, each with ``w.id_order`` = the ids of ``gdf[id_col]``.
    """
    specs = list(specs)
    if not specs:
        raise BookInputError("specs is empty; name at least one weights matrix, e.g. ['queen'].")
    if band_factor < 1:
        raise BookInputError(f"band_factor must be >= 1 (a smaller band leaves islands), "
                             f"got {band_factor}.")
    out = {}
    for name in specs:
        if name in ("queen", "rook"):
            out[name] = weights_for(gdf, id_col, kind=name)
        elif isinstance(name, str) and name.startswith("knn") and name[3:].isdigit():
            out[name] = weights_for(gdf, id_col, kind="knn", k=int(name[3:]))
        elif name == "distance band":
            thr = band_factor * min_band(gdf, id_col)
            out[name] = weights_for(gdf, id_col, kind="distance_band", threshold=thr)
            out[name].threshold_m = thr
        elif name == "inverse distance":
            out[name] = weights_for(gdf, id_col, kind="inverse_distance", alpha=alpha)
        else:
            raise BookInputError(
                f"unknown weights spec {name!r}; use 'queen', 'rook', 'knn<k>' (e.g. 'knn6'), "
                "'distance band' or 'inverse distance'.")
    return out


def describe_weights(suite: dict) -> pd.DataFrame:
    """One row per matrix: links, mean / min / max neighbours, whether the row-standardised
    matrix is symmetric, and :math:`\\mathrm{tr}(W^2)/N`.

    :math:`\\mathrm{tr}(W^2)/N=\\sum_{ij}w_{ij}w_{ji}/N` is the second-order feedback term of
    the direct effect, :math:`N^{-1}\\mathrm{tr}(I-\\rho W)^{-1}=1+\\rho^2\\mathrm{tr}(W^2)/N
    +\\dots` (LeSage & Pace 2009, sec. 4.2.2): the fewer neighbours, the larger it is.
    """
    if not isinstance(suite, dict) or not suite:
        raise BookInputError("suite must be a non-empty dict name -> W (see weights_suite).")
    rows = {}
    for name, w in suite.items():
        m = as_sparse(w)
        card = np.diff(m.indptr)
        rows[name] = {"links": int(m.nnz), "mean neighbours": float(card.mean()),
                      "min": int(card.min()), "max": int(card.max()),
                      "symmetric (row-std.)": is_symmetric(w),
                      "tr(W²)/N": float(m.multiply(m.T).sum() / m.shape[0])}
    return pd.DataFrame(rows).T


def relative_spread(values) -> float:
    """(max - min) / |mean| of a set of estimates: how far they move relative to their size
    (used to compare estimates across the matrices of :func:`weights_suite`)."""
    v = as_1d_float(values, "values")
    if v.size < 2:
        raise BookInputError("need at least two estimates to measure their spread.")
    m = float(np.mean(v))
    if m == 0:
        raise BookInputError("the estimates average exactly zero; a relative spread is undefined.")
    return float((v.max() - v.min()) / abs(m))


def synthetic_weights(n: int, k: int = 6, *, seed_offset: int = 0) -> sp.csr_matrix:
    """Row-standardised k-nearest-neighbour weights on ``n`` random points (benchmarks only).

    Uses :class:`scipy.spatial.cKDTree`; never forms a dense matrix. Points come from
    ``book.rng(seed_offset)``.
    """
    from scipy.spatial import cKDTree

    from .. import rng

    if not isinstance(k, (int, np.integer)) or k < 1:
        raise BookInputError(f"k must be a positive int (neighbours per point), got {k!r}.")
    if not isinstance(n, (int, np.integer)) or n <= k:
        raise BookInputError(f"n must be an int larger than k={k}, got {n!r}.")
    pts = rng(seed_offset).random((n, 2))
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = idx[:, 1:].ravel()
    return sp.csr_matrix((np.full(n * k, 1.0 / k), (rows, cols)), shape=(n, n))
