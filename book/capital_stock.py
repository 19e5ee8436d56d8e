"""Perpetual-inventory stocks: physical capital from investment, knowledge from R&D spending.

The perpetual-inventory method (PIM) accumulates a deflated flow into a stock,

.. math::  K_{it} = (1 - \\delta) K_{i,t-1} + I_{it} / P_{it},

and starts it with the steady-state rule :math:`K_{i0} = I_{i0} / (g_i + \\delta)`, where
:math:`g_i` is the growth rate of the real flow (Griliches 1980; Hall & Mairesse 1995 for R&D).
For Chinese provinces Zhang, Wu & Zhang (2004; 张军、吴桂英、张吉鹏, 经济研究 2004(10),
35-44) use gross fixed capital formation, the investment price index and a depreciation rate
of :data:`DELTA_CAPITAL` = 9.6 % (their initial 1952 stock is investment divided by 10 %, a
special case of the rule above); R&D stocks are conventionally depreciated at
:data:`DELTA_RD` = 15 % (the Griliches convention, common in Chinese provincial R&D-stock
studies).

No well-kept Python package implements the PIM with these conventions (it is a one-line
recursion), so it is written here, validated, and unit-tested against a hand-computed case.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import require_columns, require_in_range

#: depreciation rate of provincial physical capital, Zhang, Wu & Zhang (2004)
DELTA_CAPITAL = 0.096
#: depreciation rate of R&D (knowledge) capital, the Griliches convention
DELTA_RD = 0.15


def initial_growth(real_flow, years: int = 5) -> float:
    """Average growth rate of a real flow over its first ``years`` steps (geometric mean).

    ``g = (I_years / I_0)^(1/years) - 1``: the g of the initial-stock rule
    :math:`K_0 = I_0 / (g + \\delta)`.
    """
    x = np.asarray(real_flow, dtype=float)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise BookInputError(f"years must be a positive integer, got {years!r}.")
    if x.ndim != 1 or len(x) < years + 1:
        raise BookInputError(f"initial_growth needs at least years + 1 = {years + 1} values of "
                             f"the flow, got {x.size}.")
    if not np.isfinite(x[:years + 1]).all() or (x[:years + 1] <= 0).any():
        raise BookInputError("initial_growth: the first values of the flow must be positive "
                             "and finite (a growth rate of a zero or negative flow is undefined).")
    return float((x[years] / x[0]) ** (1.0 / years) - 1.0)


def perpetual_inventory(df: pd.DataFrame, *, id_col: str, time: str, flow: str,
                        deflator: str | None = None, delta: float = DELTA_CAPITAL,
                        g: float | None = None, growth_years: int = 5) -> pd.Series:
    """Perpetual-inventory stock of a flow, per unit, from its first year on.

    Parameters
    ----------
    df : DataFrame
        Long panel, one row per unit and year; every unit's years must be consecutive.
    id_col, time : str
        Unit and (integer) year columns.
    flow : str
        Nominal flow (investment, R&D expenditure); must be non-negative.
    deflator : str, optional
        Price index column (any base; the stock is in prices of the index's base). ``None``:
        the flow is already real.
    delta : float
        Depreciation rate in (0, 1): 0.096 for capital (Zhang et al. 2004), 0.15 for R&D.
    g : float, optional
        Growth rate in the initial-stock rule :math:`K_0 = I_0/(g+\\delta)`. ``None``: each
        unit's own :func:`initial_growth` over its first ``growth_years`` years.
    growth_years : int
        Years used to estimate g when ``g`` is None.

    Returns
    -------
    pandas.Series
        The stock, aligned with ``df``'s index, in the units of the real flow.
    """
    if not isinstance(df, pd.DataFrame):
        raise BookInputError(f"perpetual_inventory needs a DataFrame, got {type(df).__name__}.")
    cols = [id_col, time, flow] + ([deflator] if deflator else [])
    require_columns(df, cols, "perpetual_inventory data")
    require_in_range(delta, "delta", 0, 1, lo_open=True, hi_open=True)
    if g is not None:
        require_in_range(g, "g", -delta, None, lo_open=True)
    if df.empty:
        raise BookInputError("perpetual_inventory: the data are empty.")
    if df.duplicated([id_col, time]).any():
        raise BookInputError(f"perpetual_inventory: a ({id_col}, {time}) pair appears twice.")
    vals = pd.to_numeric(df[flow], errors="coerce")
    if vals.isna().any() or not np.isfinite(vals).all():
        raise BookInputError(f"perpetual_inventory: {flow!r} has missing, non-numeric or "
                             "infinite values; the recursion cannot skip a year.")
    if (vals < 0).any():
        bad = df.loc[vals < 0, [id_col, time]].iloc[0].tolist()
        raise BookInputError(f"perpetual_inventory: {flow!r} is negative (e.g. {bad}); start the "
                             "stock after such years or fix the flow.")
    real = vals.astype(float)
    if deflator:
        p = pd.to_numeric(df[deflator], errors="coerce")
        if p.isna().any() or (p <= 0).any():
            raise BookInputError(f"perpetual_inventory: deflator {deflator!r} must be positive "
                                 "and present in every row.")
        real = real / p
    out = pd.Series(np.nan, index=df.index, name=f"{flow}_stock")
    for unit, idx in df.groupby(id_col, sort=False).groups.items():
        sub = df.loc[idx].sort_values(time)
        years = sub[time].to_numpy()
        if not np.issubdtype(years.dtype, np.integer):
            raise BookInputError(f"perpetual_inventory: {time!r} must hold integer years.")
        if len(years) > 1 and (np.diff(years) != 1).any():
            gap = years[:-1][np.diff(years) != 1][0]
            raise BookInputError(f"perpetual_inventory: unit {unit!r} has a missing year after "
                                 f"{gap}; the recursion needs consecutive years.")
        r = real.loc[sub.index].to_numpy()
        gi = initial_growth(r, growth_years) if g is None else float(g)
        if gi + delta <= 0:
            raise BookInputError(f"perpetual_inventory: unit {unit!r} has g + delta = "
                                 f"{gi + delta:.3f} <= 0, so I0/(g+delta) is not a stock; pass "
                                 "a common g or a longer growth_years.")
        k = np.empty_like(r)
        k[0] = r[0] / (gi + delta)
        for t in range(1, len(r)):
            k[t] = (1.0 - delta) * k[t - 1] + r[t]
        out.loc[sub.index] = k
    return out
