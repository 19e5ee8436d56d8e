"""Tests for book.utest (Lind & Mehlum 2010)."""
import numpy as np
import pytest
from scipy import stats

import book
from book.errors import BookInputError
from book.utest import fieller_interval, quadratic_utest, utest


def test_hand_worked_example():
    # b1=-2, b2=1, Var(b1)=0.25, Var(b2)=0.01, Cov=0, interval [0, 3]:
    # slope(0) = -2, se 0.5, t=-4; slope(3) = 4, se sqrt(0.25+36*0.01)=sqrt(0.61)
    V = np.diag([0.25, 0.01])
    r = utest(-2.0, 1.0, V, 0.0, 3.0)
    assert r.shape == "U"
    assert r.slope_l == pytest.approx(-2.0) and r.t_l == pytest.approx(-4.0)
    assert r.slope_h == pytest.approx(4.0) and r.t_h == pytest.approx(4 / np.sqrt(0.61))
    assert r.t == pytest.approx(4.0)                       # min(4, 5.12)
    assert r.p == pytest.approx(stats.norm.sf(4.0))
    assert r.turning_point == pytest.approx(1.0)
    # grad = (-1/(2 b2), b1/(2 b2^2)) = (-0.5, -1): var = 0.25*0.25 + 0.01
    assert r.tp_se == pytest.approx(np.sqrt(0.0725))
    assert r.tp_in_range


def test_fieller_bounds_solve_the_defining_equation():
    b1, b2 = -2.0, 1.0
    V = np.array([[0.25, 0.01], [0.01, 0.01]])
    lo, hi, bounded = fieller_interval(b1, b2, V, 0.95)
    assert bounded and lo < 1.0 < hi
    c = stats.norm.ppf(0.975)
    for th in (lo, hi):   # at the bounds the t statistic of b1 + 2 theta b2 equals c
        t = (b1 + 2 * th * b2) / np.sqrt(V[0, 0] + 4 * th * V[0, 1] + 4 * th**2 * V[1, 1])
        assert abs(t) == pytest.approx(c, rel=1e-9)
    # an imprecise b2 gives an unbounded set
    assert fieller_interval(b1, 0.1, V, 0.95)[2] is False


def test_simulated_u_is_detected():
    r = book.rng(11)
    x = r.uniform(0, 3, 400)
    y = 1 - 2 * x + x**2 + r.normal(0, 0.5, 400)
    res, fit = quadratic_utest(x, y)
    assert res.p < 1e-6 and res.tp_in_range
    assert res.turning_point == pytest.approx(1.0, abs=3 * res.tp_se)


def test_significant_square_without_u():
    """Convex and monotone on the range: squared term significant, U rejected."""
    r = book.rng(12)
    x = r.uniform(1, 3, 400)
    y = x**2 + r.normal(0, 0.3, 400)
    res, _ = quadratic_utest(x, y)
    assert res.b2_p < 1e-6          # the squared term alone looks like strong evidence
    assert res.p > 0.5              # but the slope at the left end is positive: no U
    assert not res.tp_in_range


def test_inverse_u_sign_convention():
    V = np.diag([0.01, 0.001])
    r = utest(2.0, -1.0, V, 0.0, 2.0)
    assert r.shape == "inverse U"
    assert r.t == pytest.approx(min(r.t_l, -r.t_h))
    assert r.turning_point == pytest.approx(1.0)


def test_bad_inputs():
    V = np.eye(2) * 0.01
    with pytest.raises(BookInputError, match="xl < xh"):
        utest(-1, 1, V, 2, 1)
    with pytest.raises(BookInputError, match="no turning point"):
        utest(-1, 0, V, 0, 1)
    with pytest.raises(BookInputError, match="2x2"):
        utest(-1, 1, np.eye(3), 0, 1)
    with pytest.raises(BookInputError, match="shape must be"):
        utest(-1, 1, V, 0, 1, shape="S")
    with pytest.raises(BookInputError, match="length mismatch"):
        quadratic_utest([1, 2, 3], [1, 2])
    with pytest.raises(BookInputError, match="groups="):
        quadratic_utest(np.arange(10.0), np.arange(10.0) ** 2, cov_type="cluster")


# ----------------------------------------------------------------------------- bad inputs
import pandas as pd  # noqa: E402
from badinput import BI, NAN, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
# --- book.utest --------------------------------------------------------------------------
U = "book.utest"
COV2 = np.eye(2) * 0.01
c(f"{U}.fieller_interval", "cov shape", lambda: f(f"{U}.fieller_interval")(1, 1, np.eye(3)), BI,
  r"2x2 covariance")
c(f"{U}.fieller_interval", "level 1", lambda: f(f"{U}.fieller_interval")(1, 1, COV2, level=1), BI,
  r"level=1.0 is out of range")
c(f"{U}.fieller_interval", "negative variance", lambda: f(f"{U}.fieller_interval")(
    1, 1, -COV2), BI, r"non-negative variances")
c(f"{U}.fieller_interval", "b2 nan", lambda: f(f"{U}.fieller_interval")(1, NAN, COV2), BI,
  r"must be finite")
c(f"{U}.utest", "xl >= xh", lambda: f(f"{U}.utest")(-1, 1, COV2, 2, 1), BI, r"need xl < xh")
c(f"{U}.utest", "no curvature", lambda: f(f"{U}.utest")(-1, 0, COV2, 0, 1), BI, r"b2 is exactly 0")
c(f"{U}.utest", "bad shape", lambda: f(f"{U}.utest")(-1, 1, COV2, 0, 1, shape="V"), BI,
  r"shape must be")
c(f"{U}.utest", "df <= 0", lambda: f(f"{U}.utest")(-1, 1, COV2, 0, 1, df=0), BI, r"df=0.0")
c(f"{U}.utest", "nan b1", lambda: f(f"{U}.utest")(NAN, 1, COV2, 0, 1), BI, r"b1 must be finite")
XS = np.linspace(0, 1, 12)
c(f"{U}.quadratic_utest", "length mismatch", lambda: f(f"{U}.quadratic_utest")(XS, XS[:-1]), BI,
  r"length mismatch")
c(f"{U}.quadratic_utest", "nan y", lambda: f(f"{U}.quadratic_utest")(XS, np.r_[XS[:-1], NAN]), BI,
  r"y contains 1 missing")
c(f"{U}.quadratic_utest", "text x", lambda: f(f"{U}.quadratic_utest")(XS.astype(str), XS), BI,
  r"stored as text")
c(f"{U}.quadratic_utest", "controls rows", lambda: f(f"{U}.quadratic_utest")(
    XS, XS, pd.DataFrame({"z": np.ones(3)})), BI, r"controls has 3 rows")
c(f"{U}.quadratic_utest", "cluster without groups", lambda: f(f"{U}.quadratic_utest")(
    XS, XS ** 2, cov_type="cluster"), BI, r"needs groups=")
c(f"{U}.quadratic_utest", "too few obs", lambda: f(f"{U}.quadratic_utest")([1, 2, 3], [1, 2, 3]),
  BI, r"more observations than parameters")
c(f"{U}.quadratic_utest", "constant x", lambda: f(f"{U}.quadratic_utest")(np.ones(12), XS), BI,
  r"x is constant|no variation")
c(f"{U}.quadratic_utest", "constant y", lambda: f(f"{U}.quadratic_utest")(XS, np.ones(12)), BI,
  r"y is constant")


test_bad_input = matrix_test(CASES)
