"""The city-size distribution: rank-size (Zipf) regressions.

If city sizes above a cut-off follow a Pareto law, :math:`\\Pr(S>s)\\propto s^{-\\zeta}`, then the
rank of a city of size *s* is approximately :math:`n\\Pr(S>s)`, so
:math:`\\ln \\text{Rank} = a - \\zeta\\ln S`. Zipf's law is :math:`\\zeta = 1`
(Gabaix 1999, p. 739).

The plain OLS estimate of this regression is biased in small samples. Gabaix & Ibragimov
(2011) show that shifting the rank by one half,

.. math::  \\ln(\\text{Rank} - \\tfrac12) = a - b\\ln S,

removes the bias to leading order, and that the OLS standard error is wrong: the asymptotic
standard error of :math:`b` is :math:`(2/n)^{1/2}\\,b` (GI 2011, abstract).
:func:`rank_size` returns both the corrected and the classic estimate; :func:`hill` the Hill
maximum-likelihood estimate for comparison.

The regression itself is a :mod:`statsmodels` OLS; only the rank shift and the GI standard
error are added here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .errors import BookInputError
from .validate import as_1d_float, require_positive

__all__ = ["rank_size", "RankSizeResult", "hill", "size_sample", "cutoff_table"]


@dataclass(frozen=True)
class RankSizeResult:
    """Rank-size regression ``ln(rank - shift) = a - zeta ln(size)``.

    Attributes
    ----------
    zeta : float
        Pareto (Zipf) exponent, minus the slope.
    se_gi : float
        Gabaix-Ibragimov asymptotic standard error :math:`\\zeta\\sqrt{2/n}`.
    se_ols : float
        The (misleading) OLS standard error, reported for comparison only.
    intercept : float
    r2 : float
    n : int
        Number of cities used.
    shift : float
        0.5 for the GI correction, 0 for the classic regression.
    cutoff : float
        Smallest size included.
    """

    zeta: float
    se_gi: float
    se_ols: float
    intercept: float
    r2: float
    n: int
    shift: float
    cutoff: float

    def as_dict(self) -> dict:
        return asdict(self)


def size_sample(sizes, *, cutoff: float | None = None, top: int | None = None) -> np.ndarray:
    """Sizes sorted in decreasing order, restricted to ``size >= cutoff`` or the ``top`` largest.

    Raises when both or neither restriction is ambiguous, or fewer than 3 cities remain.
    """
    s = require_positive(as_1d_float(sizes, "sizes"), "sizes (city populations)")
    if cutoff is not None and top is not None:
        raise BookInputError("pass either cutoff= or top=, not both.")
    s = np.sort(s)[::-1]
    if cutoff is not None:
        c = float(cutoff)
        if not np.isfinite(c) or c <= 0:
            raise BookInputError(f"cutoff must be a positive size, got {cutoff!r}.")
        s = s[s >= c]
    if top is not None:
        if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 3:
            raise BookInputError(f"top must be an int >= 3, got {top!r}.")
        if top > s.size:
            raise BookInputError(f"top={top} exceeds the {s.size} cities available.")
        s = s[:top]
    if s.size < 3:
        raise BookInputError(f"only {s.size} cities remain above the cut-off; a rank-size "
                             "regression needs at least 3 (and many more to be informative).")
    return s


def rank_size(sizes, *, cutoff: float | None = None, top: int | None = None,
              shift: float = 0.5) -> RankSizeResult:
    """Rank-size regression with the Gabaix-Ibragimov (2011) rank - 1/2 correction.

    Parameters
    ----------
    sizes : array-like
        City populations (positive), any order.
    cutoff : float, optional
        Keep cities with size >= cutoff.
    top : int, optional
        Keep the ``top`` largest cities.
    shift : float, default 0.5
        Rank shift; 0.5 is GI's optimal correction, 0 the classic (biased) regression.

    Returns
    -------
    RankSizeResult
    """
    if not isinstance(shift, (int, float)) or isinstance(shift, bool) or not 0 <= shift < 1:
        raise BookInputError(f"shift must be a number in [0, 1), got {shift!r} (0.5 = GI).")
    s = size_sample(sizes, cutoff=cutoff, top=top)
    n = s.size
    if np.unique(s).size < 2:
        raise BookInputError("all sizes are equal: the rank-size slope is undefined.")
    rank = np.arange(1, n + 1, dtype=float)
    y = np.log(rank - shift)
    X = sm.add_constant(np.log(s))
    res = sm.OLS(y, X).fit()
    a, b = res.params
    zeta = -float(b)
    return RankSizeResult(zeta=zeta, se_gi=float(abs(zeta) * np.sqrt(2.0 / n)),
                          se_ols=float(res.bse[1]), intercept=float(a),
                          r2=float(res.rsquared), n=int(n), shift=float(shift),
                          cutoff=float(s[-1]))


def hill(sizes, *, cutoff: float | None = None, top: int | None = None) -> tuple[float, float]:
    """Hill estimator of the Pareto exponent and its asymptotic standard error.

    :math:`\\hat\\zeta=(n-1)/\\sum_{i=1}^{n}\\ln(S_i/S_{min})` (the small-sample unbiased
    version) with the usual asymptotic standard error :math:`\\hat\\zeta/\\sqrt{n-2}`.
    """
    s = size_sample(sizes, cutoff=cutoff, top=top)
    n = s.size
    denom = float(np.sum(np.log(s / s[-1])))
    if denom <= 0:
        raise BookInputError("all sizes equal the minimum; the Hill estimator is undefined.")
    z = (n - 1) / denom
    return float(z), float(z / np.sqrt(max(n - 2, 1)))


def cutoff_table(sizes, cutoffs) -> pd.DataFrame:
    """GI rank-size estimates for several cut-offs (a sensitivity table)."""
    if np.ndim(cutoffs) == 0:
        cutoffs = [cutoffs]
    cutoffs = list(cutoffs)
    if not cutoffs:
        raise BookInputError("cutoffs is empty; pass at least one population cut-off.")
    rows = []
    for c in cutoffs:
        r = rank_size(sizes, cutoff=c)
        rows.append({"cutoff": float(c), "n": r.n, "zeta": r.zeta, "se_gi": r.se_gi,
                     "zeta_classic": rank_size(sizes, cutoff=c, shift=0.0).zeta})
    return pd.DataFrame(rows)
