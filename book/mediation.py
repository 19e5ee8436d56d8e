"""Mediation analysis: Baron & Kenny (1986) steps, the Sobel (1982) test, and bootstrap
percentile intervals of the indirect effect.

With outcome :math:`Y`, treatment :math:`X`, mediator :math:`M` and controls :math:`Z`,

.. math::
   M = i_1 + aX + Z'\\gamma_1 + e_1, \\qquad
   Y = i_2 + c'X + bM + Z'\\gamma_2 + e_2, \\qquad
   Y = i_3 + cX + Z'\\gamma_3 + e_3 .

The indirect effect is :math:`ab`; with OLS on one sample :math:`c = c' + ab` holds exactly.
Sobel's (1982) first-order standard error is
:math:`\\sqrt{b^2 s_a^2 + a^2 s_b^2}`; because :math:`ab` is skewed, the bootstrap
percentile interval (resampling observations) is preferred (e.g. Preacher & Hayes 2008).

The product-of-coefficients estimates are ordinary OLS (:mod:`statsmodels`); the bootstrap is
written here with NumPy least squares because statsmodels has no mediation bootstrap for
linear models with controls (``statsmodels.stats.mediation`` simulates from a fitted
parametric model instead). All draws come from :func:`book.rng`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from . import rng
from .errors import BookInputError
from .validate import require_columns, require_in_range, require_min_obs


@dataclass
class MediationResult:
    """Paths, Sobel test and bootstrap interval of a single-mediator model."""

    a: float
    a_se: float
    b: float
    b_se: float
    c: float
    c_se: float
    c_prime: float
    c_prime_se: float
    indirect: float
    sobel_se: float
    sobel_z: float
    sobel_p: float
    boot_ci: tuple
    boot_se: float
    n_boot: int
    level: float
    n: int
    proportion_mediated: float
    boot_draws: np.ndarray = field(repr=False, default=None)

    def baron_kenny(self, alpha: float = 0.05) -> pd.DataFrame:
        """The four Baron & Kenny (1986, p. 1176) steps, each with its verdict."""
        z = stats.norm.ppf(1 - alpha / 2)
        rows = [
            ("1. X -> Y (total effect c)", self.c, self.c_se, abs(self.c / self.c_se) > z),
            ("2. X -> M (path a)", self.a, self.a_se, abs(self.a / self.a_se) > z),
            ("3. M -> Y given X (path b)", self.b, self.b_se, abs(self.b / self.b_se) > z),
            ("4. X -> Y given M (direct c')", self.c_prime, self.c_prime_se,
             abs(self.c_prime) < abs(self.c)),
        ]
        out = pd.DataFrame(rows, columns=["step", "estimate", "s.e.", "condition met"])
        return out.set_index("step")

    def summary(self) -> pd.Series:
        return pd.Series({
            "a": self.a, "b": self.b, "c (total)": self.c, "c' (direct)": self.c_prime,
            "indirect ab": self.indirect, "Sobel s.e.": self.sobel_se, "Sobel z": self.sobel_z,
            "Sobel p": self.sobel_p, "bootstrap s.e.": self.boot_se,
            f"bootstrap {100 * self.level:.0f}% CI low": self.boot_ci[0],
            f"bootstrap {100 * self.level:.0f}% CI high": self.boot_ci[1],
            "proportion mediated ab/c": self.proportion_mediated, "n": self.n,
        })


def sobel(a: float, a_se: float, b: float, b_se: float) -> tuple[float, float, float]:
    """Sobel (1982) first-order test of ``ab``: returns ``(se, z, two-sided p)``."""
    for v, nm in ((a, "a"), (b, "b")):
        require_in_range(v, nm)
    for v, nm in ((a_se, "a_se"), (b_se, "b_se")):
        require_in_range(v, nm, 0, lo_open=True)
    se = float(np.sqrt(b**2 * a_se**2 + a**2 * b_se**2))
    if se == 0:
        raise BookInputError("a and b are both 0: the Sobel standard error is 0.")
    z = a * b / se
    return se, float(z), float(2 * stats.norm.sf(abs(z)))


def _design(df, cols):
    return np.column_stack([np.ones(len(df))] + [df[c].to_numpy(float) for c in cols])


def mediate(df: pd.DataFrame, x: str, m: str, y: str, controls: list[str] | None = None, *,
            n_boot: int = 2000, level: float = 0.95, rng_offset: int = 0,
            cov_type: str = "nonrobust") -> MediationResult:
    """Single-mediator model by OLS, with Sobel test and bootstrap percentile interval.

    Parameters
    ----------
    df : DataFrame
        One row per unit; no missing values in the used columns.
    x, m, y : str
        Treatment, mediator and outcome columns.
    controls : list of str, optional
        Covariates entering both the mediator and the outcome equations.
    n_boot : int
        Bootstrap replications (resampling rows with replacement); 0 skips the bootstrap.
    level : float
        Confidence level of the percentile interval.
    rng_offset : int
        Offset passed to :func:`book.rng` (deterministic draws).
    cov_type : {"nonrobust", "HC1"}
        Standard errors of the paths (and so of Sobel's test).
    """
    controls = list(controls or [])
    if len({x, m, y}) < 3:
        raise BookInputError(f"x, m and y must be three different columns, got {x!r}, {m!r}, {y!r}.")
    if any(c in (x, m, y) for c in controls):
        raise BookInputError("controls must not repeat x, m or y.")
    cols = [x, m, y] + controls
    require_columns(df, cols, "df")
    sub = df[cols]
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(sub[c].dtype)
           or pd.api.types.is_bool_dtype(sub[c].dtype)]
    if bad:
        raise BookInputError(f"all used columns must be numeric; {bad} are not (numbers stored "
                             "as text? use pd.to_numeric; categories? make dummies).")
    if sub.isna().any().any():
        raise BookInputError(f"{int(sub.isna().any(axis=1).sum())} row(s) have missing values in "
                             f"{cols}; drop them explicitly first.")
    if not np.isfinite(sub.to_numpy(dtype=float)).all():
        raise BookInputError(f"{cols} contain infinite values; drop or fix those rows first.")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise BookInputError(f"n_boot must be a non-negative int, got {n_boot!r}.")
    level = require_in_range(level, "level", 0, 1, lo_open=True, hi_open=True)
    if cov_type not in ("nonrobust", "HC1"):
        raise BookInputError(f"cov_type must be 'nonrobust' or 'HC1', got {cov_type!r}.")
    n = len(sub)
    require_min_obs(n, 3 + len(controls), "the outcome equation")
    for c, role in ((x, "treatment x"), (m, "mediator m"), (y, "outcome y")):
        if np.ptp(sub[c].to_numpy(dtype=float)) == 0:
            raise BookInputError(f"the {role} ({c!r}) is constant: its path coefficient is "
                                 "undefined; check the column.")
    Xa = sm.add_constant(sub[[x] + controls], has_constant="add")
    Xb = sm.add_constant(sub[[x, m] + controls], has_constant="add")
    if np.linalg.matrix_rank(Xb.to_numpy(dtype=float)) < Xb.shape[1]:
        raise BookInputError(f"the outcome equation's regressors {[x, m] + controls} (with the "
                             "constant) are perfectly collinear (is the mediator a copy or a "
                             "linear function of x or a control?); the direct and indirect "
                             "paths are not separately identified.")
    fa = sm.OLS(sub[m], Xa).fit(cov_type=cov_type)
    fb = sm.OLS(sub[y], Xb).fit(cov_type=cov_type)
    fc = sm.OLS(sub[y], Xa).fit(cov_type=cov_type)
    a, a_se = float(fa.params[x]), float(fa.bse[x])
    b, b_se = float(fb.params[m]), float(fb.bse[m])
    se, z, p = sobel(a, a_se, b, b_se)
    draws = np.array([])
    ci = (np.nan, np.nan)
    bse = np.nan
    if n_boot:
        g = rng(rng_offset)
        DA = _design(sub, [x] + controls)
        DB = _design(sub, [x, m] + controls)
        mv, yv = sub[m].to_numpy(float), sub[y].to_numpy(float)
        draws = np.empty(n_boot)
        for r in range(n_boot):
            i = g.integers(0, n, n)
            ca = np.linalg.lstsq(DA[i], mv[i], rcond=None)[0]
            cb = np.linalg.lstsq(DB[i], yv[i], rcond=None)[0]
            draws[r] = ca[1] * cb[2]
        q = (1 - level) / 2
        ci = (float(np.quantile(draws, q)), float(np.quantile(draws, 1 - q)))
        bse = float(draws.std(ddof=1))
    c = float(fc.params[x])
    return MediationResult(a=a, a_se=a_se, b=b, b_se=b_se, c=c, c_se=float(fc.bse[x]),
                           c_prime=float(fb.params[x]), c_prime_se=float(fb.bse[x]),
                           indirect=a * b, sobel_se=se, sobel_z=z, sobel_p=p, boot_ci=ci,
                           boot_se=bse, n_boot=int(n_boot), level=level, n=n,
                           proportion_mediated=(a * b / c) if c != 0 else np.nan,
                           boot_draws=draws)
