"""Tests for book.growth (Mankiw, Romer & Weil 1992)."""
import numpy as np
import pandas as pd
import pytest

import book
from book import data
from book.errors import BookInputError
from book.growth import (
    delta_method,
    implied_alpha,
    implied_alpha_beta,
    mrw_table,
    mrw_variables,
    solow_fit,
)


def test_implied_alpha_closed_form():
    a, se = implied_alpha(0.5, 0.04)          # b = alpha/(1-alpha) = 0.5  ->  alpha = 1/3
    assert a == pytest.approx(1 / 3)
    assert se == pytest.approx(0.2 / 1.5**2)  # se(b)/(1+b)^2


def test_implied_alpha_beta_closed_form_and_gradient():
    V = np.array([[0.01, 0.002], [0.002, 0.02]])
    r = implied_alpha_beta(1.0, 1.0, V)        # alpha = beta = 1/3
    assert r["alpha"] == pytest.approx(1 / 3) and r["beta"] == pytest.approx(1 / 3)
    # numerical gradient check of the analytic delta method
    f = lambda b: b[0] / (1 + b.sum())        # noqa: E731
    h = 1e-6
    g = np.array([(f(np.array([1 + h, 1.0])) - f(np.array([1 - h, 1.0]))) / (2 * h),
                  (f(np.array([1.0, 1 + h])) - f(np.array([1.0, 1 - h]))) / (2 * h)])
    assert r["alpha_se"] == pytest.approx(np.sqrt(g @ V @ g), rel=1e-6)


def test_delta_method_bad_inputs():
    with pytest.raises(BookInputError, match="must be 2x2"):
        delta_method([1, 2], [[1.0]])
    with pytest.raises(BookInputError, match="symmetric"):
        delta_method([1, 2], [[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(BookInputError, match="undefined"):
        implied_alpha(-1.5, 0.1)
    with pytest.raises(BookInputError, match="undefined"):
        implied_alpha_beta(-1.0, -0.5, np.eye(2))


def _simulated(n=4000, alpha=1 / 3, beta=1 / 3, seed=1):
    r = book.rng(seed)
    sk = r.uniform(0.05, 0.35, n)
    sh = r.uniform(0.01, 0.12, n)
    ngd = r.uniform(0.0, 0.04, n) + 0.05
    k = 1 - alpha - beta
    lny = 8 + alpha / k * np.log(sk) + beta / k * np.log(sh) - (alpha + beta) / k * np.log(ngd) \
        + r.normal(0, 0.3, n)
    return pd.DataFrame({"gdp60": np.exp(lny - 0.5), "gdp85": np.exp(lny), "invest": 100 * sk,
                         "school": 100 * sh, "popgrowth": 100 * (ngd - 0.05)})


def test_simulated_truth_recovered():
    v = mrw_variables(_simulated())
    aug = solow_fit(v, "augmented", restricted=True)
    assert aug.implied["alpha"] == pytest.approx(1 / 3, abs=3 * aug.implied["alpha_se"] + 0.01)
    assert aug.implied["beta"] == pytest.approx(1 / 3, abs=3 * aug.implied["beta_se"] + 0.01)
    assert aug.restriction_p > 0.001


def test_units_and_missing_values_refused():
    df = _simulated(50)
    with pytest.raises(BookInputError, match="looks like a fraction"):
        mrw_variables(df.assign(invest=df["invest"] / 100))
    with pytest.raises(BookInputError, match="looks like percent"):
        mrw_variables(df, units="fraction")
    v = mrw_variables(df.assign(gdp85=np.where(np.arange(50) == 3, np.nan, df["gdp85"])))
    with pytest.raises(BookInputError, match="missing values"):
        solow_fit(v)
    with pytest.raises(BookInputError, match="model must be"):
        solow_fit(v.dropna(), "lucas")
    with pytest.raises(BookInputError, match="lacks column"):
        mrw_variables(df.drop(columns="school"))


def test_growthdj_matches_peer_replication():
    """Non-oil textbook regression: R lm() on the MRW appendix data (RPubs 257559) prints
    const 5.4299 (1.5839), ln s 1.4240 (0.1431), ln(n+g+d) -1.9898 (0.5634), adj R2 0.5925."""
    g = data.load("growthdj")
    v = mrw_variables(g)[g["nonoil"].to_numpy()]
    f = solow_fit(v)
    assert f.n == 98
    assert f.params["const"] == pytest.approx(5.4299, abs=5e-4)
    assert f.params["ln_sk"] == pytest.approx(1.4240, abs=5e-4)
    assert f.bse["ln_sk"] == pytest.approx(0.1431, abs=5e-4)
    assert f.params["ln_ngd"] == pytest.approx(-1.9898, abs=5e-4)
    assert f.bse["ln_ngd"] == pytest.approx(0.5634, abs=5e-4)
    assert f.adj_r2 == pytest.approx(0.5925, abs=5e-4)


def test_convergence_lambda_and_table():
    g = data.load("growthdj")
    v = mrw_variables(g)
    f = solow_fit(v[g["nonoil"].to_numpy()], "augmented", convergence=True)
    b = f.params["ln_y60"]
    assert f.implied["lambda"] == pytest.approx(-np.log1p(b) / 25)
    t = mrw_table(v, {"oecd": g["oecd"].to_numpy()})
    assert t.loc["n", "oecd"] == 22
    with pytest.raises(BookInputError, match="boolean"):
        mrw_table(v, {"bad": np.ones(3)})
