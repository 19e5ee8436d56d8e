"""Loader for the Census County Business Patterns state file (download path, kind: url).

The official file is ``cbpYYst.zip`` holding ``cbpYYst.txt``, comma-separated with quoted
text fields and the 2018+ record layout (fipstate, naics, lfo, emp_nf, emp, qp1_nf, qp1,
ap_nf, ap, est, size-class counts). Column names are lower case in recent years and upper
case in some older ones; numeric cells withheld for disclosure are "N" (older years) or come
with the noise flag "D".
"""
from __future__ import annotations

import re
import zipfile

import pandas as pd

from ..data import fetch, loader, require_file
from ..errors import DataIntegrityError

REQUIRED = ("fipstate", "naics", "emp", "est")


def read_cbp_zip(path, required, layout: str, member: str | None = None) -> pd.DataFrame:
    """Read the one comma-separated table inside an official CBP zip, all columns as text.

    Column names are stripped and lower-cased; a missing required column raises
    :class:`DataIntegrityError` naming the ``layout`` expected. Shared by the state (NAICS) and
    county (SIC) readers.
    """
    path = require_file(path)
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.lower().endswith((".txt", ".csv"))]
        if member is None:
            if len(names) != 1:
                raise DataIntegrityError(f"{path} should hold one .txt table, found {names}.")
            member = names[0]
        with zf.open(member) as fh:
            raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise DataIntegrityError(f"{member} lacks CBP column(s) {missing}; columns are "
                                 f"{list(raw.columns)[:12]} - not {layout}?")
    return raw


def read_cbp_state(path, member: str | None = None) -> pd.DataFrame:
    """Parse an official CBP state zip into a tidy state x two-digit-sector table.

    Keeps rows for all legal forms of organisation (``lfo == "-"``, when the column exists)
    and NAICS codes of the form ``NN----`` (two-digit sectors). Returns columns state_fips,
    sector, employment, establishments, noise_flag.
    """
    df = read_cbp_zip(path, REQUIRED, "the official state layout", member=member)
    if "lfo" in df.columns:
        df = df[df["lfo"].str.strip() == "-"]
    naics = df["naics"].str.strip()
    df = df[naics.map(lambda s: bool(re.fullmatch(r"\d\d----", s)))]
    flag = df["emp_nf"].str.strip() if "emp_nf" in df.columns else pd.Series("", index=df.index)
    emp = pd.to_numeric(df["emp"].str.strip().replace({"N": None, "": None}), errors="raise")
    emp = emp.astype(float).where(flag != "D")
    out = pd.DataFrame({
        "state_fips": df["fipstate"].str.strip().str.zfill(2),
        "sector": df["naics"].str.strip().str[:2],
        "employment": emp,
        "establishments": pd.to_numeric(df["est"].str.strip(), errors="raise").astype(int),
        "noise_flag": flag,
    })
    return out.sort_values(["state_fips", "sector"]).reset_index(drop=True)


@loader("cbp_state_2021")
def cbp_state_2021(base_url: str | None = None) -> pd.DataFrame:
    """CBP 2021 state x NAICS-sector employment (downloads ``cbp21st.zip`` on first use)."""
    return read_cbp_state(fetch("cbp_state_2021", "cbp21st.zip", base_url=base_url))
