"""CBP state x NAICS 2000-2011 (vendored): totals, schema, suppression, vintages, bad inputs."""
import numpy as np
import pandas as pd
import pytest

from book import data
from book.datasets import cbp_state_naics as C
from book.errors import BookInputError, DataIntegrityError


@pytest.fixture(scope="module")
def cbp():
    return data.load("cbp_state_naics")


def test_official_total_2011(cbp):
    tot = cbp[(cbp.level == 0) & (cbp.year == 2011)]
    assert len(tot) == 51 and not tot.suppressed.any()
    assert tot.emp.sum() == 113_425_965          # CBP 2011, sum over the 51 state totals


def test_schema_and_coverage(cbp):
    assert list(cbp.columns) == ["state_fips", "naics", "level", "year", "vintage", "emp", "est",
                                 "payroll", "empflag", "emp_nf", "suppressed", "emp_lo",
                                 "emp_hi"]
    assert sorted(cbp.year.unique()) == list(range(2000, 2012))
    assert cbp.state_fips.nunique() == 51 and cbp.state_fips.str.fullmatch(r"\d\d").all()
    assert set(cbp.level.unique()) == {0, 2, 3, 4, 5, 6}
    assert (cbp.naics.str.len() == cbp.level).all()
    assert not cbp.duplicated(["state_fips", "naics", "year"]).any()
    assert cbp.groupby("year").vintage.nunique().eq(1).all()
    assert cbp.loc[cbp.year == 2002, "vintage"].iloc[0] == "NAICS1997"
    assert cbp.loc[cbp.year == 2003, "vintage"].iloc[0] == "NAICS2002"
    assert cbp.loc[cbp.year == 2008, "vintage"].iloc[0] == "NAICS2007"


def test_suppressed_cells_are_nan_with_bounds(cbp):
    sup = cbp[cbp.suppressed]
    assert len(sup) > 0 and sup.emp.isna().all() and sup.payroll.isna().all()
    assert (sup.empflag != "").all() and (cbp.loc[~cbp.suppressed, "empflag"] == "").all()
    for flag, (lo, hi) in C.SUPPRESSION_RANGES.items():
        rows = sup[sup.empflag == flag]
        if len(rows):
            assert (rows.emp_lo == lo).all()
            assert rows.emp_hi.isna().all() if np.isinf(hi) else (rows.emp_hi == hi).all()
    pub = cbp[~cbp.suppressed]
    assert (pub.emp_lo == pub.emp).all() and (pub.emp_hi == pub.emp).all()


def test_flag_ranges_consistent_with_state_totals(cbp):
    """Verification of the size ranges on the data: in every state and year 2003-2011 the state
    total minus its published sectors lies within the summed ranges of its withheld sectors."""
    d = cbp[cbp.year >= 2003]
    tot = d[d.level == 0].set_index(["year", "state_fips"]).emp
    sec = d[d.level == 2]
    g = sec.groupby(["year", "state_fips"]).agg(pub=("emp", "sum"))
    w = sec[sec.suppressed].groupby(["year", "state_fips"]).agg(lo=("emp_lo", "sum"),
                                                              hi=("emp_hi", "sum"))
    g = g.join(w).fillna(0.0)
    resid = tot.reindex(g.index) - g.pub
    assert ((resid >= g.lo - 1) & (resid <= g.hi + 1)).all()
    assert (g.lo > 0).sum() > 100            # the check bites: many state-years have withheld sectors


def _rows(**kw):
    base = {"emp": [100.0, np.nan, np.nan, np.nan], "suppressed": [False, True, True, True],
            "empflag": ["", "A", "C", "M"], "emp_lo": [100.0, 0.0, 100.0, 100_000.0],
            "emp_hi": [100.0, 19.0, 249.0, np.nan]}
    base.update(kw)
    return pd.DataFrame(base)


def test_fill_suppressed_rules():
    mid = C.fill_suppressed(_rows(), "midpoint")
    assert mid.emp_used.tolist() == [100.0, 9.5, 174.5, 100_000.0]
    assert mid.attrs["n_suppressed"] == 3 and mid.attrs["n_open_ended"] == 1
    assert mid.attrs["emp_imputed"] == pytest.approx(9.5 + 174.5 + 100_000)
    assert C.fill_suppressed(_rows(), "lower").emp_used.tolist() == [100, 0, 100, 100_000]
    assert C.fill_suppressed(_rows(), "upper").emp_used.tolist() == [100, 19, 249, 100_000]
    dropped = C.fill_suppressed(_rows(), "drop")
    assert dropped.emp_used.tolist() == [100.0] and dropped.attrs["n_suppressed"] == 3


def test_fill_suppressed_bad_inputs():
    with pytest.raises(BookInputError, match="all 3 rows are suppressed"):
        C.fill_suppressed(_rows().iloc[1:])
    with pytest.raises(BookInputError, match="non-negative"):
        C.fill_suppressed(_rows(emp=[-5.0, np.nan, np.nan, np.nan]))
    with pytest.raises(BookInputError, match="how must be"):
        C.fill_suppressed(_rows(), "zero")
    with pytest.raises(BookInputError, match="lacks column"):
        C.fill_suppressed(pd.DataFrame({"emp": [1.0]}))
    with pytest.raises(BookInputError, match="empty"):
        C.fill_suppressed(_rows().iloc[:0])


def _raw(**kw):
    base = {"code": ["31----", "31----"], "ap": ["10", "0"], "ap_nf": ["G", "D"],
            "emp": ["5", "0"], "emp_nf": ["G", "D"], "empflag": ["", "B"], "est": ["2", "3"],
            "fipstate": ["1", "2"], "year": ["2011", "2011"]}
    base.update(kw)
    return pd.DataFrame(base)


def test_tidy_known_answer_and_corrupt_files():
    t = C.tidy(_raw())
    assert t.naics.tolist() == ["31", "31"] and t.level.tolist() == [2, 2]
    assert t.state_fips.tolist() == ["01", "02"] and t.emp.isna().tolist() == [False, True]
    assert t.emp_lo.tolist() == [5.0, 20.0] and t.emp_hi.tolist() == [5.0, 99.0]
    with pytest.raises(DataIntegrityError, match="negative"):
        C.tidy(_raw(emp=["-5", "0"]))
    with pytest.raises(DataIntegrityError, match="non-numeric"):
        C.tidy(_raw(est=["2", "x"]))
    with pytest.raises(DataIntegrityError, match="unknown CBP disclosure flag"):
        C.tidy(_raw(empflag=["", "Z"]))
    with pytest.raises(DataIntegrityError, match="non-zero employment"):
        C.tidy(_raw(emp=["5", "7"]))
    with pytest.raises(DataIntegrityError, match="outside 2000-2011"):
        C.tidy(_raw(year=["1999", "2011"]))
    with pytest.raises(DataIntegrityError, match="duplicated"):
        C.tidy(_raw(fipstate=["1", "1"]))
    with pytest.raises(DataIntegrityError, match="lacks column"):
        C.tidy(_raw().drop(columns="empflag"))


def test_vintages():
    assert [C.vintage_of(y) for y in (2000, 2002, 2003, 2007, 2008, 2011)] == [
        "NAICS1997", "NAICS1997", "NAICS2002", "NAICS2002", "NAICS2007", "NAICS2007"]
    with pytest.raises(BookInputError, match="2000-2011"):
        C.vintage_of(1999)
    with pytest.raises(BookInputError, match="must be an int"):
        C.vintage_of("2005")


def test_span_table_within_vintage_only(cbp):
    t = C.span_table(cbp, 2003, 2007, 3)
    assert t.attrs["vintage"] == "NAICS2002" and len(t) > 3000
    assert {"emp0", "emp1", "est0", "sup0", "sup1"} <= set(t.columns)
    with pytest.raises(BookInputError, match="Pick a span within one vintage"):
        C.span_table(cbp, 2005, 2009, 3)
    with pytest.raises(BookInputError, match="must be after"):
        C.span_table(cbp, 2007, 2003, 3)
    # 2002 -> 2003 crosses a vintage AND the files lack the 1997-only codes (236-238, 423-425 ...)
    with pytest.raises(BookInputError, match="industry codes do not match"):
        C.span_table(cbp, 2002, 2003, 3, allow_cross_vintage=True)


def test_mismatched_industry_codes():
    rows = pd.DataFrame({"state_fips": ["01", "01"], "naics": ["311", "312"], "level": [3, 3],
                         "year": [2004, 2006], "emp": [1.0, 2.0], "est": [1, 1],
                         "suppressed": [False, False], "emp_lo": [1.0, 2.0],
                         "emp_hi": [1.0, 2.0]})
    with pytest.raises(BookInputError, match=r"only in 2004: \['311'\]"):
        C.span_table(rows, 2004, 2006, 3)


def test_cross_section(cbp):
    x = C.cross_section(cbp, 2011, 4, prefix="3")
    assert x.naics.str.startswith("3").all() and x.naics.str.len().eq(4).all()
    assert x.emp.notna().all() and x.attrs["n_suppressed"] == int(x.suppressed.sum()) > 0
    with pytest.raises(BookInputError, match="level must be"):
        C.cross_section(cbp, 2011, 7)
    with pytest.raises(BookInputError, match="no rows"):
        C.cross_section(cbp, 2011, 4, prefix="0")


# --- bad-input matrix cases (gathered by tests/test_bad_inputs.py) --------------------------
from badinput import BI, DI, DU, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
Q = "book.datasets.cbp_state_naics"
c(f"{Q}.vintage_of", "year out of range", lambda: f(f"{Q}.vintage_of")(1999), BI, r"2000-2011")
c(f"{Q}.vintage_of", "year as text", lambda: f(f"{Q}.vintage_of")("2005"), BI, r"must be an int")
c(f"{Q}.tidy", "negative employment", lambda: f(f"{Q}.tidy")(_raw(emp=["-5", "0"])), DI,
  r"negative")
c(f"{Q}.tidy", "unknown flag", lambda: f(f"{Q}.tidy")(_raw(empflag=["", "Z"])), DI,
  r"unknown CBP disclosure flag")
c(f"{Q}.read_cbp_state_naics", "missing file",
  lambda tmp_path, monkeypatch: f(f"{Q}.read_cbp_state_naics")(tmp_path / "none.tar.xz"), DU,
  r"none\.tar\.xz")
c(f"{Q}.fill_suppressed", "all rows suppressed",
  lambda: f(f"{Q}.fill_suppressed")(_rows().iloc[1:]), BI, r"all 3 rows are suppressed")
c(f"{Q}.fill_suppressed", "negative employment",
  lambda: f(f"{Q}.fill_suppressed")(_rows(emp=[-5.0, np.nan, np.nan, np.nan])), BI,
  r"non-negative")
c(f"{Q}.fill_suppressed", "unknown rule", lambda: f(f"{Q}.fill_suppressed")(_rows(), "zero"), BI,
  r"how must be")
_MISMATCH = pd.DataFrame({"state_fips": ["01", "01"], "naics": ["311", "312"], "level": [3, 3],
                          "year": [2004, 2006], "emp": [1.0, 2.0], "est": [1, 1],
                          "suppressed": [False, False], "emp_lo": [1.0, 2.0],
                          "emp_hi": [1.0, 2.0]})
c(f"{Q}.span_table", "mismatched industry codes",
  lambda: f(f"{Q}.span_table")(_MISMATCH, 2004, 2006, 3), BI, r"industry codes do not match")
c(f"{Q}.span_table", "span crosses a vintage",
  lambda: f(f"{Q}.span_table")(_MISMATCH, 2006, 2009, 3), BI, r"one vintage")
c(f"{Q}.cross_section", "bad level",
  lambda: f(f"{Q}.cross_section")(_MISMATCH, 2004, 7), BI, r"level must be")
c(f"{Q}.cross_section", "no rows", lambda: f(f"{Q}.cross_section")(_MISMATCH, 2005, 3), BI,
  r"no rows")
test_bad_input = matrix_test(CASES)
