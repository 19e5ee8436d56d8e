"""Rank-size regressions: GI (2011) correction on simulated Pareto data, known values, bad inputs."""
import numpy as np
import pytest

import book
from book import citysize as cs
from book.errors import BookInputError


def test_exact_zipf_sample():
    # sizes S_k = 1000/k: classic regression ln k = ln 1000 - ln S has slope exactly -1
    s = 1000.0 / np.arange(1, 51)
    r0 = cs.rank_size(s, shift=0.0)
    assert r0.zeta == pytest.approx(1.0, abs=1e-12) and r0.r2 == pytest.approx(1.0)
    assert r0.se_gi == pytest.approx(np.sqrt(2 / 50), rel=1e-12)
    r = cs.rank_size(s)
    assert r.shift == 0.5 and r.n == 50 and r.cutoff == pytest.approx(20.0)


def test_gi_correction_reduces_small_sample_bias():
    """Pareto(zeta=1) samples of n=50: the rank-1/2 regression is nearly unbiased, the classic one
    is biased downward (GI 2011)."""
    rng = book.rng(21)
    n, reps = 50, 800
    z_gi, z_cl = [], []
    for _ in range(reps):
        s = 1.0 / rng.uniform(size=n)           # Pareto with zeta = 1, minimum 1
        z_gi.append(cs.rank_size(s).zeta)
        z_cl.append(cs.rank_size(s, shift=0.0).zeta)
    bias_gi, bias_cl = np.mean(z_gi) - 1, np.mean(z_cl) - 1
    assert abs(bias_gi) < abs(bias_cl)
    assert abs(bias_gi) < 0.04
    # GI standard error sqrt(2/n) zeta is close to the sampling spread
    assert np.std(z_gi) == pytest.approx(np.sqrt(2 / n), rel=0.25)


def test_cutoff_and_top():
    s = np.array([100, 50, 33, 25, 20, 10, 5.0])
    assert cs.rank_size(s, cutoff=20).n == 5
    assert cs.rank_size(s, top=4).cutoff == 25
    z, se = cs.hill(s, cutoff=20)
    assert z > 0 and se > 0
    t = cs.cutoff_table(s, [5, 20])
    assert t["n"].tolist() == [7, 5]


@pytest.mark.parametrize("kwargs,match", [
    (dict(sizes=[10, -1, 3]), "non-positive"),
    (dict(sizes=[10, np.nan, 3, 4]), "missing"),
    (dict(sizes=[10, 5, 3], cutoff=4), "only 2 cities"),
    (dict(sizes=[10, 5, 3, 2], cutoff=2, top=3), "either cutoff"),
    (dict(sizes=[10, 5, 3, 2], top=9), "exceeds"),
    (dict(sizes=[10, 5, 3, 2], shift=1.5), "shift"),
    (dict(sizes=[5, 5, 5, 5]), "all sizes are equal"),
    (dict(sizes="abc"), "string"),
])
def test_bad_inputs(kwargs, match):
    sizes = kwargs.pop("sizes")
    with pytest.raises(BookInputError, match=match):
        cs.rank_size(sizes, **kwargs)


def test_city_data_known_values():
    from book import data
    m = data.load("ontario_municipalities")
    assert len(m) == 414 and m["population_2021"].notna().all()
    assert m.loc[m.name == "Toronto", "population_2021"].item() == 2794356
    assert (m["population_2021"] >= 10_000).sum() == 151
    c = data.load("canada_cma_1996")
    assert c.year.nunique() == 5 and c.city.nunique() == 25
    assert c.query("year == 1996 and city == 'Toronto'")["population"].item() == 4444700.0
