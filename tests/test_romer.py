"""Romer (1990): closed form vs numerical equilibrium, comparative statics, bad inputs."""
import numpy as np
import pytest

from book.errors import BookInputError
from book.theory import romer


def test_closed_form_known_value():
    # alpha=beta=0.35 -> Lambda = 0.35/(0.3*0.7) = 5/3; g = (0.1 - 5/3*0.02)/(1.5*5/3 + 1) = 2/105
    p = romer.RomerParams()
    assert p.Lambda == pytest.approx(5 / 3)
    bg = romer.balanced_growth(p)
    assert bg["g"] == pytest.approx(2 / 105, rel=1e-12)
    assert bg["r"] == pytest.approx(p.rho + p.sigma * bg["g"])
    assert bg["H_A"] + bg["H_Y"] == pytest.approx(p.H)
    # g = delta H - Lambda r (Romer 1990, sec. V)
    assert bg["g"] == pytest.approx(p.delta * p.H - p.Lambda * bg["r"])


@pytest.mark.parametrize("kw", [{}, {"alpha": 0.2, "beta": 0.5}, {"sigma": 1.0, "H": 3.0},
                                {"rho": 0.05, "delta": 0.2}])
def test_numeric_equilibrium_matches_closed_form(kw):
    p = romer.RomerParams(**kw)
    cf, num = romer.balanced_growth(p), romer.solve_equilibrium(p)
    for k in ("g", "r", "H_A"):
        assert num[k] == pytest.approx(cf[k], rel=1e-8)
    assert abs(romer.wage_gap(p, cf["H_Y"], cf["r"])) < 1e-10


def test_simulation_growth_and_comparative_statics():
    p = romer.RomerParams()
    sim = romer.simulate(p, T=100, dt=0.05)
    assert sim["g_sim"] == pytest.approx(romer.balanced_growth(p)["g"], rel=1e-8)
    # K/Y constant on the balanced path
    ky = sim["K"] / sim["Y"]
    assert np.allclose(ky, ky[0])
    g = romer.growth_curve(p, [0.1, 0.5, 1.0, 2.0])
    assert g[0] == 0 and np.all(np.diff(g[1:]) > 0)


def test_bad_inputs():
    with pytest.raises(BookInputError, match="alpha \\+ beta"):
        romer.RomerParams(alpha=0.6, beta=0.5)
    with pytest.raises(BookInputError, match="delta"):
        romer.RomerParams(delta=-0.1)
    with pytest.raises(BookInputError, match="research is not profitable"):
        romer.balanced_growth(romer.RomerParams(H=0.1))
    with pytest.raises(BookInputError, match="RomerParams"):
        romer.balanced_growth({"alpha": 0.3})
    with pytest.raises(BookInputError, match="non-positive"):
        romer.growth_curve(romer.RomerParams(), [-1.0, 1.0])
