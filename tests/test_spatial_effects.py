"""book.spatial.effects: LeSage-Pace effects against the dense inverse, Monte Carlo traces."""
import geopandas as gpd
import numpy as np
import pytest
from badinput import BI, NAN, W, case_list, f, matrix_test
from shapely.geometry import box

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
  r"rho=1.0 is out of")
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
    1.5, [1.0], np.eye(2) * 0.01, W(), draws=100), BI, r"rho=1.5 is out of")
c(f"{S}.effects_inference", "nan cov", lambda: f(f"{S}.effects_inference")(
    0.3, [1.0], np.full((2, 2), NAN), W(), draws=100), BI, r"cov")

test_bad_input = matrix_test(CASES)
