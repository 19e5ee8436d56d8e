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
