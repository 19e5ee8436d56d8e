"""Romer (1990) endogenous technological change: the balanced growth path.

Model (Romer 1990, JPE 98(5), S71-S102). Final output uses human capital ``H_Y``, labour ``L``
and a continuum ``A`` of differentiated durables ``x(i)``::

    Y = H_Y**alpha * L**beta * integral_0^A x(i)**(1-alpha-beta) di

New designs are produced with human capital and the *whole* existing stock of knowledge, which
is non-rival (the spillover)::

    dA/dt = delta * H_A * A,      H_A + H_Y = H.

Each durable is sold by a monopolist (price ``p = r eta / (1-alpha-beta)``); a design sells for
the present value of that monopoly profit, ``P_A = pi / r``. Equating the wage of human capital
in research, ``P_A delta A``, with its marginal product in final output, ``alpha Y / H_Y``,
gives ``H_Y = Lambda r / delta`` with

    Lambda = alpha / ((1 - alpha - beta) * (alpha + beta)),

so that ``g = delta H_A = delta H - Lambda r`` (Romer 1990, section V). With CRRA preferences
the Euler equation ``r = rho + sigma g`` closes the model:

    g = (delta H - Lambda rho) / (sigma Lambda + 1).

:func:`balanced_growth` is that closed form; :func:`solve_equilibrium` re-derives the same
allocation *numerically* from the primitive equilibrium conditions (wage equalisation,
monopoly pricing, Euler equation), and :func:`simulate` integrates the economy forward, so the
page can check the closed form against a solution that does not use it. Written by hand: no
maintained Python package implements the Romer model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ..errors import BookInputError
from ..validate import require_in_range


@dataclass(frozen=True)
class RomerParams:
    """Parameters of Romer (1990).

    alpha, beta : output elasticities of human capital and labour in final output
        (``alpha + beta < 1``; durables get ``1 - alpha - beta``).
    delta : productivity of research (designs per unit of human capital per design).
    H : total human capital.  L : labour.  eta : forgone output per unit of durable.
    rho : rate of time preference.  sigma : inverse intertemporal elasticity (CRRA).
    """

    alpha: float = 0.35
    beta: float = 0.35
    delta: float = 0.1
    H: float = 1.0
    L: float = 1.0
    eta: float = 1.0
    rho: float = 0.02
    sigma: float = 1.5

    def __post_init__(self):
        require_in_range(self.alpha, "alpha", 0, 1, lo_open=True, hi_open=True)
        require_in_range(self.beta, "beta", 0, 1, lo_open=False, hi_open=True)
        if self.alpha + self.beta >= 1:
            raise BookInputError(
                f"alpha + beta = {self.alpha + self.beta} must be < 1 so that durables have a "
                "positive output elasticity 1 - alpha - beta; lower alpha or beta."
            )
        for name in ("delta", "H", "L", "eta", "sigma"):
            require_in_range(getattr(self, name), name, 0, None, lo_open=True)
        require_in_range(self.rho, "rho", 0, None, lo_open=True)

    @property
    def Lambda(self) -> float:
        """``alpha / ((1-alpha-beta)(alpha+beta))`` (Romer 1990, section V)."""
        return self.alpha / ((1 - self.alpha - self.beta) * (self.alpha + self.beta))


def _check(p) -> RomerParams:
    if not isinstance(p, RomerParams):
        raise BookInputError(f"params must be a RomerParams, got {type(p).__name__}; build one "
                             "with RomerParams(alpha=..., beta=..., ...).")
    return p


def balanced_growth(p: RomerParams) -> dict:
    """Closed-form balanced growth path of Romer (1990).

    Returns
    -------
    dict
        ``g`` (growth rate of Y, C, K and A), ``r`` (interest rate), ``H_A``, ``H_Y``.

    Raises
    ------
    BookInputError
        If ``delta H <= Lambda rho`` (no research is profitable: the model has no growth
        equilibrium with ``H_A > 0``) or if ``r <= g`` (utility unbounded; needs ``sigma``
        large enough).
    """
    p = _check(p)
    lam = p.Lambda
    if p.delta * p.H <= lam * p.rho:
        raise BookInputError(
            f"delta*H = {p.delta * p.H:.4g} <= Lambda*rho = {lam * p.rho:.4g}: research is not "
            "profitable and the economy does not grow (Romer 1990, sec. V). Raise H or delta, "
            "or lower rho."
        )
    g = (p.delta * p.H - lam * p.rho) / (p.sigma * lam + 1)
    r = p.rho + p.sigma * g
    if r <= g:
        raise BookInputError(f"r = {r:.4g} <= g = {g:.4g}: lifetime utility is unbounded; use "
                             "sigma >= 1 or a larger rho.")
    H_Y = lam * r / p.delta
    return {"g": g, "r": r, "H_A": p.H - H_Y, "H_Y": H_Y}


def _durable_quantity(p: RomerParams, r: float, H_Y: float) -> float:
    """Monopoly quantity of each durable: inverse demand p(x) = (1-a-b) H_Y^a L^b x^(-a-b)."""
    price = r * p.eta / (1 - p.alpha - p.beta)
    return ((1 - p.alpha - p.beta) * H_Y ** p.alpha * p.L ** p.beta / price) ** (
        1 / (p.alpha + p.beta))


def wage_gap(p: RomerParams, H_Y: float, r: float, A: float = 1.0) -> float:
    """Research wage minus final-sector wage of human capital (zero in equilibrium).

    Research: ``w_A = P_A delta A`` with ``P_A = pi / r`` and monopoly profit
    ``pi = (p - r eta) x``. Final output: ``w_Y = alpha Y / H_Y``. Computed from the
    primitives, not from :func:`balanced_growth`.
    """
    p = _check(p)
    H_Y = require_in_range(H_Y, "H_Y", 0, p.H, lo_open=True)
    r = require_in_range(r, "r", 0, lo_open=True)
    A = require_in_range(A, "A", 0, lo_open=True)
    x = _durable_quantity(p, r, H_Y)
    price = r * p.eta / (1 - p.alpha - p.beta)
    profit = (price - r * p.eta) * x
    w_research = profit / r * p.delta * A
    Y = H_Y ** p.alpha * p.L ** p.beta * A * x ** (1 - p.alpha - p.beta)
    w_final = p.alpha * Y / H_Y
    return w_research - w_final


def solve_equilibrium(p: RomerParams) -> dict:
    """Solve the balanced-growth allocation numerically from the equilibrium conditions.

    Unknowns ``(H_Y, g)``: wage equalisation (:func:`wage_gap` = 0), the Euler equation
    ``r = rho + sigma g`` and ``g = delta (H - H_Y)``. A root finder (``scipy.optimize.brentq``)
    on ``g`` replaces the algebra behind :func:`balanced_growth`.
    """
    p = _check(p)

    def resid(g):
        r = p.rho + p.sigma * g
        H_Y = p.H - g / p.delta
        return wage_gap(p, H_Y, r)

    g_hi = p.delta * p.H * (1 - 1e-12)
    if resid(1e-12) < 0:
        raise BookInputError("no interior equilibrium: even with no research the research wage "
                             "is below the final-sector wage (delta*H <= Lambda*rho).")
    g = optimize.brentq(resid, 1e-12, g_hi, xtol=1e-14, rtol=1e-13)
    r = p.rho + p.sigma * g
    return {"g": g, "r": r, "H_A": g / p.delta, "H_Y": p.H - g / p.delta}


def simulate(p: RomerParams, T: float = 200.0, dt: float = 0.01, A0: float = 1.0) -> dict:
    """Integrate the economy forward on the equilibrium allocation.

    Designs accumulate by ``dA/dt = delta H_A A`` (explicit Euler steps of size ``dt`` on
    ``log A``), durables are used at the monopoly quantity, capital is ``K = eta A x`` and
    output is ``Y = H_Y^a L^b A x^(1-a-b)``. The allocation comes from
    :func:`solve_equilibrium`. Returns the time grid, ``A``, ``K``, ``Y`` and the average
    growth rate of ``Y`` over the second half of the run (``g_sim``).
    """
    p = _check(p)
    require_in_range(T, "T", 0, None, lo_open=True)
    require_in_range(dt, "dt", 0, T, lo_open=True)
    require_in_range(A0, "A0", 0, None, lo_open=True)
    eq = solve_equilibrium(p)
    n = int(round(T / dt))
    t = np.arange(n + 1) * dt
    logA = np.empty(n + 1)
    logA[0] = np.log(A0)
    for i in range(n):  # Euler scheme on the design-production equation
        logA[i + 1] = logA[i] + p.delta * eq["H_A"] * dt
    A = np.exp(logA)
    x = _durable_quantity(p, eq["r"], eq["H_Y"])
    K = p.eta * A * x
    Y = eq["H_Y"] ** p.alpha * p.L ** p.beta * A * x ** (1 - p.alpha - p.beta)
    half = n // 2
    g_sim = (np.log(Y[-1]) - np.log(Y[half])) / (t[-1] - t[half])
    return {"t": t, "A": A, "K": K, "Y": Y, "g_sim": float(g_sim), **eq}


def growth_curve(p: RomerParams, H_values) -> np.ndarray:
    """Balanced growth rate for each total human capital ``H`` (0 where research stops)."""
    from dataclasses import replace

    from ..validate import as_1d_float, require_positive

    p = _check(p)
    H = require_positive(as_1d_float(H_values, "H_values"), "H_values")
    out = np.zeros_like(H)
    for i, h in enumerate(H):
        q = replace(p, H=float(h))
        if q.delta * q.H > q.Lambda * q.rho:
            out[i] = balanced_growth(q)["g"]
    return out
