"""book.spatial.effects: LeSage-Pace effects against the dense inverse, Monte Carlo traces."""
import geopandas as gpd
import numpy as np
import pytest
from badinput import BI, NAN, W, case_list, f, matrix_test
from shapely.geometry import box

from book.errors import BookInputError
from book.spatial import effects as spe
from book.spatial import weights as spw


def grid_w(nx=4, ny=4):
    cells = [box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)]
    g = gpd.GeoDataFrame({"rid": [f"r{k}" for k in range(len(cells))]}, geometry=cells, crs=3857)
    return spw.weights_for(g, "rid")


def test_spatial_lag_effects_equal_the_analytic_inverse():
    """Effects of y = rho W y + X b + W X theta: compare with (I - rho W)^-1 computed densely."""
    w = grid_w()
    Wd = spw.as_sparse(w).toarray()
    rho, b, th = 0.45, np.array([1.5, -0.7]), np.array([0.3, 0.2])
    S = np.linalg.inv(np.eye(16) - rho * Wd)
    direct = [np.trace(S @ (bk * np.eye(16) + tk * Wd)) / 16 for bk, tk in zip(b, th, strict=True)]
    total = [(S @ (bk * np.eye(16) + tk * Wd)).sum() / 16 for bk, tk in zip(b, th, strict=True)]
    for method in ("dense", "traces"):
        e = spe.lag_effects(rho, b, w, theta=th, method=method, m=80)
        tol = 1e-10 if method == "dense" else 1e-6  # exact traces for N <= 400, series to 80 terms
        np.testing.assert_allclose(e["direct"], direct, atol=tol)
        np.testing.assert_allclose(e["total"], total, atol=tol)
        np.testing.assert_allclose(e["indirect"], np.array(total) - direct, atol=tol)
    # pure lag model with row-standardised W: total = b / (1 - rho) (LeSage & Pace 2009, p. 38)
    np.testing.assert_allclose(spe.lag_effects(rho, b, w)["total"], b / (1 - rho))


def test_monte_carlo_traces_close_to_exact():
    Wm = spw.synthetic_weights(300, k=5)
    ex = spe.trace_powers(Wm, 10, method="exact")
    mc = spe.trace_powers(Wm, 10, method="mc", draws=200)
    assert mc[0] == ex[0] and mc[1] == pytest.approx(ex[1]) and mc[2] == pytest.approx(ex[2])
    np.testing.assert_allclose(mc[3:], ex[3:], rtol=0.15, atol=3.0)


def test_effects_inference_centres_on_point_estimate():
    w = grid_w()
    cov = np.diag([0.01, 0.01, 0.001])
    out = spe.effects_inference(0.3, [1.0, 0.5], cov, w, draws=400)
    tot = out[(out.effect == "total") & (out.variable == "x1")].iloc[0]
    assert tot["estimate"] == pytest.approx(1 / 0.7)
    assert tot["lo95"] < tot["estimate"] < tot["hi95"] and tot["sd"] > 0


def test_rho_outside_the_admissible_interval_is_refused():
    """issue 11: an unstandardised W with rho = 0.5 gave a direct effect of 2.9e15."""
    from book import data

    wb = spw.weights_for(data.load("us48_geometry"), "state", standardise=False)
    lo, hi = spw.rho_interval(wb)
    assert hi < 0.5
    with pytest.raises(BookInputError, match=r"rho=0.5 is outside the admissible interval"):
        spe.lag_effects(0.5, [1.0], wb)
    e = spe.lag_effects(0.9 * hi, [1.0], wb)      # inside: finite and positive
    assert np.isfinite(e.to_numpy()).all() and (e["total"] > 0).all()
    w = grid_w()                                  # queen lattice: 1/lambda_min < -1
    lo = spw.rho_interval(w)[0]
    assert lo < -1
    spe.lag_effects(-1.0, [1.0], w)               # admissible for this W although |rho| = 1
    with pytest.raises(BookInputError, match="outside the admissible"):
        spe.lag_effects(lo - 0.05, [1.0], w)


def test_spectral_draw_terms_equal_the_inverse():
    w = grid_w(5, 4)
    Wm = spw.as_matrix(w)
    spec = spe._spectral(Wm)
    for r in (-0.7, 0.2, 0.93):
        A = np.linalg.inv(np.eye(20) - r * Wm.toarray())
        want = (np.trace(A) / 20, np.trace(A @ Wm.toarray()) / 20, A.sum() / 20,
                (A @ Wm.toarray()).sum() / 20)
        np.testing.assert_allclose(spe._spectral_terms(spec, r, 20), want, rtol=1e-10)


def test_draws_outside_the_interval_are_redrawn_and_reported():
    w = grid_w()
    out = spe.effects_inference(0.9, [1.0], np.diag([0.01, 0.01]), w, draws=400)
    assert (out["redrawn"] > 0).all() and (out["draws"] == 400).all()
    tot = out.set_index("effect").loc["total"]
    assert np.isfinite(tot["hi95"]) and tot["lo95"] > 0


@pytest.mark.slow
def test_conclusions_do_not_flip_across_seeds():
    """issue 13: the SDM total effect of density on US growth 1970-86 had normal p-values from
    0.03 to 0.94 across seeds. The percentile interval and the simulation p-value give the same
    verdict at 5 % for ten seeds (4,000 draws each)."""
    import pandas as pd

    from book import data
    from book.spatial import models as spm

    inc = data.load("us_income").pivot(index="state", columns="year", values="income")
    emp = data.load("munnell_produc").query("year == 1970").set_index("state")["emp"]
    area = data.load("us_states_1977").set_index("state")["area_sqmi"]
    d = pd.DataFrame({"growth": 100 * np.log(inc[1986] / inc[1970]) / 16,
                      "ln_y0": np.log(inc[1970])})
    d["dens"] = np.log(1000 * emp / area).reindex(d.index)
    w = spw.weights_for(data.load("us48_geometry"), "state")
    m = spm.fit(d.reset_index(), w, id_col="state", y="growth", x=["ln_y0", "dens"], model="SDM")
    verdicts = set()
    for seed in range(10):
        e = m.effects(draws=4000, seed_offset=seed).set_index(["variable", "effect"])
        tot, ind = e.loc[("dens", "total")], e.loc[("dens", "indirect")]
        verdicts.add((tot["p"] < 0.05, tot["lo95"] > 0, ind["p"] < 0.05,
                      ind["lo95"] > 0 or ind["hi95"] < 0))
    assert verdicts == {(True, True, False, False)}


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
S = "book.spatial.effects"
c(f"{S}.trace_powers", "m < 2", lambda: f(f"{S}.trace_powers")(W(), m=1), BI, r"m \(number of powers\)")
c(f"{S}.trace_powers", "bad method", lambda: f(f"{S}.trace_powers")(W(), method="fast"), BI,
  r"method must be")
c(f"{S}.trace_powers", "non-square", lambda: f(f"{S}.trace_powers")(np.ones((2, 3))), BI,
  r"square")
c(f"{S}.trace_powers", "draws 0", lambda: f(f"{S}.trace_powers")(W(), method="mc", draws=0), BI,
  r"draws")
c(f"{S}.lag_effects", "rho = 1", lambda: f(f"{S}.lag_effects")(1.0, [1.0], W()), BI,
  r"rho=1.0 is outside the admissible interval")
c(f"{S}.lag_effects", "theta length", lambda: f(f"{S}.lag_effects")(0.3, [1.0, 2.0], W(),
                                                                      theta=[1.0]), BI,
  r"theta has 1 entries, beta 2")
c(f"{S}.lag_effects", "names length", lambda: f(f"{S}.lag_effects")(0.3, [1.0], W(),
                                                                      names=["a", "b"]), BI,
  r"names has 2 entries")
c(f"{S}.lag_effects", "nan beta", lambda: f(f"{S}.lag_effects")(0.3, [NAN], W()), BI, r"beta contains")
c(f"{S}.lag_effects", "non-square W", lambda: f(f"{S}.lag_effects")(0.2, [1.0], np.ones((3, 4))),
  BI, r"square")
c(f"{S}.effects_inference", "cov shape", lambda: f(f"{S}.effects_inference")(
    0.3, [1.0], np.eye(3), W(), draws=100), BI, r"cov must be 2 x 2")
c(f"{S}.effects_inference", "draws < 100", lambda: f(f"{S}.effects_inference")(
    0.3, [1.0], np.eye(2) * 0.01, W(), draws=10), BI, r"draws must be an int >= 100")
c(f"{S}.effects_inference", "rho outside the interval", lambda: f(f"{S}.effects_inference")(
    1.5, [1.0], np.eye(2) * 0.01, W(), draws=100), BI, r"rho=1.5 is outside the admissible interval")
c(f"{S}.effects_inference", "nan cov", lambda: f(f"{S}.effects_inference")(
    0.3, [1.0], np.full((2, 2), NAN), W(), draws=100), BI, r"cov")

c(f"{S}.lag_effects", "rho above 1/lambda_max of an unstandardised W", lambda: f(f"{S}.lag_effects")(
    0.5, [1.0], __import__("badinput").W_binary()), BI, r"rho=0.5 is outside the admissible interval")
c(f"{S}.check_rho", "rho below 1/lambda_min", lambda: f(f"{S}.check_rho")(-1.5, W()), BI,
  r"rho=-1.5 is outside the admissible interval \(-1, 1\)")
c(f"{S}.check_rho", "text", lambda: f(f"{S}.check_rho")("0.3", np.ones((2, 3))), BI, r"square|number")
c(f"{S}.admissible_interval", "no links", lambda: f(f"{S}.admissible_interval")(np.zeros((3, 3))),
  BI, r"no links")
c(f"{S}.effects_inference", "rho distribution outside the interval", lambda: f(
    f"{S}.effects_inference")(0.99, [1.0], np.diag([0.01, 25.0]), W(), draws=100), BI,
  r"lies mostly outside the admissible interval")

test_bad_input = matrix_test(CASES)
