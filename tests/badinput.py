"""The bad-input matrix shared by the per-module test files.

Each ``tests/test_<module>.py`` declares its bad-input cases next to its other tests::

    from badinput import BI, case_list, f, matrix_test

    CASES, c = case_list()
    c("book.spatial.weights.align", "misaligned ids", lambda: ..., BI, r"only in data")
    ...
    test_bad_input = matrix_test(CASES)

A case calls one public function with ONE thing wrong and names the exception type and a
regex on the part of the message that tells the user what was wrong. A bare library error or a
silent success fails the case. The gate in ``tests/test_bad_inputs.py`` imports every test
module, gathers every ``CASES`` list, and fails when a public function of ``book`` has neither a
case nor a reasoned exemption (see CONTRIBUTING.md, "Bad input").
"""
from __future__ import annotations

import copy
import functools
import importlib
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

from book.errors import BookInputError, DataIntegrityError, DataUnavailableError, LedgerError

BI, DU, DI, LE = BookInputError, DataUnavailableError, DataIntegrityError, LedgerError
NAN, INF = float("nan"), float("inf")


def case_list():
    """A fresh case list and its ``c(func, cid, thunk, exc=BookInputError, match="")`` adder."""
    cases: list = []

    def c(func: str, cid: str, thunk, exc=BookInputError, match: str = ""):
        cases.append((func, cid, thunk, exc, match))

    return cases, c


def f(qual: str):
    """Resolve ``"book.mod.fn"`` lazily (import cost only when the case runs)."""
    mod, _, name = qual.rpartition(".")
    return getattr(importlib.import_module(mod), name)


def run_case(func, cid, thunk, exc, match, tmp_path=None, monkeypatch=None):
    """One public function, one wrong input: a specific exception with a telling message."""
    assert issubclass(exc, (ValueError, DataUnavailableError, DataIntegrityError, LedgerError))
    assert match, "every case names the message fragment the user must see"
    params = inspect.signature(thunk).parameters
    call = (lambda: thunk(tmp_path, monkeypatch)) if "tmp_path" in params else thunk
    with pytest.raises(exc, match=match) as info:
        call()
    # the error must be ours, not a library error re-labelled by inheritance
    assert type(info.value).__module__ in {"book.errors", "builtins"}, type(info.value)


def matrix_test(cases):
    """A parametrised pytest test running every case of ``cases``."""

    @pytest.mark.parametrize(("func", "cid", "thunk", "exc", "match"),
                             [pytest.param(*cs, id=f"{cs[0].removeprefix('book.')}[{cs[1]}]")
                              for cs in cases])
    def test_bad_input(func, cid, thunk, exc, match, tmp_path, monkeypatch):
        run_case(func, cid, thunk, exc, match, tmp_path, monkeypatch)

    return test_bad_input


# ----------------------------------------------------------------------------- tiny fixtures
@functools.cache
def _lattice():
    from libpysal.weights import lat2W

    w = lat2W(3, 3)
    w.remap_ids([f"r{i}" for i in range(9)])
    w.transform = "R"
    return w


def W():
    """Row-standardised rook weights on a 3 x 3 lattice, ids "r0".."r8" (a fresh copy)."""
    return copy.deepcopy(_lattice())


def W_binary():
    """The lattice weights without row-standardisation."""
    w = W()
    w.transform = "B"
    return w


def W_island():
    """Three regions, the third without neighbours."""
    from libpysal.weights import W as PW

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = PW({"a": ["b"], "b": ["a"], "c": []})
        w.transform = "R"
        return w


def IDS():
    return [f"r{i}" for i in range(9)]


def GDF():
    """3 x 3 grid of unit squares (projected CRS), id column ``rid``."""
    import geopandas as gpd
    from shapely.geometry import box

    geoms = [box(j * 1000.0, i * 1000.0, (j + 1) * 1000.0, (i + 1) * 1000.0)
             for i in range(3) for j in range(3)]
    return gpd.GeoDataFrame({"rid": IDS(), "v": np.arange(9.0) + 1}, geometry=geoms,
                            crs="EPSG:3857")


def CROSS(**over):
    """One row per lattice region: y, x1, x2."""
    r = np.random.default_rng(1)
    d = pd.DataFrame({"rid": IDS(), "y": r.normal(size=9), "x1": r.normal(size=9),
                      "x2": r.normal(size=9)})
    for k, v in over.items():
        d[k] = v
    return d


def PANEL(n_t=3, **over):
    """Balanced long panel on the lattice: rid, year, y, x1."""
    r = np.random.default_rng(2)
    d = pd.DataFrame({"rid": IDS() * n_t, "year": np.repeat(np.arange(1990, 1990 + n_t), 9),
                      "y": r.normal(size=9 * n_t) + 5, "x1": r.normal(size=9 * n_t)})
    for k, v in over.items():
        d[k] = v
    return d


def PATENTS():
    return pd.DataFrame({"patent": [1, 2, 3, 4], "year": [1990, 1990, 1991, 1991],
                         "region": ["a", "b", "a", "b"], "cls": [1, 1, 2, 2],
                         "subcls": [1, 2, 1, 2]})


def CITES():
    return pd.DataFrame({"citing": [3, 4], "cited": [1, 2]})
