"""book.spatial.autocorrelation: esda equality, spdep's isolate convention, decay fits, bad inputs."""
import numpy as np
import pandas as pd
import pytest
from badinput import BI, CROSS, IDS, NAN, PANEL, W, W_island, case_list, f, matrix_test

from book import data, rng
from book.errors import BookInputError
from book.spatial import autocorrelation as spa
from book.spatial import weights as spw


@pytest.fixture(scope="module")
def us():
    return data.load("us48_geometry")


def test_moran_by_period_matches_esda_and_null_expectation(us):
    import esda

    w = spw.weights_for(us, "state")
    inc = data.load("us_income")
    sub = inc[inc["year"].isin([1929, 2009])]
    m = spa.moran_by_period(sub, w, id_col="state", time="year", value="income", permutations=99)
    y = spw.align(sub[sub.year == 1929], w, "state")["income"].to_numpy()
    assert m.loc[1929, "I"] == pytest.approx(esda.Moran(y, w, permutations=0).I)
    assert m.loc[1929, "EI"] == pytest.approx(-1 / 47)  # Cliff-Ord null expectation


def test_lisa_labels_and_no_kept_simulations_change_nothing(us):
    import esda

    w = spw.weights_for(us, "state")
    inc = data.load("us_income")
    lz = spa.lisa(inc[inc.year == 1929], w, id_col="state", value="income", permutations=99)
    assert set(lz["cluster"]) <= {"HH", "LH", "LL", "HL", "ns"}
    assert (lz.loc[lz.p_sim > 0.05, "cluster"] == "ns").all()
    assert lz.set_index("state").loc["Mississippi", "quadrant"] == "LL"
    y = spw.align(inc[inc.year == 1929], w, "state")["income"].to_numpy()
    kept = esda.Moran_Local(y, w, permutations=99, seed=__import__("book").SEED)
    np.testing.assert_array_equal(lz["p_sim"].to_numpy(), kept.p_sim)


def _field(n=600, seed=4):
    g = rng(seed)
    xy = g.uniform(0, 1000, (n, 2))
    y = np.sin(xy[:, 0] / 300) + np.cos(xy[:, 1] / 300) + g.normal(0, 0.3, n)
    return xy, y


def test_ring_correlogram_keep_equals_esda_exactly():
    """isolates="keep" is esda.Moran on the ring graph: I, EI, z_norm and the seeded p_sim."""
    import esda
    from libpysal.graph import Graph
    from scipy.spatial import cKDTree

    xy, y = _field(300)
    bands = [0, 60, 150, 400]
    cg = spa.ring_correlogram(xy, y, bands, permutations=99, seed=3, isolates="keep")
    D = cKDTree(xy).sparse_distance_matrix(cKDTree(xy), 400, output_type="coo_matrix")
    k = D.row != D.col
    for r, (lo, hi) in enumerate(zip(bands[:-1], bands[1:], strict=True)):
        sel = k & (D.data > lo) & (D.data <= hi)
        fi, ne = D.row[sel], D.col[sel]
        iso = np.setdiff1d(np.arange(len(y)), fi)
        fi, ne = np.r_[fi, iso], np.r_[ne, iso]
        wt = np.r_[np.ones(sel.sum()), np.zeros(iso.size)]
        o = np.lexsort((ne, fi))
        G = Graph.from_arrays(fi[o], ne[o], wt[o]).transform("r")
        np.random.seed(3)
        m = esda.Moran(y, G, permutations=99)
        row = cg.loc[r]
        assert row["I"] == pytest.approx(m.I, rel=1e-10)
        assert row["EI"] == pytest.approx(m.EI, rel=1e-12)
        assert row["z_norm"] == pytest.approx(m.z_norm, rel=1e-8)
        assert row["p_sim"] == m.p_sim
        assert row["z"] == pytest.approx(m.z_sim, rel=1e-8)
    assert cg.loc[0, "isolates"] > 0  # the first ring leaves isolates: the conventions differ


def test_ring_correlogram_adjusted_convention_is_spdeps():
    """spdep (zero.policy, adjust.n): I scaled by (n - n_iso)/n, E[I] = -1/(n - n_iso - 1);
    hand-computed on six points on a line, one of them without a partner in the ring."""
    xy = np.column_stack([[0.0, 1, 2, 3, 4, 10], np.zeros(6)])
    y = np.array([1.0, 2, 4, 3, 5, 0])
    cg = spa.ring_correlogram(xy, y, [0, 1.5], permutations=0)
    z = y - y.mean()
    # ring (0, 1.5]: path 0-1-2-3-4, point 5 isolated; row-standardised
    W = np.zeros((6, 6))
    for i in range(4):
        W[i, i + 1] = W[i + 1, i] = 1
    W = W / np.where(W.sum(1, keepdims=True) > 0, W.sum(1, keepdims=True), 1)
    n_eff, s0 = 5, W.sum()
    assert cg.loc[0, "isolates"] == 1 and cg.loc[0, "n_eff"] == 5
    assert cg.loc[0, "I"] == pytest.approx(n_eff / s0 * (z @ W @ z) / (z @ z))
    assert cg.loc[0, "EI"] == pytest.approx(-1 / 4)
    keep = spa.ring_correlogram(xy, y, [0, 1.5], permutations=0, isolates="keep")
    assert keep.loc[0, "I"] == pytest.approx(cg.loc[0, "I"] * 6 / 5)
    assert np.isnan(cg.loc[0, "p_sim"])


def test_ring_correlogram_first_ring_and_decay():
    import esda
    import libpysal

    xy, y = _field()
    cg = spa.ring_correlogram(xy, y, [0, 80, 160, 320, 640], permutations=99, seed=1)
    W = libpysal.weights.DistanceBand(xy, 80, binary=True, silence_warnings=True)
    W.transform = "r"
    assert cg.loc[0, "isolates"] == 0
    assert cg.loc[0, "I"] == pytest.approx(esda.Moran(y, W, permutations=0).I, rel=1e-10)
    assert cg.loc[0, "I"] > cg.loc[3, "I"] and cg.loc[0, "p_sim"] < 0.05
    fit = spa.fit_decay(cg["d_mid"], cg["I"])
    assert fit.h > 0 and fit.half_distance == pytest.approx(fit.h * np.log(2))


def test_decay_fit_known_curve():
    d = np.array([50.0, 150, 250, 350, 450])
    fit = spa.fit_decay(d, 0.8 * np.exp(-d / 200))
    assert fit.a == pytest.approx(0.8, rel=1e-6) and fit.h == pytest.approx(200, rel=1e-6)


def test_decay_fit_refuses_a_flat_curve():
    """issue 11: a non-decaying curve gave a half-distance of 3.6e8 km without a warning."""
    with pytest.raises(BookInputError, match="does not decay|did not converge"):
        spa.fit_decay([100, 200, 300, 400], [0.3, 0.3, 0.3, 0.3])


def test_county_topojson_decoder_and_npm_package():
    """The TopoJSON decoder on a hand-made topology; the npm-shipped file loads offline."""
    from book.datasets.us_atlas import decode_topojson

    topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
            "objects": {"counties": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0]], "id": "01001", "properties": {"name": "A"}},
                {"type": "MultiPolygon", "arcs": [[[1]]], "id": "02013",
                 "properties": {"name": "B"}}]}},
            "arcs": [[[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]],
                     [[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]]]}
    g = decode_topojson(topo, "counties")
    assert list(g["id"]) == ["01001", "02013"]
    assert [geom.area for geom in g.geometry] == [4.0, 1.0]
    counties = data.load("us_county_geometry")  # from node_modules (make vendor), no network
    assert len(counties) > 3000 and counties["fips"].is_unique
    assert counties.loc[counties.fips == 6037, "name"].item() == "Los Angeles"


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
S = "book.spatial.autocorrelation"
XY = np.column_stack([np.arange(6.0), np.zeros(6)])

c(f"{S}.moran_by_period", "misaligned ids", lambda: f(f"{S}.moran_by_period")(
    PANEL(rid=[*IDS()[:8], "zz"] * 3), W(), id_col="rid", time="year", value="y",
    permutations=99), BI, r"only in data \['zz'\]")
c(f"{S}.moran_by_period", "permutations < 99", lambda: f(f"{S}.moran_by_period")(
    PANEL(), W(), id_col="rid", time="year", value="y", permutations=9), BI,
  r"permutations must be an int >= 99")
c(f"{S}.moran_by_period", "nan value", lambda: f(f"{S}.moran_by_period")(
    PANEL(y=NAN), W(), id_col="rid", time="year", value="y", permutations=99), BI, r"missing")
c(f"{S}.moran_by_period", "constant value", lambda: f(f"{S}.moran_by_period")(
    PANEL(y=3.0), W(), id_col="rid", time="year", value="y", permutations=99), BI,
  r"y in period 1990 is constant")
c(f"{S}.moran_by_period", "island", lambda: f(f"{S}.moran_by_period")(
    pd.DataFrame({"rid": list("abc"), "year": 1, "y": [1.0, 2, 3]}), W_island(), id_col="rid",
    time="year", value="y", permutations=99), BI, r"island")
c(f"{S}.moran_by_period", "empty", lambda: f(f"{S}.moran_by_period")(
    PANEL().iloc[:0], W(), id_col="rid", time="year", value="y", permutations=99), BI, r"empty")
c(f"{S}.lisa", "misaligned ids", lambda: f(f"{S}.lisa")(
    CROSS(rid=[*IDS()[:8], "zz"]), W(), id_col="rid", value="y", permutations=9), BI, r"ids differ")
c(f"{S}.lisa", "constant value", lambda: f(f"{S}.lisa")(
    CROSS(y=1.0), W(), id_col="rid", value="y", permutations=9), BI, r"y is constant")
c(f"{S}.lisa", "text values", lambda: f(f"{S}.lisa")(
    CROSS().astype({"y": str}), W(), id_col="rid", value="y", permutations=9), BI, r"stored as text")
c(f"{S}.lisa", "alpha 0", lambda: f(f"{S}.lisa")(
    CROSS(), W(), id_col="rid", value="y", permutations=9, alpha=0), BI, r"alpha=0.0 is out of range")
c(f"{S}.lisa", "negative permutations", lambda: f(f"{S}.lisa")(
    CROSS(), W(), id_col="rid", value="y", permutations=-5), BI, r"permutations must be")
c(f"{S}.lisa", "island", lambda: f(f"{S}.lisa")(
    pd.DataFrame({"rid": list("abc"), "y": [1.0, 2, 3]}), W_island(), id_col="rid", value="y",
    permutations=9), BI, r"island")
c(f"{S}.ring_correlogram", "coords shape", lambda: f(f"{S}.ring_correlogram")(
    np.arange(6.0), np.arange(6.0), [0, 2, 4], permutations=0), BI, r"coords must be a finite \(n, 2\)")
c(f"{S}.ring_correlogram", "length mismatch", lambda: f(f"{S}.ring_correlogram")(
    XY, np.arange(5.0), [0, 2, 4], permutations=0), BI, r"length mismatch")
c(f"{S}.ring_correlogram", "decreasing bands", lambda: f(f"{S}.ring_correlogram")(
    XY, np.arange(6.0), [4, 2], permutations=0), BI, r"increasing non-negative")
c(f"{S}.ring_correlogram", "duplicated ids", lambda: f(f"{S}.ring_correlogram")(
    XY, np.arange(6.0), [0, 2, 4], permutations=0, ids=list("aabcde")), BI, r"duplicated")
c(f"{S}.ring_correlogram", "nan y", lambda: f(f"{S}.ring_correlogram")(
    XY, [NAN] * 6, [0, 2, 4], permutations=0), BI, r"y contains 6 missing")
c(f"{S}.ring_correlogram", "constant y", lambda: f(f"{S}.ring_correlogram")(
    XY, np.ones(6), [0, 2, 4], permutations=0), BI, r"y is constant")
c(f"{S}.ring_correlogram", "negative permutations", lambda: f(f"{S}.ring_correlogram")(
    XY, np.arange(6.0), [0, 2, 4], permutations=-1), BI, r"permutations must be")
c(f"{S}.ring_correlogram", "inf coords", lambda: f(f"{S}.ring_correlogram")(
    np.where(XY == 0, np.inf, XY), np.arange(6.0), [0, 2, 4], permutations=0), BI,
  r"coords must be a finite")
c(f"{S}.ring_correlogram", "unknown isolate convention", lambda: f(f"{S}.ring_correlogram")(
    XY, np.arange(6.0), [0, 2, 4], permutations=0, isolates="drop"), BI, r"isolates must be")
c(f"{S}.fit_decay", "two bands", lambda: f(f"{S}.fit_decay")([1, 2], [0.5, 0.2]), BI,
  r"at least three distance bands")
c(f"{S}.fit_decay", "no positive start", lambda: f(f"{S}.fit_decay")([1, 2, 3], [-0.1, 0.2, 0.1]),
  BI, r"not positive")
c(f"{S}.fit_decay", "length mismatch", lambda: f(f"{S}.fit_decay")([1, 2, 3], [0.5, 0.2]), BI,
  r"length mismatch")
c(f"{S}.fit_decay", "nan", lambda: f(f"{S}.fit_decay")([1, 2, NAN], [0.5, 0.2, 0.1]), BI,
  r"distance contains")
c(f"{S}.fit_decay", "flat curve", lambda: f(f"{S}.fit_decay")([1, 2, 3, 4], [0.3, 0.31, 0.3, 0.31]),
  BI, r"does not decay|did not converge")

test_bad_input = matrix_test(CASES)
