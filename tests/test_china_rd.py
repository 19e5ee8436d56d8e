"""China R&D / patents and capital-formation loaders; the perpetual-inventory helper.

Known answers: the national R&D expenditure printed in the 2024 yearbook (2023: 33,357.1 亿元),
provinces adding up to the national totals, the repaired transcription slips, and a hand-computed
perpetual-inventory case.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from book import data
from book.capital_stock import DELTA_CAPITAL, DELTA_RD, initial_growth, perpetual_inventory
from book.errors import BookInputError, DataIntegrityError


@pytest.fixture(scope="module")
def rd():
    return data.load("cn_province_rd_patents", include_national=True)


def test_rd_files_verified_and_vendored():
    e = data.entry("cn_province_rd_patents")
    assert e.kind == "vendored"
    for name in e.files:
        p = data.fetch("cn_province_rd_patents", name)  # checks the sha256
        assert p.exists()


def test_rd_shape_and_keys(rd):
    prov = rd[rd["code"] > 0]
    assert prov["code"].nunique() == 31
    assert sorted(prov["year"].unique()) == list(range(2010, 2024))
    assert len(prov) == 31 * 14
    assert not prov.duplicated(["code", "year"]).any()
    assert {"香港", "澳门", "台湾"}.isdisjoint(set(rd["province_zh"]))
    default = data.load("cn_province_rd_patents")
    assert (default["code"] > 0).all() and len(default) == 31 * 14


def test_national_rd_2023_official(rd):
    nat = rd[(rd["code"] == 0) & (rd["year"] == 2023)].iloc[0]
    assert nat["rd_expenditure"] == pytest.approx(33357.1, abs=0.05)
    assert nat["rd_intensity"] == pytest.approx(2.65)


def test_provinces_sum_to_national(rd):
    nat = rd[rd["code"] == 0].set_index("year")
    s = rd[rd["code"] > 0].groupby("year").sum(numeric_only=True)
    # R&D: provinces add up to the national total (rounding of 万元 only)
    assert np.allclose(s["rd_expenditure"], nat["rd_expenditure"], rtol=1e-5)
    # patents: the national row also counts applicants not assigned to a province
    # (e.g. the armed forces); provinces cover 97-100 % of it
    for c in ("pat_app_total", "pat_grant_total"):
        share = s[c] / nat[c]
        assert ((share > 0.97) & (share <= 1.0)).all(), share


def test_types_add_up_and_one_imputed_cell(rd):
    for kind in ("app", "grant"):
        parts = rd[[f"pat_{kind}_invention", f"pat_{kind}_utility", f"pat_{kind}_design"]]
        assert np.allclose(parts.sum(axis=1), rd[f"pat_{kind}_total"])
    imp = rd[rd["imputed"]]
    assert len(imp) == 1
    assert imp.iloc[0][["province_zh", "year"]].tolist() == ["吉林", 2019]
    assert imp.iloc[0]["pat_app_design"] == 2503


def test_slips_repaired(rd):
    # 江两 (applications 2014) is Jiangxi; 山两 and 两藏 (grants 2012) are Shanxi and Tibet
    for zh, year in (("江西", 2014), ("山西", 2012), ("西藏", 2012)):
        row = rd[(rd["province_zh"] == zh) & (rd["year"] == year)]
        assert len(row) == 1 and row[["pat_app_total", "pat_grant_total"]].notna().all(axis=None)
    assert not rd["province_zh"].str.contains("两").any()


def test_rd_known_values(rd):
    bj = rd[(rd["province_zh"] == "北京") & (rd["year"] == 2023)].iloc[0]
    assert bj["province"] == "Beijing" and bj["code"] == 11
    assert bj["rd_expenditure"] == pytest.approx(2947.0733)
    assert bj["pat_app_invention"] == 205179
    assert rd.loc[rd["year"] == 2010, "rd_intensity"].isna().all()
    assert rd.loc[rd["year"] > 2010, "rd_intensity"].notna().all()


def test_rd_unknown_province_name_is_refused(monkeypatch):
    import book.datasets.china_rd as m

    real = m._read_rda

    def fake(dataset_id, name):
        t = real(dataset_id, name)
        t.loc[t.index[0], "province"] = "香港"
        return t

    monkeypatch.setattr(m, "_read_rda", fake)
    with pytest.raises(DataIntegrityError, match="match none of the 31"):
        m.cn_province_rd_patents()


def test_capital_loader():
    c = data.load("cn_province_capital")
    assert c["code"].nunique() == 31
    assert c["year"].min() == 1952 and c["year"].max() == 2022
    assert c.loc[c["province"] == "Chongqing", "year"].min() == 1996
    assert not c.duplicated(["code", "year"]).any()
    a22 = c[(c["code"] == 34) & (c["year"] == 2022)].iloc[0]
    assert a22["invest"] == pytest.approx(20723.708786)
    assert c.loc[c["year"] == 1952, "invest_price"].eq(1.0).all()


# ----------------------------------------------------------------- perpetual inventory


def test_pim_hand_computed():
    # I = 10, 11, 12.1 (real), delta = 0.1, g = 0.1: K0 = 10/0.2 = 50,
    # K1 = 0.9*50 + 11 = 56, K2 = 0.9*56 + 12.1 = 62.5
    df = pd.DataFrame({"p": ["a"] * 3, "t": [2000, 2001, 2002], "i": [10.0, 11.0, 12.1]})
    k = perpetual_inventory(df, id_col="p", time="t", flow="i", delta=0.1, g=0.1)
    assert np.allclose(k.to_numpy(), [50.0, 56.0, 62.5])


def test_pim_deflator_own_growth_and_order():
    # nominal 20, 24.2 at prices 2, 2.2 -> real 10, 11; g from data = 0.1 (one step)
    df = pd.DataFrame({"p": ["b", "a", "a"], "t": [2001, 2001, 2000],
                       "i": [5.0, 24.2, 20.0], "price": [1.0, 2.2, 2.0]})
    df = pd.concat([df, pd.DataFrame({"p": ["b"], "t": [2000], "i": [5.0], "price": [1.0]})])
    df = df.reset_index(drop=True)
    k = perpetual_inventory(df, id_col="p", time="t", flow="i", deflator="price", delta=0.15,
                            growth_years=1)
    a0 = 10 / (0.1 + 0.15)
    assert k[2] == pytest.approx(a0)
    assert k[1] == pytest.approx(0.85 * a0 + 11)
    assert k[3] == pytest.approx(5 / 0.15)  # b: g = 0


def test_pim_constants_and_initial_growth():
    assert DELTA_CAPITAL == 0.096 and DELTA_RD == 0.15
    assert initial_growth([1.0, 1.1, 1.21], 2) == pytest.approx(0.1)


@pytest.mark.parametrize(("mutate", "match"), [
    (lambda d: d.assign(i=[10.0, -1.0, 12.1]), "negative"),
    (lambda d: d.assign(t=[2000, 2001, 2003]), "missing year after 2001"),
    (lambda d: d.assign(i=[10.0, np.nan, 12.1]), "missing"),
    (lambda d: d.assign(i=["10", "x", "12"]), "non-numeric"),
    (lambda d: pd.concat([d, d.iloc[[0]]]), "appears twice"),
    (lambda d: d.drop(columns="i"), "lacks column"),
    (lambda d: d.iloc[0:0], "empty"),
])
def test_pim_bad_inputs(mutate, match):
    df = pd.DataFrame({"p": ["a"] * 3, "t": [2000, 2001, 2002], "i": [10.0, 11.0, 12.1]})
    with pytest.raises(BookInputError, match=match):
        perpetual_inventory(mutate(df), id_col="p", time="t", flow="i", delta=0.1, g=0.1)


@pytest.mark.parametrize(("kw", "match"), [
    ({"delta": 0.0}, "delta"), ({"delta": 1.2}, "delta"), ({"delta": "x"}, "delta"),
    ({"g": -0.5}, "g="), ({"deflator": "price"}, "deflator 'price' must be positive"),
])
def test_pim_bad_parameters(kw, match):
    df = pd.DataFrame({"p": ["a"] * 3, "t": [2000, 2001, 2002], "i": [10.0, 11.0, 12.1],
                       "price": [1.0, 0.0, 1.0]})
    args = {"delta": 0.1, "g": 0.1} | kw
    with pytest.raises(BookInputError, match=match):
        perpetual_inventory(df, id_col="p", time="t", flow="i", **args)


def test_pim_not_a_frame_and_growth_bad_inputs():
    with pytest.raises(BookInputError, match="needs a DataFrame"):
        perpetual_inventory([1, 2], id_col="p", time="t", flow="i")
    with pytest.raises(BookInputError, match="at least years"):
        initial_growth([1.0, 2.0], 5)
    with pytest.raises(BookInputError, match="positive and finite"):
        initial_growth([0.0, 1.0, 2.0], 2)
    with pytest.raises(BookInputError, match="positive integer"):
        initial_growth([1.0, 2.0], 0)


# ----------------------------------------------------------------- bad-input matrix (the gate)
from badinput import BI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
_PIM = "book.capital_stock.perpetual_inventory"
_TOY = pd.DataFrame({"p": ["a"] * 3, "t": [2000, 2001, 2002], "i": [10.0, 11.0, 12.1]})
c(_PIM, "negative flow", lambda: f(_PIM)(_TOY.assign(i=[10.0, -1.0, 12.1]), id_col="p",
                                          time="t", flow="i", g=0.1), BI, r"is negative")
c(_PIM, "missing year", lambda: f(_PIM)(_TOY.assign(t=[2000, 2001, 2003]), id_col="p",
                                         time="t", flow="i", g=0.1), BI,
  r"missing year after 2001")
c(_PIM, "numbers as text", lambda: f(_PIM)(_TOY.assign(i=["10", "x", "12"]), id_col="p",
                                            time="t", flow="i", g=0.1), BI, r"non-numeric")
c(_PIM, "delta out of range", lambda: f(_PIM)(_TOY, id_col="p", time="t", flow="i",
                                               delta=1.5), BI, r"delta")
c(_PIM, "unknown column", lambda: f(_PIM)(_TOY, id_col="p", time="t", flow="x"), BI,
  r"lacks column")
_IG = "book.capital_stock.initial_growth"
c(_IG, "too short", lambda: f(_IG)([1.0, 2.0], 5), BI, r"at least years \+ 1")
c(_IG, "zero flow", lambda: f(_IG)([0.0, 1.0, 2.0], 2), BI, r"positive and finite")
c(_IG, "years not an int", lambda: f(_IG)([1.0, 2.0, 3.0], 1.5), BI, r"positive integer")
test_bad_input = matrix_test(CASES)


def test_pim_capital_matches_the_panel_compilers_stock():
    """Known answer on real data: 9.6 % PIM from 1978 vs the provincial panel's capital stock
    (1997 prices, Ji et al.'s compilation) - the same investment series accumulated twice."""
    cap = data.load("cn_province_capital")
    panel = data.load("cn_province_panel")
    kc = cap[(cap["year"] >= 1978) & (cap["code"] != 50)].copy()
    kc["p97"] = kc["invest_price"] / kc["code"].map(
        kc.loc[kc["year"] == 1997].set_index("code")["invest_price"])
    kc["K"] = perpetual_inventory(kc, id_col="code", time="year", flow="invest",
                                  deflator="p97", delta=DELTA_CAPITAL)
    kk = kc.merge(panel[["code", "year", "capital_stock"]], on=["code", "year"])
    s = kk[kk["year"] == 2010]
    assert len(s) == 30
    assert (s["K"] / s["capital_stock"]).median() == pytest.approx(1.0, abs=0.05)
    assert np.corrcoef(np.log(s["K"]), np.log(s["capital_stock"]))[0, 1] > 0.99
