"""Chinese province/prefecture panels, city census and sector GDP: checksums, schemas, official
totals, the known breaks, and the helpers in :mod:`book.china`."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from badinput import BI, DI, case_list, f, matrix_test

from book import china, data
from book.datasets import china_panel
from book.errors import BookInputError, DataIntegrityError

IDS = ["cn_province_panel", "cn_prefecture_panel", "cn_city_census", "cn_sector_gdp"]


@pytest.fixture(scope="module")
def prov():
    return data.load("cn_province_panel")


@pytest.fixture(scope="module")
def pref():
    return data.load("cn_prefecture_panel")


@pytest.fixture(scope="module")
def census():
    return data.load("cn_city_census")


@pytest.fixture(scope="module")
def sector():
    return data.load("cn_sector_gdp")


@pytest.mark.parametrize("dataset_id", IDS)
def test_vendored_files_verify(dataset_id):
    e = data.entry(dataset_id)
    assert e.kind == "vendored"
    assert e.obtain["obtained_from"]["repository"]
    for name, spec in e.files.items():
        assert spec["path"].startswith(f"data/vendor/{dataset_id}/")
        assert data.sha256(data.fetch(dataset_id, name)) == spec["sha256"]


def test_changed_vendored_file_is_refused(tmp_path, monkeypatch):
    """A vendored copy that no longer hashes to the registry's sha256 is refused."""
    import book.data as bd

    spec = data.entry("cn_sector_gdp").files["carbonemission-china.csv"]
    bad = tmp_path / spec["path"]
    bad.parent.mkdir(parents=True)
    bad.write_text("Year,Location\n1998,Beijing\n")
    monkeypatch.setattr(bd, "ROOT", tmp_path)
    with pytest.raises(DataIntegrityError, match="changed"):
        bd.fetch("cn_sector_gdp", "carbonemission-china.csv")
    (tmp_path / spec["path"]).unlink()
    with pytest.raises(bd.DataUnavailableError, match="missing"):
        bd.fetch("cn_sector_gdp", "carbonemission-china.csv")


# ----------------------------------------------------------------------------- province panel
def test_province_schema_and_coverage(prov):
    assert prov["code"].nunique() == 31
    assert prov["year"].min() == 1985 and prov["year"].max() == 2018
    assert not prov.duplicated(["code", "year"]).any()
    counts = prov.dropna(subset=["gdp"]).groupby("year")["code"].nunique()
    assert counts[1985] == 29 and counts[1988] == 30 and counts[1997] == 31
    # Chongqing from 1997, Hainan from 1988 (their GDP is missing before)
    assert prov.query("code == 50 and year < 1997")["gdp"].isna().all()
    assert prov.query("code == 46 and year < 1988")["gdp"].isna().all()


def test_province_official_totals(prov):
    def v(code, year, col):
        return float(prov.loc[(prov.code == code) & (prov.year == year), col].iloc[0])

    # Guangdong GDP 2018 after the economic-census revision: 99,945.22 亿元 (NBS)
    assert v(44, 2018, "gdp") == pytest.approx(99945.22, abs=0.01)
    # Beijing GDP 1985: 257.1 亿元 (China Statistical Yearbook)
    assert v(11, 1985, "gdp") == pytest.approx(257.1, abs=0.01)
    # Guangdong resident population 2018: 11,346 万人 (NBS)
    assert v(44, 2018, "population") == pytest.approx(11346, abs=0.5)


def test_province_known_breaks_are_flagged(prov):
    tj = prov[prov.code == 12].set_index("year")
    # Tianjin's 2018 revision: the level drops by more than a quarter
    assert tj.loc[2018, "gdp"] / tj.loc[2017, "gdp"] < 0.75
    assert tj.loc[2018, "gdp_basis"].startswith("revised")
    assert tj.loc[2017, "gdp_basis"] == "yearbook"
    bj = prov[prov.code == 11].set_index("year")
    assert bj.loc[1987, "population"] / bj.loc[1986, "population"] > 1.3  # the reconstruction jump
    assert bj.loc[1986, "population_basis"].startswith("reconstructed")
    assert bj.loc[2000, "population_basis"] == "yearbook total"


def test_cpi_deflator(prov):
    cpi = prov.groupby("year")["cpi"].agg(["min", "max"])
    assert (cpi["min"] == cpi["max"]).all(), "one national CPI for all provinces"
    assert cpi.loc[1997, "min"] == pytest.approx(1.0)
    row = prov[(prov.code == 44) & (prov.year == 2010)].iloc[0]
    assert row.gdp_real == pytest.approx(row.gdp / row.cpi)
    assert row.gdp_pc_real == pytest.approx(row.gdp / row.cpi * 1e8 / (row.population * 1e4))


def test_national_cpi_rejects_a_provincial_sheet():
    sheet = pd.DataFrame(np.tile([[0.5, 1.0]], (31, 1)), columns=[1996, 1997])
    assert china_panel.national_cpi(sheet).tolist() == [0.5, 1.0]
    sheet.iloc[:10, 0] = 0.7  # 10 rows disagree: not one national series
    with pytest.raises(DataIntegrityError, match="not one repeated national series"):
        china_panel.national_cpi(sheet)


def test_sector_shares_match_secondary_source(prov, sector):
    """The authors' shares agree with the independent sector file (1998) to 0.03."""
    a = prov[prov.year == 1998].set_index("code")["secondary_share"]
    b = sector[sector.year == 1998].set_index("code")["share_secondary"]
    both = pd.concat([a, b], axis=1).dropna()
    assert len(both) >= 28
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().median() < 0.03


def test_merge_split_provinces(prov):
    m = china_panel.merge_split_provinces(prov, ["gdp", "employment"])
    assert m["code"].nunique() == 30
    g = m[(m.code == 51) & (m.year == 2010)]["gdp"].iloc[0]
    s = prov[(prov.code.isin([50, 51])) & (prov.year == 2010)]["gdp"].sum()
    assert g == pytest.approx(s)
    assert m[(m.code == 51) & (m.year == 1990)]["gdp"].iloc[0] == pytest.approx(
        prov[(prov.code == 51) & (prov.year == 1990)]["gdp"].iloc[0])
    with pytest.raises(BookInputError, match="missing"):
        china_panel.merge_split_provinces(prov, ["no_such_column"])
    with pytest.raises(BookInputError, match="Sichuan"):
        china_panel.merge_split_provinces(prov[prov.code != 51], ["gdp"])


# ----------------------------------------------------------------------------- prefectures
def test_prefecture_panel(pref):
    assert pref["city_id"].nunique() == 287
    assert sorted(pref["year"].unique()) == list(range(2006, 2019))
    assert not pref.duplicated(["city_id", "year"]).any()
    # only Sansha (三沙, created 2012; the authors drop it) lacks GDP
    assert set(pref.loc[pref["gdp_real"].isna(), "prefecture_zh"]) == {"三沙"}
    # two Suzhou (Jiangsu 苏州, Anhui 宿州) stay distinct
    su = pref[(pref.prefecture == "Suzhou") & (pref.year == 2010)]
    assert set(su["prefecture_zh"]) == {"苏州", "宿州"}
    assert pref["secondary_share"].notna().groupby(pref["city_id"]).any().sum() >= 230
    assert (pref.loc[pref.year == 2018, "gdp_basis"].str.startswith("revised")).all()


# ----------------------------------------------------------------------------- census
def test_census_official_totals(census):
    bj = census[census.city_code == "110100"].iloc[0]
    assert bj.pop_2020 == 21893095  # Beijing, seventh census
    assert bj.pop_2010 == 19612368  # Beijing, sixth census
    sh = census[census.city_code == "310100"].iloc[0]
    assert sh.pop_2020 == 24870895  # Shanghai, seventh census
    assert bj.area_km2 == pytest.approx(16410, rel=0.01)  # Beijing 16,410.5 km²
    assert census["municipality"].sum() == 4
    assert not census["code"].isin([71, 81, 82]).any()
    # mainland census total 1,411,778,724 includes ~2.0 million active servicemen not in any
    # prefecture: the units sum to within 1 % of it
    assert census["pop_2020"].sum() == pytest.approx(1_411_778_724, rel=0.01)


# ----------------------------------------------------------------------------- sector file
def test_sector_file(sector):
    assert sector["code"].nunique() == 30 and 54 not in set(sector["code"])
    assert sector["year"].min() == 1998 and sector["year"].max() == 2019
    assert not {"Innovation_Level", "Patent_Level", "R&D_Contribution"} & set(sector.columns)
    s = sector[["share_primary", "share_secondary", "share_tertiary"]].sum(axis=1)
    assert np.allclose(s, 1)


# ----------------------------------------------------------------------------- book.china
def test_province_table():
    t = china.provinces()
    assert len(t) == 31 and t["code"].is_unique
    assert t["region3"].value_counts().to_dict() == {"west": 12, "east": 11, "central": 8}
    assert t["region4"].value_counts().to_dict() == {"west": 12, "east": 10, "central": 6,
                                                     "northeast": 3}
    assert t.set_index("code").loc[44, "label"] == "广东 Guangdong"
    assert china.provinces("central")["province"].tolist() == [
        "Shanxi", "Jilin", "Heilongjiang", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"]


def test_match_provinces_spellings():
    got = china.match_provinces(["广东", "广东省", "Guangdong", " guangdong ", 44, "44", "Yunan",
                                 "内蒙古自治区", "Inner Mongolia"])
    assert got.tolist() == [44] * 6 + [53, 15, 15]


@pytest.mark.parametrize("bad", [["Hong Kong"], ["全国"], ["Guandong"], ["台湾"], [99]])
def test_match_provinces_refuses_unknown(bad):
    with pytest.raises(BookInputError, match="not one of the 31 mainland provinces"):
        china.match_provinces(bad)


def test_match_provinces_refuses_a_bare_string():
    with pytest.raises(BookInputError, match="list"):
        china.match_provinces("Guangdong")


def test_sector_diversity_known_answers():
    d = china.sector_diversity([[1, 1, 1], [1, 0, 0], [2, 1, 1]])
    # equal shares -> 1, one sector -> 0, (0.5, 0.25, 0.25): 1 - 0.375 = 0.625, / (2/3) = 0.9375
    assert d.tolist() == pytest.approx([1.0, 0.0, 0.9375])
    assert china.sector_diversity([[2, 1, 1]], normalise=False)[0] == pytest.approx(0.625)


@pytest.mark.parametrize(("shares", "match"), [
    ([1, 2, 3], "2-D"), ([[1]], "at least two"), ([[np.nan, 1]], "missing"),
    ([[-1, 2]], "non-negative"), ([[0, 0]], "sums to zero")])
def test_sector_diversity_bad_inputs(shares, match):
    with pytest.raises(BookInputError, match=match):
        china.sector_diversity(shares)


def test_specialisation_known_answer_and_bad_inputs():
    lq = china.specialisation([[0.5, 0.5], [0.2, 0.8]], [0.4, 0.6])
    np.testing.assert_allclose(lq, [[1.25, 0.5 / 0.6], [0.5, 0.8 / 0.6]])
    assert china.specialisation([0.5, 0.2], 0.4).tolist() == pytest.approx([1.25, 0.5])
    with pytest.raises(BookInputError, match="reference shares"):
        china.specialisation([[0.5, 0.5]], [0.2, 0.3, 0.5])
    with pytest.raises(BookInputError, match="> 0"):
        china.specialisation([[0.5, 0.5]], [0.0, 1.0])
    with pytest.raises(BookInputError, match="missing"):
        china.specialisation([[np.nan, 0.5]], [0.5, 0.5])


# ----------------------------------------------------------------------------- bad-input matrix
CASES, c = case_list()
c("book.china.provinces", "unknown belt", lambda: f("book.china.provinces")("northeast"), BI,
  r"belt must be")
c("book.china.match_provinces", "Hong Kong is not a province",
  lambda: f("book.china.match_provinces")(["Guangdong", "Hong Kong"]), BI,
  r"not one of the 31 mainland provinces")
c("book.china.sector_diversity", "negative share",
  lambda: f("book.china.sector_diversity")([[-0.1, 0.6, 0.5]]), BI, r"non-negative")
c("book.china.specialisation", "reference of another length",
  lambda: f("book.china.specialisation")([[0.5, 0.5]], [0.2, 0.3, 0.5]), BI,
  r"reference shares")
c("book.datasets.china_panel.national_cpi", "no base year",
  lambda: f("book.datasets.china_panel.national_cpi")(pd.DataFrame({1996: [0.9] * 31})), BI,
  r"base year 1997")
c("book.datasets.china_panel.national_cpi", "provincial, not national",
  lambda: f("book.datasets.china_panel.national_cpi")(
      pd.DataFrame({1996: np.linspace(0.8, 1.2, 31), 1997: [1.0] * 31})), DI,
  r"not one repeated national series")
c("book.datasets.china_panel.merge_split_provinces", "missing column",
  lambda: f("book.datasets.china_panel.merge_split_provinces")(
      pd.DataFrame({"code": [50, 51], "year": [2000, 2000]}), ["gdp"]), BI, r"missing")
test_bad_input = matrix_test(CASES)
