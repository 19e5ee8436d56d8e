"""The Krugman (1991) core-periphery model in the notation of Fujita, Krugman & Venables (1999).

Two regions; manufacturing workers (mass :math:`\\mu`) are mobile, a share :math:`\\lambda` of
them live in region 1; farm workers (mass :math:`1-\\mu`) are immobile, half in each region, and
earn a wage of one (agriculture is the numeraire and trades freely). Manufactures are
Dixit-Stiglitz varieties with elasticity of substitution :math:`\\sigma>1`; shipping one unit
between the regions needs :math:`T\\ge1` units to be sent (iceberg cost). With FKV's
normalisations the short-run (instantaneous) equilibrium is (FKV 1999, ch. 5, eqs. 5.1-5.4)

.. math::

   Y_1 &= \\mu\\lambda w_1 + \\tfrac{1-\\mu}{2}, \\qquad
   Y_2 = \\mu(1-\\lambda) w_2 + \\tfrac{1-\\mu}{2},\\\\
   G_1 &= \\left[\\lambda w_1^{1-\\sigma} + (1-\\lambda)(w_2T)^{1-\\sigma}\\right]^{1/(1-\\sigma)},
   \\quad
   G_2 = \\left[\\lambda (w_1T)^{1-\\sigma} + (1-\\lambda)w_2^{1-\\sigma}\\right]^{1/(1-\\sigma)},\\\\
   w_1 &= \\left[Y_1G_1^{\\sigma-1} + Y_2G_2^{\\sigma-1}T^{1-\\sigma}\\right]^{1/\\sigma},
   \\quad
   w_2 = \\left[Y_1G_1^{\\sigma-1}T^{1-\\sigma} + Y_2G_2^{\\sigma-1}\\right]^{1/\\sigma},

with real wages :math:`\\omega_r = w_r G_r^{-\\mu}` (FKV eq. 5.5). Workers move towards the region
with the higher real wage, so the long run is governed by the sign of
:math:`\\omega_1-\\omega_2` as a function of :math:`\\lambda`.

Closed forms (FKV 1999, ch. 5), with :math:`\\rho=(\\sigma-1)/\\sigma`:

* sustain point: the core-periphery pattern :math:`\\lambda=1` is an equilibrium while
  :math:`\\omega_2/\\omega_1\\le1` where (FKV eq. 5.18)
  :math:`(\\omega_2)^{\\sigma}=T^{-\\mu\\sigma}\\left[\\tfrac{1+\\mu}{2}T^{1-\\sigma}
  +\\tfrac{1-\\mu}{2}T^{\\sigma-1}\\right]`; the sustain point :math:`T_S>1` is the root.
* break point: the symmetric equilibrium :math:`\\lambda=1/2` is unstable for
  :math:`T<T_B` with
  :math:`T_B=\\left[\\frac{(\\rho+\\mu)(1+\\mu)}{(\\rho-\\mu)(1-\\mu)}\\right]^{1/(\\sigma-1)}`.
* no-black-hole condition :math:`\\rho>\\mu`; when it fails agglomeration is stable for every
  trade cost and the two points above do not exist.
* agglomeration rent (:func:`agglomeration_rent`): the core's real-wage premium
  :math:`1-\\omega_2/\\omega_1` at :math:`\\lambda=1`, hump-shaped in trade costs with its peak
  at :math:`T^*=\\sqrt{T_B}` (:func:`rent_peak`; Baldwin et al. 2003, ch. 2).

The solver is written by hand (no maintained Python package solves this model); the
2-equation wage system is solved by a vectorised Newton method with an analytic Jacobian and
checked on every call against all six equilibrium equations.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..errors import BookInputError
from ..validate import require_in_range

__all__ = ["check_params", "rho", "short_run", "wage_gap", "wage_gap_slope", "break_point",
           "sustain_point", "break_point_numeric", "sustain_point_numeric", "equilibria",
           "tomahawk", "agglomeration_rent", "rent_peak", "ShortRun", "Equilibrium"]

#: residual above which a short-run solution is rejected
RESIDUAL_TOL = 1e-12


def rho(sigma: float) -> float:
    """:math:`\\rho=(\\sigma-1)/\\sigma`, the love-of-variety parameter (FKV ch. 4)."""
    s = require_in_range(sigma, "sigma", lo=1, lo_open=True)
    return (s - 1.0) / s


def check_params(sigma: float, mu: float, T: float | None = None, *,
                 allow_black_hole: bool = False) -> tuple[float, float, float | None]:
    """Validate (sigma, mu, T) and return them as floats.

    Raises
    ------
    BookInputError
        sigma <= 1, mu outside (0, 1), T < 1, or the black-hole case rho <= mu (unless
        ``allow_black_hole``).
    """
    s = require_in_range(sigma, "sigma (elasticity of substitution)", lo=1, lo_open=True)
    m = require_in_range(mu, "mu (manufacturing expenditure share)", lo=0, hi=1,
                         lo_open=True, hi_open=True)
    t = None
    if T is not None:
        t = require_in_range(T, "T (iceberg trade cost; 1 = free trade)", lo=1)
    r = (s - 1.0) / s
    if not allow_black_hole and r <= m:
        raise BookInputError(
            f"sigma={s}, mu={m} violate the no-black-hole condition rho=(sigma-1)/sigma={r:.4g} > "
            "mu: agglomeration would be stable at every trade cost and there is no break or "
            "sustain point (FKV 1999, ch. 5). Raise sigma or lower mu, or pass "
            "allow_black_hole=True to solve the short run anyway."
        )
    return s, m, t


def _lam_array(lam) -> np.ndarray:
    raw = np.asarray(lam)
    if raw.dtype.kind not in "fiu":
        raise BookInputError(f"lam must be numeric, got {lam!r}; pass shares in [0, 1] as "
                             "numbers (use pd.to_numeric for text).")
    arr = raw.astype(float)
    if arr.dtype.kind not in "fiu":
        raise BookInputError(f"lam must be numeric, got {lam!r}.")
    if not np.all(np.isfinite(arr)):
        raise BookInputError("lam contains NaN or infinite values.")
    if np.any((arr < 0) | (arr > 1)):
        raise BookInputError(f"lam (region 1's share of manufacturing workers) must lie in [0, 1]; "
                             f"got values from {arr.min()} to {arr.max()}.")
    return arr


def _rhs(w1, w2, lam, s, m, T):
    """Incomes, price indices and the wage equations' right-hand sides for given wages."""
    phi = T ** (1.0 - s)
    Y1 = m * lam * w1 + (1 - m) / 2
    Y2 = m * (1 - lam) * w2 + (1 - m) / 2
    a1 = w1 ** (1 - s)
    a2 = w2 ** (1 - s)
    P1 = lam * a1 + (1 - lam) * a2 * phi          # G1^(1-sigma)
    P2 = lam * a1 * phi + (1 - lam) * a2          # G2^(1-sigma)
    W1 = Y1 / P1 + Y2 / P2 * phi                  # = w1^sigma in equilibrium
    W2 = Y1 / P1 * phi + Y2 / P2
    return Y1, Y2, P1, P2, W1, W2


@dataclass(frozen=True)
class ShortRun:
    """Short-run equilibrium for given (lam, sigma, mu, T); arrays broadcast over ``lam``.

    Attributes: ``Y1, Y2`` incomes, ``G1, G2`` manufacturing price indices, ``w1, w2`` nominal
    wages, ``omega1, omega2`` real wages, ``residual`` the largest absolute error over the six
    equilibrium equations, ``iterations`` Newton steps taken.
    """

    lam: np.ndarray
    Y1: np.ndarray
    Y2: np.ndarray
    G1: np.ndarray
    G2: np.ndarray
    w1: np.ndarray
    w2: np.ndarray
    omega1: np.ndarray
    omega2: np.ndarray
    residual: float
    iterations: int

    @property
    def gap(self) -> np.ndarray:
        """Real-wage gap :math:`\\omega_1-\\omega_2`."""
        return self.omega1 - self.omega2


def residuals(sr: ShortRun, sigma: float, mu: float, T: float) -> np.ndarray:
    """Absolute errors of the six short-run equations (FKV eqs. 5.1-5.4) at a solution."""
    if not isinstance(sr, ShortRun):
        raise BookInputError(f"sr must be a ShortRun (the result of short_run), got "
                             f"{type(sr).__name__}.")
    s, m, t = check_params(sigma, mu, T, allow_black_hole=True)
    lam, w1, w2 = sr.lam, sr.w1, sr.w2
    e = [sr.Y1 - (m * lam * w1 + (1 - m) / 2),
         sr.Y2 - (m * (1 - lam) * w2 + (1 - m) / 2),
         sr.G1 - (lam * w1 ** (1 - s) + (1 - lam) * (w2 * t) ** (1 - s)) ** (1 / (1 - s)),
         sr.G2 - (lam * (w1 * t) ** (1 - s) + (1 - lam) * w2 ** (1 - s)) ** (1 / (1 - s)),
         w1 - (sr.Y1 * sr.G1 ** (s - 1) + sr.Y2 * sr.G2 ** (s - 1) * t ** (1 - s)) ** (1 / s),
         w2 - (sr.Y1 * sr.G1 ** (s - 1) * t ** (1 - s) + sr.Y2 * sr.G2 ** (s - 1)) ** (1 / s)]
    return np.abs(np.stack([np.broadcast_to(x, np.shape(lam)) for x in e]))


def short_run(lam, sigma: float, mu: float, T: float, *, allow_black_hole: bool = False,
              maxiter: int = 100) -> ShortRun:
    """Solve the short-run equilibrium to machine precision (FKV 1999, eqs. 5.1-5.5).

    Parameters
    ----------
    lam : float or array-like
        Region 1's share of manufacturing workers, in [0, 1] (vectorised).
    sigma : float
        Elasticity of substitution between varieties, > 1.
    mu : float
        Expenditure share of manufactures (= manufacturing labour share), in (0, 1).
    T : float
        Iceberg trade cost, >= 1.
    allow_black_hole : bool
        Solve even when rho <= mu (the short run exists; only the long-run analysis breaks).
    maxiter : int
        Newton iterations allowed.

    Returns
    -------
    ShortRun
        With ``residual`` (max error over the six equations) below 1e-12.

    Notes
    -----
    Newton's method on :math:`F_r(w)=w_r^{\\sigma}-W_r(w)=0` with the analytic 2x2 Jacobian,
    started from :math:`w=1` (the symmetric solution, exact at :math:`\\lambda=1/2`). Wages in an
    empty region (:math:`\\lambda\\in\\{0,1\\}`) are the wage a single firm there could pay.
    """
    s, m, t = check_params(sigma, mu, T, allow_black_hole=allow_black_hole)
    if not isinstance(maxiter, (int, np.integer)) or isinstance(maxiter, bool) or maxiter < 1:
        raise BookInputError(f"maxiter must be a positive int (Newton iterations), got {maxiter!r}.")
    lam_arr = _lam_array(lam)
    scalar = lam_arr.ndim == 0
    L = np.atleast_1d(lam_arr).astype(float)
    phi = t ** (1.0 - s)
    w1 = np.ones_like(L)
    w2 = np.ones_like(L)
    it = 0
    for it in range(1, maxiter + 1):  # noqa: B007 (it is reported after the loop)
        Y1, Y2, P1, P2, W1, W2 = _rhs(w1, w2, L, s, m, t)
        # F_r = sigma*ln(w_r) - ln(W_r), in the unknowns x_r = ln(w_r)
        F1 = s * np.log(w1) - np.log(W1)
        F2 = s * np.log(w2) - np.log(W2)
        # derivatives of W_r with respect to w_1, w_2
        dY1 = m * L
        dY2 = m * (1 - L)
        dP1_1 = L * (1 - s) * w1 ** (-s)
        dP1_2 = (1 - L) * phi * (1 - s) * w2 ** (-s)
        dP2_1 = L * phi * (1 - s) * w1 ** (-s)
        dP2_2 = (1 - L) * (1 - s) * w2 ** (-s)
        dW1_1 = dY1 / P1 - Y1 * dP1_1 / P1**2 - phi * Y2 * dP2_1 / P2**2
        dW1_2 = -Y1 * dP1_2 / P1**2 + phi * (dY2 / P2 - Y2 * dP2_2 / P2**2)
        dW2_1 = phi * (dY1 / P1 - Y1 * dP1_1 / P1**2) - Y2 * dP2_1 / P2**2
        dW2_2 = -phi * Y1 * dP1_2 / P1**2 + dY2 / P2 - Y2 * dP2_2 / P2**2
        # Jacobian of F with respect to x = ln w (chain rule: dW/dx = dW/dw * w)
        J11 = s - dW1_1 * w1 / W1
        J12 = -dW1_2 * w2 / W1
        J21 = -dW2_1 * w1 / W2
        J22 = s - dW2_2 * w2 / W2
        det = J11 * J22 - J12 * J21
        d1 = (J22 * F1 - J12 * F2) / det
        d2 = (-J21 * F1 + J11 * F2) / det
        # guard against wild steps far from the solution
        d1 = np.clip(d1, -0.5, 0.5)
        d2 = np.clip(d2, -0.5, 0.5)
        w1 = w1 * np.exp(-d1)
        w2 = w2 * np.exp(-d2)
        if max(np.max(np.abs(d1)), np.max(np.abs(d2))) < 1e-15:
            break
    Y1, Y2, P1, P2, W1, W2 = _rhs(w1, w2, L, s, m, t)
    G1 = P1 ** (1 / (1 - s))
    G2 = P2 ** (1 / (1 - s))
    sr = ShortRun(L, Y1, Y2, G1, G2, w1, w2, w1 * G1 ** (-m), w2 * G2 ** (-m), 0.0, it)
    res = float(residuals(sr, s, m, t).max())
    if not np.isfinite(res) or res > RESIDUAL_TOL:
        raise BookInputError(
            f"the short-run solver did not converge (max residual {res:.3g} after {it} Newton "
            f"steps) at sigma={s}, mu={m}, T={t}; extreme parameters (very large T or sigma) "
            "underflow double precision - try values closer to FKV's (sigma=5, mu=0.4)."
        )
    if scalar:
        sr = ShortRun(*(float(np.squeeze(getattr(sr, f))) for f in
                        ("lam", "Y1", "Y2", "G1", "G2", "w1", "w2", "omega1", "omega2")),
                      res, it)
    else:
        sr = ShortRun(*(np.reshape(getattr(sr, f), lam_arr.shape) for f in
                        ("lam", "Y1", "Y2", "G1", "G2", "w1", "w2", "omega1", "omega2")),
                      res, it)
    return sr


def wage_gap(lam, sigma: float, mu: float, T: float) -> np.ndarray | float:
    """Real-wage gap :math:`\\omega_1-\\omega_2` at ``lam`` (FKV fig. 5.1-5.3 curves)."""
    return short_run(lam, sigma, mu, T).gap


def wage_gap_slope(lam, sigma: float, mu: float, T: float, *, h: float = 1e-3) -> float:
    """:math:`d(\\omega_1-\\omega_2)/d\\lambda` by a Richardson-extrapolated central difference.

    The symmetric equilibrium is stable when the slope at :math:`\\lambda=1/2` is negative.
    Error is :math:`O(h^4)`.
    """
    lam = float(_lam_array(lam))
    h = require_in_range(h, "h", lo=0, hi=0.1, lo_open=True)
    if lam - h < 0 or lam + h > 1:
        raise BookInputError(f"lam={lam} is within h={h} of the boundary; use a smaller h.")
    pts = np.array([lam - h, lam + h, lam - h / 2, lam + h / 2])
    g = wage_gap(pts, sigma, mu, T)
    d_h = (g[1] - g[0]) / (2 * h)
    d_h2 = (g[3] - g[2]) / h
    return float((4 * d_h2 - d_h) / 3)


def break_point(sigma: float, mu: float) -> float:
    """Closed-form break point :math:`T_B` (FKV 1999, ch. 5).

    :math:`T_B=\\left[\\frac{(\\rho+\\mu)(1+\\mu)}{(\\rho-\\mu)(1-\\mu)}\\right]^{1/(\\sigma-1)}`,
    :math:`\\rho=(\\sigma-1)/\\sigma`: for :math:`T<T_B` the symmetric equilibrium is unstable.
    """
    s, m, _ = check_params(sigma, mu)
    r = (s - 1) / s
    return float(((r + m) * (1 + m) / ((r - m) * (1 - m))) ** (1 / (s - 1)))


def _sustain_condition(T, s, m):
    """:math:`\\omega_2^{\\sigma}-1` at :math:`\\lambda=1` from FKV eq. 5.18."""
    return T ** (-m * s) * ((1 + m) / 2 * T ** (1 - s) + (1 - m) / 2 * T ** (s - 1)) - 1.0


def sustain_point(sigma: float, mu: float) -> float:
    """Sustain point :math:`T_S>1`: the root of FKV's condition (eq. 5.18)
    :math:`T^{-\\mu\\sigma}[\\frac{1+\\mu}{2}T^{1-\\sigma}+\\frac{1-\\mu}{2}T^{\\sigma-1}]=1`.

    For :math:`1<T<T_S` the core-periphery pattern is sustainable. The condition is explicit in
    the parameters but has no closed-form root; it is found with :func:`scipy.optimize.brentq`
    (to 1e-14). Under no-black-hole the left side equals 1 at T=1, falls below 1 just above it
    (slope :math:`-\\mu(2\\sigma-1)` at T=1) and grows without bound (exponent
    :math:`\\sigma(\\rho-\\mu)>0`), so the root above 1 is unique.
    """
    s, m, _ = check_params(sigma, mu)
    lo = 1.0 + 1e-9
    # the condition is negative just above 1; walk out until it turns positive
    hi = 1.5
    while _sustain_condition(hi, s, m) <= 0:
        hi = 1 + 2 * (hi - 1)
        if hi > 1e6:
            raise BookInputError(f"no sustain point found below T=1e6 for sigma={s}, mu={m}.")
    return float(brentq(_sustain_condition, lo, hi, args=(s, m), xtol=1e-15, rtol=1e-15, maxiter=500))


def sustain_point_numeric(sigma: float, mu: float) -> float:
    """Sustain point located with the full short-run solver: the T where
    :math:`\\omega_1(\\lambda=1)=\\omega_2(\\lambda=1)` (independent of eq. 5.18's algebra)."""
    s, m, _ = check_params(sigma, mu)

    def f(T):
        return -float(wage_gap(1.0, s, m, T))  # omega2 - omega1 at the core-periphery pattern

    hi = 1.5
    while f(hi) <= 0:
        hi = 1 + 2 * (hi - 1)
        if hi > 1e3:
            raise BookInputError(f"no sustain point found below T=1e3 for sigma={s}, mu={m}.")
    return float(brentq(f, 1.0 + 1e-9, hi, xtol=1e-14, rtol=1e-15, maxiter=500))


def break_point_numeric(sigma: float, mu: float) -> float:
    """Break point located with the full short-run solver: the T where the slope of
    :math:`\\omega_1-\\omega_2` at :math:`\\lambda=1/2` changes sign (no use of the closed form)."""
    s, m, _ = check_params(sigma, mu)

    def f(T):
        return wage_gap_slope(0.5, s, m, T)

    hi = 1.5
    while f(hi) >= 0:
        hi = 1 + 2 * (hi - 1)
        if hi > 1e3:
            raise BookInputError(f"no break point found below T=1e3 for sigma={s}, mu={m}.")
    return float(brentq(f, 1.0 + 1e-9, hi, xtol=1e-14, rtol=1e-15, maxiter=500))


@dataclass(frozen=True)
class Equilibrium:
    """One long-run equilibrium: region-1 share ``lam`` and whether it is ``stable``."""

    lam: float
    stable: bool


def equilibria(sigma: float, mu: float, T: float, *, n_grid: int = 201) -> list[Equilibrium]:
    """All long-run equilibria at trade cost T and their stability (FKV ch. 5, sect. 5.2).

    Interior equilibria are zeros of :math:`\\omega_1-\\omega_2` on a grid of ``n_grid`` points,
    refined with :func:`~scipy.optimize.brentq`; an interior zero is stable when the gap falls
    through it. :math:`\\lambda=1` (:math:`\\lambda=0`) is an equilibrium when
    :math:`\\omega_1\\ge\\omega_2` (:math:`\\le`) there and is then stable if the inequality is
    strict. The symmetric point is always an equilibrium; its stability uses
    :func:`wage_gap_slope`.
    """
    s, m, t = check_params(sigma, mu, T)
    if not isinstance(n_grid, int) or isinstance(n_grid, bool) or n_grid < 11:
        raise BookInputError(f"n_grid must be an int >= 11, got {n_grid!r}.")
    out: list[Equilibrium] = []
    g_end = float(wage_gap(1.0, s, m, t))           # gap at lam=1; by symmetry gap(0) = -g_end
    scale = max(1e-12, abs(g_end))
    tiny = 1e-11 * scale
    cp_stable = g_end > tiny
    if g_end >= -tiny:
        out += [Equilibrium(0.0, bool(cp_stable)), Equilibrium(1.0, bool(cp_stable))]
    slope = wage_gap_slope(0.5, s, m, t)
    out.append(Equilibrium(0.5, bool(slope < 0)))
    # asymmetric interior equilibria: sign changes of q = gap / (lam - 1/2) on (1/2, 1)
    # (q -> slope at 1/2, so roots close to 1/2 are not lost); mirror them by symmetry
    grid = 0.5 + 0.5 * np.linspace(0, 1, n_grid)[1:-1]

    def q(x):
        return float(wage_gap(x, s, m, t)) / (x - 0.5)

    qs = wage_gap(grid, s, m, t) / (grid - 0.5)
    xs = np.concatenate([[0.5], grid, [1.0]])
    qv = np.concatenate([[slope], qs, [g_end / 0.5]])
    for i in range(len(xs) - 1):
        a, b, qa, qb = xs[i], xs[i + 1], qv[i], qv[i + 1]
        if qa * qb < 0:
            lo, hi = (max(a, 0.5 + 1e-9), b if b < 1 else 1 - 1e-12)
            root = brentq(q, lo, hi, xtol=1e-14) if q(lo) * q(hi) < 0 else 0.5 * (a + b)
            stable = bool(qa > qb)  # gap falls through the root
            out += [Equilibrium(float(root), stable), Equilibrium(float(1 - root), stable)]
    return sorted(out, key=lambda e: e.lam)


def tomahawk(sigma: float, mu: float, T_values, *, n_grid: int = 101):
    """Equilibria for each trade cost: a tidy DataFrame (T, lam, stable) for the tomahawk plot."""
    import pandas as pd

    s, m, _ = check_params(sigma, mu)
    Ts = np.atleast_1d(np.asarray(T_values, dtype=float))
    if Ts.ndim != 1 or Ts.size == 0 or not np.all(np.isfinite(Ts)) or np.any(Ts < 1):
        raise BookInputError("T_values must be a non-empty 1-d array of trade costs >= 1.")
    rows = []
    for t in Ts:
        for e in equilibria(s, m, float(t), n_grid=n_grid):
            rows.append((float(t), e.lam, e.stable))
    return pd.DataFrame(rows, columns=["T", "lam", "stable"])


# ----------------------------------------------------------------- agglomeration rent
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
    sigma, mu, _ = check_params(sigma, mu)   # also refuses the black-hole case
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
    return float(np.sqrt(break_point(sigma, mu)))
