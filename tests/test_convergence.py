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
