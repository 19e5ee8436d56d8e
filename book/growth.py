"""Mankiw, Romer & Weil (1992): the textbook and augmented Solow models in cross-country data.

The steady state of the Solow model with Cobb-Douglas technology gives, for country *i*
(MRW 1992, eq. 7),

.. math:: \\ln\\frac{Y}{L} = a + \\frac{\\alpha}{1-\\alpha}\\ln s_k
          - \\frac{\\alpha}{1-\\alpha}\\ln(n+g+\\delta) + \\varepsilon ,

and with human capital accumulated at rate :math:`s_h` (MRW eq. 11)

.. math:: \\ln\\frac{Y}{L} = a + \\frac{\\alpha}{1-\\alpha-\\beta}\\ln s_k
          + \\frac{\\beta}{1-\\alpha-\\beta}\\ln s_h
          - \\frac{\\alpha+\\beta}{1-\\alpha-\\beta}\\ln(n+g+\\delta) + \\varepsilon .

MRW estimate both by OLS, unrestricted and with the coefficients constrained to sum to zero
(regressors :math:`\\ln s_k-\\ln(n+g+\\delta)` and :math:`\\ln s_h-\\ln(n+g+\\delta)`), and read
the implied :math:`\\alpha` (and :math:`\\beta`) off the restricted slope(s). Their
conditional-convergence regressions (Tables IV-V) add :math:`\\ln y_{1960}` to a regression of
:math:`\\ln y_{1985}-\\ln y_{1960}`; the slope :math:`-(1-e^{-\\lambda T})` gives the rate
:math:`\\lambda`.

Regressions use :mod:`statsmodels`; the delta-method standard errors of the implied
parameters (a nonlinear function of OLS coefficients) are computed here with analytic
gradients, because statsmodels has no general delta-method helper.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .errors import BookInputError
from .validate import (
    as_1d_float,
    require_columns,
    require_in_range,
    require_min_obs,
    require_varies,
)

#: MRW's g + delta (p. 413: "we assume that g + delta is 0.05")
G_DELTA = 0.05


def delta_method(grad, cov) -> float:
    """Standard error of a scalar function of estimates by the delta method.

    ``se = sqrt(grad' V grad)`` (e.g. Greene 2012, Theorem D.21A).

    Parameters
    ----------
    grad : array-like, shape (k,)
        Gradient of the function with respect to the estimates.
    cov : array-like, shape (k, k)
        Covariance matrix of the estimates.
    """
    g = as_1d_float(grad, "grad")
    V = np.asarray(cov, dtype=float)
    if V.shape != (g.size, g.size):
        raise BookInputError(f"cov must be {g.size}x{g.size} to match grad, got shape {V.shape}.")
    if not np.allclose(V, V.T, atol=1e-12 * max(1.0, np.abs(V).max())):
        raise BookInputError("cov must be symmetric (a covariance matrix).")
    var = float(g @ V @ g)
    if var < 0:
        raise BookInputError(f"grad' V grad is negative ({var:.3g}): cov is not positive "
                             "semi-definite.")
    return float(np.sqrt(var))


def implied_alpha(b: float, var_b: float) -> tuple[float, float]:
    """Capital share implied by the restricted textbook slope ``b = alpha/(1-alpha)``.

    ``alpha = b/(1+b)``, ``d alpha/d b = 1/(1+b)^2`` (MRW 1992, Table I, "Implied alpha").
    Returns ``(alpha, se)``.
    """
    b = require_in_range(b, "b")
    var_b = require_in_range(var_b, "var_b", 0)
    if b <= -1:
        raise BookInputError(f"b={b} <= -1: alpha = b/(1+b) is undefined or negative.")
    return b / (1 + b), delta_method([1 / (1 + b) ** 2], [[var_b]])


def implied_alpha_beta(b1: float, b2: float, cov) -> dict:
    """Shares implied by the restricted augmented slopes (MRW 1992, Table II).

    With ``b1 = alpha/(1-alpha-beta)`` and ``b2 = beta/(1-alpha-beta)``:
    ``alpha = b1/(1+b1+b2)`` and ``beta = b2/(1+b1+b2)``.

    Parameters
    ----------
    b1, b2 : float
        Restricted slopes on ``ln s_k - ln(n+g+delta)`` and ``ln s_h - ln(n+g+delta)``.
    cov : array-like, 2x2
        Their covariance matrix.

    Returns
    -------
    dict with ``alpha, alpha_se, beta, beta_se``.
    """
    b1 = require_in_range(b1, "b1")
    b2 = require_in_range(b2, "b2")
    D = 1 + b1 + b2
    if D <= 0:
        raise BookInputError(f"1 + b1 + b2 = {D:.4g} <= 0: implied shares are undefined.")
    ga = [(1 + b2) / D**2, -b1 / D**2]
    gb = [-b2 / D**2, (1 + b1) / D**2]
    return {"alpha": b1 / D, "alpha_se": delta_method(ga, cov),
            "beta": b2 / D, "beta_se": delta_method(gb, cov)}


def mrw_variables(df: pd.DataFrame, *, g_delta: float = G_DELTA, units: str = "percent",
                  y0: str = "gdp60", y1: str = "gdp85", invest: str = "invest",
                  popgrowth: str = "popgrowth", school: str | None = "school") -> pd.DataFrame:
    """Build the logs MRW regress, from rates given in percent (as in their appendix).

    Parameters
    ----------
    df : DataFrame
        One row per country with income in 1960 and 1985, investment share, growth of the
        working-age population and (optionally) the schooling rate.
    g_delta : float
        g + delta as a fraction per year (MRW: 0.05).
    units : {"percent", "fraction"}
        How ``invest``, ``popgrowth`` and ``school`` are expressed. GrowthDJ and the MRW
        appendix use percent (invest 18.2 means 18.2 %); ``n + g + delta`` is then
        ``popgrowth/100 + 0.05``.

    Missing values stay missing (NaN); :func:`solow_fit` refuses them, so samples must be
    chosen explicitly.

    Returns
    -------
    DataFrame with ``ln_y60, ln_y85, ln_sk, ln_ngd, ln_sh`` (if ``school``) and ``growth``
    (``ln_y85 - ln_y60``), indexed like ``df``.
    """
    cols = [y0, y1, invest, popgrowth] + ([school] if school else [])
    require_columns(df, cols, "df")
    if units not in ("percent", "fraction"):
        raise BookInputError(f"units must be 'percent' or 'fraction', got {units!r}.")
    g_delta = require_in_range(g_delta, "g_delta", 0, 1, lo_open=True)
    scale = 100.0 if units == "percent" else 1.0
    arr = {c: as_1d_float(df[c], c, allow_nan=True) for c in cols}
    if units == "percent" and np.nanmax(arr[invest]) <= 1.0:
        raise BookInputError(f"{invest} is at most 1: it looks like a fraction, but units="
                             "'percent'; pass units='fraction'.")
    if units == "fraction" and np.nanmax(arr[invest]) > 1.0:
        raise BookInputError(f"{invest} exceeds 1: it looks like percent, but units='fraction'; "
                             "pass units='percent'.")
    for c in (y0, y1, invest) + ((school,) if school else ()):
        if (arr[c] <= 0).any():  # NaN compares False: missing stays missing
            raise BookInputError(f"{c} has non-positive values; logs need positive values.")
    ngd = arr[popgrowth] / scale + g_delta
    if (ngd <= 0).any():
        raise BookInputError("n + g + delta <= 0 for some country; check popgrowth units.")
    out = pd.DataFrame({
        "ln_y60": np.log(arr[y0]), "ln_y85": np.log(arr[y1]),
        "ln_sk": np.log(arr[invest] / scale), "ln_ngd": np.log(ngd),
    }, index=df.index)
    if school:
        out["ln_sh"] = np.log(arr[school] / scale)
    out["growth"] = out["ln_y85"] - out["ln_y60"]
    return out


@dataclass
class SolowFit:
    """One MRW regression (a column of their Tables I, II, IV or V)."""

    model: str
    restricted: bool
    n: int
    params: pd.Series
    bse: pd.Series
    r2: float
    adj_r2: float
    see: float
    implied: dict = field(default_factory=dict)
    restriction_p: float | None = None
    results: object = field(default=None, repr=False)

    def row(self) -> dict:
        d = {"model": self.model, "restricted": self.restricted, "n": self.n,
             "adj_r2": self.adj_r2, "see": self.see, "restriction_p": self.restriction_p}
        for k in self.params.index:
            d[k] = self.params[k]
            d[k + "_se"] = self.bse[k]
        d.update(self.implied)
        return d


_MODELS = ("textbook", "augmented")


def solow_fit(v: pd.DataFrame, model: str = "textbook", *, restricted: bool = False,
              convergence: bool = False, T: float = 25.0) -> SolowFit:
    """Estimate one MRW regression by OLS (conventional standard errors, as MRW).

    Parameters
    ----------
    v : DataFrame
        Output of :func:`mrw_variables` for the sample (rows with NaN are refused).
    model : {"textbook", "augmented"}
        Table I (textbook) or Table II (augmented, adds ``ln_sh``).
    restricted : bool
        Impose that the coefficients on the logs sum to zero (MRW's restricted regression);
        the implied alpha (and beta) with delta-method standard errors are then returned in
        ``implied``; the F-test p-value of the restriction is computed from the unrestricted
        fit in either case.
    convergence : bool
        Conditional-convergence form (MRW Tables IV and V): the dependent variable is
        ``ln_y85 - ln_y60`` and ``ln_y60`` is added; ``implied['lambda']`` is
        ``-ln(1 + b)/T`` with its delta-method standard error.
    T : float
        Years between the two income dates (MRW: 25).
    """
    if model not in _MODELS:
        raise BookInputError(f"model must be one of {_MODELS}, got {model!r}.")
    need = ["ln_y85", "ln_sk", "ln_ngd"] + (["ln_sh"] if model == "augmented" else []) + \
        (["ln_y60"] if convergence else [])
    require_columns(v, need, "v (from mrw_variables)")
    if v[need].isna().any().any():
        bad = v[need].isna().any(axis=1).sum()
        raise BookInputError(f"{bad} row(s) have missing values in {need}; select the sample "
                             "explicitly (e.g. v.dropna()) before fitting.")
    T = require_in_range(T, "T", 0, lo_open=True)
    for c in need[1:]:
        require_varies(v[c], f"regressor {c!r}", "its coefficient")
    y = v["ln_y85"] - v["ln_y60"] if convergence else v["ln_y85"]
    base = ["ln_sk", "ln_ngd"] + (["ln_sh"] if model == "augmented" else [])
    pre = ["ln_y60"] if convergence else []
    X_u = sm.add_constant(v[pre + base], has_constant="add")
    require_min_obs(len(v), X_u.shape[1], "an MRW regression")
    fit_u = sm.OLS(y, X_u).fit()
    # F-test of sum(coef on logs) = 0
    R = np.zeros(X_u.shape[1])
    for c in base:
        R[list(X_u.columns).index(c)] = 1.0
    rp = float(fit_u.f_test(R[None, :]).pvalue)
    if not restricted:
        fit = fit_u
        implied = {}
    else:
        Xr = pd.DataFrame({"const": 1.0}, index=v.index)
        for c in pre:
            Xr[c] = v[c]
        Xr["ln_sk_ngd"] = v["ln_sk"] - v["ln_ngd"]
        if model == "augmented":
            Xr["ln_sh_ngd"] = v["ln_sh"] - v["ln_ngd"]
        fit = sm.OLS(y, Xr).fit()
        cov = fit.cov_params()
        if convergence:
            implied = _implied_convergence(fit, model)
        elif model == "textbook":
            a, se = implied_alpha(fit.params["ln_sk_ngd"], cov.loc["ln_sk_ngd", "ln_sk_ngd"])
            implied = {"alpha": a, "alpha_se": se}
        else:
            idx = ["ln_sk_ngd", "ln_sh_ngd"]
            implied = implied_alpha_beta(fit.params[idx[0]], fit.params[idx[1]],
                                         cov.loc[idx, idx].to_numpy())
    if convergence:
        b = float(fit.params["ln_y60"])
        if b <= -1:
            raise BookInputError(f"coefficient on ln_y60 is {b:.3g} <= -1: lambda undefined.")
        implied = dict(implied)
        implied["lambda"] = -np.log1p(b) / T
        implied["lambda_se"] = float(fit.bse["ln_y60"] / ((1 + b) * T))
    return SolowFit(model=model, restricted=restricted, n=int(fit.nobs), params=fit.params,
                    bse=fit.bse, r2=float(fit.rsquared), adj_r2=float(fit.rsquared_adj),
                    see=float(np.sqrt(fit.scale)), implied=implied, restriction_p=rp,
                    results=fit)


def _num_grad(f, x, h=1e-6):
    x = np.asarray(x, float)
    g = np.empty_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h * max(1.0, abs(x[j]))
        g[j] = (f(x + e) - f(x - e)) / (2 * e[j])
    return g


def _implied_convergence(fit, model: str) -> dict:
    """Shares implied by restricted convergence regressions (MRW Tables IV-V).

    There the slopes are scaled by ``k = 1 - exp(-lambda T) = -b0`` (``b0`` on ln y60):
    ``alpha = b1/(k + b1 [+ b2])``, ``beta = b2/(k + b1 + b2)``.
    """
    names = ["ln_y60", "ln_sk_ngd"] + (["ln_sh_ngd"] if model == "augmented" else [])
    b = fit.params[names].to_numpy(float)
    V = fit.cov_params().loc[names, names].to_numpy()
    out = {}
    fa = lambda p: p[1] / (-p[0] + p[1:].sum())  # noqa: E731
    if -b[0] + b[1:].sum() <= 0:
        raise BookInputError("restricted convergence slopes imply a non-positive denominator "
                             "for alpha; the shares are undefined.")
    out["alpha"] = float(fa(b))
    out["alpha_se"] = delta_method(_num_grad(fa, b), V)
    if model == "augmented":
        fb = lambda p: p[2] / (-p[0] + p[1:].sum())  # noqa: E731
        out["beta"] = float(fb(b))
        out["beta_se"] = delta_method(_num_grad(fb, b), V)
    return out


def mrw_table(v: pd.DataFrame, samples: dict, model: str = "textbook", *,
              convergence: bool = False) -> pd.DataFrame:
    """MRW-style table: one column per sample, unrestricted and restricted fits.

    Parameters
    ----------
    v : DataFrame
        Output of :func:`mrw_variables`.
    samples : dict of name -> boolean mask (aligned with ``v``)
    """
    if not isinstance(samples, dict) or not samples:
        raise BookInputError("samples must be a non-empty dict name -> boolean mask.")
    cols = {}
    for name, mask in samples.items():
        m = np.asarray(mask)
        if m.dtype != bool or m.shape[0] != len(v):
            raise BookInputError(f"sample {name!r}: mask must be boolean with {len(v)} entries.")
        sub = v[m]
        u = solow_fit(sub, model, convergence=convergence)
        r = solow_fit(sub, model, restricted=True, convergence=convergence)
        col = {f"{k}": u.params[k] for k in u.params.index}
        col.update({f"{k} se": u.bse[k] for k in u.params.index})
        col.update({"adj R2": u.adj_r2, "s.e.e.": u.see, "n": u.n,
                    "restricted: adj R2": r.adj_r2, "restriction p": u.restriction_p})
        col.update({f"restricted: {k}": r.params[k] for k in r.params.index})
        col.update({f"restricted: {k} se": r.bse[k] for k in r.params.index})
        col.update({f"implied {k}": val for k, val in r.implied.items()})
        cols[name] = col
    return pd.DataFrame(cols)
