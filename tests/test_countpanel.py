"""Count-data knowledge production functions: simulated truth, real data facts, bad inputs."""
import numpy as np
import pandas as pd
import pytest

from book import countpanel as cp
from book import data, rng
from book.errors import BookInputError


def _sim_panel(n_firms=150, T=6, b_rd=0.6, b_sp=0.3, seed=3):
    g = rng(seed)
    firm = np.repeat(np.arange(n_firms), T)
    year = np.tile(np.arange(T), n_firms)
    c = np.repeat(g.normal(0, 0.7, n_firms), T)
    log_rd = 2 + 0.5 * c + g.normal(0, 0.5, firm.size)      # R&D correlated with the effect
    log_sp = 1 + 0.1 * year + g.normal(0, 0.4, firm.size)
    mu = np.exp(-1 + b_rd * log_rd + b_sp * log_sp + c)
    return pd.DataFrame({"firm": firm, "year": year, "sector": firm % 5,
                         "patents": g.poisson(mu), "log_rd": log_rd, "log_spill": log_sp})


def test_poisson_fe_recovers_simulated_elasticities():
    df = _sim_panel()
    fit = cp.fit_kpf(df, model="poisson", effects="firm")
    t = fit["table"]
    assert t.loc["log_rd", "ci_low"] < 0.6 < t.loc["log_rd", "ci_high"]
    assert t.loc["log_spill", "ci_low"] < 0.3 < t.loc["log_spill", "ci_high"]
    # pooled Poisson is biased upward for R&D (correlated firm effect)
    pooled = cp.fit_kpf(df, model="poisson")["table"]
    assert pooled.loc["log_rd", "coef"] > t.loc["log_rd", "coef"]


def test_real_panel_facts_and_negbin():
    df = data.load("patents_rd")
    assert df.shape[0] == 1629 and df["firm"].nunique() == 181
    assert df.groupby("firm")["year"].count().eq(9).all()
    fit = cp.fit_kpf(df, model="negbin", effects="sector")
    assert fit["alpha"] > 0 and fit["nobs"] == 1629
    fe = cp.fit_kpf(df, model="poisson", effects="firm")
    assert fe["nobs"] == 1629 - 9 * len(fe["dropped_firms"])


def test_spillover_pool():
    rd = [10.0, 20.0, 30.0]
    P = np.array([[1, 0.5, 0], [0.5, 1, 1], [0, 1, 1]])
    assert np.allclose(cp.spillover_pool(rd, P), [10.0, 35.0, 20.0])


def test_bad_inputs():
    df = _sim_panel(n_firms=10, T=3)
    with pytest.raises(BookInputError, match="negative"):
        cp.spillover_pool([-1.0, 2.0], np.eye(2))
    with pytest.raises(BookInputError, match="2 x 2"):
        cp.spillover_pool([1.0, 2.0], np.eye(3))
    bad = df.assign(patents=df["patents"] - 100)
    with pytest.raises(BookInputError, match="negative"):
        cp.fit_kpf(bad)
    with pytest.raises(BookInputError, match="non-integer"):
        cp.fit_kpf(df.assign(patents=df["patents"] + 0.5))
    with pytest.raises(BookInputError, match="incidental"):
        cp.fit_kpf(df, model="negbin", effects="firm")
    with pytest.raises(BookInputError, match="lacks column"):
        cp.fit_kpf(df, regressors=["log_rd", "nope"])
    with pytest.raises(BookInputError, match="duplicated"):
        cp.fit_kpf(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(BookInputError, match="empty"):
        cp.fit_kpf(df.iloc[0:0])
    with pytest.raises(BookInputError, match="model must be"):
        cp.fit_kpf(df, model="ols")
