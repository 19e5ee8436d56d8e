"""Aghion & Howitt (1992): growth through creative destruction (quality ladder).

Cobb-Douglas version of Aghion & Howitt (1992, Econometrica 60(2), 323-351, section 2 and
the example in section 3; textbook treatment in Aghion & Howitt 1998, ch. 2). Final output
``y = A x**alpha`` uses ``x`` units of labour in the intermediate sector; ``n`` workers do
research; ``x + n = L``. Innovations arrive as a Poisson process at rate ``lambda n`` and raise
productivity by the factor ``gamma > 1``. The innovator earns the monopoly profit
``pi = ((1-alpha)/alpha) w x`` until the next innovation destroys it (creative destruction).

Research arbitrage (wage of a researcher = expected value of the next patent), with wages
growing by ``gamma`` per innovation::

    1 = lambda * gamma * ((1-alpha)/alpha) * (L - n) / (r + lambda n)

whose solution is the steady-state research labour

    n_hat = (gamma (1-alpha)/alpha * L - r/lambda) / (1 + gamma (1-alpha)/alpha),

and the average growth rate of log output is ``g = lambda n_hat ln gamma``.

The planner (maximising expected discounted output, Aghion & Howitt 1992, section 5) uses

    1 = lambda * ((gamma-1)/alpha) * (L - n) / (r - lambda n (gamma-1)),

the differences being the appropriability effect (``1/alpha`` vs ``(1-alpha)/alpha``), the
intertemporal spillover (``gamma - 1`` vs ``gamma``, with the social discount rate ``r - lambda
n (gamma-1)`` instead of ``r + lambda n``) and the business-stealing effect (the private
innovator counts the rent it takes from the incumbent, ``gamma`` rather than ``gamma - 1``).

Written by hand: no maintained Python package implements the model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ..errors import BookInputError
from ..validate import require_in_range


@dataclass(frozen=True)
class AHParams:
    """lam: arrival rate per researcher; gamma: step size (>1); alpha: elasticity in
    ``y = A x^alpha``; L: labour; r: interest rate (= rate of time preference)."""

    lam: float = 0.12
    gamma: float = 1.5
    alpha: float = 0.5
    L: float = 1.0
    r: float = 0.08

    def __post_init__(self):
        require_in_range(self.lam, "lam", 0, None, lo_open=True)
        require_in_range(self.gamma, "gamma", 1, None, lo_open=True)
        require_in_range(self.alpha, "alpha", 0, 1, lo_open=True, hi_open=True)
        require_in_range(self.L, "L", 0, None, lo_open=True)
        require_in_range(self.r, "r", 0, None, lo_open=True)


def _check(p) -> AHParams:
    if not isinstance(p, AHParams):
        raise BookInputError(f"params must be an AHParams, got {type(p).__name__}.")
    return p


def arbitrage_gap(p: AHParams, n: float) -> float:
    """Expected value of research minus its cost, per unit of wage (zero in equilibrium)."""
    p = _check(p)
    n = require_in_range(n, "n", 0, p.L)
    k = (1 - p.alpha) / p.alpha
    return p.lam * p.gamma * k * (p.L - n) / (p.r + p.lam * n) - 1.0


def steady_state(p: AHParams) -> dict:
    """Closed-form steady state: research ``n``, growth ``g = lam n ln(gamma)``, arrival rate.

    Raises
    ------
    BookInputError
        If ``lam gamma ((1-alpha)/alpha) L <= r``: research does not pay, ``n_hat = 0``.
    """
    p = _check(p)
    k = p.gamma * (1 - p.alpha) / p.alpha
    if p.lam * k * p.L <= p.r:
        raise BookInputError(
            f"lam*gamma*(1-alpha)/alpha*L = {p.lam * k * p.L:.4g} <= r = {p.r}: research does not "
            "pay and the economy does not grow (corner n = 0). Raise lam, gamma or L, or lower r."
        )
    n = (k * p.L - p.r / p.lam) / (1 + k)
    return {"n": n, "g": float(p.lam * n * np.log(p.gamma)), "arrival": p.lam * n}


def solve_steady_state(p: AHParams) -> dict:
    """The same steady state found numerically: root of :func:`arbitrage_gap` on ``(0, L)``."""
    p = _check(p)
    if arbitrage_gap(p, 0.0) <= 0:
        raise BookInputError("research does not pay even at n = 0; no interior steady state.")
    n = optimize.brentq(lambda v: arbitrage_gap(p, v), 0.0, p.L, xtol=1e-14, rtol=1e-13)
    return {"n": n, "g": float(p.lam * n * np.log(p.gamma)), "arrival": p.lam * n}


def planner(p: AHParams) -> dict:
    """Social optimum research ``n*`` (Aghion & Howitt 1992, section 5), by closed form.

    ``n* = (lam (gamma-1) L - alpha r) / (lam (gamma-1) (1-alpha))``, clipped at 0. Expected
    welfare ``A0 (L-n)^alpha / (r - lam n (gamma-1))`` is finite for every ``n < L`` only if
    ``r > lam (gamma-1) L``; otherwise the planner's problem has no solution and we raise.
    """
    p = _check(p)
    d = p.lam * (p.gamma - 1)
    if p.r <= d * p.L:
        raise BookInputError(
            f"r = {p.r} <= lam (gamma-1) L = {d * p.L:.4g}: expected welfare is unbounded as n "
            "approaches r/(lam (gamma-1)); the planner's problem needs r > lam (gamma-1) L."
        )
    n = max((d * p.L - p.alpha * p.r) / (d * (1 - p.alpha)), 0.0)
    return {"n": n, "g": float(p.lam * n * np.log(p.gamma))}


def simulate(p: AHParams, T: float = 500.0, n_paths: int = 200, seed_offset: int = 0) -> dict:
    """Monte Carlo of the quality ladder at the steady-state research level.

    Innovations on each path are a Poisson process of rate ``lam n_hat``; log output jumps by
    ``ln gamma`` at each one. Returns the per-path average growth ``k ln(gamma) / T``, its mean
    and standard error (randomness from :func:`book.rng`).
    """
    from .. import rng

    p = _check(p)
    require_in_range(T, "T", 0, None, lo_open=True)
    if not isinstance(n_paths, int) or n_paths < 2:
        raise BookInputError(f"n_paths must be an int >= 2, got {n_paths!r}.")
    ss = steady_state(p)
    k = rng(seed_offset).poisson(ss["arrival"] * T, size=n_paths)
    g = k * np.log(p.gamma) / T
    return {"g_paths": g, "g_mean": float(g.mean()),
            "g_se": float(g.std(ddof=1) / np.sqrt(n_paths)), **ss}


def sample_path(p: AHParams, T: float = 100.0, seed_offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One path of log productivity: innovation times and ``ln A`` after each jump."""
    from .. import rng

    p = _check(p)
    require_in_range(T, "T", 0, None, lo_open=True)
    ss = steady_state(p)
    g = rng(seed_offset)
    times = np.cumsum(g.exponential(1 / ss["arrival"], size=int(ss["arrival"] * T * 3) + 20))
    times = times[times <= T]
    return times, np.arange(1, times.size + 1) * np.log(p.gamma)


def welfare(p: AHParams, n: float, A0: float = 1.0) -> float:
    """Expected discounted output ``A0 (L-n)^alpha / (r - lam n (gamma-1))`` at research ``n``.

    ``E[A_t] = A0 exp(lam n (gamma-1) t)`` because innovations arrive at rate ``lam n`` and
    each multiplies ``A`` by ``gamma``; integrating ``e^{-rt} E[y_t]`` gives the formula.
    """
    p = _check(p)
    n = require_in_range(n, "n", 0, p.L, hi_open=True)
    A0 = require_in_range(A0, "A0", 0, lo_open=True)
    disc = p.r - p.lam * n * (p.gamma - 1)
    if disc <= 0:
        raise BookInputError(f"r - lam n (gamma-1) = {disc:.4g} <= 0: welfare is unbounded at n={n}.")
    return A0 * (p.L - n) ** p.alpha / disc


def planner_numeric(p: AHParams) -> dict:
    """:func:`planner` found by maximising :func:`welfare` numerically (bounded Brent search)."""
    p = _check(p)
    planner(p)  # raises if the problem is unbounded
    res = optimize.minimize_scalar(lambda n: -np.log(welfare(p, n)), bounds=(0.0, p.L * (1 - 1e-12)),
                                   method="bounded", options={"xatol": 1e-10})
    return {"n": float(res.x), "g": float(p.lam * res.x * np.log(p.gamma))}
