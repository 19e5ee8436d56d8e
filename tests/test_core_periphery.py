"""Core-periphery solver (FKV 1999 ch. 4-5): equilibrium equations, closed forms, bad inputs."""
import numpy as np
import pytest
from badinput import BI, case_list, f, matrix_test

from book.errors import BookInputError
from book.theory import core_periphery as cp

PAIRS = [(5, 0.4), (4, 0.3), (6, 0.5), (3, 0.2), (10, 0.6)]


@pytest.mark.parametrize("sigma,mu,T", [(5, 0.4, 1.7), (4, 0.3, 1.2), (6, 0.5, 2.5), (2, 0.3, 10.0)])
def test_short_run_satisfies_every_equation(sigma, mu, T):
    lam = np.linspace(0, 1, 41)
    sr = cp.short_run(lam, sigma, mu, T)
    assert sr.residual < 1e-13
    assert cp.residuals(sr, sigma, mu, T).max() < 1e-13
    # income adds up: Y1 + Y2 = mu * (lam w1 + (1-lam) w2) + (1 - mu)
    np.testing.assert_allclose(sr.Y1 + sr.Y2, mu * (lam * sr.w1 + (1 - lam) * sr.w2) + 1 - mu,
                               atol=1e-14)


def test_symmetric_equilibrium_closed_form():
    sigma, mu, T = 5.0, 0.4, 1.7
    sr = cp.short_run(0.5, sigma, mu, T)
    assert sr.w1 == pytest.approx(1.0, abs=1e-14) and sr.w2 == pytest.approx(1.0, abs=1e-14)
    G = (0.5 * (1 + T ** (1 - sigma))) ** (1 / (1 - sigma))
    assert sr.G1 == pytest.approx(G, abs=1e-14)
    assert sr.gap == pytest.approx(0.0, abs=1e-15)


def test_wage_gap_antisymmetric():
    lam = np.linspace(0, 1, 21)
    g = cp.wage_gap(lam, 5, 0.4, 1.8)
    np.testing.assert_allclose(g, -g[::-1], atol=1e-14)


def test_core_periphery_wage_of_empty_region_matches_fkv_518():
    sigma, mu, T = 5.0, 0.4, 1.7
    sr = cp.short_run(1.0, sigma, mu, T)
    omega2_sigma = T ** (-mu * sigma) * ((1 + mu) / 2 * T ** (1 - sigma) + (1 - mu) / 2 * T ** (sigma - 1))
    assert sr.omega2 ** sigma == pytest.approx(omega2_sigma, rel=1e-13)
    assert sr.w1 == pytest.approx(1.0, abs=1e-14) and sr.G1 == pytest.approx(1.0, abs=1e-14)


@pytest.mark.parametrize("sigma,mu", PAIRS)
def test_break_point_numeric_matches_closed_form(sigma, mu):
    assert abs(cp.break_point_numeric(sigma, mu) - cp.break_point(sigma, mu)) < 1e-6


@pytest.mark.parametrize("sigma,mu", PAIRS)
def test_sustain_point_numeric_matches_condition(sigma, mu):
    assert abs(cp.sustain_point_numeric(sigma, mu) - cp.sustain_point(sigma, mu)) < 1e-6


def test_fkv_baseline_values_and_ordering():
    # sigma=5, mu=0.4 (FKV's figures): T_B ~ 1.63 < T_S ~ 1.81
    tb, ts = cp.break_point(5, 0.4), cp.sustain_point(5, 0.4)
    assert tb == pytest.approx(1.6265765617, abs=1e-9)
    assert ts == pytest.approx(1.8073127199, abs=1e-9)
    for s, m in PAIRS:
        assert 1 < cp.break_point(s, m) < cp.sustain_point(s, m)


def test_equilibria_and_stability_regimes():
    tb, ts = cp.break_point(5, 0.4), cp.sustain_point(5, 0.4)
    low = cp.equilibria(5, 0.4, tb - 0.1)        # agglomeration only
    assert [(e.lam, e.stable) for e in low] == [(0.0, True), (0.5, False), (1.0, True)]
    mid = cp.equilibria(5, 0.4, 0.5 * (tb + ts))  # both stable, two unstable interior ones
    assert [e.stable for e in mid] == [True, False, True, False, True]
    assert mid[1].lam == pytest.approx(1 - mid[3].lam, abs=1e-10)
    assert abs(cp.wage_gap(mid[1].lam, 5, 0.4, 0.5 * (tb + ts))) < 1e-12
    high = cp.equilibria(5, 0.4, ts + 0.1)       # dispersion only
    assert [(e.lam, e.stable) for e in high] == [(0.5, True)]


def test_tomahawk_frame():
    df = cp.tomahawk(5, 0.4, [1.3, 1.7, 2.2], n_grid=41)
    assert set(df.columns) == {"T", "lam", "stable"}
    assert df.query("T == 2.2")["lam"].tolist() == [0.5]


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma=1.0, mu=0.4, T=1.5), "sigma .* out of range"),
    (dict(sigma=0.5, mu=0.4, T=1.5), "sigma .* out of range"),
    (dict(sigma=5, mu=0.0, T=1.5), "mu .* out of range"),
    (dict(sigma=5, mu=1.0, T=1.5), "mu .* out of range"),
    (dict(sigma=5, mu=0.4, T=0.9), "T .* out of range"),
    (dict(sigma=2, mu=0.6, T=1.5), "no-black-hole"),
    (dict(sigma="five", mu=0.4, T=1.5), "must be a number"),
])
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(BookInputError, match=match):
        cp.short_run(0.5, **kwargs)


def test_black_hole_blocks_break_and_sustain_points():
    with pytest.raises(BookInputError, match="no-black-hole"):
        cp.break_point(2, 0.5)
    with pytest.raises(BookInputError, match="no-black-hole"):
        cp.sustain_point(2, 0.5)
    # the short run itself still exists when asked for explicitly
    assert cp.short_run(0.3, 2, 0.6, 1.5, allow_black_hole=True).residual < 1e-13


def test_bad_lambda_raises():
    with pytest.raises(BookInputError, match=r"must lie in \[0, 1\]"):
        cp.short_run(1.2, 5, 0.4, 1.5)
    with pytest.raises(BookInputError, match="NaN"):
        cp.short_run([0.2, np.nan], 5, 0.4, 1.5)
    with pytest.raises(BookInputError, match="within h"):
        cp.wage_gap_slope(0.0, 5, 0.4, 1.5)


# ----------------------------------------------------------------- agglomeration rent
@pytest.mark.parametrize("sigma,mu", [(5, 0.4), (4, 0.3), (6, 0.5), (3, 0.2)])
def test_rent_matches_solver_and_vanishes_at_ends(sigma, mu):
    for T in (1.05, 1.3, 1.6, 2.0):
        sr = cp.short_run(1.0, sigma, mu, T)
        assert cp.agglomeration_rent(T, sigma, mu) == pytest.approx(
            1 - float(sr.omega2) / float(sr.omega1), abs=1e-12)
    assert cp.agglomeration_rent(1.0, sigma, mu) == pytest.approx(0.0, abs=1e-15)
    assert cp.agglomeration_rent(cp.sustain_point(sigma, mu), sigma, mu) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("sigma,mu", [(5, 0.4), (4, 0.3), (6, 0.5), (10, 0.6)])
def test_rent_peak_is_sqrt_break_point(sigma, mu):
    from scipy.optimize import minimize_scalar

    ts = cp.sustain_point(sigma, mu)
    opt = minimize_scalar(lambda t: -cp.agglomeration_rent(t, sigma, mu), bounds=(1.0, ts),
                          method="bounded", options={"xatol": 1e-10})
    assert cp.rent_peak(sigma, mu) == pytest.approx(opt.x, abs=1e-6)
    assert cp.rent_peak(sigma, mu) == pytest.approx(np.sqrt(cp.break_point(sigma, mu)))


CASES, c = case_list()
T_ = "book.theory.core_periphery"
c(f"{T_}.agglomeration_rent", "T < 1", lambda: f(f"{T_}.agglomeration_rent")(0.5, 5, 0.4), BI,
  r"T must be finite and >= 1")
c(f"{T_}.agglomeration_rent", "sigma <= 1", lambda: f(f"{T_}.agglomeration_rent")(1.5, 1, 0.4),
  BI, r"needs sigma .* > 1")
c(f"{T_}.agglomeration_rent", "mu >= 1", lambda: f(f"{T_}.agglomeration_rent")(1.5, 5, 1.2), BI,
  r"needs mu .* < 1")
c(f"{T_}.agglomeration_rent", "black hole", lambda: f(f"{T_}.agglomeration_rent")(1.5, 2, 0.6),
  BI, r"no-black-hole")
c(f"{T_}.rent_peak", "sigma < 1", lambda: f(f"{T_}.rent_peak")(0.9, 0.4), BI, r"needs sigma")
c(f"{T_}.rent_peak", "mu < 0", lambda: f(f"{T_}.rent_peak")(5, -0.1), BI, r"needs mu")

test_bad_input = matrix_test(CASES)
