"""book.spatial against known answers (closed forms, spreg's documented example) and bad inputs."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from book import data
from book import spatial as bs
from book.errors import BookInputError


def grid(nx=3, ny=3, island=False):
    """A small lattice of unit squares with string ids (plus an optional detached square)."""
    cells = [box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)]
    ids = [f"r{k}" for k in range(len(cells))]
    if island:
        cells.append(box(10, 10, 11, 11))
        ids.append("island")
    return gpd.GeoDataFrame({"rid": ids}, geometry=cells, crs=3857)


@pytest.fixture(scope="module")
def us():
    return data.load("us48_geometry")


def test_contiguity_symmetric_before_and_rows_sum_to_one_after(us):
    w0 = bs.weights_for(us, "state", standardise=False)
    assert w0.n == 48 and bs.is_symmetric(w0)
    w = bs.weights_for(us, "state")
    rs = np.asarray(bs.as_sparse(w).sum(axis=1)).ravel()
    np.testing.assert_allclose(rs, 1.0)
    assert not bs.is_symmetric(w)


def test_queen_matches_registered_states48_gal(us):
    """Our queen contiguity from the polygons equals PySAL's states48.gal exactly.

    The .gal file is keyed "0".."47" by the row order of usjoin.csv (alphabetical), NOT by the
    row order of us48.shp: read in shapefile order it would wire 392 wrong links. This is the
    trap explicit id joins avoid.
    """
    import libpysal

    w = bs.weights_for(us, "state", standardise=False)
    gal = libpysal.io.open(str(data.fetch("us48_geometry", "states48.gal"))).read()
    csv_order = pd.read_csv(data.fetch("us_income", "usjoin.csv"))["Name"].tolist()
    name = {k: csv_order[int(k)] for k in gal.id_order}
    gal_pairs = {(name[i], name[j]) for i in gal.neighbors for j in gal.neighbors[i]}
    ours = {(i, j) for i in w.neighbors for j in w.neighbors[i]}
    assert gal_pairs == ours
    shp_order = gpd.read_file(data.fetch("us48_geometry", "us48.shp"))["STATE_NAME"].tolist()
    wrong = {(shp_order[int(i)], shp_order[int(j)]) for i in gal.neighbors for j in gal.neighbors[i]}
    assert len(wrong ^ ours) > 300


def test_rook_is_subset_of_queen_on_grid():
    g = grid()
    q = bs.weights_for(g, "rid", "queen", standardise=False)
    r = bs.weights_for(g, "rid", "rook", standardise=False)
    assert q.neighbors["r4"] and len(q.neighbors["r4"]) == 8 and len(r.neighbors["r4"]) == 4
    assert set(r.neighbors["r0"]) == {"r1", "r3"}


def test_knn_and_distance_kinds(us):
    w = bs.weights_for(us, "state", "knn", k=5)
    assert all(len(v) == 5 for v in w.neighbors.values())
    d = bs.weights_for(us, "state", "inverse_distance", crs=5070)
    m = bs.as_sparse(d)
    np.testing.assert_allclose(np.asarray(m.sum(axis=1)).ravel(), 1.0)
    b = bs.weights_for(us, "state", "distance_band", threshold=900_000, crs=5070)
    assert b.n == 48


def test_islands_are_reported():
    g = grid(island=True)
    with pytest.raises(BookInputError, match=r"no neighbour.*island"):
        bs.weights_for(g, "rid")
    with pytest.warns(UserWarning, match="island"):
        w = bs.weights_for(g, "rid", on_islands="warn")
    assert bs.islands(w) == ["island"]


def test_bad_weight_inputs(us):
    with pytest.raises(BookInputError, match="kind must be one of"):
        bs.weights_for(us, "state", "hexagon")
    with pytest.raises(BookInputError, match="lacks column"):
        bs.weights_for(us, "nope")
    dup = pd.concat([us, us.iloc[[0]]], ignore_index=True)
    with pytest.raises(BookInputError, match="duplicated id"):
        bs.weights_for(dup, "state")
    with pytest.raises(BookInputError, match="threshold="):
        bs.weights_for(us, "state", "distance_band")
    with pytest.raises(BookInputError, match="GeoDataFrame"):
        bs.weights_for(pd.DataFrame(us.drop(columns="geometry")), "state")


def test_align_reorders_by_id_and_rejects_mismatch(us):
    w = bs.weights_for(us, "state")
    df = pd.DataFrame({"state": list(reversed(w.id_order)), "v": np.arange(48.0)})
    out = bs.align(df, w, "state")
    assert list(out["state"]) == list(w.id_order)
    assert out.loc[0, "v"] == 47.0
    with pytest.raises(BookInputError, match="only in data.*only in weights"):
        bs.align(df.replace({"state": {"Texas": "Tejas"}}), w, "state")
    with pytest.raises(BookInputError, match="only in weights"):
        bs.align(df.iloc[1:], w, "state")
    with pytest.raises(BookInputError, match="duplicated id"):
        bs.align(pd.concat([df, df.iloc[[3]]]), w, "state")


def test_moran_by_period_matches_esda_and_null_expectation(us):
    import esda

    w = bs.weights_for(us, "state")
    inc = data.load("us_income")
    sub = inc[inc["year"].isin([1929, 2009])]
    m = bs.moran_by_period(sub, w, id_col="state", time="year", value="income", permutations=99)
    y = bs.align(sub[sub.year == 1929], w, "state")["income"].to_numpy()
    assert m.loc[1929, "I"] == pytest.approx(esda.Moran(y, w, permutations=0).I)
    assert m.loc[1929, "EI"] == pytest.approx(-1 / 47)  # Cliff-Ord null expectation
    with pytest.raises(BookInputError, match="permutations"):
        bs.moran_by_period(sub, w, id_col="state", time="year", value="income", permutations=5)


def test_lisa_labels(us):
    w = bs.weights_for(us, "state")
    inc = data.load("us_income")
    lz = bs.lisa(inc[inc.year == 1929], w, id_col="state", value="income", permutations=99)
    assert set(lz["cluster"]) <= {"HH", "LH", "LL", "HL", "ns"}
    assert (lz.loc[lz.p_sim > 0.05, "cluster"] == "ns").all()
    assert lz.set_index("state").loc["Mississippi", "quadrant"] == "LL"


def test_spatial_lag_effects_equal_the_analytic_inverse():
    """Effects of y = rho W y + X b + W X theta: compare with (I - rho W)^-1 computed densely."""
    g = grid(4, 4)
    w = bs.weights_for(g, "rid")
    W = bs.as_sparse(w).toarray()
    rho, b, th = 0.45, np.array([1.5, -0.7]), np.array([0.3, 0.2])
    S = np.linalg.inv(np.eye(16) - rho * W)
    direct = [np.trace(S @ (bk * np.eye(16) + tk * W)) / 16 for bk, tk in zip(b, th, strict=True)]
    total = [(S @ (bk * np.eye(16) + tk * W)).sum() / 16 for bk, tk in zip(b, th, strict=True)]
    for method in ("dense", "traces"):
        e = bs.lag_effects(rho, b, w, theta=th, method=method, m=80)
        tol = 1e-10 if method == "dense" else 1e-6  # exact traces for N <= 400, series to 80 terms
        np.testing.assert_allclose(e["direct"], direct, atol=tol)
        np.testing.assert_allclose(e["total"], total, atol=tol)
        np.testing.assert_allclose(e["indirect"], np.array(total) - direct, atol=tol)
    # pure lag model with row-standardised W: total = b / (1 - rho) (LeSage & Pace 2009, p. 38)
    e = bs.lag_effects(rho, b, w)
    np.testing.assert_allclose(e["total"], b / (1 - rho))


def test_monte_carlo_traces_close_to_exact():
    W = bs.synthetic_weights(300, k=5)
    ex = bs.trace_powers(W, 10, method="exact")
    mc = bs.trace_powers(W, 10, method="mc", draws=200)
    assert mc[0] == ex[0] and mc[1] == pytest.approx(ex[1]) and mc[2] == pytest.approx(ex[2])
    np.testing.assert_allclose(mc[3:], ex[3:], rtol=0.15, atol=3.0)


def test_effects_bad_inputs():
    W = bs.synthetic_weights(50)
    with pytest.raises(BookInputError, match="rho"):
        bs.lag_effects(1.2, [1.0], W)
    with pytest.raises(BookInputError, match="one WX coefficient"):
        bs.lag_effects(0.2, [1.0, 2.0], W, theta=[1.0])
    with pytest.raises(BookInputError, match="cov must be"):
        bs.effects_inference(0.2, [1.0], np.eye(3), W)
    with pytest.raises(BookInputError, match="square"):
        bs.lag_effects(0.2, [1.0], np.ones((3, 4)))


def test_effects_inference_centres_on_point_estimate():
    g = grid(4, 4)
    w = bs.weights_for(g, "rid")
    cov = np.diag([0.01, 0.01, 0.001])
    out = bs.effects_inference(0.3, [1.0, 0.5], cov, w, draws=400)
    tot = out[(out.effect == "total") & (out.variable == "x1")].iloc[0]
    assert tot["estimate"] == pytest.approx(1 / 0.7)
    assert tot["lo95"] < tot["estimate"] < tot["hi95"] and tot["sd"] > 0


def test_ml_lag_matches_spreg_documented_baltimore_example():
    """spreg's ML_Lag docstring: Baltimore house prices, queen weights -> rho = 0.425885."""
    import libpysal

    # the docstring's output was produced with the shipped baltim_q.gal (keyed by STATION)
    w = libpysal.io.open(libpysal.examples.get_path("baltim_q.gal")).read()
    w.transform = "r"
    g = gpd.read_file(libpysal.examples.get_path("baltim.shp"))
    g["sid"] = g["STATION"].astype(int).astype(str)
    x = ["NROOM", "NBATH", "PATIO", "FIREPL", "AC", "GAR", "AGE", "LOTSZ", "SQFT"]
    fit = bs.spatial_models(pd.DataFrame(g.drop(columns="geometry")).iloc[::-1], w,
                            id_col="sid", y="PRICE", x=x)  # reversed rows: ids do the join
    lag = fit.coefficients.query("model == 'spatial lag'").set_index("term")
    assert lag.loc["rho", "coef"] == pytest.approx(0.425885, abs=1e-5)
    assert lag.loc["CONSTANT", "coef"] == pytest.approx(4.3675, abs=1e-4)
    assert lag.loc["SQFT", "coef"] == pytest.approx(0.0794, abs=1e-4)
    assert lag.loc["rho", "se"] == pytest.approx(0.057, abs=1e-3)
    assert fit.models["lag"].logll == pytest.approx(-832.937174, abs=1e-4)
    assert set(fit.diagnostics.index) >= {"LM error", "robust LM lag"}
