"""CBP 2019 metro (CBSA) x NAICS loader: size, schema, suppression and hierarchy checks."""
from __future__ import annotations

import numpy as np
import pytest

from book import data


@pytest.fixture(scope="module")
def cbp():
    return data.load("us_cbp_cbsa_naics_2019")


def test_size_and_codes(cbp):
    # the compiled file's own summary (README of census/census_cbp): 569,017 rows, 933 CBSAs,
    # 1,992 distinct NAICS codes, 2- to 6-digit
    assert len(cbp) == 569_017
    assert cbp["cbsa"].nunique() == 933 and cbp["cbsa"].str.fullmatch(r"\d{5}").all()
    assert cbp["naics"].nunique() == 1_992
    assert set(cbp["level"]) == {2, 3, 4, 5, 6}
    assert list(cbp.columns) == ["cbsa", "naics", "level", "employment", "establishments",
                                 "suppressed"]


def test_totals(cbp):
    tot = cbp[cbp["naics"] == "00"].set_index("cbsa")
    assert len(tot) == 933 and tot["employment"].notna().all()
    # largest metro: New York-Newark-Jersey City (35620), 8,672,415 employees and 582,686
    # establishments in March 2019 (the README's maxima of EMP and ESTAB)
    assert tot.loc["35620", "employment"] == 8_672_415
    assert tot.loc["35620", "establishments"] == 582_686
    assert tot["employment"].idxmax() == "35620"


def test_suppressed_cells_are_nan_not_zero(cbp):
    sup = cbp["suppressed"]
    assert int(sup.sum()) == 225
    assert cbp.loc[sup, "employment"].isna().all()
    assert (cbp.loc[~sup, "employment"] > 0).all()
    assert cbp["establishments"].min() == 3          # cells with < 3 establishments are absent


def test_hierarchy_children_do_not_exceed_parents(cbp):
    # within one CBSA, the disclosed 4-digit industries of a 3-digit industry sum to at most the
    # 3-digit employment (children with < 3 establishments are absent, so sums fall short)
    d = cbp[cbp["level"].isin([3, 4]) & ~cbp["suppressed"]].copy()
    d["parent"] = d["naics"].str[:3]
    kids = d[d["level"] == 4].groupby(["cbsa", "parent"])["employment"].sum()
    par = d[d["level"] == 3].set_index(["cbsa", "naics"])["employment"]
    par.index.names = ["cbsa", "parent"]
    both = kids.to_frame("kids").join(par.rename("par"), how="inner")
    # noise infusion perturbs cells independently: allow a few percent
    assert (both["kids"] <= both["par"] * 1.05 + 5).mean() > 0.99
    assert np.isfinite(both.to_numpy()).all()
