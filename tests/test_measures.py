"""Agglomeration indices: hand-computed examples, the EG dartboard property, bad inputs."""
import numpy as np
import pandas as pd
import pytest

import book
from book import measures as M
from book.errors import BookInputError

# 2 regions x 2 industries, hand computed:
#        a    b   total
#  R1   30   10    40
#  R2   20   40    60
#  tot  50   50   100
TOY = pd.DataFrame({"region": ["R1", "R1", "R2", "R2"], "industry": ["a", "b", "a", "b"],
                    "employment": [30, 10, 20, 40]})


def test_location_quotient_by_hand():
    lq = M.location_quotient(TOY)
    assert lq.loc["R1", "a"] == pytest.approx((30 / 40) / (50 / 100))   # 1.5
    assert lq.loc["R1", "b"] == pytest.approx(0.5)
    assert lq.loc["R2", "a"] == pytest.approx((20 / 60) / 0.5)
    assert lq.loc["R2", "b"] == pytest.approx((40 / 60) / 0.5)


def test_krugman_specialisation_by_hand():
    k = M.krugman_specialisation(TOY)
    # R1 shares (.75, .25) vs rest = R2 (1/3, 2/3): |.75-1/3| + |.25-2/3| = 5/6
    assert k["R1"] == pytest.approx(5 / 6) and k["R2"] == pytest.approx(5 / 6)
    kt = M.krugman_specialisation(TOY, reference="total")
    assert kt["R1"] == pytest.approx(0.5)          # |.75-.5| + |.25-.5|


def test_hoover_and_gini_by_hand():
    h = M.hoover_localisation(TOY)
    # industry a: s = (.6, .4), x = (.4, .6) -> 0.5 * (.2 + .2) = 0.2
    assert h["a"] == pytest.approx(0.2) and h["b"] == pytest.approx(0.2)
    g = M.locational_gini(TOY)
    # industry a: order by LQ (R2 then R1): X = 0,.6,1 ; Y = 0,.4,1
    area = 0.6 * 0.4 / 2 + 0.4 * (0.4 + 1) / 2
    assert g["a"] == pytest.approx(1 - 2 * area)
    # identical distribution -> 0
    same = pd.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
                         "employment": [10, 20, 30, 60]})
    assert M.locational_gini(same).abs().max() < 1e-12
    assert M.hoover_localisation(same).abs().max() < 1e-12


def test_absent_pairs_are_zero():
    df = TOY.iloc[:3]          # R2-b missing -> 0
    lq = M.location_quotient(df)
    assert lq.loc["R2", "b"] == 0.0


def test_herfindahl():
    assert M.herfindahl([1, 1, 1, 1]) == pytest.approx(0.25)
    assert M.herfindahl([5]) == 1.0
    assert M.herfindahl([3, 1]) == pytest.approx(0.625)


PLANTS = pd.DataFrame({
    "industry": ["i"] * 4 + ["j"] * 3,
    "region": ["A", "A", "B", "C", "A", "B", "C"],
    "employment": [10, 10, 5, 5, 2, 2, 6],
})


def test_ellison_glaeser_by_hand():
    x = pd.Series({"A": 0.5, "B": 0.25, "C": 0.25})
    res = M.ellison_glaeser(PLANTS, region_shares=x)
    t = res.table.loc["i"]
    # industry i: z = (1/3, 1/3, 1/6, 1/6) -> H = 2/9 + 2/36 = 5/18 ; s = (2/3, 1/6, 1/6)
    H = 5 / 18
    G = (2 / 3 - .5) ** 2 + 2 * (1 / 6 - .25) ** 2
    sx2 = .25 + 2 * .0625
    assert t["H"] == pytest.approx(H) and t["G"] == pytest.approx(G)
    assert t["gamma"] == pytest.approx((G - (1 - sx2) * H) / ((1 - sx2) * (1 - H)))
    gms = ((4 / 9 + 2 / 36) - sx2) / (1 - sx2)
    assert t["gamma_ms"] == pytest.approx((gms - H) / (1 - H))
    assert res.table.loc["j", "n_plants"] == 3
    assert M.maurel_sedillot(PLANTS, region_shares=x)["i"] == pytest.approx(t["gamma_ms"])


def test_eg_dartboard_mean_is_zero():
    """EG (1997): under random location with probabilities x_r, E[gamma] = 0 (and MS too)."""
    sizes = np.array([50, 30, 20, 10, 10, 5, 5, 3, 2, 1], dtype=float)
    x = np.array([0.4, 0.3, 0.2, 0.1])
    sim = M.dartboard(sizes, x, 20000, book.rng(11))
    for col in ("gamma", "gamma_ms"):
        m, se = sim[col].mean(), sim[col].std(ddof=1) / np.sqrt(len(sim))
        assert abs(m) < 4 * se, (col, m, se)
    H = M.herfindahl(sizes)
    assert sim["G"].mean() == pytest.approx((1 - np.sum(x**2)) * H, rel=0.03)


def test_dartboard_is_deterministic():
    """Its draws come from the generator it is given, and only from it: the same seed gives the
    same draws whatever the global NumPy state, another seed other draws, and the generator
    passed in is consumed (a function ignoring it, or drawing from np.random, fails here)."""
    a = M.dartboard([3, 2, 1], [0.5, 0.5], 50, book.rng(3))
    np.random.seed(12345)  # global state must not matter
    b = M.dartboard([3, 2, 1], [0.5, 0.5], 50, book.rng(3))
    pd.testing.assert_frame_equal(a, b)
    c = M.dartboard([3, 2, 1], [0.5, 0.5], 50, book.rng(4))
    assert not a.equals(c), "another seed gave the same draws: the generator is not used"
    g = book.rng(3)
    M.dartboard([3, 2, 1], [0.5, 0.5], 50, g)
    assert g.random() != book.rng(3).random(), "the generator passed in was not drawn from"


@pytest.mark.parametrize("mutate,match", [
    (lambda d: d.assign(employment=[30, -10, 20, 40]), "negative"),
    (lambda d: d.assign(employment=[30, np.nan, 20, 40]), "missing"),
    (lambda d: pd.concat([d, d.iloc[:1]]), "duplicated"),
    (lambda d: d.assign(employment=[0, 0, 20, 40]), "zero total"),
    (lambda d: d.assign(employment=["30", "10", "20", "40"]), "must be numeric"),
    (lambda d: d.drop(columns="employment"), "lacks column"),
    (lambda d: d[d.region == "R1"], "at least 2 regions"),
])
def test_table_validation(mutate, match):
    with pytest.raises(BookInputError, match=match):
        M.location_quotient(mutate(TOY.copy()))


def test_industry_with_zero_total_raises():
    df = TOY.assign(employment=[30, 0, 20, 0])
    with pytest.raises(BookInputError, match="industry.*zero total"):
        M.hoover_localisation(df)


def test_eg_validation():
    one = pd.concat([PLANTS, pd.DataFrame({"industry": ["k"], "region": ["A"],
                                           "employment": [4]})])
    with pytest.raises(BookInputError, match="single plant"):
        M.ellison_glaeser(one)
    with pytest.raises(BookInputError, match="negative"):
        M.ellison_glaeser(PLANTS.assign(employment=-PLANTS.employment))
    with pytest.raises(BookInputError, match="zero employment"):
        M.ellison_glaeser(PLANTS.assign(employment=[0, 1, 1, 1, 1, 1, 1]))
    with pytest.raises(BookInputError, match="sum to 1"):
        M.ellison_glaeser(PLANTS, region_shares={"A": .5, "B": .2, "C": .2})
    with pytest.raises(BookInputError, match="does not list"):
        M.ellison_glaeser(PLANTS, region_shares={"A": .5, "B": .5})
    with pytest.raises(BookInputError, match="reference must be"):
        M.krugman_specialisation(TOY, reference="nation")
    with pytest.raises(BookInputError, match="negative"):
        M.herfindahl([1, -1])
    with pytest.raises(BookInputError, match="Generator"):
        M.dartboard([1, 2], [0.5, 0.5], 10, 42)


# --- region-level EG / MS with an approximated Herfindahl (CBP design) ---------------------

def _equal_plants():
    """Three regions, two industries of equal-sized plants (the CBP approximation is exact)."""
    plants = pd.DataFrame({
        "region": ["r1"] * 5 + ["r2"] * 2 + ["r3"] * 1 + ["r1", "r2", "r3", "r3", "r3", "r3"],
        "industry": ["a"] * 8 + ["b"] * 6,
        "employment": [10.0] * 8 + [4.0] * 6})
    x = pd.Series({"r1": 0.5, "r2": 0.3, "r3": 0.2})
    return plants, x


def test_eg_regions_equals_plant_version_with_equal_plants():
    plants, x = _equal_plants()
    ref = M.ellison_glaeser(plants, region_shares=x).table
    tab = plants.groupby(["region", "industry"], as_index=False)["employment"].sum()
    n = plants.groupby("industry").size()
    out = M.ellison_glaeser_regions(tab, M.herfindahl_from_counts(n), region_shares=x)
    for col in ("H", "G", "gamma", "G_ms", "gamma_ms"):
        np.testing.assert_allclose(out[col].to_numpy(), ref[col].to_numpy(), rtol=1e-12)
    # hand value, industry a: s = (5/8, 2/8, 1/8), H = 1/8
    G = (5 / 8 - .5) ** 2 + (2 / 8 - .3) ** 2 + (1 / 8 - .2) ** 2
    sx2 = .25 + .09 + .04
    assert out.loc["a", "gamma"] == pytest.approx((G - (1 - sx2) / 8) / ((1 - sx2) * (7 / 8)))


def test_herfindahl_from_counts():
    h = M.herfindahl_from_counts(pd.Series({"a": 4, "b": 100}))
    assert h["a"] == pytest.approx(0.25) and h["b"] == pytest.approx(0.01)
    assert M.herfindahl_from_counts([10], cv2=3.0)[0] == pytest.approx(0.4)
    # sizes (3, 1): H = 0.625; cv^2 of (3, 1) is 0.25 -> (1 + .25)/2 = 0.625
    assert M.herfindahl_from_counts([2], cv2=0.25)[0] == pytest.approx(M.herfindahl([3, 1]))
    with pytest.raises(BookInputError, match=">= 1"):
        M.herfindahl_from_counts([0, 3])
    with pytest.raises(BookInputError, match="cv2 must be"):
        M.herfindahl_from_counts([3], cv2=-1)


def test_dartboard_equal_plants_mean_zero():
    x = np.array([0.4, 0.3, 0.2, 0.1])
    sim = M.dartboard_equal_plants(50, x, 20000, book.rng(5))
    se = sim["gamma"].std() / np.sqrt(len(sim))
    assert abs(sim["gamma"].mean()) < 4 * se
    assert abs(sim["gamma_ms"].mean()) < 4 * sim["gamma_ms"].std() / np.sqrt(len(sim))
    with pytest.raises(BookInputError, match="n_plants must be an int >= 2"):
        M.dartboard_equal_plants(1, x, 5, book.rng())
    with pytest.raises(BookInputError, match="summing to 1"):
        M.dartboard_equal_plants(5, [0.5, 0.6], 5, book.rng())
    with pytest.raises(BookInputError, match="n_sim"):
        M.dartboard_equal_plants(5, x, 0, book.rng())
    with pytest.raises(BookInputError, match="Generator"):
        M.dartboard_equal_plants(5, x, 5, 1)


def test_eg_regions_bad_inputs():
    plants, x = _equal_plants()
    tab = plants.groupby(["region", "industry"], as_index=False)["employment"].sum()
    H = pd.Series({"a": 0.125, "b": 1 / 6})
    with pytest.raises(BookInputError, match="negative"):
        M.ellison_glaeser_regions(tab.assign(employment=-tab.employment), H)
    with pytest.raises(BookInputError, match=r"lacks industry\(ies\) \['b'\]"):
        M.ellison_glaeser_regions(tab, H.iloc[:1])
    with pytest.raises(BookInputError, match="strictly between 0 and 1"):
        M.ellison_glaeser_regions(tab, H.replace(0.125, 1.0))
    with pytest.raises(BookInputError, match="sum to 1"):
        M.ellison_glaeser_regions(tab, H, region_shares=x * 2)
    with pytest.raises(BookInputError, match="does not list"):
        M.ellison_glaeser_regions(tab, H, region_shares=x.iloc[:2] / x.iloc[:2].sum())
    with pytest.raises(BookInputError, match="Series"):
        M.ellison_glaeser_regions(tab, H.to_numpy())


# --- bad-input matrix cases for the region-level EG functions ------------------------------
from badinput import BI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
_P, _X = _equal_plants()
_TAB = _P.groupby(["region", "industry"], as_index=False)["employment"].sum()
_H = pd.Series({"a": 0.125, "b": 1 / 6})
c("book.measures.ellison_glaeser_regions", "negative employment",
  lambda: f("book.measures.ellison_glaeser_regions")(_TAB.assign(employment=-_TAB.employment),
                                                     _H), BI, r"negative")
c("book.measures.ellison_glaeser_regions", "mismatched industry codes",
  lambda: f("book.measures.ellison_glaeser_regions")(_TAB, _H.rename({"b": "B"})), BI,
  r"lacks industry")
c("book.measures.herfindahl_from_counts", "zero establishments",
  lambda: f("book.measures.herfindahl_from_counts")([0, 3]), BI, r">= 1")
c("book.measures.dartboard_equal_plants", "one plant",
  lambda: f("book.measures.dartboard_equal_plants")(1, [0.5, 0.5], 5, book.rng()), BI,
  r"n_plants must be an int >= 2")
test_bad_input = matrix_test(CASES)

