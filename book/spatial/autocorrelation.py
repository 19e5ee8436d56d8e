"""Spatial autocorrelation: global Moran's I over time, LISA clusters, ring correlograms.

* :func:`moran_by_period` — global Moran's I for every period of a panel (esda; Rey &
  Montouri 1999);
* :func:`lisa` — local Moran's I and LISA cluster labels (esda; Anselin 1995);
* :func:`ring_correlogram` — Moran's I by distance ring (Cliff & Ord 1981, ch. 5), written
  here with sparse matrices because esda's ``Moran`` spends most of its time in libpysal's
  graph summaries, and because the isolate convention needs a choice (see its docstring);
* :func:`fit_decay` — an exponential decay fitted to a correlogram (``scipy.optimize``).

Permutation inference uses esda's conditional / total permutations seeded with
``book.SEED`` (``np.random.seed`` right before, as esda draws from NumPy's global stream).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import SEED
from ..errors import BookInputError
from ..validate import (
    as_1d_float,
    require_columns,
    require_in_range,
    require_same_length,
    require_unique,
    require_varies,
)
from .weights import align, check_w

#: LISA quadrant codes of esda (1 HH, 2 LH, 3 LL, 4 HL) mapped to labels
LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


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
    DataFrame indexed by period: I, EI, z_norm, p_norm, p_sim. A period in which ``value``
    is constant raises (Moran's I is 0/0 there).
    """
    import esda

    require_columns(df, [id_col, time, value], "df")
    if not isinstance(permutations, (int, np.integer)) or permutations < 99:
        raise BookInputError(f"permutations must be an int >= 99, got {permutations!r}.")
    check_w(w, what="moran_by_period", no_islands=True)
    rows = []
    np.random.seed(SEED)
    for t, part in df.groupby(time, sort=True):
        part = align(part, w, id_col)
        y = as_1d_float(part[value], f"{value} in period {t}")
        require_varies(y, f"{value} in period {t}", "Moran's I")
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
    Permutations are seeded with ``book.SEED``; the simulated values are not kept
    (``keep_simulations=False``), which halves the time at large N. A constant ``value``
    raises (every local statistic would be 0/0).
    """
    import esda

    require_in_range(alpha, "alpha", 0, 1, lo_open=True, hi_open=True)
    if not isinstance(permutations, (int, np.integer)) or permutations < 1:
        raise BookInputError(f"permutations must be a positive int (e.g. 999), got {permutations!r}.")
    require_columns(df, [id_col, value], "df")
    check_w(w, what="lisa", no_islands=True)
    part = align(df, w, id_col)
    y = as_1d_float(part[value], value)
    require_varies(y, value, "a local Moran's I")
    m = esda.Moran_Local(y, w, permutations=int(permutations), seed=SEED,
                         keep_simulations=False)
    lab = pd.Series(m.q).map(LISA_LABELS).to_numpy()
    # without kept simulations esda returns p_sim in single precision; restore the exact
    # (larger + 1) / (permutations + 1) in double precision
    p_sim = np.round(np.asarray(m.p_sim, dtype=float) * (permutations + 1)) / (permutations + 1.0)
    cluster = np.where(p_sim <= alpha, lab, "ns")
    return pd.DataFrame({id_col: part[id_col].to_numpy(), "Ii": m.Is, "p_sim": p_sim,
                         "quadrant": lab, "cluster": cluster})


# ----------------------------------------------------------------- distance decay
def _ring_moran(fi, ne, n, z, z2ss, n_eff, perm_z):
    """I, EI, z_norm (normal approximation) and the permutation draws for one ring.

    ``fi, ne`` are the directed pairs of the ring (symmetric: both (i, j) and (j, i)). With
    row-standardised binary weights w_ij = 1/c_i every quantity is a sum over pairs:
    z'Wz = sum z_i z_j / c_i, S0 = number of non-isolates, S1 = 1/2 sum (1/c_i + 1/c_j)^2,
    S2 = sum_i (row_i + col_i)^2 with col_j = sum_i 1/c_i."""
    c = np.bincount(fi, minlength=n).astype(float)
    inv = np.divide(1.0, c, out=np.zeros(n), where=c > 0)
    wij = inv[fi]
    s0 = float((c > 0).sum())
    s1 = float(0.5 * ((wij + inv[ne]) ** 2).sum())
    col = np.bincount(ne, weights=wij, minlength=n)
    s2 = float((((c > 0).astype(float) + col) ** 2).sum())
    mi = n_eff / s0 * float((z[fi] * z[ne] * wij).sum()) / z2ss
    EI = -1.0 / (n_eff - 1)
    vi = (n_eff ** 2 * s1 - n_eff * s2 + 3 * s0 ** 2) / ((n_eff - 1) * (n_eff + 1) * s0 ** 2) - EI ** 2
    zn = (mi - EI) / np.sqrt(vi) if vi > 0 else np.nan
    sim = None
    if perm_z is not None:
        from scipy import sparse

        W = sparse.csr_matrix((wij, (fi, ne)), shape=(n, n))
        sim = n_eff / s0 * np.einsum("ij,ij->j", perm_z, W @ perm_z) / z2ss
    return mi, EI, zn, sim


def ring_correlogram(coords, y, bands, *, permutations: int = 999, seed: int | None = None,
                     ids=None, isolates: str = "adjust") -> pd.DataFrame:
    """Moran's I by distance ring (Cliff & Ord correlogram), normal and permutation inference.

    For each band ``(d_lo, d_hi]`` the weights link every pair of units whose distance falls
    in the ring (binary, row-standardised); :math:`I=\\frac{n}{S_0}\\frac{z'Wz}{z'z}` is
    computed directly with sparse matrices, with the normal-approximation moments
    :math:`E[I]=-1/(n-1)` and :math:`V[I]=\\frac{n^2S_1-nS_2+3S_0^2}{(n^2-1)S_0^2}-E[I]^2`
    (Cliff & Ord 1981, eqs. 1.35-1.36), and permutation draws only when ``permutations > 0``.
    This is written here (not ``esda.Moran``) because esda spends most of its time in
    libpysal's graph summaries on large rings; ``isolates="keep"`` reproduces ``esda.Moran``
    exactly, including its permutation p-value for the same seed (checked in the tests).

    Isolates — units with no partner in a ring — have a zero row. Conventions differ:
    esda keeps ``n`` (all units) in :math:`n/S_0`, which shrinks I towards zero as isolates
    multiply; spdep (``moran.test(..., zero.policy=TRUE, adjust.n=TRUE)``) uses
    :math:`n-n_{\\text{iso}}`. The default ``"adjust"`` is spdep's, because the outer rings of
    a correlogram can leave many isolates. The permutation p-value and ``z`` under
    permutation do not depend on the convention (I is rescaled by a constant).

    Parameters
    ----------
    coords : array (n, 2)
        Projected coordinates (e.g. km); distances are Euclidean.
    y : array (n,)
        Variable (must vary).
    bands : sequence of float
        Increasing ring edges ``[d0, d1, ..., dK]`` giving K rings ``(d_{k-1}, d_k]``.
    permutations : int
        Random permutations for ``p_sim`` (0: none, ``p_sim`` is NaN and ``z`` is the normal
        approximation). Seeded with ``book.SEED`` (or ``seed``) before every ring, as esda.
    ids : sequence, optional
        Unit ids; checked for duplicates and against ``y``'s length.
    isolates : {"adjust", "keep"}
        The isolate convention (above).

    Returns
    -------
    DataFrame, one row per ring: d_lo, d_hi, pairs (directed), isolates, n_eff, I, EI,
    z_norm, z (permutation z when permutations > 0, else z_norm), p_sim, d_mid.
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(coords, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.isfinite(xy).all():
        raise BookInputError(f"coords must be a finite (n, 2) array, got shape {xy.shape}.")
    yv = as_1d_float(y, "y")
    require_same_length(coords=xy, y=yv)
    if ids is not None:
        require_same_length(coords=xy, ids=list(ids))
        require_unique(list(ids), "ids")
    require_varies(yv, "y", "Moran's I")
    b = as_1d_float(bands, "bands")
    if b.size < 2 or np.any(np.diff(b) <= 0) or b[0] < 0:
        raise BookInputError(f"bands must be >= 2 increasing non-negative edges, got {list(b)}.")
    if not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise BookInputError(f"permutations must be a non-negative int, got {permutations!r}.")
    if isolates not in ("adjust", "keep"):
        raise BookInputError(f"isolates must be 'adjust' (spdep) or 'keep' (esda), got {isolates!r}.")
    n = yv.size
    z = yv - yv.mean()
    z2ss = float(z @ z)
    perm_z = None
    if permutations:
        np.random.seed(SEED if seed is None else seed)
        perm_z = np.column_stack([np.random.permutation(z) for _ in range(int(permutations))])
    tree = cKDTree(xy)
    pairs = tree.query_pairs(float(b[-1]), output_type="ndarray")  # i < j, each pair once
    dd = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    ring = np.searchsorted(b, dd, side="left")  # ring k holds d in (b[k-1], b[k]]
    order = np.argsort(ring, kind="stable")
    pairs, ring = pairs[order], ring[order]
    edges = np.searchsorted(ring, np.arange(1, b.size + 1), side="left")
    rows = []
    for k, (lo, hi) in enumerate(zip(b[:-1], b[1:], strict=True)):
        pk = pairs[edges[k]:edges[k + 1]]
        fi, ne = np.r_[pk[:, 0], pk[:, 1]], np.r_[pk[:, 1], pk[:, 0]]
        npairs = int(fi.size)
        row = {"d_lo": lo, "d_hi": hi, "pairs": npairs}
        if npairs == 0:
            rows.append({**row, "isolates": n, "n_eff": 0, "I": np.nan, "EI": np.nan,
                         "z_norm": np.nan, "z": np.nan, "p_sim": np.nan})
            continue
        n_iso = int(n - np.unique(fi).size)
        n_eff = n - n_iso if isolates == "adjust" else n
        if n_eff < 3:
            rows.append({**row, "isolates": n_iso, "n_eff": n_eff, "I": np.nan, "EI": np.nan,
                         "z_norm": np.nan, "z": np.nan, "p_sim": np.nan})
            continue
        mi, EI, zn, sim = _ring_moran(fi, ne, n, z, z2ss, n_eff, perm_z)
        zz, p = zn, np.nan
        if sim is not None:
            larger = int((sim >= mi).sum())
            larger = min(larger, int(permutations) - larger)
            p = (larger + 1.0) / (permutations + 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                zz = (mi - sim.mean()) / sim.std()
        rows.append({**row, "isolates": n_iso, "n_eff": n_eff, "I": mi, "EI": EI,
                     "z_norm": zn, "z": zz, "p_sim": p})
    out = pd.DataFrame(rows)
    out["d_mid"] = (out["d_lo"] + out["d_hi"]) / 2
    return out


@dataclass
class DecayFit:
    """Result of :func:`fit_decay`: ``I(d) = a exp(-d / h)``.

    Attributes
    ----------
    a, h : float
        Level at distance 0 and decay length (I falls by 1/e every ``h`` units).
    a_se, h_se : float
        Standard errors from the least-squares covariance.
    half_distance : float
        ``h ln 2``.
    """

    a: float
    h: float
    a_se: float
    h_se: float
    half_distance: float


def fit_decay(distance, moran_i, *, max_h: float | None = None) -> DecayFit:
    """Fit ``I(d) = a exp(-d / h)`` by non-linear least squares (``scipy.optimize.curve_fit``).

    Raises when the curve does not decay: a first value that is not positive, a fit that does
    not converge, or a decay length beyond ``max_h`` (default: 100 times the largest
    distance — a curve that is flat over the observed range has no decay length).
    """
    from scipy.optimize import OptimizeWarning, curve_fit

    d, i = as_1d_float(distance, "distance"), as_1d_float(moran_i, "moran_i")
    require_same_length(distance=d, moran_i=i)
    if d.size < 3:
        raise BookInputError("fit_decay needs at least three distance bands.")
    if i[0] <= 0:
        raise BookInputError("the first band's Moran's I is not positive: there is no decay "
                             "to fit.")
    cap = 100 * float(np.max(np.abs(d))) if max_h is None else require_in_range(
        max_h, "max_h", 0, lo_open=True)
    f = lambda x, a, h: a * np.exp(-x / h)  # noqa: E731
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", OptimizeWarning)
            (a, h), cov = curve_fit(f, d, i, p0=[i[0], max(d.mean(), 1e-9)], maxfev=10_000)
    except (RuntimeError, OptimizeWarning) as e:
        raise BookInputError(f"the exponential decay fit did not converge ({e}); the curve "
                             "may not decay over these distances.") from None
    se = np.sqrt(np.diag(cov))
    if not (0 < h <= cap) or not np.all(np.isfinite(se)):
        raise BookInputError(f"the fitted decay length h={h:.4g} is not a finite positive "
                             f"length within {cap:.4g} (100 x the largest distance): Moran's I "
                             "does not decay over these distances, so there is no half-distance "
                             "to report.")
    return DecayFit(float(a), float(h), float(se[0]), float(se[1]), float(h * np.log(2)))
