"""European NUTS-2 loaders (book/datasets/eu_nuts2.py): checksums, schema, counts, values
checked against the source cells and against official totals, the island links used by the
chapter 4/5 pages, and bad inputs."""
from __future__ import annotations

import gzip
import warnings

import numpy as np
import pandas as pd
import pytest

from book import data
from book.datasets import eu_nuts2 as eu
from book.errors import BookInputError, DataIntegrityError

IDS = ["eu_nuts2_roses_wolf", "eu_nuts2_roses_wolf_geometry", "eu_nuts2_eurostat"]


@pytest.fixture(scope="module")
def rw():
    return data.load("eu_nuts2_roses_wolf")


@pytest.fixture(scope="module")
def geo():
    return data.load("eu_nuts2_roses_wolf_geometry")


@pytest.fixture(scope="module")
def es():
    return {y: data.load("eu_nuts2_eurostat", year=y) for y in (2008, 2012)}


# ----------------------------------------------------------------------------- checksums
@pytest.mark.parametrize("dataset_id", IDS)
def test_vendored_files_match_registry(dataset_id):
    e = data.entry(dataset_id)
    assert e.kind == "vendored"
    for name, spec in e.files.items():
        assert data.sha256(data.fetch(dataset_id, name)) == spec["sha256"]


def test_changed_vendored_file_is_refused(tmp_path, monkeypatch):
    import book.data as bd

    e = data.entry("eu_nuts2_eurostat")
    spec = dict(e.files["eu_eurostat_variables.tsv"])
    bad = tmp_path / "data" / "vendor" / "eu_nuts2_eurostat" / "eu_eurostat_variables.tsv"
    bad.parent.mkdir(parents=True)
    bad.write_text("tampered\n")
    monkeypatch.setattr(bd, "ROOT", tmp_path)
    with pytest.raises(DataIntegrityError):
        bd._verify(bad, spec["sha256"], e.id, "restore it")


# ----------------------------------------------------------------------------- Rosés–Wolf
def test_rw_counts_and_schema(rw):
    assert len(rw) == 173 * 12
    assert rw["region"].nunique() == 173
    assert tuple(sorted(rw["year"].unique())) == eu.RW_YEARS
    assert rw.groupby("region")["year"].count().eq(12).all()
    assert rw["country"].nunique() == 16
    assert set(rw["country"]) >= {"Ireland", "Luxembourg", "Germany", "United Kingdom"}
    # the only region without GDP in some benchmark years is Flevoland (before 1970)
    gaps = rw[rw["gdp_1990"].isna()]
    assert set(gaps["region"]) == {"NL23"}
    assert set(gaps["year"]) == {1900, 1910, 1925, 1938, 1950, 1960}


def test_rw_values_match_source_cells(rw):
    """Values read independently with openpyxl from data.xlsx (Tables A.1 and A.3)."""
    import openpyxl

    wb = openpyxl.load_workbook(data.fetch("eu_nuts2_roses_wolf", "data.xlsx"), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}

    def cell(series_start, code, year):
        for r in rows[1:]:
            if str(r[0]).startswith(series_start) and r[col["NUTS-Codes"]] == code:
                return float(r[col[year]])
        raise AssertionError((series_start, code))

    for code, year in [("AT11", 1900), ("UKI", 2015), ("ES61", 1950), ("AT12+AT13", 1980)]:
        got = rw[(rw["region"] == code) & (rw["year"] == year)].iloc[0]
        gdp = cell("Table A.1: Regional GDP (1990", code, year)
        pop = cell("Table A.3", code, year)
        assert got["gdp_1990"] == pytest.approx(gdp, rel=1e-12)
        assert got["population"] == pytest.approx(pop, rel=1e-12)
        # millions of dollars over thousands of people -> dollars per person
        assert got["gdp_pc_1990"] == pytest.approx(1000 * gdp / pop, rel=1e-12)
    # Burgenland 1900: 456.575348 million 1990 $ / 292.426 thousand people (Table A.1, A.3)
    b = rw[(rw["region"] == "AT11") & (rw["year"] == 1900)].iloc[0]
    assert b["gdp_pc_1990"] == pytest.approx(1561.34, abs=0.01)


def test_rw_shares_sum_to_one_except_documented(rw):
    s = rw[["agriculture", "industry", "services"]].sum(axis=1, min_count=3)
    off = rw.loc[(s - 1).abs() > 0.005, ["region", "year"]]
    assert set(map(tuple, off.to_numpy())) == eu.RW_SHARE_ANOMALIES


def test_rw_population_agrees_with_eurostat(rw, es):
    """Rosés–Wolf 2010 population by country lies between Eurostat's 2008 and 2012 totals
    (±2 % for boundary vintages). The database covers mainland Portugal and Spain without
    Ceuta and Melilla, so Eurostat's Azores, Madeira, Ceuta and Melilla are left out."""
    iso = {"Austria": "AT", "Belgium": "BE", "Denmark": "DK", "Netherlands": "NL",
           "Sweden": "SE", "Portugal": "PT", "Spain": "ES", "Italy": "IT", "Germany": "DE"}
    rw10 = rw[rw["year"] == 2010].groupby("country")["population"].sum() * 1000
    checked = 0
    for country, code in iso.items():
        outside = {"PT20", "PT30", "ES63", "ES64"}
        lo = es[2008].loc[(es[2008]["country"] == code) & ~es[2008]["nuts_id"].isin(outside),
                          "population"]
        hi = es[2012].loc[(es[2012]["country"] == code) & ~es[2012]["nuts_id"].isin(outside),
                          "population"]
        if lo.isna().any() or hi.isna().any():
            continue
        a, b = sorted([lo.sum(), hi.sum()])
        assert a * 0.98 <= rw10[country] <= b * 1.02, (country, rw10[country], a, b)
        checked += 1
    assert checked >= 5


def test_rw_filters(rw):
    sub = data.load("eu_nuts2_roses_wolf", years=[1900, 2015], regions=["AT11", "UKI"])
    assert len(sub) == 4
    pd.testing.assert_frame_equal(
        sub.reset_index(drop=True),
        rw[rw["region"].isin(["AT11", "UKI"]) & rw["year"].isin([1900, 2015])]
        .reset_index(drop=True))


# ----------------------------------------------------------------------------- geometry
def test_geometry_matches_panel(geo, rw):
    assert len(geo) == 173 and geo["region"].is_unique
    assert set(geo["region"]) == set(rw["region"])
    assert geo.crs.to_epsg() == 4258
    merged = geo.set_index("region").to_crs(3035).area / 1e6
    # Lower Austria + Vienna is larger than Burgenland; Bavaria's merged DE71+DE72 exists
    assert merged["AT12+AT13"] > merged["AT11"] > 3000
    assert {"DE71+DE72", "DE91+DE92", "UKC+UKD", "BE10+BE24+BE31"} <= set(geo["region"])


def test_island_links_used_by_the_pages(geo):
    """Queen contiguity leaves exactly six islands; weights_for(on_islands="nearest") links each
    to its nearest region (EPSG:3035 centroids) symmetrically - the explicit choice documented
    on the page (and the W of the R peer check)."""
    from book.spatial import weights as spw

    g = geo[geo["region"] != "NL23"].to_crs(3035)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = spw.weights_for(g, "region", "queen", on_islands="nearest")
    islands = sorted(w.attached_islands)
    assert all(len(js) == len(set(js)) for js in w.neighbors.values())
    assert w.n == 172
    assert islands == ["ES53", "ES70", "FI20", "FR83", "ITG1", "ITG2"]
    assert w.islands == []
    nn = {i: list(w.neighbors[i]) for i in islands}
    assert "ES51" in nn["ES53"]          # Baleares -> Cataluña
    assert "ITF6" in nn["ITG1"]          # Sicilia -> Calabria
    assert "SE11" in nn["FI20"]          # Åland -> Stockholm
    for i, js in w.neighbors.items():
        for j in js:
            assert i in w.neighbors[j], (i, j)


# ----------------------------------------------------------------------------- Eurostat
def test_eurostat_counts_and_schema(es):
    for y, g in es.items():
        assert len(g) == 332 and g["nuts_id"].is_unique, y
        assert g.crs.to_epsg() == 4326
        assert (g["patents_pm"].dropna() >= 0).all()
        assert g["patents_pm"].notna().sum() > 230
    np.testing.assert_allclose(es[2008]["gdp_pc_eur"],
                               1e6 * es[2008]["gdp_meur"] / es[2008]["population"])


def test_eurostat_population_matches_official_totals(es):
    """Sum of NUTS-2 populations on 1 January 2012 against Eurostat's national totals
    (Statistics Austria / Statistics Denmark / Statistics Sweden, 1 January 2012)."""
    official = {"AT": 8_408_121, "DK": 5_580_516, "SE": 9_482_855}
    g = es[2012]
    for code, total in official.items():
        assert g.loc[g["country"] == code, "population"].sum() == pytest.approx(total, rel=0.005)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"years": [1905]}, r"unknown year\(s\) \[1905\]"),
    ({"years": []}, "is empty"),
    ({"regions": ["XX99"]}, r"unknown region code\(s\) \['XX99'\]"),
    ({"regions": "AT1"}, "unknown region code"),
])
def test_rw_bad_arguments(kwargs, match):
    with pytest.raises(BookInputError, match=match):
        data.load("eu_nuts2_roses_wolf", **kwargs)


def test_geometry_unknown_region():
    with pytest.raises(BookInputError, match="unknown region code"):
        data.load("eu_nuts2_roses_wolf_geometry", regions=["FR99"])


@pytest.mark.parametrize("year", [2010, "2008", True, None])
def test_eurostat_bad_year(year):
    with pytest.raises(BookInputError, match="year must be one of"):
        data.load("eu_nuts2_eurostat", year=year)


def test_unknown_loader_argument():
    with pytest.raises(BookInputError, match="does not take"):
        data.load("eu_nuts2_roses_wolf", year=1900)


def test_missing_years_refused_by_convergence(rw):
    """Flevoland's missing early years make the panel unbalanced: refused, not dropped."""
    from book import convergence as conv

    with pytest.raises(BookInputError, match="unbalanced"):
        conv.beta_by_period(rw, [(1900, 2015)], region="region", value="gdp_pc_1990")
    ok = conv.beta_by_period(rw[rw["region"] != "NL23"], [(1900, 2015)], region="region",
                             value="gdp_pc_1990")
    assert int(ok["n"].iloc[0]) == 172


def test_rw_corrupt_source_refused(monkeypatch):
    raw = eu._rw_raw()
    bad = raw.copy()
    i = bad.index[(bad["Series"].str.startswith("Table A.4")) & (bad["NUTS-Codes"] == "AT11")]
    bad.loc[i, 1950] = 0.9                                  # shares no longer sum to 1
    monkeypatch.setattr(eu, "_rw_raw", lambda: bad)
    with pytest.raises(DataIntegrityError, match="do not sum to 1"):
        eu.eu_nuts2_roses_wolf()
    neg = raw.copy()
    j = neg.index[(neg["Series"].str.startswith("Table A.3")) & (neg["NUTS-Codes"] == "AT11")]
    neg.loc[j, 1900] = -1.0
    monkeypatch.setattr(eu, "_rw_raw", lambda: neg)
    with pytest.raises(DataIntegrityError, match="non-positive"):
        eu.eu_nuts2_roses_wolf()


def test_rw_wrong_file_refused(monkeypatch, tmp_path):
    other = tmp_path / "data.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, index=False)
    monkeypatch.setattr(eu, "fetch", lambda *a, **k: other)
    with pytest.raises(DataIntegrityError, match="lacks columns"):
        eu.eu_nuts2_roses_wolf()


def test_eurostat_negative_patents_refused(monkeypatch, tmp_path, es):
    g = es[2008][["nuts_id", "geometry"]].rename(columns={"nuts_id": "NUTS_ID"}).head(5).copy()
    g["CNTR_CODE"] = "AT"
    g["NUTS_NAME"] = "x"
    g["LEVL_CODE"] = 2
    g["region_gdp"] = 100.0
    g["region_population"] = 1000.0
    g["patents"] = [1.0, 2.0, -3.0, 4.0, 5.0]
    g["unemployment_rate_t"] = 5.0
    path = tmp_path / "eu_nuts_2_eurostat_2008.geojson.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(g.to_json().encode())
    monkeypatch.setattr(eu, "fetch", lambda *a, **k: path)
    with pytest.raises(DataIntegrityError, match="negative patent"):
        eu.eu_nuts2_eurostat(2008)
