"""book.spatial.weights: contiguity vs PySAL's .gal, ids not row order, islands, the suite."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from badinput import BI, CROSS, GDF, IDS, NAN, W, W_island, case_list, f, matrix_test
from shapely.geometry import box

from book import data
from book.errors import BookInputError
from book.spatial import weights as spw


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
    w0 = spw.weights_for(us, "state", standardise=False)
    assert w0.n == 48 and spw.is_symmetric(w0)
    w = spw.weights_for(us, "state")
    rs = np.asarray(spw.as_sparse(w).sum(axis=1)).ravel()
    np.testing.assert_allclose(rs, 1.0)
    assert not spw.is_symmetric(w)


def test_queen_matches_registered_states48_gal(us):
    """Our queen contiguity from the polygons equals PySAL's states48.gal exactly.

    The .gal file is keyed "0".."47" by the row order of usjoin.csv (alphabetical), NOT by the
    row order of us48.shp: read in shapefile order it would wire 392 wrong links. This is the
    trap explicit id joins avoid.
    """
    import libpysal

    w = spw.weights_for(us, "state", standardise=False)
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
    q = spw.weights_for(g, "rid", "queen", standardise=False)
    r = spw.weights_for(g, "rid", "rook", standardise=False)
    assert q.neighbors["r4"] and len(q.neighbors["r4"]) == 8 and len(r.neighbors["r4"]) == 4
    assert set(r.neighbors["r0"]) == {"r1", "r3"}


def test_knn_and_distance_kinds(us):
    w = spw.weights_for(us, "state", "knn", k=5)
    assert all(len(v) == 5 for v in w.neighbors.values())
    d = spw.weights_for(us, "state", "inverse_distance", crs=5070)
    np.testing.assert_allclose(np.asarray(spw.as_sparse(d).sum(axis=1)).ravel(), 1.0)
    b = spw.weights_for(us, "state", "distance_band", threshold=900_000, crs=5070)
    assert b.n == 48


def test_islands_are_reported():
    g = grid(island=True)
    with pytest.raises(BookInputError, match=r"no neighbour.*island"):
        spw.weights_for(g, "rid")
    with pytest.warns(UserWarning, match="island"):
        w = spw.weights_for(g, "rid", on_islands="warn")
    assert spw.islands(w) == ["island"]
    with pytest.raises(BookInputError, match="island"):
        spw.check_w(w, no_islands=True)
    with pytest.warns(UserWarning, match="linked 1 island"):
        wn = spw.weights_for(g, "rid", on_islands="nearest")
    assert wn.attached_islands == {"island": "r8"} and not spw.islands(wn)
    assert "island" in wn.neighbors["r8"] and wn.neighbors["island"] == ["r8"]


def test_align_reorders_by_id_and_rejects_mismatch(us):
    w = spw.weights_for(us, "state")
    df = pd.DataFrame({"state": list(reversed(w.id_order)), "v": np.arange(48.0)})
    out = spw.align(df, w, "state")
    assert list(out["state"]) == list(w.id_order)
    assert out.loc[0, "v"] == 47.0
    with pytest.raises(BookInputError, match="only in data.*only in weights"):
        spw.align(df.replace({"state": {"Texas": "Tejas"}}), w, "state")
    with pytest.raises(BookInputError, match="only in weights"):
        spw.align(df.iloc[1:], w, "state")


def test_rho_interval_from_extreme_eigenvalues():
    """Row-standardised W: upper end 1; lower end 1/lambda_min, checked densely and by ARPACK."""
    w = spw.weights_for(grid(4, 4), "rid", "rook")
    lo, hi = spw.rho_interval(w)
    ev = np.linalg.eigvals(spw.as_sparse(w).toarray()).real
    assert hi == pytest.approx(1.0) and lo == pytest.approx(1 / ev.min())
    # a bipartite lattice (rook) has lambda_min = -1 exactly
    assert lo == pytest.approx(-1.0)
    big = spw.synthetic_weights(450, k=6)  # N > 400: ARPACK path
    lo_s, hi_s = spw.rho_interval(big)
    ev = np.linalg.eigvals(big.toarray())
    real = ev.real[np.abs(ev.imag) < 1e-8]
    assert hi_s == pytest.approx(1 / real.max(), rel=1e-6)
    assert lo_s == pytest.approx(1 / real.min(), rel=1e-4)
    # binary contiguity: 1/lambda_max < 1
    wb = spw.weights_for(grid(4, 4), "rid", "rook", standardise=False)
    assert spw.rho_interval(wb)[1] < 0.5


def test_weights_suite_us48(us):
    suite = spw.weights_suite(us, "state")
    assert list(suite) == list(spw.DEFAULT_SPECS)
    d = spw.describe_weights(suite)
    for k in (4, 6, 8):
        assert d.loc[f"knn{k}", "min"] == k and d.loc[f"knn{k}", "max"] == k
    assert d.loc["distance band", "min"] >= 1
    assert d.loc["inverse distance", "mean neighbours"] == 47
    for w in suite.values():
        assert set(w.id_order) == set(us["state"])
        np.testing.assert_allclose(np.asarray(w.sparse.sum(axis=1)).ravel(), 1.0)
    assert d.loc["knn4", "tr(W²)/N"] > d.loc["knn8", "tr(W²)/N"] > d.loc["inverse distance", "tr(W²)/N"]


def test_min_band_is_largest_nearest_neighbour_distance(us):
    thr = spw.min_band(us, "state")
    suite = spw.weights_suite(us, "state", ["distance band"], band_factor=1.0001)
    assert suite["distance band"].threshold_m == pytest.approx(1.0001 * thr)
    with pytest.raises(BookInputError, match="no neighbour"):
        spw.weights_for(us, "state", kind="distance_band", threshold=0.99 * thr)


def test_relative_spread():
    assert spw.relative_spread([1.0, 2.0, 3.0]) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
S = "book.spatial.weights"


def _g48():
    return data.load("us48_geometry")


c(f"{S}.check_w", "not a W", lambda: f(f"{S}.check_w")(np.eye(3)), BI, r"libpysal.weights.W")
c(f"{S}.check_w", "not row-standardised", lambda: f(f"{S}.check_w")(
    _binary(W()), row_standardised=True), BI, r"row-standardised")
c(f"{S}.check_w", "island", lambda: f(f"{S}.check_w")(W_island(), no_islands=True), BI,
  r"island\(s\)")
c(f"{S}.islands", "not a W", lambda: f(f"{S}.islands")(np.eye(3)), BI, r"libpysal.weights.W")
c(f"{S}.as_sparse", "not a W", lambda: f(f"{S}.as_sparse")({"a": ["b"]}), BI, r"libpysal.weights.W")
c(f"{S}.as_matrix", "non-square", lambda: f(f"{S}.as_matrix")(np.ones((2, 3))), BI, r"square")
c(f"{S}.as_matrix", "nan weight", lambda: f(f"{S}.as_matrix")(np.array([[0, NAN], [1, 0]])), BI,
  r"NaN or infinite")
c(f"{S}.is_symmetric", "not a W", lambda: f(f"{S}.is_symmetric")(np.eye(3)), BI,
  r"libpysal.weights.W")
c(f"{S}.is_symmetric", "negative tol", lambda: f(f"{S}.is_symmetric")(W(), tol=-1), BI,
  r"tol=-1.0 is out of range")
c(f"{S}.weights_for", "not a GeoDataFrame", lambda: f(f"{S}.weights_for")(
    pd.DataFrame({"rid": IDS()}), "rid"), BI, r"GeoDataFrame")
c(f"{S}.weights_for", "duplicated ids", lambda: f(f"{S}.weights_for")(
    GDF().assign(rid=["r0"] * 9), "rid"), BI, r"duplicated id")
c(f"{S}.weights_for", "missing ids", lambda: f(f"{S}.weights_for")(
    GDF().assign(rid=[None] + IDS()[1:]), "rid"), BI, r"missing id")
c(f"{S}.weights_for", "unknown kind", lambda: f(f"{S}.weights_for")(GDF(), "rid", "hex"), BI,
  r"kind must be one of")
c(f"{S}.weights_for", "island", lambda: f(f"{S}.weights_for")(
    GDF().iloc[[0, 1, 8]], "rid", "rook"), BI, r"island")
c(f"{S}.weights_for", "knn k too large", lambda: f(f"{S}.weights_for")(GDF(), "rid", "knn", k=20),
  BI, r"k must be an integer in \[1, 8\]")
c(f"{S}.weights_for", "band without threshold", lambda: f(f"{S}.weights_for")(
    GDF(), "rid", "distance_band"), BI, r"need threshold=")
c(f"{S}.weights_for", "positive alpha", lambda: f(f"{S}.weights_for")(
    GDF(), "rid", "inverse_distance", alpha=1.0), BI, r"alpha=1.0 is out of range")
c(f"{S}.weights_for", "empty", lambda: f(f"{S}.weights_for")(GDF().iloc[:0], "rid"), BI, r"empty")
c(f"{S}.align", "misaligned ids", lambda: f(f"{S}.align")(
    CROSS(rid=[*IDS()[:8], "zz"]), W(), "rid"), BI, r"only in data \['zz'\], only in weights \['r8'\]")
c(f"{S}.align", "duplicated ids", lambda: f(f"{S}.align")(
    CROSS(rid=["r0", *IDS()[:8]]), W(), "rid"), BI, r"duplicated id\(s\) in 'rid': \['r0'\]")
c(f"{S}.align", "numeric ids vs string weights", lambda: f(f"{S}.align")(
    CROSS(rid=range(9)), W(), "rid"), BI, r"ids differ")
c(f"{S}.spatial_lag", "length mismatch", lambda: f(f"{S}.spatial_lag")(W(), np.ones(4)), BI,
  r"values has 4 entries, weights have 9")
c(f"{S}.spatial_lag", "nan", lambda: f(f"{S}.spatial_lag")(W(), [NAN] * 9), BI, r"missing")
c(f"{S}.spatial_lag", "island", lambda: f(f"{S}.spatial_lag")(W_island(), [1.0, 2.0, 3.0]), BI,
  r"island")
c(f"{S}.rho_interval", "no links", lambda: f(f"{S}.rho_interval")(np.zeros((3, 3))), BI,
  r"no links")
c(f"{S}.rho_interval", "non-zero diagonal", lambda: f(f"{S}.rho_interval")(
    np.array([[1.0, 0.5], [0.5, 1.0]])), BI, r"zero diagonal")
c(f"{S}.synthetic_weights", "n <= k", lambda: f(f"{S}.synthetic_weights")(5, 6), BI,
  r"n must be an int larger than k=6")
c(f"{S}.synthetic_weights", "k = 0", lambda: f(f"{S}.synthetic_weights")(10, 0), BI, r"k must be")
c(f"{S}.min_band", "not a GeoDataFrame", lambda: f(f"{S}.min_band")(pd.DataFrame({"a": [1]}), "a"),
  BI, r"must be a GeoDataFrame")
c(f"{S}.min_band", "unknown id column", lambda: f(f"{S}.min_band")(_g48(), "nope"), BI,
  r"no column 'nope'")
c(f"{S}.min_band", "duplicated ids", lambda: f(f"{S}.min_band")(
    pd.concat([_g48(), _g48().iloc[[0]]]), "state"), BI, r"duplicated key")
c(f"{S}.min_band", "one region", lambda: f(f"{S}.min_band")(_g48().iloc[:1], "state"), BI,
  r"at least two regions")
c(f"{S}.weights_suite", "unknown spec", lambda: f(f"{S}.weights_suite")(
    _g48(), "state", specs=("queen", "hexagon")), BI, r"unknown weights spec 'hexagon'")
c(f"{S}.weights_suite", "no specs", lambda: f(f"{S}.weights_suite")(_g48(), "state", specs=()),
  BI, r"specs is empty")
c(f"{S}.weights_suite", "band factor < 1", lambda: f(f"{S}.weights_suite")(
    _g48(), "state", ["distance band"], band_factor=0.5), BI, r"band_factor must be >= 1")
c(f"{S}.describe_weights", "empty suite", lambda: f(f"{S}.describe_weights")({}), BI,
  r"non-empty dict")
c(f"{S}.describe_weights", "not a dict", lambda: f(f"{S}.describe_weights")([1]), BI,
  r"non-empty dict")
c(f"{S}.relative_spread", "empty", lambda: f(f"{S}.relative_spread")([]), BI, r"empty")
c(f"{S}.relative_spread", "one value", lambda: f(f"{S}.relative_spread")([1.0]), BI,
  r"at least two")
c(f"{S}.relative_spread", "NaN", lambda: f(f"{S}.relative_spread")([1.0, NAN]), BI, r"missing")
c(f"{S}.relative_spread", "zero mean", lambda: f(f"{S}.relative_spread")([1.0, -1.0]), BI,
  r"average exactly zero")
c(f"{S}.relative_spread", "text", lambda: f(f"{S}.relative_spread")(["1", "2"]), BI,
  r"stored as text")


def _binary(w):
    w.transform = "B"
    return w


test_bad_input = matrix_test(CASES)
