"""Shared input validation.

Each check raises :class:`book.errors.BookInputError` with a message naming the argument,
what was found and what to do. Helpers call these instead of re-writing checks.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import BookInputError


def as_1d_float(x, name: str, *, allow_nan: bool = False) -> np.ndarray:
    """Convert ``x`` to a 1-d float array, rejecting text, 2-d input, NaN and inf.

    Parameters
    ----------
    x : array-like
        Numbers (list, NumPy array, pandas Series).
    name : str
        Argument name used in error messages.
    allow_nan : bool, default False
        Keep NaN values instead of rejecting them.
    """
    if isinstance(x, (str, bytes)):
        raise BookInputError(f"{name} must be numeric array-like, got a string {x!r}.")
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise BookInputError(
                f"{name} must be one column, got a DataFrame with {x.shape[1]} columns; "
                "select the column you mean, e.g. df['col']."
            )
        x = x.iloc[:, 0]
    arr = np.asarray(x)
    if arr.dtype.kind == "O" and all(
        isinstance(e, (int, float, np.integer, np.floating)) and not isinstance(e, bool)
        for e in arr.ravel()
    ):
        arr = arr.astype(float)  # numbers held in an object column
    if arr.dtype.kind in "OUS":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError) as exc:
            raise BookInputError(
                f"{name} holds non-numeric values (dtype {arr.dtype}); convert it with "
                f"pd.to_numeric(...) first. ({exc})"
            ) from None
        raise BookInputError(
            f"{name} holds numbers stored as text (dtype {np.asarray(x).dtype}); convert it "
            "with pd.to_numeric(...) so that bad entries are not silently coerced."
        )
    if arr.dtype.kind == "b":
        raise BookInputError(f"{name} is boolean; pass numbers.")
    arr = arr.astype(float)
    if arr.ndim != 1:
        arr = np.squeeze(arr)
        if arr.ndim != 1:
            raise BookInputError(f"{name} must be one-dimensional, got shape {np.shape(x)}.")
    if arr.size == 0:
        raise BookInputError(f"{name} is empty; pass at least one observation.")
    if np.isinf(arr).any():
        raise BookInputError(f"{name} contains {int(np.isinf(arr).sum())} infinite value(s).")
    if not allow_nan and np.isnan(arr).any():
        raise BookInputError(
            f"{name} contains {int(np.isnan(arr).sum())} missing (NaN) value(s); drop or impute "
            "them explicitly before calling, so nothing is dropped silently."
        )
    return arr


def require_positive(arr: np.ndarray, name: str, *, strict: bool = True) -> np.ndarray:
    """Reject values ``<= 0`` (``strict``) or ``< 0``; logs and shares need them positive."""
    bad = arr <= 0 if strict else arr < 0
    if bad.any():
        first = np.flatnonzero(bad)[:5].tolist()
        sign = "non-positive" if strict else "negative"
        raise BookInputError(
            f"{name} has {int(bad.sum())} {sign} value(s) (first at positions {first}, e.g. "
            f"{arr[first[0]]!r}); " + ("logs need strictly positive values." if strict
                                      else "quantities such as employment cannot be negative.")
        )
    return arr


def require_same_length(**arrays) -> int:
    """Check that all keyword arrays have the same length; return it."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise BookInputError(f"length mismatch: {desc}; pass arrays observation by observation.")
    return next(iter(lengths.values()))


def require_min_obs(n: int, k: int, what: str = "regression") -> None:
    """Need more observations than parameters."""
    if n <= k:
        raise BookInputError(
            f"{what} needs more observations than parameters: n={n}, parameters={k}."
        )


def require_columns(df: pd.DataFrame, columns: Iterable[str], name: str = "data") -> None:
    """Check that ``df`` is a DataFrame holding ``columns``."""
    if not isinstance(df, pd.DataFrame):
        raise BookInputError(f"{name} must be a pandas DataFrame, got {type(df).__name__}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BookInputError(
            f"{name} lacks column(s) {missing}; it has {list(df.columns)[:12]}."
        )
    if len(df) == 0:
        raise BookInputError(f"{name} is empty (0 rows).")


def require_unique(values: Sequence, name: str) -> None:
    """Reject duplicated keys (region ids, (region, industry) pairs, years...)."""
    s = pd.Series(list(values))
    dup = s[s.duplicated()].unique().tolist()
    if dup:
        raise BookInputError(f"{name} has duplicated key(s) {dup[:5]}; aggregate or fix them first.")


def require_in_range(value: float, name: str, lo=None, hi=None, *, lo_open=False, hi_open=False):
    """Check a scalar parameter lies in an interval; message states the interval."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise BookInputError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(v):
        raise BookInputError(f"{name} must be finite, got {value!r}.")
    if lo is not None and (v <= lo if lo_open else v < lo):
        raise BookInputError(f"{name}={v} is out of range: needs {name} {'>' if lo_open else '>='} {lo}.")
    if hi is not None and (v >= hi if hi_open else v > hi):
        raise BookInputError(f"{name}={v} is out of range: needs {name} {'<' if hi_open else '<='} {hi}.")
    return v


def require_ids_match(data_ids: Sequence, weight_ids: Sequence, what: str = "weights") -> None:
    """Data and spatial weights must hold exactly the same ids (order may differ)."""
    a, b = set(data_ids), set(weight_ids)
    if len(a) != len(list(data_ids)):
        raise BookInputError("data ids are duplicated; each region must appear once.")
    if a != b:
        only_d = sorted(map(str, a - b))[:5]
        only_w = sorted(map(str, b - a))[:5]
        raise BookInputError(
            f"ids differ between data and {what}: only in data {only_d}, only in {what} {only_w}. "
            "Build the weights from the same regions, or subset the data, and join on ids."
        )


def require_varies(arr, name: str, what: str = "this statistic") -> np.ndarray:
    """Refuse a constant variable: its deviations from the mean are all zero, so correlations,
    Moran's I and regression slopes on it are undefined (0/0), not zero."""
    a = np.asarray(arr, dtype=float)
    if a.size and np.ptp(a) == 0:
        raise BookInputError(f"{name} is constant (every value is {a.flat[0]!r}); {what} is "
                             "undefined for a variable that does not vary. Check the column "
                             "(a failed join or a filter that kept one value?).")
    return a
