"""Chapter 7 helpers: weights suite on the 48 states, agglomeration rent closed form, bad inputs."""
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from book import assessment as asm
from book import data
from book.errors import BookInputError
from book.theory import core_periphery as cp


@pytest.fixture(scope="module")
def states():
    return data.load("us48_geometry")


def test_weights_suite_us48(states):
    suite = asm.weights_suite(states, "state")
    assert list(suite) == list(asm.DEFAULT_SPECS)
    d = asm.describe_weights(suite)
    for k in (4, 6, 8):
        assert d.loc[f"knn{k}", "min"] == k and d.loc[f"knn{k}", "max"] == k
    # the minimal band leaves nobody isolated; inverse distance links every pair
    assert d.loc["distance band", "min"] >= 1
    assert d.loc["inverse distance", "mean neighbours"] == 47
    # every matrix is keyed by the same ids and row-standardised
    for w in suite.values():
        assert set(w.id_order) == set(states["state"])
        np.testing.assert_allclose(np.asarray(w.sparse.sum(axis=1)).ravel(), 1.0)
    # more neighbours -> smaller second-order feedback tr(W^2)/N
    assert d.loc["knn4", "tr(W²)/N"] > d.loc["knn8", "tr(W²)/N"] > d.loc["inverse distance", "tr(W²)/N"]


def test_min_band_is_largest_nearest_neighbour_distance(states):
    thr = asm.min_band(states, "state")
    suite = asm.weights_suite(states, "state", ["distance band"], band_factor=1.0001)
    assert suite["distance band"].threshold_m == pytest.approx(1.0001 * thr)
    from book.spatial import weights_for
    with pytest.raises(BookInputError, match="no neighbour"):
        weights_for(states, "state", kind="distance_band", threshold=0.99 * thr)


def test_weights_suite_bad_inputs(states):
    with pytest.raises(BookInputError, match="unknown weights spec"):
        asm.weights_suite(states, "state", ["queen", "hexagon"])
    with pytest.raises(BookInputError, match="specs is empty"):
        asm.weights_suite(states, "state", [])
    with pytest.raises(BookInputError, match="band_factor must be >= 1"):
        asm.weights_suite(states, "state", ["distance band"], band_factor=0.5)
    with pytest.raises(BookInputError, match="no column"):
        asm.min_band(states, "nope")
    with pytest.raises(BookInputError, match="non-empty dict"):
        asm.describe_weights({})


def test_relative_spread():
    assert asm.relative_spread([1.0, 2.0, 3.0]) == pytest.approx(1.0)
    with pytest.raises(BookInputError, match="at least two"):
        asm.relative_spread([1.0])
    with pytest.raises(BookInputError, match="average exactly zero"):
        asm.relative_spread([-1.0, 1.0])


@pytest.mark.parametrize("sigma,mu", [(5, 0.4), (4, 0.3), (6, 0.5), (3, 0.2)])
def test_rent_matches_solver_and_vanishes_at_ends(sigma, mu):
    for T in (1.05, 1.3, 1.6, 2.0):
        sr = cp.short_run(1.0, sigma, mu, T)
        assert asm.agglomeration_rent(T, sigma, mu) == pytest.approx(
            1 - float(sr.omega2) / float(sr.omega1), abs=1e-12)
    assert asm.agglomeration_rent(1.0, sigma, mu) == pytest.approx(0.0, abs=1e-15)
    assert asm.agglomeration_rent(cp.sustain_point(sigma, mu), sigma, mu) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("sigma,mu", [(5, 0.4), (4, 0.3), (6, 0.5), (10, 0.6)])
def test_rent_peak_is_sqrt_break_point(sigma, mu):
    ts = cp.sustain_point(sigma, mu)
    opt = minimize_scalar(lambda t: -asm.agglomeration_rent(t, sigma, mu), bounds=(1.0, ts),
                          method="bounded", options={"xatol": 1e-10})
    assert asm.rent_peak(sigma, mu) == pytest.approx(opt.x, abs=1e-6)
    assert asm.rent_peak(sigma, mu) == pytest.approx(np.sqrt(cp.break_point(sigma, mu)))


def test_rent_bad_inputs():
    with pytest.raises(BookInputError, match=">= 1"):
        asm.agglomeration_rent([0.5, 1.2], 5, 0.4)
    with pytest.raises(BookInputError, match="no-black-hole"):
        asm.agglomeration_rent(1.5, 2, 0.6)
    with pytest.raises(BookInputError, match="sigma"):
        asm.agglomeration_rent(1.5, 0.5, 0.4)
