"""Beta- and sigma-convergence (Barro & Sala-i-Martin 1991, 1992).

The neoclassical growth model implies, for region *i* observed at dates 0 and T,

.. math::  \\frac{1}{T}\\ln\\frac{y_{iT}}{y_{i0}} = a - \\frac{1-e^{-\\beta T}}{T}\\ln y_{i0} + u_i
   \\qquad \\text{(BSM 1992, eq. 11; BSM 1991, eq. 1)}

estimated by non-linear least squares (:func:`beta_nls`). Its linear version regresses the
average growth rate on :math:`\\ln y_{i0}` with slope :math:`b=-(1-e^{-\\beta T})/T`, from which
:math:`\\beta=-\\ln(1+bT)/T` (:func:`beta_ols`). Sigma-convergence is a falling cross-section
standard deviation of :math:`\\ln y` (:func:`sigma_series`).

NLS uses :func:`scipy.optimize.curve_fit`; OLS uses :mod:`statsmodels`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import curve_fit

from .errors import BookInputError
from .validate import (
    as_1d_float,
    require_columns,
    require_positive,
    require_same_length,
    require_varies,
)


@dataclass(frozen=True)
class BetaResult:
    """Estimated convergence regression.

    Attributes
    ----------
    beta, beta_se : float
        Convergence rate per year and its standard error.
    a, a_se : float
        Intercept of the growth equation.
    slope : float
        :math:`-(1-e^{-\\beta T})/T`, the slope on :math:`\\ln y_0` (comparable across methods).
    r2 : float
        R-squared of the growth equation.
    s : float
        Standard error of the regression (residual standard deviation).
    n : int
        Number of regions.
    T : float
        Length of the period in years.
    method : str
        ``"nls"`` or ``"ols"``.
    """

    beta: float
    beta_se: float
    a: float
    a_se: float
    slope: float
    r2: float
    s: float
    n: int
    T: float
    method: str

    @property
    def half_life(self) -> float:
        """Years to close half the gap to the steady state: ln 2 / beta."""
        return half_life(self.beta)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["half_life"] = self.half_life if self.beta > 0 else float("nan")
        return d


def _pair_by_label(y0, yT):
    """Two pandas Series are paired by their index labels, never by position."""
    if isinstance(y0, pd.Series) and isinstance(yT, pd.Series):
        for name, s in (("y0", y0), ("yT", yT)):
            dup = s.index[s.index.duplicated()].unique().tolist()
            if dup:
                raise BookInputError(f"{name} has duplicated region labels {dup[:5]}; one value "
                                     "per region.")
        a, b = set(y0.index), set(yT.index)
        if a != b:
            raise BookInputError(
                f"y0 and yT cover different regions: only in y0 {sorted(map(str, a - b))[:5]}, "
                f"only in yT {sorted(map(str, b - a))[:5]}; they are paired by index label.")
        yT = yT.loc[y0.index]
    return y0, yT


def _inputs(y0, yT, T):
    y0, yT = _pair_by_label(y0, yT)
    y0 = require_positive(as_1d_float(y0, "y0"), "y0 (initial income)")
    yT = require_positive(as_1d_float(yT, "yT"), "yT (final income)")
    n = require_same_length(y0=y0, yT=yT)
    try:
        T = float(T)
    except (TypeError, ValueError):
        raise BookInputError(f"T must be the period length in years, got {T!r}.") from None
    if not np.isfinite(T) or T <= 0:
        raise BookInputError(f"T must be a positive number of years, got {T!r}; "
                             "pass end year minus start year.")
    if n < 3:
        raise BookInputError("a convergence regression needs at least 3 regions.")
    require_varies(y0, "y0 (initial income)", "a convergence slope")
    return np.log(y0), np.log(yT / y0) / T, T, n


def half_life(beta: float) -> float:
    """Half-life ln(2)/beta in years (BSM 1992, p. 230); beta must be positive."""
    beta = float(beta)
    if not beta > 0:
        raise BookInputError(f"half-life is defined only for beta > 0 (convergence), got {beta}.")
    return float(np.log(2.0) / beta)


def beta_ols(y0, yT, T) -> BetaResult:
    """Linear convergence regression and the beta it implies.

    Regress :math:`g_i=(1/T)\\ln(y_{iT}/y_{i0})` on a constant and :math:`\\ln y_{i0}` by OLS.
    The slope :math:`b` maps to :math:`\\beta=-\\ln(1+bT)/T`, with delta-method standard error
    :math:`se(\\beta)=se(b)/(1+bT)`.

    Parameters
    ----------
    y0, yT : array-like
        Income per capita at the start and at the end, one entry per region (positive).
    T : float
        Years between the two dates (positive).
    """
    x, g, T, n = _inputs(y0, yT, T)
    res = sm.OLS(g, sm.add_constant(x)).fit()
    a, b = res.params
    a_se, b_se = res.bse
    if 1 + b * T <= 0:
        raise BookInputError(f"slope b={b:.4g} implies 1+bT<=0: beta is not defined (T={T}).")
    beta = -np.log1p(b * T) / T
    beta_se = b_se / (1 + b * T)
    return BetaResult(float(beta), float(beta_se), float(a), float(a_se), float(b),
                      float(res.rsquared), float(np.sqrt(res.scale)), n, T, "ols")


def beta_nls(y0, yT, T, *, start: float | None = None) -> BetaResult:
    """Non-linear least-squares estimate of beta (BSM 1992, eq. 11).

    Parameters
    ----------
    y0, yT : array-like
        Income per capita at the start and at the end, one entry per region (positive).
    T : float
        Years between the two dates (positive).
    start : float, optional
        Starting value for beta; default the OLS-implied beta (or 0.02 when that is undefined).

    Returns
    -------
    BetaResult
        ``beta_se`` is the usual NLS standard error from the Gauss-Newton covariance scaled by
        the residual variance with n-2 degrees of freedom.
    """
    x, g, T, n = _inputs(y0, yT, T)

    def f(xx, a, beta):
        return a - (-np.expm1(-beta * T)) / T * xx

    if start is None:
        try:
            start = beta_ols(y0, yT, T).beta
        except BookInputError:
            start = 0.02
    a0 = float(np.mean(g + (-np.expm1(-start * T)) / T * x))
    popt, pcov = curve_fit(f, x, g, p0=[a0, start], method="lm", maxfev=10000)
    a, beta = popt
    a_se, beta_se = np.sqrt(np.diag(pcov))
    resid = g - f(x, a, beta)
    r2 = 1 - np.sum(resid**2) / np.sum((g - g.mean()) ** 2)
    s = np.sqrt(np.sum(resid**2) / (n - 2))
    slope = np.expm1(-beta * T) / T  # = -(1 - e^{-beta T}) / T
    return BetaResult(float(beta), float(beta_se), float(a), float(a_se), float(slope),
                      float(r2), float(s), n, T, "nls")


def wide_panel(df: pd.DataFrame, region: str, time: str, value: str) -> pd.DataFrame:
    """Pivot a long panel to region x time, refusing duplicates and gaps.

    Raises if a (region, time) pair repeats, if any value is missing or non-positive, so that
    no region is dropped silently from a convergence regression.
    """
    require_columns(df, [region, time, value], "panel")
    dup = df.duplicated([region, time])
    if dup.any():
        ex = df.loc[dup, [region, time]].head(3).to_dict("records")
        raise BookInputError(f"panel has duplicated ({region}, {time}) pairs, e.g. {ex}.")
    w = df.pivot(index=region, columns=time, values=value)
    if w.isna().any().any():
        miss = w.isna().stack()
        ex = miss[miss].index[:3].tolist()
        raise BookInputError(f"panel is unbalanced: missing {value} for {ex}; balance it "
                             "explicitly (drop the region or the year) before estimating.")
    as_1d_float(w.to_numpy().ravel(), value)
    return w


def beta_by_period(df: pd.DataFrame, periods, *, region="state", time="year", value="income",
                   method: str = "nls") -> pd.DataFrame:
    """Estimate beta for each (start, end) period of a long panel.

    Parameters
    ----------
    df : DataFrame
        Long panel with ``region``, ``time`` and ``value`` columns.
    periods : iterable of (int, int)
        Start and end years; each must be present in the data, start < end.
    method : {"nls", "ols"}
    """
    if method not in ("nls", "ols"):
        raise BookInputError(f"method must be 'nls' or 'ols', got {method!r}.")
    periods = list(periods) if not isinstance(periods, (str, bytes)) else [periods]
    if not periods:
        raise BookInputError("periods is empty; pass (start, end) year pairs, e.g. "
                             "[(1880, 1900), (1900, 1920)].")
    w = wide_panel(df, region, time, value)
    est = beta_nls if method == "nls" else beta_ols
    rows = []
    for p in periods:
        try:
            t0, t1 = p
        except (TypeError, ValueError):
            raise BookInputError(f"each period must be a (start, end) pair, got {p!r}.") from None
        for t in (t0, t1):
            if t not in w.columns:
                raise BookInputError(f"year {t} is not in the data ({w.columns.min()}-"
                                     f"{w.columns.max()}).")
        if t1 <= t0:
            raise BookInputError(f"period {p}: end must be after start.")
        r = est(w[t0].to_numpy(), w[t1].to_numpy(), t1 - t0)
        rows.append({"period": f"{t0}–{t1}", "start": t0, "end": t1, **r.as_dict()})
    return pd.DataFrame(rows).set_index("period")


def sigma_series(df: pd.DataFrame, *, region="state", time="year", value="income") -> pd.Series:
    """Cross-section standard deviation of log income for each date (sigma-convergence).

    Uses the sample standard deviation (ddof=1) of :math:`\\ln y_{it}` across regions, as in
    BSM (1992, fig. 3). A balanced panel is required.
    """
    w = wide_panel(df, region, time, value)
    if len(w) < 2:
        raise BookInputError(f"sigma-convergence needs at least two regions (a dispersion of one "
                             f"value is undefined), got {len(w)}.")
    require_positive(w.to_numpy().ravel(), value)
    return np.log(w).std(axis=0, ddof=1).rename("sigma")
