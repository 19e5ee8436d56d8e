"""book.validate: the shared checks say what is wrong."""
import numpy as np
import pandas as pd
import pytest

import book
from book import validate as v
from book.errors import BookInputError


def test_as_1d_float_accepts_numbers():
    out = v.as_1d_float(pd.Series([1, 2, 3]), "x")
    assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]
    assert v.as_1d_float(np.array([[1.0], [2.0]]), "x").shape == (2,)
    assert v.as_1d_float(pd.Series([1.0, 2.0], dtype=object), "x").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("x, msg", [
    ("abc", "string"), ([], "empty"), ([1, np.inf], "infinite"), ([1, np.nan], "missing"),
    (["1", "2"], "stored as text"), (["a", "b"], "non-numeric"), ([True, False], "boolean"),
    (np.ones((2, 2)), "one-dimensional"),
])
def test_as_1d_float_rejects(x, msg):
    with pytest.raises(BookInputError, match=msg):
        v.as_1d_float(x, "x")


def test_require_ids_match():
    v.require_ids_match(["a", "b"], ["b", "a"])
    with pytest.raises(BookInputError, match="only in data"):
        v.require_ids_match(["a", "b", "c"], ["a", "b", "d"])
    with pytest.raises(BookInputError, match="duplicated"):
        v.require_ids_match(["a", "a"], ["a"])


def test_require_in_range():
    assert v.require_in_range(0.5, "mu", 0, 1, lo_open=True, hi_open=True) == 0.5
    with pytest.raises(BookInputError, match="mu=1.0 is out of range"):
        v.require_in_range(1, "mu", 0, 1, lo_open=True, hi_open=True)
    with pytest.raises(BookInputError, match="must be a number"):
        v.require_in_range("x", "mu", 0, 1)


def test_require_unique_and_columns():
    with pytest.raises(BookInputError, match="duplicated key"):
        v.require_unique(["a", "a"], "region")
    with pytest.raises(BookInputError, match="lacks column"):
        v.require_columns(pd.DataFrame({"a": [1]}), ["b"])
    with pytest.raises(BookInputError, match="empty"):
        v.require_columns(pd.DataFrame({"a": []}), ["a"])


def test_rng_is_deterministic():
    assert book.rng(3).normal() == book.rng(3).normal()
    with pytest.raises(ValueError, match="non-negative int"):
        book.rng(-1)
