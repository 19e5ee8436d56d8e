"""Helpers for chapter 7 (assessment): weights suites, sensitivity summaries, agglomeration rent.

* :func:`weights_suite` builds the family of spatial weights matrices used to ask how much
  spillover estimates depend on W (queen and rook contiguity, k nearest neighbours, a binary
  distance band at the smallest distance that leaves no region without a neighbour, and
  inverse distance), all from :func:`book.spatial.weights_for` with ids from a named column.
* :func:`describe_weights` summarises each matrix (links, neighbours, symmetry, and the traces
  of :math:`W^2` that drive the direct effect, LeSage & Pace 2009, sec. 4.2.2).
* :func:`relative_spread` is the dispersion measure used to compare how far the spatial
  parameter and the effects move across matrices (LeSage & Pace 2014, sec. 3).
* :func:`agglomeration_rent` is the closed-form real-wage premium of the core in the
  core-periphery equilibrium of Krugman (1991), from Fujita, Krugman & Venables (1999, ch. 5,
  eq. 5.18), and :func:`rent_peak` the trade cost at which that premium is largest,
  :math:`T^{*}=\\sqrt{T_B}`, derived from eq. 5.18 in the docstring below.

Everything heavy is delegated to :mod:`book.spatial`, :mod:`book.panel` and
:mod:`book.theory.core_periphery`; only the summaries and the closed form are written here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BookInputError
from .spatial import as_sparse, is_symmetric, weights_for
from .theory import core_periphery as cp
from .validate import as_1d_float, require_unique

#: the matrices compared in chapter 7, in display order
DEFAULT_SPECS = ("queen", "rook", "knn4", "knn6", "knn8", "distance band", "inverse distance")


def min_band(gdf, id_col: str, crs=None) -> float:
    """Smallest distance band (CRS units, metres by default) giving every region a neighbour.

    The largest nearest-neighbour distance between centroids (libpysal
    ``min_threshold_distance``), computed in the same projected CRS that
    :func:`book.spatial.weights_for` uses.
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
    """(max - min) / |mean| of a set of estimates: how far they move relative to their size."""
    v = as_1d_float(values, "values")
    if v.size < 2:
        raise BookInputError("need at least two estimates to measure their spread.")
    m = float(np.mean(v))
    if m == 0:
        raise BookInputError("the estimates average exactly zero; a relative spread is undefined.")
    return float((v.max() - v.min()) / abs(m))


def agglomeration_rent(T, sigma: float, mu: float):
    """Real-wage premium of the core, :math:`1-\\omega_2/\\omega_1`, at :math:`\\lambda=1`.

    In the core-periphery equilibrium :math:`\\omega_1=1` and (FKV 1999, ch. 5, eq. 5.18)

    .. math:: \\omega_2 = T^{-\\mu}\\left[\\tfrac{1+\\mu}{2}T^{1-\\sigma}
       +\\tfrac{1-\\mu}{2}T^{\\sigma-1}\\right]^{1/\\sigma}.

    The rent is zero under free trade (T = 1), positive for :math:`1<T<T_S`, zero again at
    the sustain point :math:`T_S` and negative beyond it (the core is then not sustainable):
    hump-shaped in trade costs (Baldwin et al. 2003, ch. 2).

    Parameters
    ----------
    T : float or array-like
        Iceberg trade cost(s), each >= 1.
    sigma, mu : float
        Elasticity of substitution (> 1) and expenditure share of manufactures in (0, 1),
        with the no-black-hole condition :math:`(\\sigma-1)/\\sigma>\\mu`.
    """
    sigma, mu, _ = cp.check_params(sigma, mu)   # also refuses the black-hole case
    t = np.asarray(T, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 1):
        raise BookInputError("trade costs T must be finite and >= 1 (T = 1 is free trade).")
    w2 = t ** (-mu) * ((1 + mu) / 2 * t ** (1 - sigma) + (1 - mu) / 2 * t ** (sigma - 1)) ** (1 / sigma)
    r = 1.0 - w2
    return float(r) if r.ndim == 0 else r


def rent_peak(sigma: float, mu: float) -> float:
    """Trade cost at which the agglomeration rent is largest: :math:`T^*=\\sqrt{T_B}`.

    Derivation (this book, from FKV eq. 5.18): with :math:`x=T^{\\sigma-1}`,
    :math:`a=(1+\\mu)/2`, :math:`b=(1-\\mu)/2`, the rent is largest where
    :math:`\\ln\\omega_2=-\\mu\\ln T+\\sigma^{-1}\\ln(a/x+bx)` is smallest; the first-order
    condition :math:`(\\sigma-1)(bx^2-a)=\\mu\\sigma(a+bx^2)` gives
    :math:`x^2=\\frac{(1+\\mu)(\\rho+\\mu)}{(1-\\mu)(\\rho-\\mu)}` with
    :math:`\\rho=(\\sigma-1)/\\sigma`, i.e. :math:`x^2=T_B^{\\sigma-1}` (FKV's break point), so
    :math:`T^*=T_B^{1/2}`. In freeness :math:`\\phi=T^{1-\\sigma}`: :math:`\\phi^*=\\sqrt{\\phi_B}`.
    """
    return float(np.sqrt(cp.break_point(sigma, mu)))
