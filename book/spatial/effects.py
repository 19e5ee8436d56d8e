"""Direct, indirect and total effects of spatial lag and spatial Durbin models.

LeSage & Pace (2009, ch. 2.7 and 4.2): for :math:`y=\\rho Wy+X\\beta+WX\\theta+\\varepsilon`
the matrix of partial derivatives of y with respect to regressor k is
:math:`S_k(W)=(I-\\rho W)^{-1}(\\beta_kI+\\theta_kW)` (eq. 2.46); the average direct effect
is :math:`N^{-1}\\mathrm{tr}\\,S_k`, the average total effect :math:`N^{-1}\\iota'S_k\\iota`,
the indirect effect their difference (eqs. 2.47-2.49).

Written here because spreg 1.9 offers impacts only for its cross-section models and only in
printed output. The traces of powers of W are estimated as in LeSage & Pace (2009,
sec. 4.2.2) so that a large N never needs a dense N x N inverse. All randomness comes from
:func:`book.rng`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import rng
from ..errors import BookInputError
from ..validate import as_1d_float, require_in_range
from .weights import as_matrix, rho_interval


def _row_stochastic(W: sp.csr_matrix) -> bool:
    return bool(W.nnz and W.data.min() >= 0
                and np.allclose(np.asarray(W.sum(axis=1)).ravel(), 1.0))


def admissible_interval(w, *, need_lower: bool = True) -> tuple[float, float]:
    """Admissible interval :math:`(1/\\lambda_{\\min}, 1/\\lambda_{\\max})` of the spatial
    parameter for W (:func:`book.spatial.weights.rho_interval`), computed cheaply where
    possible: a non-negative row-stochastic W has :math:`\\lambda_{\\max}=1`, and the lower
    end is skipped (returned as -inf) when ``need_lower`` is False."""
    W = as_matrix(w)
    if W.shape[0] <= 400 or (need_lower and not _row_stochastic(W)):
        return rho_interval(W)
    if _row_stochastic(W):
        hi = 1.0
    else:
        hi = rho_interval(W)[1]
    lo = rho_interval(W)[0] if need_lower else -np.inf
    return lo, hi


def check_rho(rho, w) -> float:
    """Refuse a spatial parameter outside the admissible interval for W.

    Outside :math:`1/\\lambda_{\\min}<\\rho<1/\\lambda_{\\max}` the matrix
    :math:`I-\\rho W` is singular or its power series diverges, and effects computed from it
    are meaningless (LeSage & Pace 2009, sec. 4.3). For a row-standardised W the upper end is 1;
    for an unstandardised W it is :math:`1/\\lambda_{\\max}` (e.g. about 0.27 for binary
    contiguity between US states).
    """
    r = require_in_range(rho, "rho")
    lo, hi = admissible_interval(w, need_lower=r < 0)
    if not lo < r < hi:
        raise BookInputError(
            f"rho={r} is outside the admissible interval ({lo:.4g}, {hi:.4g}) for this W "
            "(1/lambda_min, 1/lambda_max of its eigenvalues): I - rho W is singular or its "
            "inverse is not the convergent series the effects assume. Use the rho estimated "
            "with this same W; if W is not row-standardised, row-standardise it "
            "(w.transform = 'R').")
    return r


def trace_powers(w, m: int = 30, *, method: str = "auto", draws: int = 50,
                 exact_upto: int = 2, seed_offset: int = 0) -> np.ndarray:
    """Traces :math:`\\mathrm{tr}(W^j)`, j = 0..m, without forming dense powers.

    ``method="exact"`` multiplies dense powers (small N only, for checks);
    ``"mc"`` uses the Monte Carlo estimator :math:`\\mathrm{tr}(W^j)\\approx
    \\frac{1}{R}\\sum_r u_r'W^ju_r` with Rademacher vectors (Barry & Pace 1999; LeSage & Pace
    2009, sec. 4.2.2), except that :math:`\\mathrm{tr}(W^0)=N`, :math:`\\mathrm{tr}(W)` and
    :math:`\\mathrm{tr}(W^2)=\\sum_{ij}w_{ij}w_{ji}` are computed exactly (``exact_upto``).
    ``"auto"`` is exact for N <= 400, Monte Carlo above. Cost of "mc": m * draws sparse
    matrix-vector products, memory O(nnz + N * draws). Probe vectors from
    ``book.rng(seed_offset)``.
    """
    W = as_matrix(w)
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
    U = rng(seed_offset).choice([-1.0, 1.0], size=(n, int(draws)))
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


def _spectral(W: sp.csr_matrix):
    """Eigen-decomposition W = V diag(lam) V^-1 for the dense path of the simulation, or None
    when it does not reproduce W to 1e-8 (then each draw inverts I - rho W).

    With it each draw costs O(N): tr((I-rho W)^-1) = sum 1/(1 - rho lam_i),
    tr((I-rho W)^-1 W) = sum lam_i/(1 - rho lam_i), and iota'(I-rho W)^-1 iota =
    sum_i (iota'V)_i (V^-1 iota)_i / (1 - rho lam_i) (LeSage & Pace 2009, sec. 4.2)."""
    D = W.toarray()
    lam, V = np.linalg.eig(D)
    try:
        Vi = np.linalg.inv(V)
    except np.linalg.LinAlgError:
        return None
    if np.abs((V * lam) @ Vi - D).max() > 1e-8:
        return None
    one = np.ones(D.shape[0])
    return lam, (one @ V) * (Vi @ one)


def _spectral_terms(spec, rho: float, n: int):
    lam, c = spec
    inv = 1.0 / (1.0 - rho * lam)
    return (float(np.real(inv.sum())) / n, float(np.real((lam * inv).sum())) / n,
            float(np.real((c * inv).sum())) / n, float(np.real((c * lam * inv).sum())) / n)


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
        Spatial autoregressive coefficient, inside the admissible interval for W
        (:func:`check_rho`; :math:`(-1, 1)` or wider for a row-standardised W).
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
    b = as_1d_float(beta, "beta")
    t = np.zeros_like(b) if theta is None else as_1d_float(theta, "theta")
    if t.size != b.size:
        raise BookInputError(f"theta has {t.size} entries, beta {b.size}; pass one WX "
                             "coefficient per regressor.")
    if names is None:
        names = [f"x{i + 1}" for i in range(b.size)]
    if len(names) != b.size:
        raise BookInputError(f"names has {len(names)} entries for {b.size} coefficients.")
    W = as_matrix(w)
    n = W.shape[0]
    rho = check_rho(rho, W)
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
    """Effects with simulation inference (LeSage & Pace 2009, sec. 2.7, p. 39).

    Draws :math:`(\\beta,\\theta,\\rho)` from the asymptotic normal distribution of the ML
    estimates (``book.rng(1000 + seed_offset)``), computes the effects for each draw (traces
    computed once) and summarises the draws.

    Draws of :math:`\\rho` outside the admissible interval for W (:func:`check_rho`; for a
    row-standardised W, above 1) describe no stationary process; they are *redrawn* (the
    normal is truncated to the interval) and their number is reported in ``redrawn``. Near the
    upper end the multiplier :math:`1/(1-\\rho)` gives the draws a long tail, so the standard
    deviation and the normal p-value are unstable from seed to seed; the percentile interval
    (``lo95``, ``hi95``) and the simulation p-value ``p`` (twice the smaller share of draws on
    either side of zero) are not, and conclusions should rest on them.

    Parameters
    ----------
    cov : ndarray
        Covariance of the stacked vector ``[beta, theta, rho]`` (theta omitted for a lag
        model), in that order.

    Returns
    -------
    DataFrame, one row per (variable, effect): estimate (at the ML point), sd, z = estimate/sd,
    p (simulation, two-sided), p_normal (from z), lo95 / hi95 (2.5 / 97.5 percentiles of the
    draws), draws, redrawn.
    """
    from scipy.stats import norm

    b = as_1d_float(beta, "beta")
    t = None if theta is None else as_1d_float(theta, "theta")
    k = b.size
    rho = require_in_range(rho, "rho")
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
    W = as_matrix(w)
    n = W.shape[0]
    rho = check_rho(rho, W)
    dense = n <= 400
    tr = None if dense else trace_powers(W, m, method="mc")
    g = rng(1000 + seed_offset)
    covs = (cov + cov.T) / 2
    sims = g.multivariate_normal(mean, covs, size=int(draws), method="eigh")
    lo, hi = admissible_interval(W, need_lower=bool(np.any(sims[:, -1] <= -1)))
    bad = ~((sims[:, -1] > lo) & (sims[:, -1] < hi))
    if bad.mean() > 0.5:
        raise BookInputError(
            f"rho's sampling distribution (estimate {rho:.4g}, s.e. {np.sqrt(covs[-1, -1]):.3g}) "
            f"lies mostly outside the admissible interval ({lo:.4g}, {hi:.4g}): "
            f"{int(bad.sum())} of {int(draws)} draws; simulation inference on the effects is "
            "not meaningful here.")
    redrawn = 0
    for _ in range(200):
        if not bad.any():
            break
        redrawn += int(bad.sum())
        sims[bad] = g.multivariate_normal(mean, covs, size=int(bad.sum()), method="eigh")
        bad = ~((sims[:, -1] > lo) & (sims[:, -1] < hi))
    if bad.any():
        raise BookInputError(
            f"rho's sampling distribution (estimate {rho:.4g}, s.e. {np.sqrt(covs[-1, -1]):.3g}) "
            f"lies mostly outside the admissible interval ({lo:.4g}, {hi:.4g}); simulation "
            "inference on the effects is not meaningful here.")
    spec = _spectral(W) if dense else None
    if dense:
        Wd = W.toarray()
    out = []
    for s_ in sims:
        r = s_[-1]
        bs = s_[:k]
        ts = s_[k:2 * k] if t is not None else np.zeros(k)
        if spec is not None:
            a, bb, tot, totw = _spectral_terms(spec, r, n)
        elif dense:
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
    rows = []
    for j, kind in enumerate(("direct", "indirect", "total")):
        block = out[:, j * k:(j + 1) * k]
        sd = block.std(axis=0, ddof=1)
        for i, name in enumerate(point.index):
            est = float(point.iloc[i][kind])
            z = est / sd[i] if sd[i] > 0 else np.nan
            col = block[:, i]
            p_sim = min(1.0, 2 * min(float(np.mean(col <= 0)), float(np.mean(col >= 0))))
            rows.append({"variable": name, "effect": kind, "estimate": est, "sd": float(sd[i]),
                         "z": float(z), "p": p_sim, "p_normal": float(2 * norm.sf(abs(z))),
                         "lo95": float(np.percentile(col, 2.5)),
                         "hi95": float(np.percentile(col, 97.5)),
                         "draws": int(draws), "redrawn": redrawn})
    return pd.DataFrame(rows)
