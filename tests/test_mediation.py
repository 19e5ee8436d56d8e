"""Tests for book.mediation (Baron & Kenny 1986; Sobel 1982; bootstrap)."""
import numpy as np
import pandas as pd
import pytest

import book
from book.errors import BookInputError
from book.mediation import mediate, sobel


def _sim(n=1500, a=0.5, b=0.4, cp=0.3, seed=5):
    r = book.rng(seed)
    z = r.normal(size=n)
    x = r.normal(size=n) + 0.3 * z
    m = a * x + 0.2 * z + r.normal(size=n)
    y = cp * x + b * m + 0.5 * z + r.normal(size=n)
    return pd.DataFrame({"x": x, "m": m, "y": y, "z": z})


def test_sobel_closed_form():
    se, z, p = sobel(0.5, 0.1, 0.4, 0.1)
    assert se == pytest.approx(np.sqrt(0.4**2 * 0.01 + 0.5**2 * 0.01))
    assert z == pytest.approx(0.2 / np.sqrt(0.0041))
    assert 0 < p < 0.01


def test_ols_identity_total_equals_direct_plus_indirect():
    r = mediate(_sim(), "x", "m", "y", ["z"], n_boot=0)
    assert r.c == pytest.approx(r.c_prime + r.a * r.b, abs=1e-10)


def test_simulated_truth_and_bootstrap():
    r = mediate(_sim(), "x", "m", "y", ["z"], n_boot=400, rng_offset=3)
    assert r.a == pytest.approx(0.5, abs=0.08) and r.b == pytest.approx(0.4, abs=0.08)
    assert r.boot_ci[0] < 0.2 < r.boot_ci[1]
    assert r.boot_se == pytest.approx(r.sobel_se, rel=0.3)   # close for large n
    again = mediate(_sim(), "x", "m", "y", ["z"], n_boot=400, rng_offset=3)
    assert again.boot_ci == r.boot_ci                          # deterministic
    bk = r.baron_kenny()
    assert bk["condition met"].all()


def test_no_mediation_interval_covers_zero():
    df = _sim(a=0.0)
    r = mediate(df, "x", "m", "y", ["z"], n_boot=300, rng_offset=4)
    assert r.boot_ci[0] < 0 < r.boot_ci[1]


def test_bad_inputs():
    df = _sim(50)
    with pytest.raises(BookInputError, match="three different"):
        mediate(df, "x", "x", "y")
    with pytest.raises(BookInputError, match="lacks column"):
        mediate(df, "x", "m", "w")
    with pytest.raises(BookInputError, match="missing values"):
        mediate(df.assign(m=np.where(np.arange(50) == 0, np.nan, df["m"])), "x", "m", "y")
    with pytest.raises(BookInputError, match="n_boot"):
        mediate(df, "x", "m", "y", n_boot=-1)
    with pytest.raises(BookInputError, match="must not repeat"):
        mediate(df, "x", "m", "y", ["x"])
    with pytest.raises(BookInputError, match="out of range"):
        sobel(0.5, 0.0, 0.4, 0.1)


# ----------------------------------------------------------------------------- bad inputs
from badinput import BI, INF, NAN, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()


def MED():
    r = np.random.default_rng(5)
    x = r.normal(size=30)
    m = 0.5 * x + r.normal(size=30)
    return pd.DataFrame({"x": x, "m": m, "y": 0.3 * m + 0.2 * x + r.normal(size=30),
                         "c": r.normal(size=30)})


# --- book.mediation ----------------------------------------------------------------------
ME = "book.mediation"
c(f"{ME}.sobel", "zero se", lambda: f(f"{ME}.sobel")(0.5, 0, 0.3, 0.1), BI, r"a_se=0.0 is out of range")
c(f"{ME}.sobel", "both zero", lambda: f(f"{ME}.sobel")(0, 0.1, 0, 0.1), BI, r"a and b are both 0")
c(f"{ME}.sobel", "nan", lambda: f(f"{ME}.sobel")(NAN, 0.1, 0.3, 0.1), BI, r"must be finite")
c(f"{ME}.mediate", "same column", lambda: f(f"{ME}.mediate")(MED(), "x", "x", "y", n_boot=0), BI,
  r"three different columns")
c(f"{ME}.mediate", "nan rows", lambda: f(f"{ME}.mediate")(
    MED().assign(m=lambda d: d.m.where(d.index != 0)), "x", "m", "y", n_boot=0), BI,
  r"1 row\(s\) have missing values")
c(f"{ME}.mediate", "text column", lambda: f(f"{ME}.mediate")(
    MED().astype({"x": str}), "x", "m", "y", n_boot=0), BI, r"must be numeric")
c(f"{ME}.mediate", "constant mediator", lambda: f(f"{ME}.mediate")(
    MED().assign(m=1.0), "x", "m", "y", n_boot=0), BI, r"mediator m \('m'\) is constant")
c(f"{ME}.mediate", "constant treatment", lambda: f(f"{ME}.mediate")(
    MED().assign(x=2.0), "x", "m", "y", n_boot=0), BI, r"treatment x \('x'\) is constant")
c(f"{ME}.mediate", "mediator equals treatment", lambda: f(f"{ME}.mediate")(
    MED().assign(m=lambda d: 2 * d.x), "x", "m", "y", n_boot=0), BI, r"perfectly collinear")
c(f"{ME}.mediate", "negative n_boot", lambda: f(f"{ME}.mediate")(MED(), "x", "m", "y", n_boot=-1),
  BI, r"n_boot must be a non-negative int")
c(f"{ME}.mediate", "level", lambda: f(f"{ME}.mediate")(MED(), "x", "m", "y", n_boot=0, level=1.5),
  BI, r"level=1.5 is out of range")
c(f"{ME}.mediate", "empty", lambda: f(f"{ME}.mediate")(MED().iloc[:0], "x", "m", "y", n_boot=0),
  BI, r"empty")
c(f"{ME}.mediate", "too few rows", lambda: f(f"{ME}.mediate")(MED().head(3), "x", "m", "y",
                                                               n_boot=0), BI,
  r"more observations than parameters")
c(f"{ME}.mediate", "inf", lambda: f(f"{ME}.mediate")(
    MED().assign(y=lambda d: d.y.where(d.index != 0, INF)), "x", "m", "y", n_boot=0), BI,
  r"infinite")


test_bad_input = matrix_test(CASES)
