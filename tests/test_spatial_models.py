"""book.spatial.models: spreg's documented Baltimore example, LR tests, effects, the LM rule."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from badinput import BI, CROSS, IDS, NAN, W, W_binary, W_island, case_list, f, matrix_test

from book import data
from book.spatial import models as spm
from book.spatial import weights as spw

X_BALT = ["NROOM", "NBATH", "PATIO", "FIREPL", "AC", "GAR", "AGE", "LOTSZ", "SQFT"]


@pytest.fixture(scope="module")
def baltimore():
    import libpysal

    # the docstring's output was produced with the shipped baltim_q.gal (keyed by STATION)
    w = libpysal.io.open(libpysal.examples.get_path("baltim_q.gal")).read()
    w.transform = "r"
    g = gpd.read_file(libpysal.examples.get_path("baltim.shp"))
    g["sid"] = g["STATION"].astype(int).astype(str)
    return pd.DataFrame(g.drop(columns="geometry")).iloc[::-1], w  # reversed: ids do the join


def test_ml_lag_matches_spreg_documented_baltimore_example(baltimore):
    """spreg's ML_Lag docstring: Baltimore house prices, queen weights -> rho = 0.425885."""
    df, w = baltimore
    ms = spm.fit_models(df, w, id_col="sid", y="PRICE", x=X_BALT)
    lag = ms["SAR"]
    assert lag.coef("rho") == pytest.approx(0.425885, abs=1e-5)
    assert lag.coef("CONSTANT") == pytest.approx(4.3675, abs=1e-4)
    assert lag.coef("SQFT") == pytest.approx(0.0794, abs=1e-4)
    assert lag.se("rho") == pytest.approx(0.057, abs=1e-3)
    assert lag.logl == pytest.approx(-832.937174, abs=1e-4)
    assert set(ms.diagnostics.index) >= {"LM error", "robust LM lag"}
    assert set(ms.wide().columns) == {"OLS", "SAR", "SEM"}
    assert ms.choice() in {"spatial lag", "spatial error"} or ms.choice().startswith("spatial")


def test_lr_tests_and_effects_of_the_five_models():
    us = data.load("us48_geometry")
    w = spw.weights_for(us, "state")
    inc = data.load("us_income").pivot(index="state", columns="year", values="income")
    d = pd.DataFrame({"state": inc.index, "g": np.log(inc[2009] / inc[1929]) / 80,
                      "y0": np.log(inc[1929]), "y50": np.log(inc[1950])})
    ms = spm.fit_models(d, w, id_col="state", y="g", x=["y0", "y50"], models=spm.MODELS)
    lr = ms.lr_tests()
    ll = ms.fit["logL"]
    assert lr.loc["SDM vs SAR (θ = 0)", "LR"] == pytest.approx(2 * (ll["SDM"] - ll["SAR"]))
    assert list(lr["df"]) == [2, 2, 1, 1, 1, 2]
    sdm = ms["SDM"]
    e = sdm.effects(inference=False)
    b, th, rho = sdm.coef("y0"), sdm.coef("W_y0"), sdm.coef("rho")
    assert e.loc["y0", "total"] == pytest.approx((b + th) / (1 - rho))  # W 1 = 1
    slx = ms["SLX"].effects()
    s = slx.set_index(["variable", "effect"])
    assert s.loc[("y0", "indirect"), "estimate"] == pytest.approx(ms["SLX"].coef("W_y0"))
    assert s.loc[("y0", "total"), "sd"] > 0
    ols = ms["OLS"].effects().set_index(["variable", "effect"])
    assert ols.loc[("y0", "indirect"), "estimate"] == 0
    assert np.isnan(ms["OLS"].spatial_parameter) and ms["SEM"].spatial_parameter == ms["SEM"].coef("lambda")
    assert "log-likelihood" in ms.coef_table().index


def _diag(lme, lml, rlme, rlml, v_rle=1.0, v_rll=2.0):
    return pd.DataFrame({"value": [5.0, 5.0, v_rle, v_rll], "p": [lme, lml, rlme, rlml]},
                        index=["LM error", "LM lag", "robust LM error", "robust LM lag"])


@pytest.mark.parametrize("d,expected", [
    (_diag(0.5, 0.5, 0.5, 0.5), "OLS (no LM test significant)"),
    (_diag(0.01, 0.5, 0.5, 0.5), "spatial error"),
    (_diag(0.5, 0.01, 0.5, 0.5), "spatial lag"),
    (_diag(0.01, 0.01, 0.01, 0.5), "spatial error"),
    (_diag(0.01, 0.01, 0.5, 0.01), "spatial lag"),
    (_diag(0.01, 0.01, 0.5, 0.5), "spatial lag (by the larger robust statistic; both robust tests insignificant)"),
    (_diag(0.01, 0.01, 0.01, 0.01, 3.0, 2.0), "spatial error (by the larger robust statistic; both robust tests significant)"),
])
def test_anselin_rule_every_branch(d, expected):
    """Anselin et al. (1996) / Anselin (2005, pp. 198-200): each branch of the decision tree."""
    assert spm.anselin_rule(d) == expected


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
S = "book.spatial.models"
for m in ("SAR", "SDM"):
    c(f"{S}.fit", f"{m}: misaligned ids", lambda m=m: f(f"{S}.fit")(CROSS(rid=[*IDS()[:8], "zz"]), W(), id_col="rid",
                                                  y="y", x=["x1"], model=m), BI, r"ids differ")
c(f"{S}.fit", "nan regressor", lambda: f(f"{S}.fit")(CROSS(x1=NAN), W(), id_col="rid", y="y",
                                                    x=["x1"]), BI, r"x1 contains 9 missing")
c(f"{S}.fit", "unstandardised weights", lambda: f(f"{S}.fit")(
    CROSS(), W_binary(), id_col="rid", y="y", x=["x1"]), BI, r"row-standardised")
c(f"{S}.fit", "collinear regressors", lambda: f(f"{S}.fit")(
    CROSS().assign(x2=lambda d: 2 * d.x1), W(), id_col="rid", y="y", x=["x1", "x2"]), BI,
  r"collinear")
c(f"{S}.fit", "island", lambda: f(f"{S}.fit")(
    pd.DataFrame({"rid": list("abc"), "y": [1.0, 2, 3], "x1": [1.0, 0, 2]}), W_island(),
    id_col="rid", y="y", x=["x1"]), BI, r"island")
c(f"{S}.fit", "constant y", lambda: f(f"{S}.fit")(CROSS(y=2.0), W(), id_col="rid", y="y",
                                                 x=["x1"]), BI, r"y is constant")
c(f"{S}.fit", "x = [y]", lambda: f(f"{S}.fit")(CROSS(), W(), id_col="rid", y="y", x=["y"]), BI,
  r"dependent variable 'y' is also in x")
c(f"{S}.fit", "x empty", lambda: f(f"{S}.fit")(CROSS(), W(), id_col="rid", y="y", x=[]), BI,
  r"x is empty")
c(f"{S}.fit", "fewer regions than parameters", lambda: f(f"{S}.fit")(
    CROSS(x3=np.arange(9.0) ** 2, x4=np.cos(np.arange(9.0))), W(), id_col="rid", y="y",
    x=["x1", "x2", "x3", "x4"], model="SDM"), BI, r"9 observations for 10 parameters")
c(f"{S}.fit", "unknown model", lambda: f(f"{S}.fit")(CROSS(), W(), id_col="rid", y="y",
                                                    x=["x1"], model="SAC"), BI, r"model must be one of")
c(f"{S}.fit_models", "empty models", lambda: f(f"{S}.fit_models")(
    CROSS(), W(), id_col="rid", y="y", x=["x1"], models=()), BI, r"models is empty")
c(f"{S}.fit_models", "unknown model", lambda: f(f"{S}.fit_models")(
    CROSS(), W(), id_col="rid", y="y", x=["x1"], models=("OLS", "GNS")), BI, r"unknown model")
c(f"{S}.lr_test", "not results", lambda: f(f"{S}.lr_test")(1, 2), BI, r"must be a SpatialResult")
c(f"{S}.lr_test", "not nested", lambda: f(f"{S}.lr_test")(*_pair()), BI,
  r"df must be a positive int")
c(f"{S}.anselin_rule", "missing test", lambda: f(f"{S}.anselin_rule")(
    _diag(0.1, 0.1, 0.1, 0.1).drop("LM lag")), BI, r"lacks the test\(s\) \['LM lag'\]")
c(f"{S}.anselin_rule", "not a table", lambda: f(f"{S}.anselin_rule")({"LM error": 0.1}), BI,
  r"DataFrame with columns 'value' and 'p'")
c(f"{S}.anselin_rule", "nan p", lambda: f(f"{S}.anselin_rule")(_diag(NAN, 0.1, 0.1, 0.1)), BI,
  r"NaN")
c(f"{S}.anselin_rule", "alpha 1", lambda: f(f"{S}.anselin_rule")(_diag(0.1, 0.1, 0.1, 0.1),
                                                                 alpha=1), BI, r"alpha=1.0")


def _pair():
    ms = spm.fit_models(CROSS(), W(), id_col="rid", y="y", x=["x1"], models=("OLS", "SAR"))
    return ms["OLS"], ms["SAR"]


test_bad_input = matrix_test(CASES)
