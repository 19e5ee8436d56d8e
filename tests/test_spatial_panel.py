"""book.spatial.panel: FE = dummy-variable OLS, plm/splm peer values on Produc, the Gaussian
log-likelihood against an independent computation, bad inputs."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from badinput import BI, IDS, NAN, PANEL, W, W_binary, case_list, f, matrix_test

import book
from book import data
from book.errors import BookInputError
from book.spatial import effects as spe
from book.spatial import panel as spp
from book.spatial import weights as spw

X = ["lpcap", "lpc", "lemp", "unemp"]


@pytest.fixture(scope="module")
def w():
    return spw.weights_for(data.load("us48_geometry"), "state")


@pytest.fixture(scope="module")
def fits(produc, w):
    return {m: spp.spatial_panel_fe(produc, w, y="lgsp", x=X, entity="state", time="year", model=m)
            for m in ("lag", "error", "durbin")}


def test_loader_known_values(produc):
    assert produc.shape == (816, 16)
    al70 = produc.query("state == 'Alabama' and year == 1970").iloc[0]
    assert al70["gsp"] == 28418 and al70["pcap"] == pytest.approx(15032.67)
    # pcap is PUBLIC capital: the sum of its three components (Munnell 1990)
    np.testing.assert_allclose(produc["pcap"], produc[["hwy", "water", "util"]].sum(axis=1),
                               rtol=1e-3)
    assert set(produc["state"]) == set(data.load("us48_geometry")["state"])


def test_fe_equals_dummy_variable_ols(produc):
    tab = spp.panel_models(produc, y="lgsp", x=X, entity="state", time="year").coefficients
    fe = tab.query("model == 'fixed effects'").set_index("term")["coef"]
    dummies = pd.get_dummies(produc["state"], dtype=float)
    lsdv = sm.OLS(produc["lgsp"], pd.concat([produc[X], dummies], axis=1)).fit()
    np.testing.assert_allclose(fe[X].to_numpy(), lsdv.params[X].to_numpy(), atol=1e-10)
    se = tab.query("model == 'fixed effects'").set_index("term")["se"]
    np.testing.assert_allclose(se[X].to_numpy(), lsdv.bse[X].to_numpy(), rtol=1e-8)
    yd = pd.get_dummies(produc["year"], prefix="y", drop_first=True, dtype=float)
    lsdv2 = sm.OLS(produc["lgsp"], pd.concat([produc[X], dummies, yd], axis=1)).fit()
    tw = tab.query("model == 'two-way FE'").set_index("term")["coef"]
    np.testing.assert_allclose(tw[X].to_numpy(), lsdv2.params[X].to_numpy(), atol=1e-10)


def test_plm_peer_values(produc):
    """plm's printed output for Produc (within: broom's tidy.plm example; pooling, random)."""
    c = spp.panel_models(produc, y="lgsp", x=X, entity="state", time="year").wide()
    np.testing.assert_allclose(c.loc[X, "fixed effects"],
                               [-0.02614965, 0.29200693, 0.76815947, -0.00529774], atol=1e-8)
    np.testing.assert_allclose(c.loc[X, "pooled OLS"],
                               [0.155007, 0.309190, 0.593935, -0.006733], atol=1e-6)
    np.testing.assert_allclose(c.loc[X, "random effects"],
                               [0.00443859, 0.31054843, 0.72967053, -0.00617247], atol=1e-7)


def test_splm_peer_values_fe_lag_and_error(fits):
    """splm::spml on Produc with spdep's usa48 contiguity (printed output) vs ours."""
    lag = fits["lag"].coefficients.set_index("term")
    assert fits["lag"].model == "SAR" and fits["lag"].layout == "panel FE"
    assert lag.loc["rho", "coef"] == pytest.approx(0.274689, abs=2e-6)
    assert lag.loc["rho", "se"] == pytest.approx(0.023516, abs=2e-6)
    np.testing.assert_allclose(lag.loc[X, "coef"], [-0.0465819, 0.1874325, 0.6250902, -0.0044816],
                               atol=2e-7)
    err = fits["error"].coefficients.set_index("term")
    assert err.loc["lambda", "coef"] == pytest.approx(0.557401, abs=2e-6)
    np.testing.assert_allclose(err.loc[X, "coef"], [0.0051438, 0.2053026, 0.7822540, -0.0022317],
                               atol=2e-7)


def test_gaussian_loglik_independent_computation(produc, w, fits):
    """logl = -NT/2 (ln 2 pi s2 + 1) + T ln|I - rho W| with s2 = e'e/NT, the residuals of the
    demeaned model recomputed here from the coefficients and a dense log-determinant; spreg's
    value is lower by (NT/2) ln(NT); LR statistics are unchanged."""
    st = spp.stack_by_period(produc, w, entity="state", time="year", cols=["lgsp", *X])
    n, t = w.n, len(st) // w.n
    dm = st[["lgsp", *X]] - st.groupby("state")[["lgsp", *X]].transform("mean")
    Wd = spw.as_sparse(w).toarray()
    WT = np.kron(np.eye(t), Wd)
    for m, res in fits.items():
        if m == "durbin":
            continue
        par = res.spatial_parameter
        b = np.array([res.coef(v) for v in X])
        y, Xm = dm["lgsp"].to_numpy(), dm[X].to_numpy()
        e = (y - par * WT @ y - Xm @ b) if m == "lag" else (np.eye(n * t) - par * WT) @ (y - Xm @ b)
        s2 = e @ e / (n * t)
        ld = np.linalg.slogdet(np.eye(n) - par * Wd)[1]
        ll = -n * t / 2 * (np.log(2 * np.pi * s2) + 1) + t * ld
        assert res.logl == pytest.approx(ll, abs=1e-6)
        assert res.logl - res.extra["logl_spreg"] == pytest.approx(n * t / 2 * np.log(n * t))
        assert spp.gaussian_loglik(e, w, par, t) == pytest.approx(ll, abs=1e-8)
    lr_ours = 2 * (fits["durbin"].logl - fits["lag"].logl)
    lr_spreg = 2 * (fits["durbin"].extra["logl_spreg"] - fits["lag"].extra["logl_spreg"])
    assert lr_ours == pytest.approx(lr_spreg, abs=1e-8)


def test_durbin_effects_consistent(fits, w):
    fit = fits["durbin"]
    c = fit.coefficients.set_index("term")["coef"]
    point = spe.lag_effects(c["rho"], c[X], w, theta=c[[f"W_{v}" for v in X]], names=X)
    eff = fit.effects(draws=200).pivot(index="variable", columns="effect", values="estimate").loc[X]
    np.testing.assert_allclose(eff[["direct", "indirect", "total"]], point, rtol=1e-12)
    np.testing.assert_allclose(eff["total"], (c[X].to_numpy() + c[[f"W_{v}" for v in X]].to_numpy())
                               / (1 - c["rho"]), rtol=1e-10)


def test_stacking_uses_ids_not_row_order(produc, w, fits):
    shuffled = produc.sample(frac=1.0, random_state=book.SEED)
    b = spp.spatial_panel_fe(shuffled, w, y="lgsp", x=X, entity="state", time="year", model="error")
    pd.testing.assert_frame_equal(fits["error"].coefficients, b.coefficients)


def test_time_invariant_regressor_refused(produc, w):
    """issue 11: a time-invariant regressor returned -2.1e14 instead of an error."""
    p = produc.assign(region_code=produc.groupby("state").ngroup().astype(float))
    with pytest.raises(BookInputError, match="does not vary within state"):
        spp.spatial_panel_fe(p, w, y="lgsp", x=["lpc", "region_code"], entity="state", time="year")


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
P = "book.spatial.panel"
c(f"{P}.check_balanced", "unbalanced", lambda: f(f"{P}.check_balanced")(PANEL().iloc[1:], "rid",
                                                                        "year"), BI, r"unbalanced")
c(f"{P}.check_balanced", "duplicated entity-year", lambda: f(f"{P}.check_balanced")(
    pd.concat([PANEL(), PANEL().head(1)]), "rid", "year"), BI, r"duplicated \(rid, year\)")
c(f"{P}.check_balanced", "empty", lambda: f(f"{P}.check_balanced")(PANEL().iloc[:0], "rid", "year"),
  BI, r"empty")
c(f"{P}.panel_models", "bad cov", lambda: f(f"{P}.panel_models")(
    PANEL(), y="y", x=["x1"], entity="rid", time="year", cov="robust"), BI, r"cov must be")
c(f"{P}.panel_models", "text regressor", lambda: f(f"{P}.panel_models")(
    PANEL().astype({"x1": str}), y="y", x=["x1"], entity="rid", time="year"), BI, r"stored as text")
c(f"{P}.panel_models", "nan outcome", lambda: f(f"{P}.panel_models")(
    PANEL(y=NAN), y="y", x=["x1"], entity="rid", time="year"), BI, r"missing")
c(f"{P}.panel_models", "single period", lambda: f(f"{P}.panel_models")(
    PANEL(n_t=1), y="y", x=["x1"], entity="rid", time="year"), BI, r"at least two periods")
c(f"{P}.panel_models", "x empty", lambda: f(f"{P}.panel_models")(
    PANEL(), y="y", x=[], entity="rid", time="year"), BI, r"x is empty")
c(f"{P}.panel_models", "absorbed regressor", lambda: f(f"{P}.panel_models")(
    PANEL(z=np.repeat(np.arange(9.0), 1)[np.tile(np.arange(9), 3)]), y="y", x=["x1", "z"],
    entity="rid", time="year"), BI, r"'z' does not vary within rid")
c(f"{P}.panel_models", "regressor absorbed by time effects", lambda: f(f"{P}.panel_models")(
    PANEL(z=np.repeat([1.0, 2.0, 3.5], 9)), y="y", x=["x1", "z"], entity="rid", time="year"), BI,
  r"the fixed effects absorb regressor\(s\) \['z'\]")
c(f"{P}.panel_models", "constant outcome", lambda: f(f"{P}.panel_models")(
    PANEL(y=1.0), y="y", x=["x1"], entity="rid", time="year"), BI, r"y is constant")
c(f"{P}.stack_by_period", "misaligned ids", lambda: f(f"{P}.stack_by_period")(
    PANEL(rid=[*IDS()[:8], "zz"] * 3), W(), entity="rid", time="year", cols=["y"]), BI,
  r"ids differ")
c(f"{P}.stack_by_period", "not a W", lambda: f(f"{P}.stack_by_period")(
    PANEL(), np.eye(9), entity="rid", time="year", cols=["y"]), BI, r"libpysal.weights.W")
c(f"{P}.spatial_panel_fe", "bad model", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(), W(), y="y", x=["x1"], entity="rid", time="year", model="sdm"), BI, r"model must be")
c(f"{P}.spatial_panel_fe", "unstandardised", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(), W_binary(), y="y", x=["x1"], entity="rid", time="year"), BI, r"row-standardised")
c(f"{P}.spatial_panel_fe", "misaligned ids", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(rid=[*IDS()[:8], "zz"] * 3), W(), y="y", x=["x1"], entity="rid", time="year"), BI,
  r"ids differ")
c(f"{P}.spatial_panel_fe", "nan", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(x1=NAN), W(), y="y", x=["x1"], entity="rid", time="year"), BI, r"missing")
c(f"{P}.spatial_panel_fe", "x empty", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(), W(), y="y", x=[], entity="rid", time="year"), BI, r"x is empty")
c(f"{P}.spatial_panel_fe", "constant y", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(y=1.0), W(), y="y", x=["x1"], entity="rid", time="year"), BI, r"y is constant")
c(f"{P}.spatial_panel_fe", "time-invariant regressor", lambda: f(f"{P}.spatial_panel_fe")(
    PANEL(z=np.tile(np.arange(9.0), 3)), W(), y="y", x=["x1", "z"], entity="rid", time="year"),
  BI, r"'z' does not vary within rid")
c(f"{P}.spatial_panel_fe", "island", lambda: f(f"{P}.spatial_panel_fe")(
    pd.DataFrame({"rid": list("abc") * 2, "year": [1] * 3 + [2] * 3,
                  "y": [1.0, 2, 3, 2, 1, 4], "x1": [0.5, 1, 2, 1, 3, 1]}),
    __import__("badinput").W_island(), y="y", x=["x1"], entity="rid", time="year"), BI, r"island")
c(f"{P}.gaussian_loglik", "wrong length", lambda: f(f"{P}.gaussian_loglik")(
    np.ones(5), W(), 0.2, 1), BI, r"expected N x T")
c(f"{P}.gaussian_loglik", "zero residuals", lambda: f(f"{P}.gaussian_loglik")(
    np.zeros(9), W(), 0.2, 1), BI, r"residuals are all zero")

test_bad_input = matrix_test(CASES)
