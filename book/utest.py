"""The Lind & Mehlum (2010) test for a U-shaped (or inverted-U) relationship.

In :math:`y = \\beta_0 + \\beta_1 x + \\beta_2 x^2 + z'\\gamma + \\varepsilon` a significant
:math:`\\beta_2` is *not* evidence of a U: the curve may be monotone over the observed range
:math:`[x_l, x_h]`. Lind & Mehlum (2010, eq. 5) test the composite null

.. math:: H_0: (\\beta_1 + 2\\beta_2 x_l \\ge 0) \\cup (\\beta_1 + 2\\beta_2 x_h \\le 0)

(for a U; signs flip for an inverted U) against a slope of opposite signs at the two ends, by
the intersection-union principle of Sasabuchi (1980): the test statistic is the smaller of
the two one-sided t statistics, :math:`T=\\min(-t_l, t_h)`, and the p-value is that of a
one-sided t test at :math:`T`. The turning point :math:`x^*=-\\beta_1/(2\\beta_2)` gets a
delta-method and a Fieller (1954) interval; Fieller's is exact under normality and may be
unbounded when :math:`\\beta_2` is imprecise.

No maintained Python library implements this test (Stata's ``utest`` is the reference
implementation), so it is written here; the regression itself uses :mod:`statsmodels`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from .errors import BookInputError
from .validate import as_1d_float, require_in_range, require_min_obs, require_same_length


@dataclass(frozen=True)
class UTestResult:
    """Lind–Mehlum test of a U (``shape='U'``) or inverted U (``shape='inverse U'``).

    Attributes
    ----------
    shape : str
        The alternative tested.
    xl, xh : float
        Ends of the interval over which the shape is tested (usually the data range).
    slope_l, slope_h, t_l, t_h : float
        Slope :math:`\\beta_1+2\\beta_2x` and its t statistic at each end.
    t, p : float
        Sasabuchi statistic (min of the two one-sided t values) and its one-sided p-value.
    turning_point, tp_se : float
        :math:`-\\beta_1/(2\\beta_2)` and its delta-method standard error.
    delta_ci, fieller_ci : tuple
        Confidence intervals for the turning point (Fieller may be ``(-inf, inf)``).
    tp_in_range : bool
        Whether the turning point lies in ``[xl, xh]``.
    b2_t, b2_p : float
        t statistic and two-sided p-value of the squared term alone (the usual, insufficient
        evidence).
    """

    shape: str
    xl: float
    xh: float
    slope_l: float
    slope_h: float
    t_l: float
    t_h: float
    t: float
    p: float
    turning_point: float
    tp_se: float
    delta_ci: tuple
    fieller_ci: tuple
    fieller_bounded: bool
    tp_in_range: bool
    b2_t: float
    b2_p: float
    df: float | None

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> pd.Series:
        d = self.as_dict()
        d["delta_ci"] = f"[{self.delta_ci[0]:.4g}, {self.delta_ci[1]:.4g}]"
        d["fieller_ci"] = f"[{self.fieller_ci[0]:.4g}, {self.fieller_ci[1]:.4g}]"
        return pd.Series(d)


def _cov2(cov) -> np.ndarray:
    V = np.asarray(cov, dtype=float)
    if V.shape != (2, 2):
        raise BookInputError(f"cov must be the 2x2 covariance of (b1, b2), got shape {V.shape}.")
    if not np.all(np.isfinite(V)) or V[0, 0] < 0 or V[1, 1] < 0:
        raise BookInputError("cov must be finite with non-negative variances on the diagonal.")
    if abs(V[0, 1] - V[1, 0]) > 1e-10 * max(1.0, np.abs(V).max()):
        raise BookInputError("cov must be symmetric.")
    return V


def fieller_interval(b1: float, b2: float, cov, level: float = 0.95, df: float | None = None):
    """Fieller confidence set for :math:`x^*=-b_1/(2b_2)` (Lind & Mehlum 2010, sec. 3).

    The set is :math:`\\{\\theta: (b_1+2\\theta b_2)^2 \\le c^2\\,
    \\mathrm{Var}(b_1+2\\theta b_2)\\}` with :math:`c` the two-sided critical value. Returns
    ``(lo, hi, bounded)``; when :math:`b_2` is not significant at ``level`` the set is
    unbounded and ``(-inf, inf, False)`` is returned.
    """
    V = _cov2(cov)
    b1 = require_in_range(b1, "b1")
    b2 = require_in_range(b2, "b2")
    level = require_in_range(level, "level", 0, 1, lo_open=True, hi_open=True)
    if df is not None:
        df = require_in_range(df, "df", 0, lo_open=True)
    c = stats.norm.ppf(0.5 + level / 2) if df is None else stats.t.ppf(0.5 + level / 2, df)
    A = 4 * (b2**2 - c**2 * V[1, 1])
    B = 4 * (b1 * b2 - c**2 * V[0, 1])
    C = b1**2 - c**2 * V[0, 0]
    disc = B**2 - 4 * A * C
    if A <= 0 or disc < 0:
        return (-np.inf, np.inf, False)
    r = np.sqrt(disc)
    lo, hi = sorted(((-B - r) / (2 * A), (-B + r) / (2 * A)))
    return (float(lo), float(hi), True)


def utest(b1: float, b2: float, cov, xl: float, xh: float, *, df: float | None = None,
          shape: str = "auto", level: float = 0.95) -> UTestResult:
    """Lind & Mehlum (2010) test from the estimates of a quadratic.

    Parameters
    ----------
    b1, b2 : float
        Coefficients on :math:`x` and :math:`x^2`.
    cov : array-like, 2x2
        Their covariance matrix.
    xl, xh : float
        Interval on which the shape is tested, ``xl < xh`` (Lind & Mehlum use the data range).
    df : float, optional
        Residual degrees of freedom for t distributions; ``None`` uses the normal.
    shape : {"auto", "U", "inverse U"}
        Alternative; ``"auto"`` takes it from the sign of ``b2``.
    level : float
        Confidence level for the turning-point intervals.
    """
    b1 = require_in_range(b1, "b1")
    b2 = require_in_range(b2, "b2")
    xl = require_in_range(xl, "xl")
    xh = require_in_range(xh, "xh")
    if not xl < xh:
        raise BookInputError(f"need xl < xh, got xl={xl}, xh={xh}.")
    if b2 == 0:
        raise BookInputError("b2 is exactly 0: a quadratic with no curvature has no turning point.")
    if df is not None:
        df = require_in_range(df, "df", 0, lo_open=True)
    V = _cov2(cov)
    if shape == "auto":
        shape = "U" if b2 > 0 else "inverse U"
    if shape not in ("U", "inverse U"):
        raise BookInputError(f"shape must be 'auto', 'U' or 'inverse U', got {shape!r}.")

    def slope(x):
        s = b1 + 2 * b2 * x
        se = np.sqrt(V[0, 0] + 4 * x * V[0, 1] + 4 * x**2 * V[1, 1])
        if se <= 0:
            raise BookInputError("the slope has zero variance; check cov.")
        return s, s / se

    sl, tl = slope(xl)
    sh, th = slope(xh)
    T = min(-tl, th) if shape == "U" else min(tl, -th)
    dist = stats.norm if df is None else stats.t(df)
    p = float(dist.sf(T))
    tp = -b1 / (2 * b2)
    grad = np.array([-1 / (2 * b2), b1 / (2 * b2**2)])
    tp_se = float(np.sqrt(grad @ V @ grad))
    c = dist.ppf(0.5 + level / 2)
    lo, hi, bounded = fieller_interval(b1, b2, V, level, df)
    b2_t = b2 / np.sqrt(V[1, 1]) if V[1, 1] > 0 else np.inf
    return UTestResult(shape=shape, xl=xl, xh=xh, slope_l=float(sl), slope_h=float(sh),
                       t_l=float(tl), t_h=float(th), t=float(T), p=p, turning_point=float(tp),
                       tp_se=tp_se, delta_ci=(float(tp - c * tp_se), float(tp + c * tp_se)),
                       fieller_ci=(lo, hi), fieller_bounded=bounded,
                       tp_in_range=bool(xl <= tp <= xh), b2_t=float(b2_t),
                       b2_p=float(2 * dist.sf(abs(b2_t))), df=df)


def quadratic_utest(x, y, controls: pd.DataFrame | None = None, *, xl: float | None = None,
                    xh: float | None = None, cov_type: str = "HC1", groups=None,
                    shape: str = "auto", level: float = 0.95, df: str = "auto"):
    """Fit :math:`y=\\beta_0+\\beta_1x+\\beta_2x^2+z'\\gamma` by OLS and run :func:`utest`.

    Parameters
    ----------
    x, y : array-like
        Regressor of interest and outcome (no missing values).
    controls : DataFrame, optional
        Further regressors (e.g. fixed-effect dummies), aligned row by row with ``x``.
    xl, xh : float, optional
        Interval to test on; default the observed range of ``x``.
    cov_type : {"nonrobust", "HC1", "cluster"}
        Covariance of the estimates; ``"cluster"`` needs ``groups``. The t reference
        distribution has N-K degrees of freedom, except with clustered errors, where it has
        G-1 (G = number of clusters): the cluster-robust variance has rank at most G-1, so
        N-K overstates the information when G is small (Cameron & Miller 2015, sec. VI.C;
        Stata's convention).
    df : {"auto", "residual", "clusters"}
        Degrees of freedom of the t reference: ``"auto"`` = G-1 with clustered errors and N-K
        otherwise; ``"residual"`` forces N-K (e.g. to show the difference).

    Returns
    -------
    (UTestResult, statsmodels RegressionResults)
    """
    xa = as_1d_float(x, "x")
    ya = as_1d_float(y, "y")
    n = require_same_length(x=xa, y=ya)
    if np.ptp(xa) == 0:
        raise BookInputError("x is constant: a quadratic in x needs variation in x.")
    if np.ptp(ya) == 0:
        raise BookInputError("y is constant: there is no relationship to test (every slope is "
                             "0/0); check the outcome column.")
    X = pd.DataFrame({"const": 1.0, "x": xa, "x2": xa**2})
    if controls is not None:
        if not isinstance(controls, pd.DataFrame):
            raise BookInputError("controls must be a DataFrame (one column per regressor).")
        if len(controls) != n:
            raise BookInputError(f"controls has {len(controls)} rows, x has {n}.")
        Z = controls.reset_index(drop=True).astype(float)
        if Z.isna().any().any():
            raise BookInputError("controls contain missing values; drop those rows first.")
        X = pd.concat([X, Z], axis=1)
    require_min_obs(n, X.shape[1], "the quadratic regression")
    if df not in ("auto", "residual", "clusters"):
        raise BookInputError(f"df must be 'auto', 'residual' or 'clusters', got {df!r}.")
    if df == "clusters" and cov_type != "cluster":
        raise BookInputError("df='clusters' needs cov_type='cluster' and groups=.")
    if cov_type == "cluster":
        if groups is None:
            raise BookInputError("cov_type='cluster' needs groups= (one label per row).")
        n_groups = int(pd.Series(np.asarray(groups)).nunique())
        if n_groups < 2:
            raise BookInputError(f"cov_type='cluster' needs at least two clusters, got {n_groups}.")
        fit = sm.OLS(ya, X).fit(cov_type="cluster", cov_kwds={"groups": np.asarray(groups)})
    elif cov_type in ("nonrobust", "HC1"):
        fit = sm.OLS(ya, X).fit(cov_type=cov_type)
    else:
        raise BookInputError(f"cov_type must be 'nonrobust', 'HC1' or 'cluster', got {cov_type!r}.")
    xl = float(xa.min()) if xl is None else xl
    xh = float(xa.max()) if xh is None else xh
    V = fit.cov_params().loc[["x", "x2"], ["x", "x2"]].to_numpy()
    t_df = float(n_groups - 1) if cov_type == "cluster" and df != "residual" else float(fit.df_resid)
    res = utest(fit.params["x"], fit.params["x2"], V, xl, xh, df=t_df, shape=shape, level=level)
    return res, fit
