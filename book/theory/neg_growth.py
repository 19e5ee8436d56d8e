"""NEG growth models: global spillovers (GS) and local spillovers (LS).

Two regions, each with labour ``L = Lw/2``. A manufacturing variety needs one unit of
knowledge capital; operating profit per unit of capital is ``pi = b B E^w / K^w`` with
``b = mu/sigma`` (expenditure share on manufactures over the elasticity of substitution) and
the market-access term ``B = s_E/Delta + phi (1-s_E)/Delta*``, ``Delta = s_K + phi(1-s_K)``,
``Delta* = phi s_K + 1 - s_K`` (``phi`` = freeness of trade). New capital is made with labour
at unit cost ``a_I = 1/(K^w A)``, where the spillover term is

    A  = s_K + lam (1 - s_K)   (north),      A* = lam s_K + 1 - s_K   (south),

``lam in [0, 1]`` being the freeness of knowledge flows between regions. ``lam = 1`` is the
global-spillovers model of Martin & Ottaviano (1999); ``lam < 1`` the local-spillovers model of
Baldwin, Martin & Ottaviano (2001) and Baldwin et al. (2003, ch. 7). Tobin's q of a region is
``q = v / a_I = b B E^w A / (rho + g)``; capital is accumulated where ``q = 1``.

Steady-state growth (both regions investing, or the core alone under full agglomeration)::

    g = b Lw A - (1 - b) rho,

so that ``g_sym = b Lw (1 + lam)/2 - (1-b) rho`` and ``g_CP = b Lw - (1-b) rho``: with local
spillovers (``lam < 1``) agglomeration raises the growth rate; with global ones it does not.

:func:`solve_steady_state` obtains ``g`` and ``E^w`` numerically from the income identity and
the Tobin-q condition (not from the closed form); :func:`growth_closed_form` is the formula.
:func:`stable_shares` finds the stable spatial distributions of capital for given
``(phi, lam)`` from the sign of ``q - q*``. Written by hand: no maintained package solves NEG
growth models.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize

from ..errors import BookInputError
from ..validate import require_in_range


@dataclass(frozen=True)
class NEGGrowthParams:
    """b = mu/sigma in (0,1); Lw world labour; rho time preference; lam spillover freeness in
    [0,1]; phi trade freeness in (0,1]."""

    b: float = 0.1
    Lw: float = 1.0
    rho: float = 0.05
    lam: float = 0.5
    phi: float = 0.3

    def __post_init__(self):
        require_in_range(self.b, "b", 0, 1, lo_open=True, hi_open=True)
        require_in_range(self.Lw, "Lw", 0, None, lo_open=True)
        require_in_range(self.rho, "rho", 0, None, lo_open=True)
        require_in_range(self.lam, "lam", 0, 1)
        require_in_range(self.phi, "phi", 0, 1, lo_open=True)
        if self.b * self.Lw * (1 + self.lam) / 2 <= (1 - self.b) * self.rho:
            raise BookInputError(
                f"b*Lw*(1+lam)/2 = {self.b * self.Lw * (1 + self.lam) / 2:.4g} <= (1-b)*rho = "
                f"{(1 - self.b) * self.rho:.4g}: no growth at the symmetric equilibrium; raise b "
                "or Lw, or lower rho."
            )


def _check(p) -> NEGGrowthParams:
    if not isinstance(p, NEGGrowthParams):
        raise BookInputError(f"params must be NEGGrowthParams, got {type(p).__name__}.")
    return p


def _share(s_K, name="s_K"):
    return require_in_range(s_K, name, 0, 1)


def spillover_terms(p: NEGGrowthParams, s_K: float) -> tuple[float, float]:
    """``(A, A*)``: the knowledge each region's innovators draw on (per unit of ``K^w``)."""
    p, s = _check(p), _share(s_K)
    return s + p.lam * (1 - s), p.lam * s + 1 - s


def expenditure_share(p: NEGGrowthParams, s_K: float) -> float:
    """North's expenditure share ``s_E`` with wealth valued at replacement cost (q = 1):
    ``E = L + rho s_K/A``, ``E* = L + rho (1-s_K)/A*``."""
    p, s = _check(p), _share(s_K)
    A, As = spillover_terms(p, s)
    E = p.Lw / 2 + (p.rho * s / A if s > 0 else 0.0)
    Es = p.Lw / 2 + (p.rho * (1 - s) / As if s < 1 else 0.0)
    return E / (E + Es)


def market_access(p: NEGGrowthParams, s_K: float, s_E: float) -> tuple[float, float]:
    """``(B, B*)``: profit per unit of capital relative to the world average."""
    p, s = _check(p), _share(s_K)
    sE = _share(s_E, "s_E")
    D, Ds = s + p.phi * (1 - s), p.phi * s + 1 - s
    return sE / D + p.phi * (1 - sE) / Ds, p.phi * sE / D + (1 - sE) / Ds


def growth_closed_form(p: NEGGrowthParams, where: str = "symmetric") -> float:
    """``g = b Lw A - (1-b) rho`` at the symmetric (``A = (1+lam)/2``) or core-periphery
    (``A = 1``) steady state (Baldwin et al. 2003, ch. 7; Martin & Ottaviano 1999 for lam=1)."""
    p = _check(p)
    A = {"symmetric": (1 + p.lam) / 2, "core": 1.0}.get(where)
    if A is None:
        raise BookInputError(f"where must be 'symmetric' or 'core', got {where!r}.")
    return p.b * p.Lw * A - (1 - p.b) * p.rho


def solve_steady_state(p: NEGGrowthParams, s_K: float) -> dict:
    """Steady state at capital share ``s_K`` in {1/2, 1} solved numerically.

    Unknowns ``(g, E^w)``: the income identity ``E^w = Lw + b E^w - g (s_K/A + (1-s_K)/A*)``
    (labour income plus profits minus labour spent on innovation) and Tobin's ``q = 1`` in the
    region(s) that invest, solved with ``scipy.optimize.fsolve``.
    """
    p, s = _check(p), _share(s_K)
    if s not in (0.5, 1.0):
        raise BookInputError("steady states with investment in both regions or in the core only "
                             "are at s_K = 0.5 (symmetric) or s_K = 1 (core in the north).")
    A, As = spillover_terms(p, s)
    sE = expenditure_share(p, s)
    B, _ = market_access(p, s, sE)
    labour_per_g = s / A + ((1 - s) / As if s < 1 else 0.0)

    def eqs(z):
        g, Ew = z
        return [Ew - (p.Lw + p.b * Ew - g * labour_per_g), p.b * B * Ew * A / (p.rho + g) - 1.0]

    (g, Ew), info, ier, msg = optimize.fsolve(eqs, [0.05, p.Lw], full_output=True, xtol=1e-13)
    if ier != 1:
        raise BookInputError(f"steady-state solver failed: {msg}")
    return {"g": float(g), "Ew": float(Ew), "s_E": sE}


def q_ratio(p: NEGGrowthParams, s_K: float) -> float:
    """``q / q*`` at capital share ``s_K`` (> 1: the north accumulates faster)."""
    p, s = _check(p), _share(s_K)
    A, As = spillover_terms(p, s)
    B, Bs = market_access(p, s, expenditure_share(p, s))
    return (B * A) / (Bs * As)


def southern_q_at_core(p: NEGGrowthParams) -> float:
    """Tobin's q of a southern innovator when all capital is in the north (< 1: CP sustainable)."""
    p = _check(p)
    A, As = spillover_terms(p, 1.0)
    sE = expenditure_share(p, 1.0)
    _, Bs = market_access(p, 1.0, sE)
    g = growth_closed_form(p, "core")
    Ew = p.Lw + p.rho  # permanent income with all wealth in the north (A = 1)
    return p.b * Bs * Ew * As / (p.rho + g)


def symmetric_is_stable(p: NEGGrowthParams, h: float = 1e-4) -> bool:
    """Symmetric steady state is stable if a region with more capital has the lower q."""
    p = _check(p)
    h = require_in_range(h, "h", 0, 0.5, lo_open=True, hi_open=True)
    return np.log(q_ratio(p, 0.5 + h)) - np.log(q_ratio(p, 0.5 - h)) < 0


def break_point(p: NEGGrowthParams) -> float:
    """Trade freeness at which the symmetric distribution becomes unstable (numerical)."""
    p = _check(p)
    h = 1e-4  # central difference; truncation error O(h^2)
    f = lambda phi: (np.log(q_ratio(replace(p, phi=phi), 0.5 + h))  # noqa: E731
                     - np.log(q_ratio(replace(p, phi=phi), 0.5 - h))) / (2 * h)
    lo, hi = 1e-6, 1 - 1e-6
    if f(lo) >= 0:
        return 0.0
    if f(hi) < 0:
        return 1.0
    return float(optimize.brentq(f, lo, hi, xtol=1e-12))


def break_point_closed_form(p: NEGGrowthParams) -> float:
    """Break point from the linearisation of ``ln(q/q*)`` at ``s_K = 1/2``.

    With ``x = (1-phi)/(1+phi)``, ``kappa = d s_E/d s_K = 4 rho lam / ((1+lam)(Lw(1+lam)+2 rho))``
    and ``d ln(A/A*)/d s_K = 4(1-lam)/(1+lam)``, stability is lost when
    ``x^2 - kappa x - (1-lam)/(1+lam) = 0``, i.e. ``x = (kappa + sqrt(kappa^2 + 4(1-lam)/(1+lam)))/2``
    and ``phi_B = (1-x)/(1+x)`` (0 if ``x >= 1``). For ``lam = 1`` (GS) this is
    ``phi_B = (1-kappa)/(1+kappa)`` with ``kappa = rho/(Lw+rho)``. Derived in this module from the
    equations above (our derivation, checked against :func:`break_point`).
    """
    p = _check(p)
    lam = p.lam
    kappa = 4 * p.rho * lam / ((1 + lam) * (p.Lw * (1 + lam) + 2 * p.rho))
    x = (kappa + np.sqrt(kappa ** 2 + 4 * (1 - lam) / (1 + lam))) / 2
    return float(max((1 - x) / (1 + x), 0.0))


def sustain_point(p: NEGGrowthParams) -> float:
    """Smallest trade freeness at which full agglomeration is sustainable (q* <= 1)."""
    p = _check(p)
    f = lambda phi: southern_q_at_core(replace(p, phi=phi)) - 1  # noqa: E731
    grid = np.linspace(1e-4, 1, 2001)
    vals = np.array([f(x) for x in grid])
    ok = np.flatnonzero(vals <= 0)
    if ok.size == 0:
        return 1.0
    i = ok[0]
    if i == 0:
        return 0.0
    return float(optimize.brentq(f, grid[i - 1], grid[i], xtol=1e-12))


def stable_shares(p: NEGGrowthParams, n_grid: int = 400) -> list[float]:
    """All stable north capital shares (interior roots of q = q* with negative slope, plus the
    core-periphery outcomes when sustainable)."""
    p = _check(p)
    if not isinstance(n_grid, int) or n_grid < 10:
        raise BookInputError(f"n_grid must be an int >= 10, got {n_grid!r}.")
    s = np.linspace(1e-4, 1 - 1e-4, n_grid + (n_grid % 2))  # even: 1/2 is never a grid point
    d = np.array([np.log(q_ratio(p, x)) for x in s])
    out = []
    for i in range(n_grid - 1):
        if d[i] == 0 or d[i] * d[i + 1] < 0:
            if d[i] > 0 > d[i + 1]:  # q/q* falls through 1: stable
                r = optimize.brentq(lambda x: np.log(q_ratio(p, x)), s[i], s[i + 1])
                out.append(round(float(r), 10))
    if southern_q_at_core(p) <= 1:
        out += [0.0, 1.0]
    return sorted(set(out))


def simulate_shares(p: NEGGrowthParams, s0: float, T: float = 200.0, dt: float = 0.05,
                    speed: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Illustrative adjustment ``ds/dt = speed * s (1-s) ln(q/q*)`` from ``s0``.

    The law of motion is an assumption of this book (capital is built faster where its
    value exceeds its cost), used only to draw paths toward the stable distributions.
    """
    p = _check(p)
    s = require_in_range(s0, "s0", 0, 1, lo_open=True, hi_open=True)
    T = require_in_range(T, "T", 0, lo_open=True)
    dt = require_in_range(dt, "dt", 0, T, lo_open=True)
    speed = require_in_range(speed, "speed", 0, lo_open=True)
    n = int(round(T / dt))
    path = np.empty(n + 1)
    path[0] = s
    for i in range(n):
        x = min(max(path[i], 1e-9), 1 - 1e-9)
        path[i + 1] = x + dt * speed * x * (1 - x) * np.log(q_ratio(p, x))
    return np.arange(n + 1) * dt, np.clip(path, 0, 1)


def growth_at(p: NEGGrowthParams, s_K: float) -> float:
    """World growth rate with the north's capital share fixed at ``s_K`` and north investing:
    ``g = b B E^w A - rho`` with permanent-income expenditure (used for paths)."""
    p, s = _check(p), _share(s_K)
    A, As = spillover_terms(p, s)
    sE = expenditure_share(p, s)
    B, Bs = market_access(p, s, sE)
    Ew = p.Lw + p.rho * (s / A + ((1 - s) / As if s < 1 else 0.0))
    return max(p.b * B * Ew * A, p.b * Bs * Ew * As) - p.rho
