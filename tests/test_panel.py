"""book.panel: FE = dummy-variable OLS, plm/splm peer values on Produc, bad inputs."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import book
from book import data
from book import panel as bp
from book import spatial as bs
from book.errors import BookInputError

X = ["lpcap", "lpc", "lemp", "unemp"]


@pytest.fixture(scope="module")
def produc():
    p = data.load("munnell_produc")
    for c in ("gsp", "pcap", "pc", "emp"):
        p["l" + c] = np.log(p[c])
    return p


@pytest.fixture(scope="module")
def w():
    return bs.weights_for(data.load("us48_geometry"), "state")


def test_loader_known_values(produc):
    assert produc.shape == (816, 16)
    al70 = produc.query("state == 'Alabama' and year == 1970").iloc[0]
    assert al70["gsp"] == 28418 and al70["pcap"] == pytest.approx(15032.67)
    # pcap is PUBLIC capital: the sum of its three components (Munnell 1990)
    np.testing.assert_allclose(produc["pcap"], produc[["hwy", "water", "util"]].sum(axis=1),
                               rtol=1e-3)
    assert set(produc["state"]) == set(data.load("us48_geometry")["state"])


def test_fe_equals_dummy_variable_ols(produc):
    tab = bp.panel_models(produc, y="lgsp", x=X, entity="state", time="year")
    fe = tab.query("model == 'fixed effects'").set_index("term")["coef"]
    dummies = pd.get_dummies(produc["state"], dtype=float)
    lsdv = sm.OLS(produc["lgsp"], pd.concat([produc[X], dummies], axis=1)).fit()
    np.testing.assert_allclose(fe[X].to_numpy(), lsdv.params[X].to_numpy(), atol=1e-10)
    se = tab.query("model == 'fixed effects'").set_index("term")["se"]
    np.testing.assert_allclose(se[X].to_numpy(), lsdv.bse[X].to_numpy(), rtol=1e-8)
    # two-way FE equals OLS with state and year dummies
    yd = pd.get_dummies(produc["year"], prefix="y", drop_first=True, dtype=float)
    lsdv2 = sm.OLS(produc["lgsp"], pd.concat([produc[X], dummies, yd], axis=1)).fit()
    tw = tab.query("model == 'two-way FE'").set_index("term")["coef"]
    np.testing.assert_allclose(tw[X].to_numpy(), lsdv2.params[X].to_numpy(), atol=1e-10)


def test_plm_peer_values(produc):
    """plm's printed output for Produc (within: broom's tidy.plm example; pooling, random)."""
    tab = bp.panel_models(produc, y="lgsp", x=X, entity="state", time="year")
    c = tab.pivot(index="term", columns="model", values="coef")
    np.testing.assert_allclose(c.loc[X, "fixed effects"],
                               [-0.02614965, 0.29200693, 0.76815947, -0.00529774], atol=1e-8)
    np.testing.assert_allclose(c.loc[X, "pooled OLS"],
                               [0.155007, 0.309190, 0.593935, -0.006733], atol=1e-6)
    np.testing.assert_allclose(c.loc[X, "random effects"],
                               [0.00443859, 0.31054843, 0.72967053, -0.00617247], atol=1e-7)


def test_splm_peer_values_fe_lag_and_error(produc, w):
    """splm::spml on Produc with spdep's usa48 contiguity (printed output) vs ours."""
    lag = bp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year",
                              model="lag", effects=False).coefficients.set_index("term")
    assert lag.loc["rho", "coef"] == pytest.approx(0.274689, abs=2e-6)
    assert lag.loc["rho", "se"] == pytest.approx(0.023516, abs=2e-6)
    np.testing.assert_allclose(lag.loc[X, "coef"], [-0.0465819, 0.1874325, 0.6250902, -0.0044816],
                               atol=2e-7)
    err = bp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year",
                              model="error").coefficients.set_index("term")
    assert err.loc["lambda", "coef"] == pytest.approx(0.557401, abs=2e-6)
    np.testing.assert_allclose(err.loc[X, "coef"], [0.0051438, 0.2053026, 0.7822540, -0.0022317],
                               atol=2e-7)


def test_durbin_effects_consistent(produc, w):
    fit = bp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year",
                              model="durbin", draws=200)
    c = fit.coefficients.set_index("term")["coef"]
    point = bs.lag_effects(c["rho"], c[X], w, theta=c[[f"W_{v}" for v in X]], names=X)
    eff = fit.effects.pivot(index="variable", columns="effect", values="estimate").loc[X]
    np.testing.assert_allclose(eff[["direct", "indirect", "total"]], point, rtol=1e-12)
    # row-standardised W: total = (beta + theta) / (1 - rho)
    np.testing.assert_allclose(eff["total"], (c[X].to_numpy() + c[[f"W_{v}" for v in X]].to_numpy())
                               / (1 - c["rho"]), rtol=1e-10)


def test_stacking_uses_ids_not_row_order(produc, w):
    shuffled = produc.sample(frac=1.0, random_state=book.SEED)
    a = bp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year", model="error")
    b = bp.spatial_panel_fe(shuffled, w, y="lgsp", x=X, entity="state", time="year", model="error")
    pd.testing.assert_frame_equal(a.coefficients, b.coefficients)


def test_bad_inputs(produc, w):
    with pytest.raises(BookInputError, match="duplicated"):
        bp.panel_models(pd.concat([produc, produc.iloc[[0]]]), y="lgsp", x=X, entity="state",
                        time="year")
    with pytest.raises(BookInputError, match="unbalanced"):
        bp.panel_models(produc.iloc[1:], y="lgsp", x=X, entity="state", time="year")
    with pytest.raises(BookInputError, match="model must be one of"):
        bp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year", model="sac")
    with pytest.raises(BookInputError, match="only in data"):
        bad = produc.replace({"state": {"Texas": "Tejas"}})
        bp.spatial_panel_fe(bad, w, y="lgsp", x=X, entity="state", time="year")
    with pytest.raises(BookInputError, match="lacks column"):
        bp.panel_models(produc, y="lgsp", x=["nope"], entity="state", time="year")
    w0 = bs.weights_for(data.load("us48_geometry"), "state", standardise=False)
    with pytest.raises(BookInputError, match="row-standardised"):
        bp.spatial_panel_fe(produc, w0, y="lgsp", x=X, entity="state", time="year")
