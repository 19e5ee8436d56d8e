"""County Business Patterns by state x NAICS industry, 2000-2011 (vendored, kind: vendored).

The vendored archive holds one comma-separated file per NAICS code (``fips/326---.csv``) with
the columns ap, ap_nf, emp, emp_nf, empflag, est, fipstate, year: one row per state and year.
:func:`read_cbp_state_naics` turns it into one tidy state x code x year table.

Two traps of CBP are handled explicitly here, never silently:

* **Suppression.** A cell withheld to avoid disclosing a single firm has ``emp = 0`` in the file
  and a size-range letter in ``empflag``. The loader returns ``emp = NaN`` there, keeps the
  letter, and gives the range bounds (:data:`SUPPRESSION_RANGES`) in ``emp_lo``/``emp_hi``.
  :func:`fill_suppressed` then replaces withheld cells by the range midpoint, a bound, or drops
  them, and always reports how many cells and how much employment that touched.
* **NAICS vintages.** CBP 2000-2002 classify by NAICS 1997, 2003-2007 by NAICS 2002 and
  2008-2011 by NAICS 2007 (:func:`vintage_of`). A code can change content between vintages, so
  :func:`span_table` refuses a growth span that crosses a vintage unless told otherwise.
"""
from __future__ import annotations

import io
import re
import tarfile

import numpy as np
import pandas as pd

from ..data import fetch, loader, require_file
from ..errors import BookInputError, DataIntegrityError

ARCHIVE = "cbp_state_naics_2000_2011.tar.xz"
COLUMNS = ("ap", "ap_nf", "emp", "emp_nf", "empflag", "est", "fipstate", "year")

#: Employment size ranges of the CBP disclosure flag (``empflag``), from the CBP record layout.
SUPPRESSION_RANGES: dict[str, tuple[float, float]] = {
    "A": (0, 19), "B": (20, 99), "C": (100, 249), "E": (250, 499), "F": (500, 999),
    "G": (1_000, 2_499), "H": (2_500, 4_999), "I": (5_000, 9_999), "J": (10_000, 24_999),
    "K": (25_000, 49_999), "L": (50_000, 99_999), "M": (100_000, np.inf),
}

#: NAICS vintage of each CBP reference year.
VINTAGES = {**{y: "NAICS1997" for y in range(2000, 2003)},
            **{y: "NAICS2002" for y in range(2003, 2008)},
            **{y: "NAICS2007" for y in range(2008, 2012)}}


def vintage_of(year) -> str:
    """NAICS vintage used by the CBP file of ``year`` (2000-2011)."""
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise BookInputError(f"year must be an int, got {year!r}.")
    if int(year) not in VINTAGES:
        raise BookInputError(f"no CBP state x NAICS file for {year}; the vendored years are "
                             "2000-2011.")
    return VINTAGES[int(year)]


def _parse_member(name: str, text: str) -> tuple[str, list[str]]:
    code = name.rsplit("/", 1)[-1][:-4]
    if not re.fullmatch(r"\d{2,6}-{0,4}|-{6}", code) or len(code) != 6:
        raise DataIntegrityError(f"{name}: {code!r} is not a six-character NAICS code "
                                 "(digits padded with '-').")
    lines = text.splitlines()
    if not lines or lines[0].strip() != ",".join(COLUMNS):
        raise DataIntegrityError(f"{name}: header {lines[:1]} is not the expected "
                                 f"{','.join(COLUMNS)}.")
    return code, lines[1:]


def read_cbp_state_naics(path) -> pd.DataFrame:
    """Read the vendored tar.xz into the tidy table documented in the registry."""
    path = require_file(path)
    chunks = []
    with tarfile.open(path, "r:xz") as tf:
        for m in tf:
            if not (m.isfile() and m.name.endswith(".csv")):
                continue
            code, rows = _parse_member(m.name, tf.extractfile(m).read().decode("utf-8"))
            body = "\n".join(r for r in rows if r.strip())
            if body:
                chunks.append(code + "," + body.replace("\n", "\n" + code + ","))
    if not chunks:
        raise DataIntegrityError(f"{path} holds no CBP csv files.")
    text = io.StringIO("code," + ",".join(COLUMNS) + "\n" + "\n".join(chunks))
    types = {c: "category" for c in ("code", "ap_nf", "emp_nf", "empflag", "fipstate")}
    try:
        raw = pd.read_csv(text, dtype={**types, **{c: "int64" for c in ("ap", "emp", "est",
                                                                        "year")}},
                          keep_default_na=False)
    except ValueError as exc:
        raise DataIntegrityError(f"{path}: a count column holds non-integer text ({exc}).") from None
    return tidy(raw)


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn raw rows (``code`` plus the file columns, all text) into the tidy table.

    Raises :class:`DataIntegrityError` for negative or non-numeric counts, unknown flags,
    published (unflagged) cells that fall outside nothing, duplicated keys, or a flagged cell
    whose employment is not zero.
    """
    need = ["code", *COLUMNS]
    miss = [c for c in need if c not in raw.columns]
    if miss:
        raise DataIntegrityError(f"CBP table lacks column(s) {miss}.")
    num = {}
    for c in ("emp", "est", "ap", "year", "fipstate"):
        v = raw[c] if pd.api.types.is_numeric_dtype(raw[c]) else pd.to_numeric(
            raw[c], errors="coerce")
        if v.isna().any():
            ex = raw.loc[v.isna(), c].iloc[0]
            raise DataIntegrityError(f"CBP column {c!r} has {int(v.isna().sum())} non-numeric "
                                     f"value(s), e.g. {ex!r}.")
        if (v < 0).any():
            raise DataIntegrityError(f"CBP column {c!r} has {int((v < 0).sum())} negative "
                                     "value(s); counts cannot be negative - the file is corrupt.")
        num[c] = v
    def cat(col, fn=lambda v: v):
        """Text column as a plain object array, transforming each distinct value once."""
        c = raw[col].astype("category")
        cats = np.array([fn(str(v)) for v in c.cat.categories], dtype=object)
        codes = c.cat.codes.to_numpy()
        if (codes < 0).any():
            raise DataIntegrityError(f"CBP column {col!r} has missing values.")
        return pd.Series(cats[codes], index=raw.index, dtype=object)

    flag = cat("empflag", str.strip)
    unknown = sorted(set(flag.unique()) - set(SUPPRESSION_RANGES) - {""})
    if unknown:
        raise DataIntegrityError(f"unknown CBP disclosure flag(s) {unknown}; known: "
                                 f"{sorted(SUPPRESSION_RANGES)}.")
    sup = (flag != "").to_numpy()
    if (num["emp"][sup] != 0).any():
        raise DataIntegrityError("a cell carries a disclosure flag but non-zero employment; the "
                                 "layout is not the CBP one.")
    naics = cat("code", lambda v: v.strip().replace("-", ""))
    level = naics.str.len().astype(int)
    years = num["year"].astype(int)
    bad_years = sorted(set(years) - set(VINTAGES))
    if bad_years:
        raise DataIntegrityError(f"CBP years {bad_years[:5]} outside 2000-2011.")
    emp = num["emp"].astype(float).where(~sup)
    lo = flag.map({k: v[0] for k, v in SUPPRESSION_RANGES.items()}).astype(float)
    hi = flag.map({k: v[1] for k, v in SUPPRESSION_RANGES.items()}).astype(float)
    out = pd.DataFrame({
        "state_fips": cat("fipstate", lambda v: v.strip().zfill(2)),
        "naics": naics, "level": level, "year": years,
        "vintage": years.map(VINTAGES).astype(object),
        "emp": emp, "est": num["est"].astype(int),
        "payroll": num["ap"].astype(float).where(~sup),
        "empflag": flag, "emp_nf": cat("emp_nf", lambda v: v.strip().replace("-", "")),
        "suppressed": sup,
        "emp_lo": emp.fillna(lo), "emp_hi": emp.fillna(hi.replace(np.inf, np.nan)),
    })
    dup = out.duplicated(["state_fips", "naics", "year"])
    if dup.any():
        raise DataIntegrityError(f"{int(dup.sum())} duplicated (state, code, year) rows.")
    return out.sort_values(["year", "level", "naics", "state_fips"]).reset_index(drop=True)


@loader("cbp_state_naics")
def cbp_state_naics() -> pd.DataFrame:
    """CBP state x NAICS, all codes, 2000-2011 (about 812,000 rows; ~3 s to read)."""
    return read_cbp_state_naics(fetch("cbp_state_naics", ARCHIVE))


def fill_suppressed(df: pd.DataFrame, how: str = "midpoint") -> pd.DataFrame:
    """Resolve withheld employment cells explicitly.

    Parameters
    ----------
    df : DataFrame
        Rows of the ``cbp_state_naics`` table (columns emp, suppressed, emp_lo, emp_hi, empflag).
    how : {"midpoint", "lower", "upper", "drop"}
        Replace a withheld cell by the midpoint of its size range, by its lower or upper bound,
        or drop it. Open-ended "M" cells (100,000 or more) have no midpoint or upper bound; they
        get the lower bound 100,000 under every rule except "drop".

    Returns
    -------
    DataFrame with a column ``emp_used`` (and without dropped rows); ``out.attrs`` records
    ``n_suppressed``, ``n_open_ended``, ``how`` and ``emp_imputed`` (employment put into withheld
    cells; 0 for "drop").

    Raises
    ------
    BookInputError
        Unknown rule, missing columns, negative employment, or every row withheld (an index on
        such a table would be built from the imputation alone).
    """
    if how not in ("midpoint", "lower", "upper", "drop"):
        raise BookInputError(f"how must be 'midpoint', 'lower', 'upper' or 'drop', got {how!r}.")
    need = ["emp", "suppressed", "emp_lo", "emp_hi", "empflag"]
    miss = [c for c in need if c not in df.columns]
    if miss:
        raise BookInputError(f"df lacks column(s) {miss}; pass rows of data.load('cbp_state_naics').")
    if len(df) == 0:
        raise BookInputError("df is empty.")
    sup = df["suppressed"].astype(bool)
    if (df.loc[~sup, "emp"] < 0).any() or df.loc[~sup, "emp"].isna().any():
        raise BookInputError("published (unsuppressed) employment must be a non-negative number; "
                             "found negative or missing values.")
    if sup.all():
        raise BookInputError(f"all {len(df)} rows are suppressed: there is no published employment "
                             "to anchor an estimate. Use a coarser industry level or more states.")
    out = df.copy()
    open_ended = sup & out["emp_hi"].isna()
    if how == "drop":
        out = out[~sup].copy()
        out["emp_used"] = out["emp"].astype(float)
        imputed = 0.0
    else:
        lo, hi = out["emp_lo"].astype(float), out["emp_hi"].astype(float).fillna(out["emp_lo"])
        fill = {"midpoint": (lo + hi) / 2, "lower": lo, "upper": hi}[how]
        fill = fill.where(~open_ended, lo)
        out["emp_used"] = out["emp"].astype(float).where(~sup, fill)
        imputed = float(out.loc[sup, "emp_used"].sum())
    out.attrs.update(n_suppressed=int(sup.sum()), n_open_ended=int(open_ended.sum()), how=how,
                     emp_imputed=imputed)
    return out


def cross_section(df: pd.DataFrame, year: int, level: int, *, how: str = "midpoint",
                  prefix: str | None = None) -> pd.DataFrame:
    """State x industry table of one year and digit level, withheld cells resolved by ``how``.

    ``prefix`` keeps codes starting with it (e.g. ``"3"`` for manufacturing 31-33). Returns
    state_fips, naics, emp (resolved), est, suppressed; attrs as :func:`fill_suppressed`.
    """
    vintage_of(year)
    if level not in (2, 3, 4, 5, 6):
        raise BookInputError(f"level must be 2-6 NAICS digits, got {level!r}.")
    sub = df[(df["year"] == year) & (df["level"] == level)]
    if prefix is not None:
        sub = sub[sub["naics"].str.startswith(str(prefix))]
    if len(sub) == 0:
        raise BookInputError(f"no rows for year {year}, level {level}, prefix {prefix!r}.")
    f = fill_suppressed(sub, how)
    out = f[["state_fips", "naics", "emp_used", "est", "suppressed"]].rename(
        columns={"emp_used": "emp"}).reset_index(drop=True)
    out.attrs.update(f.attrs)
    return out


def span_table(df: pd.DataFrame, year0: int, year1: int, level: int, *,
               allow_cross_vintage: bool = False) -> pd.DataFrame:
    """State x industry table of employment at ``year0`` and ``year1`` (for growth regressions).

    Only (state, code) pairs present in both years are kept; withheld cells are kept with their
    flags (columns sup0, sup1) so that the caller decides what to do with them.

    Raises
    ------
    BookInputError
        ``year1 <= year0``; a span that crosses a NAICS vintage (2002/2003 or 2007/2008) unless
        ``allow_cross_vintage``; or industry codes of one year that the other year lacks
        entirely (mismatched classifications), listed in the message.
    """
    v0, v1 = vintage_of(year0), vintage_of(year1)
    if year1 <= year0:
        raise BookInputError(f"year1 ({year1}) must be after year0 ({year0}).")
    if v0 != v1 and not allow_cross_vintage:
        raise BookInputError(f"{year0} is classified by {v0} and {year1} by {v1}: codes change "
                             "content between vintages. Pick a span within one vintage "
                             "(2000-2002, 2003-2007, 2008-2011) or pass allow_cross_vintage=True "
                             "with a concordance.")
    a = df[(df["year"] == year0) & (df["level"] == level)]
    b = df[(df["year"] == year1) & (df["level"] == level)]
    only0 = sorted(set(a["naics"]) - set(b["naics"]))
    only1 = sorted(set(b["naics"]) - set(a["naics"]))
    if only0 or only1:
        raise BookInputError(f"industry codes do not match between {year0} and {year1}: only in "
                             f"{year0}: {only0[:8]}, only in {year1}: {only1[:8]}.")
    cols = ["state_fips", "naics", "emp", "est", "suppressed", "emp_lo", "emp_hi"]
    m = a[cols].merge(b[cols], on=["state_fips", "naics"], suffixes=("0", "1"), how="inner")
    m = m.rename(columns={"suppressed0": "sup0", "suppressed1": "sup1"})
    m.attrs.update(year0=year0, year1=year1, vintage=v0 if v0 == v1 else f"{v0}->{v1}")
    return m.reset_index(drop=True)
