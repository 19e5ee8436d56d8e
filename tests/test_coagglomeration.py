"""Ellison-Glaeser-Kerr co-agglomeration (book.measures.coagglomeration): known answers, a
pair-loop reference, and bad inputs."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from badinput import BI, case_list, matrix_test

import book
from book import measures as meas
from book.errors import BookInputError


def _small():
    # regions A, B, C; industry 1 = (6, 2, 2), industry 2 = (4, 4, 2)
    return pd.DataFrame({"region": list("AABBCC"), "industry": ["1", "2"] * 3,
                         "employment": [6, 4, 2, 4, 2, 2]})


def test_hand_computed_small_case():
    # x = (10, 6, 4)/20 = (.5, .3, .2); s1 = (.6, .2, .2); s2 = (.4, .4, .2)
    # sum (s1-x)(s2-x) = (.1)(-.1) + (-.1)(.1) + 0 = -.02; 1 - sum x^2 = 1 - .38 = .62
    G = meas.coagglomeration(_small())
    assert G.loc["1", "2"] == pytest.approx(-0.02 / 0.62)
    assert G.loc["2", "1"] == pytest.approx(-0.02 / 0.62)
    assert G.loc["1", "1"] == pytest.approx(0.02 / 0.62)      # G_1 / (1 - sum x^2)
    long = meas.coagglomeration(_small(), pairs=True)
    assert long.shape == (1, 3) and long["gamma_c"].iloc[0] == pytest.approx(-0.02 / 0.62)


def test_given_aggregate_x():
    # x given as regions' total employment (A 50, B 30, C 20) -> same x as above,
    # plus a region D with no employment in either industry (x_D share 0 here)
    x = pd.Series({"A": 50.0, "B": 30.0, "C": 20.0, "D": 0.0})
    G = meas.coagglomeration(_small(), x=x)
    assert G.loc["1", "2"] == pytest.approx(-0.02 / 0.62)
    # a region with aggregate activity but none of the two industries changes x
    x2 = pd.Series({"A": 50.0, "B": 30.0, "C": 20.0, "D": 100.0})
    xs = x2 / x2.sum()
    s1 = np.array([.6, .2, .2, 0])
    s2 = np.array([.4, .4, .2, 0])
    want = np.sum((s1 - xs) * (s2 - xs)) / (1 - np.sum(xs**2))
    assert meas.coagglomeration(_small(), x=x2).loc["1", "2"] == pytest.approx(want)


def _pair_loop(E: pd.DataFrame, x: np.ndarray) -> pd.DataFrame:
    """Reference: the textbook double loop over pairs and areas."""
    S = E / E.sum(axis=0)
    out = pd.DataFrame(0.0, index=E.columns, columns=E.columns)
    denom = 1 - sum(v * v for v in x)
    for i, j in itertools.product(E.columns, E.columns):
        out.loc[i, j] = sum((S[i].iloc[m] - x[m]) * (S[j].iloc[m] - x[m])
                            for m in range(len(x))) / denom
    return out


def test_matches_pair_loop_reference():
    rng = book.rng(1501)
    E = pd.DataFrame(rng.gamma(0.5, 100.0, size=(30, 12)) * (rng.random((30, 12)) < 0.6),
                     index=[f"m{m:02d}" for m in range(30)],
                     columns=[f"{i:03d}" for i in range(100, 112)])
    E.iloc[0] += 1.0  # no all-zero industry
    tidy = E.rename_axis(index="region", columns="industry").stack().rename("employment")
    tidy = tidy[tidy > 0].reset_index()
    E = E.loc[E.sum(axis=1) > 0]
    got = meas.coagglomeration(tidy)
    ref = _pair_loop(E, (E.sum(axis=1) / E.to_numpy().sum()).to_numpy())
    np.testing.assert_allclose(got.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(),
                               rtol=1e-10, atol=1e-13)
    long = meas.coagglomeration(tidy, pairs=True)
    assert len(long) == 12 * 11 // 2
    assert long["gamma_c"].is_monotonic_decreasing
    top = long.iloc[0]
    assert ref.loc[top.industry_i, top.industry_j] == pytest.approx(top.gamma_c)


def test_identical_industries_have_positive_index_and_dartboard_zero():
    # two industries distributed exactly like aggregate employment: gamma_c = 0
    d = pd.DataFrame({"region": list("AABBCC"), "industry": ["1", "2"] * 3,
                      "employment": [5, 10, 3, 6, 2, 4]})
    assert meas.coagglomeration(d).loc["1", "2"] == pytest.approx(0.0, abs=1e-15)


# ----------------------------------------------------------------------------- bad inputs
def test_negative_employment():
    d = _small()
    d.loc[0, "employment"] = -1
    with pytest.raises(BookInputError, match="negative"):
        meas.coagglomeration(d)


def test_missing_employment_suppressed_cells():
    d = _small().astype({"employment": float})
    d.loc[1, "employment"] = np.nan
    with pytest.raises(BookInputError, match="suppressed"):
        meas.coagglomeration(d)


def test_mixed_digit_levels():
    d = pd.concat([_small(), pd.DataFrame({"region": ["A"], "industry": ["11"],
                                           "employment": [3]})])
    d = d.assign(industry=d["industry"].replace({"1": "111", "2": "112"}))
    with pytest.raises(BookInputError, match="mix levels"):
        meas.coagglomeration(d)


def test_x_with_mismatched_region_codes():
    x = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0})
    with pytest.raises(BookInputError, match="lacks 3 region"):
        meas.coagglomeration(_small(), x=x)


def test_x_wrong_type_duplicates_negative():
    with pytest.raises(BookInputError, match="Series"):
        meas.coagglomeration(_small(), x=[1, 2, 3])
    with pytest.raises(BookInputError, match="duplicated"):
        meas.coagglomeration(_small(), x=pd.Series([1.0, 1, 1, 1], index=list("ABCC")))
    with pytest.raises(BookInputError, match="negative"):
        meas.coagglomeration(_small(), x=pd.Series({"A": 1.0, "B": -1.0, "C": 1.0}))


def test_all_zero_rows_and_columns():
    d = pd.concat([_small(), pd.DataFrame({"region": ["D", "D"], "industry": ["1", "2"],
                                           "employment": [0, 0]})])
    with pytest.raises(BookInputError, match="zero total"):
        meas.coagglomeration(d)                      # region D: no activity, no x given
    d2 = pd.concat([_small(), pd.DataFrame({"region": ["A"], "industry": ["3"],
                                            "employment": [0]})])
    with pytest.raises(BookInputError, match="zero total"):
        meas.coagglomeration(d2)                     # industry 3 has no employment


def test_all_activity_in_one_region():
    x = pd.Series({"A": 1.0, "B": 0.0, "C": 0.0})
    with pytest.raises(BookInputError, match="one region"):
        meas.coagglomeration(_small(), x=x)


def test_text_and_duplicates():
    d = _small().astype({"employment": str})
    with pytest.raises(BookInputError, match="numeric"):
        meas.coagglomeration(d)
    d = pd.concat([_small(), _small().head(1)])
    with pytest.raises(BookInputError, match="duplicated"):
        meas.coagglomeration(d)


def test_sparse_path_matches_pair_loop():
    # fewer than 5 % non-zero shares: the scipy.sparse branch
    rng = book.rng(1502)
    M, n_ind = 200, 15
    E = pd.DataFrame(0.0, index=[f"m{m:03d}" for m in range(M)],
                     columns=[f"{i:03d}" for i in range(200, 200 + n_ind)])
    for j in range(n_ind):
        rows = rng.choice(M, size=3, replace=False)
        E.iloc[rows, j] = rng.integers(1, 50, size=3)
    x = pd.Series(rng.integers(1, 100, size=M).astype(float), index=E.index)
    assert (E.to_numpy() > 0).mean() < 0.05
    tidy = E.rename_axis(index="region", columns="industry").stack().rename("employment")
    tidy = tidy[tidy > 0].reset_index()
    got = meas.coagglomeration(tidy, x=x)
    ref = _pair_loop(E, (x / x.sum()).to_numpy())
    np.testing.assert_allclose(got.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(),
                               rtol=1e-10, atol=1e-13)


# ----------------------------------------------------------------------------- the bad-input matrix
CASES, c = case_list()
_F = "book.measures.coagglomeration"
c(_F, "negative employment",
  lambda: meas.coagglomeration(_small().assign(employment=[6, -4, 2, 4, 2, 2])), BI, r"negative")
c(_F, "withheld cells as NaN",
  lambda: meas.coagglomeration(_small().assign(employment=[6, np.nan, 2, 4, 2, 2])), BI,
  r"suppressed cells")
c(_F, "mixed NAICS levels",
  lambda: meas.coagglomeration(pd.DataFrame({"region": list("AABBCC"),
                                             "industry": ["31", "311"] * 3,
                                             "employment": [6, 4, 2, 4, 2, 2]})),
  BI, r"mix levels")
c(_F, "x with other region codes",
  lambda: meas.coagglomeration(_small(), x=pd.Series({"a": 1.0, "b": 1.0, "c": 1.0})), BI,
  r"lacks 3 region")
c(_F, "all-zero region without x",
  lambda: meas.coagglomeration(pd.concat([_small(), pd.DataFrame(
      {"region": ["D", "D"], "industry": ["1", "2"], "employment": [0, 0]})])), BI, r"zero total")
c(_F, "all activity in one region",
  lambda: meas.coagglomeration(_small(), x=pd.Series({"A": 1.0, "B": 0.0, "C": 0.0})), BI,
  r"one region")
test_bad_input = matrix_test(CASES)
