"""book.convergence against known answers and bad inputs."""
import numpy as np
import pandas as pd
import pytest

import book
from book import convergence as conv
from book.errors import BookInputError


def simulate(beta, T=40, n=200, noise=0.002, offset=0):
    """Regions obeying the BSM growth equation with a known beta."""
    r = book.rng(offset)
    lny0 = r.normal(9.0, 0.4, n)
    g = 0.03 - (1 - np.exp(-beta * T)) / T * lny0 + r.normal(0, noise, n) + 0.0
    g = g - g.mean() + 0.02  # keep growth plausible
    lnyT = lny0 + g * T
    return np.exp(lny0), np.exp(lnyT), T


@pytest.mark.parametrize("beta", [0.005, 0.02, 0.05])
def test_nls_recovers_known_beta(beta):
    y0, yT, T = simulate(beta)
    r = conv.beta_nls(y0, yT, T)
    assert abs(r.beta - beta) < 4 * r.beta_se
    assert abs(r.beta - beta) < 0.003


def test_nls_exact_without_noise():
    y0, yT, T = simulate(0.02, noise=0.0)
    r = conv.beta_nls(y0, yT, T)
    assert r.beta == pytest.approx(0.02, abs=1e-8)
    assert r.r2 == pytest.approx(1.0)


def test_ols_and_nls_agree():
    # one cross-section: the linear form is a re-parametrisation, so the betas coincide
    y0, yT, T = simulate(0.01, T=10)
    a, b = conv.beta_nls(y0, yT, T), conv.beta_ols(y0, yT, T)
    assert a.beta == pytest.approx(b.beta, rel=1e-5)
    assert a.slope == pytest.approx(b.slope, rel=1e-5)
    # and for small beta*T the slope is about -beta
    assert b.slope == pytest.approx(-b.beta, rel=0.06)


def test_half_life():
    assert conv.half_life(np.log(2) / 35) == pytest.approx(35)
    with pytest.raises(BookInputError, match="beta > 0"):
        conv.half_life(-0.01)


def test_sigma_series_known():
    df = pd.DataFrame({"state": ["a", "b", "a", "b"], "year": [1, 1, 2, 2],
                       "income": [1.0, np.e**2, 1.0, np.e]})
    s = conv.sigma_series(df)
    assert s[1] == pytest.approx(np.std([0, 2], ddof=1))
    assert s[2] == pytest.approx(np.std([0, 1], ddof=1))


@pytest.mark.parametrize("kwargs, msg", [
    (dict(y0=[1, 2, 3], yT=[1, 2], T=10), "length mismatch"),
    (dict(y0=[1, -2, 3], yT=[1, 2, 3], T=10), "non-positive"),
    (dict(y0=[1, 0, 3], yT=[1, 2, 3], T=10), "non-positive"),
    (dict(y0=[1, 2, 3], yT=[1, 2, 3], T=0), "positive number of years"),
    (dict(y0=[1, 2, 3], yT=[1, 2, 3], T=-5), "positive number of years"),
    (dict(y0=[1, 2, 3], yT=[1, 2, 3], T="ten"), "period length"),
    (dict(y0=[1, np.nan, 3], yT=[1, 2, 3], T=10), "missing"),
    (dict(y0=["1", "2", "3"], yT=[1, 2, 3], T=10), "stored as text"),
    (dict(y0=[1, 2], yT=[1, 2], T=10), "at least 3"),
    (dict(y0=[], yT=[], T=10), "empty"),
])
@pytest.mark.parametrize("fn", [conv.beta_nls, conv.beta_ols])
def test_bad_inputs(fn, kwargs, msg):
    with pytest.raises(BookInputError, match=msg):
        fn(**kwargs)


def test_panel_checks():
    df = pd.DataFrame({"state": ["a", "a", "b"], "year": [1, 2, 1], "income": [1.0, 2.0, 3.0]})
    with pytest.raises(BookInputError, match="unbalanced"):
        conv.sigma_series(df)
    dup = pd.concat([df, df.iloc[[0]]])
    with pytest.raises(BookInputError, match="duplicated"):
        conv.sigma_series(dup)
    with pytest.raises(BookInputError, match="lacks column"):
        conv.sigma_series(df.rename(columns={"income": "y"}))
    full = pd.DataFrame({"state": list("aabbcc"), "year": [1, 2] * 3, "income": [1.0, 2, 3, 4, 5, 6]})
    with pytest.raises(BookInputError, match="not in the data"):
        conv.beta_by_period(full, [(1, 3)])
    with pytest.raises(BookInputError, match="end must be after"):
        conv.beta_by_period(full, [(2, 1)])
    with pytest.raises(BookInputError, match="method"):
        conv.beta_by_period(full, [(1, 2)], method="gmm")


def test_series_are_paired_by_label_not_position():
    """issue 11: two Series in different orders were paired by position."""
    import pandas as pd

    y0 = pd.Series([1.0, 2.0, 4.0, 8.0], index=list("abcd"))
    yT = pd.Series([3.0, 4.0, 6.0, 9.0], index=list("abcd"))
    a = conv.beta_ols(y0, yT, 10)
    b = conv.beta_ols(y0, yT.iloc[::-1], 10)
    assert a.beta == b.beta


# ----------------------------------------------------------------------------- bad inputs
from badinput import BI, NAN, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()


def INCOME():
    """Long state-income panel for convergence helpers."""
    years = [1900, 1920, 1940]
    states = list("ABCDE")
    vals = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.5], [3.0, 3.8, 5.0], [4.0, 4.5, 5.5],
                     [5.0, 5.2, 6.0]])
    return pd.DataFrame([{"state": s, "year": y, "income": vals[i, j]}
                         for i, s in enumerate(states) for j, y in enumerate(years)])


# --- book.convergence --------------------------------------------------------------------
CV = "book.convergence"
for fn in ("beta_ols", "beta_nls"):
    q = f"{CV}.{fn}"
    c(q, "zero income (log)", lambda q=q: f(q)([1, 0, 3, 4], [2, 3, 4, 5], 10), BI,
      r"y0 \(initial income\) has 1 non-positive")
    c(q, "nan", lambda q=q: f(q)([1, NAN, 3, 4], [2, 3, 4, 5], 10), BI, r"y0 contains 1 missing")
    c(q, "length mismatch", lambda q=q: f(q)([1, 2, 3, 4], [2, 3, 4], 10), BI, r"length mismatch")
    c(q, "T < 1", lambda q=q: f(q)([1, 2, 3, 4], [2, 3, 4, 5], 0), BI, r"T must be a positive")
    c(q, "T text", lambda q=q: f(q)([1, 2, 3, 4], [2, 3, 4, 5], "ten"), BI, r"T must be the period")
    c(q, "series with different regions", lambda q=q: f(q)(
        pd.Series([1.0, 2, 3], index=list("abc")), pd.Series([2.0, 3, 4], index=list("abd")), 10),
      BI, r"cover different regions")
    c(q, "constant initial income", lambda q=q: f(q)([2.0] * 4, [2, 3, 4, 5], 10), BI,
      r"y0 \(initial income\) is constant")
    c(q, "text incomes", lambda q=q: f(q)(["1", "2", "3"], [2, 3, 4], 10), BI,
      r"numbers stored as text")
    c(q, "two regions", lambda q=q: f(q)([1, 2], [2, 3], 10), BI, r"at least 3 regions")
    c(q, "empty", lambda q=q: f(q)([], [], 10), BI, r"y0 is empty")
c(f"{CV}.half_life", "divergence", lambda: f(f"{CV}.half_life")(-0.01), BI, r"beta > 0")
c(f"{CV}.half_life", "nan", lambda: f(f"{CV}.half_life")(NAN), BI, r"beta")
c(f"{CV}.wide_panel", "duplicated region-year", lambda: f(f"{CV}.wide_panel")(
    pd.concat([INCOME(), INCOME().head(1)]), "state", "year", "income"), BI, r"duplicated \(state, year\)")
c(f"{CV}.wide_panel", "unbalanced", lambda: f(f"{CV}.wide_panel")(
    INCOME().iloc[1:], "state", "year", "income"), BI, r"unbalanced")
c(f"{CV}.wide_panel", "empty", lambda: f(f"{CV}.wide_panel")(
    INCOME().iloc[:0], "state", "year", "income"), BI, r"empty")
c(f"{CV}.wide_panel", "missing column", lambda: f(f"{CV}.wide_panel")(
    INCOME(), "state", "year", "gdp"), BI, r"lacks column")
c(f"{CV}.wide_panel", "text income", lambda: f(f"{CV}.wide_panel")(
    INCOME().astype({"income": str}), "state", "year", "income"), BI, r"stored as text|non-numeric")
c(f"{CV}.beta_by_period", "year out of range", lambda: f(f"{CV}.beta_by_period")(
    INCOME(), [(1900, 2050)]), BI, r"year 2050 is not in the data")
c(f"{CV}.beta_by_period", "end before start", lambda: f(f"{CV}.beta_by_period")(
    INCOME(), [(1940, 1900)]), BI, r"end must be after start")
c(f"{CV}.beta_by_period", "bad period", lambda: f(f"{CV}.beta_by_period")(INCOME(), [1900]), BI,
  r"\(start, end\) pair")
c(f"{CV}.beta_by_period", "bad method", lambda: f(f"{CV}.beta_by_period")(
    INCOME(), [(1900, 1940)], method="gmm"), BI, r"method must be 'nls' or 'ols'")
c(f"{CV}.beta_by_period", "no periods", lambda: f(f"{CV}.beta_by_period")(INCOME(), []), BI,
  r"periods")
c(f"{CV}.sigma_series", "zero income", lambda: f(f"{CV}.sigma_series")(
    INCOME().assign(income=lambda d: d.income.where(d.index != 0, 0.0))), BI, r"non-positive")
c(f"{CV}.sigma_series", "empty", lambda: f(f"{CV}.sigma_series")(INCOME().iloc[:0]), BI, r"empty")
c(f"{CV}.sigma_series", "one region", lambda: f(f"{CV}.sigma_series")(
    INCOME().query("state == 'A'")), BI, r"at least two regions")


test_bad_input = matrix_test(CASES)
