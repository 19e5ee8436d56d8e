"""USPTO county / CBSA / state patent loaders."""
from __future__ import annotations

import pytest

from book import data


@pytest.fixture(scope="module")
def co():
    return data.load("uspto_county_patents")


def test_county_panel(co):
    assert len(co) == 48_304 and co["fips"].nunique() == 3_019
    assert sorted(co["year"].unique()) == list(range(2000, 2016))
    assert not co.duplicated(["fips", "year"]).any()
    # official total of U.S. utility patents located in counties, 2015 (issue 15): 141,001
    assert co.loc[co["year"] == 2015, "patents"].sum() == 141_001
    # Santa Clara County, CA, 2000: 5,799 (first row of the PTMT county report)
    assert co.set_index(["fips", "year"]).loc[("06085", 2000), "patents"] == 5_799
    assert list(co.columns) == ["fips", "statefips", "county", "year", "patents"]


def test_cbsa_panel():
    cb = data.load("uspto_cbsa_patents")
    assert len(cb) == 16_288 and cb["cbsa"].nunique() == 1_018
    assert (~cb["is_cbsa"]).groupby(cb["cbsa"]).first().sum() == 16  # undetermined-area codes
    assert cb.loc[cb["year"] == 2015, "patents"].sum() == 140_962
    assert cb.set_index(["cbsa", "year"]).loc[("41940", 2000), "patents"] == 5_812
    # one name per code in every year (the co-agglomeration page labels CBP codes with it)
    assert cb.groupby("cbsa")["name"].nunique().eq(1).all()
    assert cb.loc[cb["cbsa"] == "41940", "name"].iloc[0] == "San Jose-Sunnyvale-Santa Clara, CA"


def test_state_aggregation_matches_counties(co):
    st = data.load("uspto_state_patents_vendored")
    assert st["abbr"].nunique() == 51 and len(st) == 51 * 16
    keep = co["statefips"].isin(["00", "66", "69", "72", "78"])
    for year in (2000, 2015):
        want = co.loc[~keep & (co["year"] == year), "patents"].sum()
        assert st.loc[st["year"] == year, "patents"].sum() == want
    ca = co[(co["statefips"] == "06") & (co["year"] == 2015)]["patents"].sum()
    assert st.set_index(["abbr", "year"]).loc[("CA", 2015), "patents"] == ca
    assert st.loc[st["year"] == 2015, "patents"].sum() == 140_960

