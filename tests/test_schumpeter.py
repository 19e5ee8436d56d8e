"""Aghion-Howitt (1992): arbitrage equation, Monte Carlo growth, planner, bad inputs."""
import numpy as np
import pytest

from book.errors import BookInputError
from book.theory import schumpeter as ah


def test_closed_form_known_value():
    # lam=0.12, gamma=1.5, alpha=0.5, L=1, r=0.08: k = 1.5, n = (1.5 - 2/3)/2.5 = 1/3
    p = ah.AHParams()
    ss = ah.steady_state(p)
    assert ss["n"] == pytest.approx(1 / 3)
    assert ss["g"] == pytest.approx(0.12 / 3 * np.log(1.5))
    assert ah.arbitrage_gap(p, ss["n"]) == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("kw", [{}, {"gamma": 2.0}, {"alpha": 0.3, "r": 0.02}, {"L": 5.0}])
def test_numeric_root_matches_closed_form(kw):
    p = ah.AHParams(**kw)
    assert ah.solve_steady_state(p)["n"] == pytest.approx(ah.steady_state(p)["n"], rel=1e-9)


def test_monte_carlo_growth():
    p = ah.AHParams()
    sim = ah.simulate(p, T=500, n_paths=400)
    assert abs(sim["g_mean"] - sim["g"]) < 4 * sim["g_se"]
    t, lnA = ah.sample_path(p, T=50)
    assert np.all(np.diff(t) > 0) and lnA[-1] == pytest.approx(len(t) * np.log(1.5))


def test_planner_and_comparative_statics():
    p = ah.AHParams()
    assert ah.planner(p)["n"] == pytest.approx((0.06 - 0.04) / (0.06 * 0.5))
    # more research when innovations are bigger or researchers more productive
    assert ah.steady_state(ah.AHParams(gamma=1.8))["n"] > ah.steady_state(p)["n"]
    assert ah.steady_state(ah.AHParams(r=0.02))["n"] > ah.steady_state(p)["n"]


def test_bad_inputs():
    with pytest.raises(BookInputError, match="gamma"):
        ah.AHParams(gamma=0.9)
    with pytest.raises(BookInputError, match="does not pay"):
        ah.steady_state(ah.AHParams(r=1.0))
    with pytest.raises(BookInputError, match="unbounded"):
        ah.planner(ah.AHParams(lam=1.0))
    with pytest.raises(BookInputError, match="n_paths"):
        ah.simulate(ah.AHParams(), n_paths=1)


def test_planner_numeric_matches_closed_form():
    p = ah.AHParams()
    assert ah.planner_numeric(p)["n"] == pytest.approx(ah.planner(p)["n"], abs=1e-6)
    with pytest.raises(BookInputError, match="unbounded"):
        ah.welfare(ah.AHParams(lam=1.0), 0.9)
