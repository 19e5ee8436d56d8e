"""GS / LS NEG growth models: closed forms, stability, bad inputs."""
from dataclasses import replace

import numpy as np
import pytest

from book.errors import BookInputError
from book.theory import neg_growth as ng


def test_growth_closed_forms_known_values():
    p = ng.NEGGrowthParams()  # b=0.1, Lw=1, rho=0.05, lam=0.5
    assert ng.growth_closed_form(p) == pytest.approx(0.1 * 0.75 - 0.9 * 0.05)
    assert ng.growth_closed_form(p, "core") == pytest.approx(0.055)
    for s in (0.5, 1.0):
        where = "symmetric" if s == 0.5 else "core"
        assert ng.solve_steady_state(p, s)["g"] == pytest.approx(ng.growth_closed_form(p, where),
                                                                 abs=1e-10)
    assert ng.growth_at(p, 0.5) == pytest.approx(ng.growth_closed_form(p))


def test_global_spillovers_growth_is_location_free():
    p = ng.NEGGrowthParams(lam=1.0)
    assert ng.growth_closed_form(p) == pytest.approx(ng.growth_closed_form(p, "core"))
    # GS break point (1-kappa)/(1+kappa), kappa = rho/(Lw+rho)
    k = 0.05 / 1.05
    assert ng.break_point(p) == pytest.approx((1 - k) / (1 + k), abs=1e-7)


@pytest.mark.parametrize("lam", [0.2, 0.5, 0.8])
def test_break_point_numeric_matches_linearisation(lam):
    p = ng.NEGGrowthParams(lam=lam)
    phiB = ng.break_point_closed_form(p)
    assert ng.break_point(p) == pytest.approx(phiB, abs=1e-7)
    assert ng.symmetric_is_stable(replace(p, phi=phiB * 0.9))
    assert not ng.symmetric_is_stable(replace(p, phi=min(phiB * 1.1, 0.99)))


def test_stable_shares_and_paths():
    p = ng.NEGGrowthParams(lam=0.5)
    assert ng.stable_shares(replace(p, phi=0.1)) == [0.5]
    assert ng.stable_shares(replace(p, phi=0.6)) == [0.0, 1.0]
    t, s = ng.simulate_shares(replace(p, phi=0.6), s0=0.55, T=300)
    assert s[-1] > 0.99
    t, s = ng.simulate_shares(replace(p, phi=0.1), s0=0.7, T=300)
    assert abs(s[-1] - 0.5) < 1e-3
    assert np.all(np.diff(t) > 0)


def test_bad_inputs():
    with pytest.raises(BookInputError, match="lam"):
        ng.NEGGrowthParams(lam=1.5)
    with pytest.raises(BookInputError, match="phi"):
        ng.NEGGrowthParams(phi=0.0)
    with pytest.raises(BookInputError, match="no growth"):
        ng.NEGGrowthParams(b=0.01, lam=0.0)
    with pytest.raises(BookInputError, match="s_K"):
        ng.q_ratio(ng.NEGGrowthParams(), 1.2)
    with pytest.raises(BookInputError, match="where"):
        ng.growth_closed_form(ng.NEGGrowthParams(), "edge")
    with pytest.raises(BookInputError, match="s_K = 0.5"):
        ng.solve_steady_state(ng.NEGGrowthParams(), 0.3)
