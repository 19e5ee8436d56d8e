"""Tests for book.glaeser (GKSS 1992) and the CBP county download path."""
import zipfile

import numpy as np
import pandas as pd
import pytest

from book import data
from book.errors import BookInputError
from book.glaeser import gkss_regression, gkss_variables, simulate_city_economy


def test_variables_hand_worked():
    # two cities, two industries: hand-computed LQ, competition, diversity, relative growth
    df = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
                       "emp0": [30.0, 10.0, 10.0, 50.0], "emp1": [60.0, 10.0, 10.0, 50.0],
                       "est0": [3.0, 2.0, 2.0, 5.0]})
    v = gkss_variables(df, top_n=None, n_other=1).set_index(["city", "industry"])
    # LQ of x in A: (30/40)/(40/100) = 1.875
    assert np.exp(v.loc[("A", "x"), "ln_spec"]) == pytest.approx(1.875)
    # competition of x in A: (3/30)/(5/40) = 0.8
    assert np.exp(v.loc[("A", "x"), "ln_comp"]) == pytest.approx(0.8)
    # top other industry share for x in A: 10/40
    assert v.loc[("A", "x"), "top_other_share"] == pytest.approx(0.25)
    # growth of x in A relative to the nation: ln(60/30) - ln(70/40)
    assert v.loc[("A", "x"), "growth"] == pytest.approx(np.log(2) - np.log(70 / 40))


def test_simulated_truth_recovered_without_transitory_shocks():
    df, truth = simulate_city_economy(mar=0.1, competition=0.3, jacobs=-1.0,
                                      transitory_sd=0.0, rng_offset=7)
    f = gkss_regression(gkss_variables(df, top_n=None), industry_effects=True)
    assert f.params["ln_spec"] == pytest.approx(0.1, abs=3 * f.bse["ln_spec"])
    assert f.params["ln_comp"] == pytest.approx(0.3, abs=3 * f.bse["ln_comp"])
    assert f.params["top_other_share"] == pytest.approx(-1.0, abs=3 * f.bse["top_other_share"])


def test_mean_reversion_biases_specialisation_down():
    clean, _ = simulate_city_economy(mar=0.1, transitory_sd=0.0, rng_offset=8)
    noisy, _ = simulate_city_economy(mar=0.1, transitory_sd=0.3, rng_offset=8)
    b0 = gkss_regression(gkss_variables(clean, top_n=None), industry_effects=True).params
    b1 = gkss_regression(gkss_variables(noisy, top_n=None), industry_effects=True).params
    assert b1["ln_spec"] < b0["ln_spec"] - 0.02
    assert b1["ln_comp"] > b0["ln_comp"] + 0.1


def test_bad_inputs():
    df, _ = simulate_city_economy(n_cities=10, n_industries=8, rng_offset=9)
    with pytest.raises(BookInputError, match="duplicated"):
        gkss_variables(pd.concat([df, df.head(1)]))
    with pytest.raises(BookInputError, match="missing or non-numeric"):
        gkss_variables(df.assign(emp0=np.where(np.arange(len(df)) == 0, np.nan, df["emp0"])))
    with pytest.raises(BookInputError, match="top_n"):
        gkss_variables(df, top_n=0)
    with pytest.raises(BookInputError, match="n_cities"):
        simulate_city_economy(n_cities=3)
    with pytest.raises(BookInputError, match="cov_type"):
        gkss_regression(gkss_variables(df), cov_type="HAC")


def _fake_cbp_zip(path):
    """A tiny file in the official SIC-era county layout (test fixture, not real data)."""
    txt = ("fipstate,fipscty,sic,empflag,emp,qp1,ap,est\n"
           "01,001,----,,500,1,1,40\n"
           "01,001,20--,,120,1,1,6\n"
           "01,001,2011,,100,1,1,2\n"
           "01,001,50--,B,0,0,0,3\n"
           "01,999,20--,,10,1,1,1\n")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cbp86co.txt", txt)


def test_cbp_county_download_path(loopback_server, data_cache):
    base, folder = loopback_server
    _fake_cbp_zip(folder / "cbp86co.zip")
    df = data.load("cbp_county_1986", base_url=base)
    assert list(df["sic2"]) == ["20", "50"]                 # two-digit rows only, no 999
    assert df.loc[df["sic2"] == "20", "employment"].item() == 120
    assert np.isnan(df.loc[df["sic2"] == "50", "employment"].item())   # withheld -> NaN
    assert df.loc[df["sic2"] == "50", "empflag"].item() == "B"
    # trust on first use: the hash is recorded and a changed file is refused
    assert (data_cache / "cbp_county_1986" / "cbp86co.zip.sha256").exists()


def test_cbp_offline_says_so(data_cache):
    from book.errors import DataUnavailableError
    with pytest.raises(DataUnavailableError, match="offline|could not download"):
        data.fetch("cbp_county_1997", base_url="http://127.0.0.1:9", timeout=2)


# --- real-data path (CBP state x NAICS) and the fixed-effects regression -------------------

def test_keep_rows_count_in_totals_but_not_in_sample():
    df = pd.DataFrame({"city": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
                       "emp0": [30.0, 10.0, 10.0, 50.0], "emp1": [60.0, 10.0, 10.0, 50.0],
                       "est0": [3.0, 2.0, 2.0, 5.0], "obs": [True, False, True, True]})
    full = gkss_variables(df, top_n=None, n_other=1).set_index(["city", "industry"])
    kept = gkss_variables(df, top_n=None, n_other=1, keep="obs").set_index(["city", "industry"])
    assert ("A", "y") not in kept.index and kept.attrs["n_not_kept"] == 1
    pd.testing.assert_frame_equal(kept, full.drop(("A", "y")))    # same LQ, totals, diversity
    with pytest.raises(BookInputError, match="must be boolean"):
        gkss_variables(df.assign(obs=1), keep="obs")
    with pytest.raises(BookInputError, match="among the rows marked in keep"):
        gkss_variables(df.assign(obs=False), top_n=None, keep="obs")


def test_fixed_effects_match_statsmodels_dummies():
    """Peer check: pyfixest with absorbed industry effects = statsmodels OLS with dummies."""
    from book.glaeser import gkss_fixed_effects
    df, _ = simulate_city_economy(n_cities=40, n_industries=10, mar=0.1, rng_offset=11)
    v = gkss_variables(df, top_n=None)
    fe = gkss_fixed_effects(v, effects="industry")
    ols = gkss_regression(v, industry_effects=True)
    for term in ("ln_spec", "ln_comp", "top_other_share", "ln_emp0"):
        assert fe.coef()[term] == pytest.approx(ols.params[term], rel=1e-8)
    tw = gkss_fixed_effects(v, effects="industry + city")
    assert "ln_emp0" not in tw.coef().index            # collinear with the two sets of effects
    with pytest.raises(BookInputError, match="effects must be"):
        gkss_fixed_effects(v, effects="year")
    with pytest.raises(BookInputError, match="clusters"):
        gkss_fixed_effects(v[v.city.isin(v.city.unique()[:5])])
    with pytest.raises(BookInputError, match="missing or infinite"):
        gkss_fixed_effects(v.assign(growth=np.where(np.arange(len(v)) == 0, np.nan, v.growth)))


def test_from_cbp_state_naics():
    from book.glaeser import from_cbp_state_naics
    cbp = data.load("cbp_state_naics")
    d = from_cbp_state_naics(cbp, 2003, 2007)
    assert d.attrs["vintage"] == "NAICS2002" and d.attrs["n_withheld"] == int((~d.observed).sum())
    assert d[["emp0", "emp1"]].notna().all().all() and (d.emp0 >= 0).all()
    assert d.city.nunique() == 51
    with pytest.raises(BookInputError, match="one vintage"):
        from_cbp_state_naics(cbp, 2006, 2009)
    with pytest.raises(BookInputError, match="how='drop'"):
        from_cbp_state_naics(cbp, 2003, 2007, how="drop")


# --- bad-input matrix cases (gathered by tests/test_bad_inputs.py) --------------------------
from badinput import BI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()


def _v():
    df, _ = simulate_city_economy(n_cities=12, n_industries=8, rng_offset=12)
    return gkss_variables(df, top_n=None)


c("book.glaeser.gkss_fixed_effects", "unknown effects",
  lambda: f("book.glaeser.gkss_fixed_effects")(_v(), effects="year"), BI, r"effects must be")
c("book.glaeser.gkss_fixed_effects", "too few clusters",
  lambda: f("book.glaeser.gkss_fixed_effects")(_v().query("city < 'c005'")), BI, r"clusters")
c("book.glaeser.from_cbp_state_naics", "drop rule",
  lambda: f("book.glaeser.from_cbp_state_naics")(pd.DataFrame(), 2003, 2007, how="drop"), BI,
  r"how='drop'")
c("book.glaeser.from_cbp_state_naics", "span across vintages",
  lambda: f("book.glaeser.from_cbp_state_naics")(pd.DataFrame(), 2006, 2009), BI,
  r"one vintage")
test_bad_input = matrix_test(CASES)
