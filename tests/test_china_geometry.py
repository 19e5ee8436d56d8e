"""China province polygons and contiguity weights (queen, Hainan linked to Guangdong)."""
from __future__ import annotations

import pytest

from book import data
from book.datasets.china_geometry import EXTRA_LINKS, contiguity_weights
from book.errors import BookInputError


@pytest.fixture(scope="module")
def gdf():
    return data.load("cn_province_geometry")


def test_geometry_31_mainland_provinces(gdf):
    assert len(gdf) == 31 and gdf["code"].is_unique
    assert {"Hong Kong", "Macao", "Taiwan"}.isdisjoint(set(gdf["province"]))
    assert gdf.crs.to_epsg() == 4326
    assert gdf.loc[gdf["code"] == 44, "label"].item() == "广东 Guangdong"
    # bounds of mainland China (the polygons were simplified, not projected)
    minx, miny, maxx, maxy = gdf.total_bounds
    assert 73 < minx < 74 and 18 < miny < 19 and 134 < maxx < 136 and 53 < maxy < 54


def test_hainan_has_exactly_guangdong(gdf):
    w = contiguity_weights(gdf, transform="B")
    assert EXTRA_LINKS == ((46, 44),)
    assert list(w.neighbors[46]) == [44]
    assert 46 in w.neighbors[44]
    assert w.islands == []
    assert w.n == 31


def test_known_neighbours(gdf):
    w = contiguity_weights(gdf, transform="B")
    assert sorted(w.neighbors[11]) == [12, 13]  # Beijing: Tianjin, Hebei
    assert sorted(w.neighbors[31]) == [32, 33]  # Shanghai: Jiangsu, Zhejiang
    assert sorted(w.neighbors[44]) == [35, 36, 43, 45, 46]  # Guangdong + Hainan
    assert len(w.neighbors[61]) == 8 and len(w.neighbors[15]) == 8  # Shaanxi, Inner Mongolia
    # symmetric
    assert all(i in w.neighbors[j] for i in w.neighbors for j in w.neighbors[i])


def test_order_by_key_not_position(gdf):
    order = sorted(gdf["code"], reverse=True)
    w = contiguity_weights(gdf, order=order)
    assert w.id_order == order
    assert w.transform == "R"
    # shuffling the polygons does not change who neighbours whom
    w2 = contiguity_weights(gdf.sample(frac=1, random_state=1), order=order, transform="B")
    assert {k: sorted(v) for k, v in w2.neighbors.items()} == \
        {k: sorted(v) for k, v in contiguity_weights(gdf, transform="B").neighbors.items()}


def test_without_the_link_hainan_would_be_an_island(gdf):
    from book.errors import DataIntegrityError

    with pytest.raises(DataIntegrityError, match=r"without neighbours.*\[46\]"):
        contiguity_weights(gdf, extra_links=())


@pytest.mark.parametrize(("order", "match"), [
    ([c for c in range(11, 66) if c in {11, 12}], "polygons not in the panel"),
    (None, None),
])
def test_mismatched_ids(gdf, order, match):
    if order is None:
        codes = list(gdf["code"]) + [81]  # Hong Kong is not in the polygons
        with pytest.raises(BookInputError, match=r"not in the polygons: \[81\]"):
            contiguity_weights(gdf, order=codes)
    else:
        with pytest.raises(BookInputError, match=match):
            contiguity_weights(gdf, order=order)


def test_bad_inputs(gdf):
    with pytest.raises(BookInputError, match="repeats ids"):
        contiguity_weights(gdf, order=list(gdf["code"]) * 2)
    with pytest.raises(BookInputError, match="no id column"):
        contiguity_weights(gdf, id_col="name")
    with pytest.raises(BookInputError, match="transform"):
        contiguity_weights(gdf, transform="D")
    with pytest.raises(BookInputError, match="extra link"):
        contiguity_weights(gdf, extra_links=((46, 99),))
    with pytest.raises(BookInputError, match="duplicated ids"):
        import pandas as pd

        contiguity_weights(pd.concat([gdf, gdf.iloc[[0]]]))


# ----------------------------------------------------------------- bad-input matrix (the gate)
from badinput import BI, DI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
_CW = "book.datasets.china_geometry.contiguity_weights"


def _geo():
    return data.load("cn_province_geometry")


c(_CW, "province not in the polygons", lambda: f(_CW)(_geo(), order=list(_geo()["code"]) + [81]),
  BI, r"not in the polygons: \[81\]")
c(_CW, "panel lacks provinces", lambda: f(_CW)(_geo(), order=[11, 12]), BI,
  r"polygons not in the panel")
c(_CW, "stacked panel ids", lambda: f(_CW)(_geo(), order=list(_geo()["code"]) * 2), BI,
  r"repeats ids")
c(_CW, "no id column", lambda: f(_CW)(_geo(), id_col="name"), BI, r"no id column 'name'")
c(_CW, "island left", lambda: f(_CW)(_geo(), extra_links=()), DI, r"without neighbours")
test_bad_input = matrix_test(CASES)
