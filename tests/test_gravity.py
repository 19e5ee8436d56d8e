"""book.gravity: margins benchmark (hand-computed), distances (closed form), PPML vs a peer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import book
from book import gravity as grav
from book.errors import BookInputError

# three cities: A, B in country X; C in country Y. Rows citing, columns cited:
#      A  B  C
#  A   5  2  1      out = 8
#  B   1  1  0      out = 2
#  C   0  1  3      out = 4     T = 14, in = (6, 4, 4)
FLOWS = pd.DataFrame({"citing": ["A", "A", "A", "B", "B", "C", "C"],
                      "cited": ["A", "B", "C", "A", "B", "B", "C"],
                      "count": [5, 2, 1, 1, 1, 1, 3]})
COUNTRY = pd.Series({"A": "X", "B": "X", "C": "Y"})


def test_localisation_hand_computed():
    r = grav.localisation(FLOWS, COUNTRY).iloc[0]
    assert r["citations"] == 14 and r["cities"] == 3
    assert r["same_city"] == pytest.approx(9 / 14)
    assert r["same_city_expected"] == pytest.approx((8 * 6 + 2 * 4 + 4 * 4) / 14**2)
    assert r["same_country"] == pytest.approx(12 / 14)
    assert r["same_country_expected"] == pytest.approx((10 * 10 + 4 * 4) / 14**2)
    assert r["same_city_ratio"] == pytest.approx((9 / 14) / (72 / 196))


def test_localisation_independence_gives_ratio_one():
    # F = outer(o, c) / T exactly: observed equals expected
    o, c = np.array([3.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0])
    F = np.outer(o, c)
    ids = list("PQR")
    fl = pd.DataFrame([(ids[i], ids[j], int(F[i, j])) for i in range(3) for j in range(3)],
                      columns=["citing", "cited", "count"])
    r = grav.localisation(fl).iloc[0]
    assert r["same_city_ratio"] == pytest.approx(1.0)


def test_localisation_by_field_and_pooling():
    two = pd.concat([FLOWS.assign(field=1), FLOWS.assign(field=2, count=FLOWS["count"] * 2)])
    tab = grav.localisation(two, COUNTRY, by="field")
    assert list(tab["field"]) == [1, 2]
    assert tab["same_city"].tolist() == pytest.approx([9 / 14, 9 / 14])
    pooled = grav.field_adjusted(tab)
    assert pooled["citations"] == 42
    assert pooled["same_city_expected"] == pytest.approx(72 / 196)
    assert pooled["same_country"] == pytest.approx(12 / 14)


def test_bootstrap_deterministic_and_ordered():
    a = grav.localisation(FLOWS, COUNTRY, reps=99, offset=3)
    b = grav.localisation(FLOWS, COUNTRY, reps=99, offset=3)
    pd.testing.assert_frame_equal(a, b)
    for nm in ("same_city", "same_city_expected", "same_country_ratio"):
        assert a[f"{nm}_lo"].iat[0] <= a[f"{nm}_hi"].iat[0]


def test_great_circle_closed_forms():
    # along the equator a geodesic is the arc of the WGS84 semi-major axis
    assert grav.great_circle_km(0, 0, 1, 0)[0] == pytest.approx(6378137 * np.pi / 180 / 1000,
                                                               rel=1e-9)
    # Paris-London against a haversine on the mean radius (ellipsoid vs sphere: < 0.5 %)
    lon1, lat1, lon2, lat2 = np.radians([2.3522, 48.8566, -0.1276, 51.5072])
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    hav = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    assert grav.great_circle_km(2.3522, 48.8566, -0.1276, 51.5072)[0] == pytest.approx(hav, rel=5e-3)


NODES = pd.DataFrame({"city": ["A", "B", "C"], "lon": [0.0, 1.0, 3.0], "lat": [0.0, 0.0, 0.0],
                      "country": ["X", "X", "Y"]})


def test_pair_frame_zeros_and_diagonal():
    fr = grav.pair_frame(FLOWS, NODES)
    # citing with off-diagonal flows: A, B, C; cited: A, B, C -> 3*3 - 3 pairs
    assert len(fr) == 6 and fr["count"].sum() == 2 + 1 + 1 + 1
    assert fr.loc[(fr.citing == "B") & (fr.cited == "C"), "count"].iat[0] == 0
    assert fr.loc[(fr.citing == "A") & (fr.cited == "C"), "same_country"].iat[0] == 0
    fd = grav.pair_frame(FLOWS, NODES, diagonal=True, bands=[200])
    assert len(fd) == 9 and fd["count"].sum() == 14 and fd["same_city"].sum() == 3
    assert fd.loc[(fd.citing == "A") & (fd.cited == "C"), "band_1"].iat[0] == 1  # 334 km
    assert fd.loc[(fd.citing == "A") & (fd.cited == "B"), "band_1"].iat[0] == 0  # 111 km


def _simulated(n=12, offset=7):
    g = book.rng(offset)
    lon, lat = g.uniform(-5, 15, n), g.uniform(40, 55, n)
    nodes = pd.DataFrame({"city": [f"c{i:02d}" for i in range(n)], "lon": lon, "lat": lat,
                          "country": np.where(lon < 5, "X", "Y")})
    a, b = g.normal(3, 0.5, n), g.normal(0, 0.5, n)
    rows = []
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            d = grav.great_circle_km(lon[i], lat[i], lon[j], lat[j])[0]
            mu = np.exp(a[i] + b[j] - 0.6 * np.log(d / 100) + 0.5 * (nodes.country[i] == nodes.country[j]))
            rows.append((nodes.city[i], nodes.city[j], int(g.poisson(mu))))
    fl = pd.DataFrame(rows, columns=["citing", "cited", "count"])
    return fl[fl["count"] > 0], nodes


def test_ppml_matches_statsmodels_glm():
    fl, nodes = _simulated()
    fr = grav.pair_frame(fl, nodes)
    a = grav.ppml(fr, vcov="hetero")
    b = grav.ppml_glm(fr)
    assert a.params.to_numpy() == pytest.approx(b.params.to_numpy(), abs=1e-6)
    assert a.nobs == b.nobs and a.seconds >= 0
    # hetero-robust SEs agree once statsmodels' HC0 gets pyfixest's factor n / (n - k)
    n, k = b.nobs, len(b.model.params)
    assert a.se.to_numpy() == pytest.approx(b.se.to_numpy() * np.sqrt(n / (n - k)), rel=1e-4)
    assert a.params["log_dist"] == pytest.approx(-0.6, abs=0.15)
    be, be_se = a.border_effect()
    assert be == pytest.approx(np.exp(a.params["same_country"])) and be_se > 0


def test_ppml_closed_form_single_dummy():
    # no fixed effects, one dummy: exp(beta) = mean(y | x=1) / mean(y | x=0)
    fr = pd.DataFrame({"count": [1, 3, 2, 6, 4], "x": [0, 0, 1, 1, 1.0]})
    r = grav.ppml(fr, ["x"], fe=(), vcov="hetero")
    assert r.params["x"] == pytest.approx(np.log(4 / 2), abs=1e-6)


def test_decay_curve():
    fl, nodes = _simulated()
    r = grav.ppml(grav.pair_frame(fl, nodes))
    beta = r.params["log_dist"]
    assert grav.decay_curve(r, [50, 100], ref_km=50) == pytest.approx([1, 2**beta])


# ----------------------------------------------------------------------------- bad inputs
def test_bad_inputs():
    with pytest.raises(BookInputError, match="negative"):
        grav.localisation(FLOWS.assign(count=[5, -2, 1, 1, 1, 1, 3]))
    with pytest.raises(BookInputError, match="no country"):
        grav.localisation(FLOWS, COUNTRY.drop("C"))
    with pytest.raises(BookInputError, match="too few"):
        grav.localisation(FLOWS, reps=10)
    with pytest.raises(BookInputError, match="not in nodes"):
        grav.pair_frame(FLOWS.assign(cited=["A", "B", "Z", "A", "B", "B", "C"]), NODES)
    with pytest.raises(BookInputError, match="missing or non-numeric lat"):
        grav.pair_frame(FLOWS, NODES.assign(lat=[0, np.nan, 0]))
    with pytest.raises(BookInputError, match="increasing"):
        grav.pair_frame(FLOWS, NODES, bands=[100, 50])
    with pytest.raises(BookInputError, match="zero distance"):
        grav.pair_frame(FLOWS, NODES.assign(lon=[0.0, 0.0, 3.0]))
    with pytest.raises(BookInputError, match="missing or infinite"):
        grav.ppml(grav.pair_frame(FLOWS, NODES, diagonal=True))
    fr = grav.pair_frame(FLOWS, NODES)
    with pytest.raises(BookInputError, match="constant"):
        grav.ppml(fr.assign(same_country=1.0))
    with pytest.raises(BookInputError, match="vcov"):
        grav.ppml(fr, vcov="robust")
    with pytest.raises(BookInputError, match="non-negative counts"):
        grav.ppml_glm(fr.assign(count=-fr["count"]))
    with pytest.raises(BookInputError, match="outside"):
        grav.great_circle_km(500000, 0, 1, 0)
    with pytest.raises(BookInputError, match="equal lengths"):
        grav.great_circle_km([0, 1], [0, 1], [0], [0])
    with pytest.raises(BookInputError, match="pyfixest could not fit"):
        grav.ppml(fr, vcov="hetero")  # 6 pairs, 7 parameters
    fl, nodes = _simulated()
    with pytest.raises(BookInputError, match="positive"):
        grav.decay_curve(grav.ppml(grav.pair_frame(fl, nodes)), [0, 10])
    with pytest.raises(BookInputError, match="localisation"):
        grav.field_adjusted(pd.DataFrame({"x": [1]}))


# ----------------------------------------------------------------------------- bad-input matrix
from badinput import BI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
_FR = grav.pair_frame(FLOWS, NODES)
c("book.gravity.localisation", "negative count",
  lambda: f("book.gravity.localisation")(FLOWS.assign(count=[5, -2, 1, 1, 1, 1, 3])), BI, "negative")
c("book.gravity.localisation", "city without country",
  lambda: f("book.gravity.localisation")(FLOWS, COUNTRY.drop("C")), BI, "no country")
c("book.gravity.field_adjusted", "not a localisation table",
  lambda: f("book.gravity.field_adjusted")(pd.DataFrame({"x": [1]})), BI, "localisation")
c("book.gravity.great_circle_km", "projected metres",
  lambda: f("book.gravity.great_circle_km")(500000, 0, 1, 0), BI, "outside")
c("book.gravity.pair_frame", "unknown city id",
  lambda: f("book.gravity.pair_frame")(FLOWS.assign(cited=["A", "B", "Z", "A", "B", "B", "C"]), NODES),
  BI, "not in nodes")
c("book.gravity.pair_frame", "missing coordinates",
  lambda: f("book.gravity.pair_frame")(FLOWS, NODES.assign(lat=[0, np.nan, 0])), BI, "missing or non-numeric lat")
c("book.gravity.ppml", "constant regressor",
  lambda: f("book.gravity.ppml")(_FR.assign(same_country=1.0)), BI, "constant")
c("book.gravity.ppml_glm", "negative counts",
  lambda: f("book.gravity.ppml_glm")(_FR.assign(count=-_FR["count"])), BI, "non-negative counts")
c("book.gravity.decay_curve", "zero distance",
  lambda: f("book.gravity.decay_curve")(grav.GravityResult(pd.Series({"log_dist": -0.5}), pd.Series({"log_dist": 0.1}), 10, 0, 0.0, "hetero"), [0, 10]),
  BI, "positive")
test_bad_input = matrix_test(CASES)
