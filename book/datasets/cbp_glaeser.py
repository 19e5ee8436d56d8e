"""Loaders for Census County Business Patterns county files, SIC years (GKSS design).

The official files ``cbpYYco.zip`` (1986-1997 use SIC codes) hold one comma-separated table
``cbpYYco.txt`` with fields fipstate, fipscty, sic, empflag, emp, qp1, ap, est and
size-class counts. SIC codes are padded with dashes: ``"----"`` is all industries, ``"20--"``
a two-digit major group. When employment is withheld for disclosure, ``emp`` is 0 and
``empflag`` holds a size-range letter (A = 0-19, B = 20-99, ... M = 100,000 or more); those
cells are returned as NaN employment with the flag kept, never silently filled.

Not available offline: the files are fetched from census.gov through :func:`book.data.fetch`
(trust-on-first-use hash), and the tests exercise the path with a loopback server.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data import fetch, loader
from .cbp import read_cbp_zip

REQUIRED = ("fipstate", "fipscty", "sic", "emp", "est")


def read_cbp_county_sic(path) -> pd.DataFrame:
    """Parse an official CBP county zip (SIC years) into county x two-digit SIC rows.

    Returns columns county_fips (5-digit str), sic2 (str), employment (float, NaN where
    withheld), empflag (str), establishments (int).
    """
    raw = read_cbp_zip(path, REQUIRED, "the SIC-era county layout")
    sic = raw["sic"].str.strip()
    df = raw[sic.map(lambda s: bool(re.fullmatch(r"\d\d--", s)))]
    flag = df["empflag"].str.strip() if "empflag" in df.columns else pd.Series("", index=df.index)
    emp = pd.to_numeric(df["emp"].str.strip(), errors="raise").astype(float)
    emp = emp.where(flag == "", np.nan)
    out = pd.DataFrame({
        "county_fips": df["fipstate"].str.strip().str.zfill(2) + df["fipscty"].str.strip().str.zfill(3),
        "sic2": df["sic"].str.strip().str[:2],
        "employment": emp,
        "empflag": flag,
        "establishments": pd.to_numeric(df["est"].str.strip(), errors="raise").astype(int),
    })
    # statewide records use county code 999; they are not counties
    out = out[~out["county_fips"].str.endswith("999")]
    return out.sort_values(["county_fips", "sic2"]).reset_index(drop=True)


@loader("cbp_county_1986")
def cbp_county_1986(base_url: str | None = None) -> pd.DataFrame:
    """CBP 1986 county x two-digit SIC employment (downloads ``cbp86co.zip`` on first use)."""
    return read_cbp_county_sic(fetch("cbp_county_1986", "cbp86co.zip", base_url=base_url))


@loader("cbp_county_1997")
def cbp_county_1997(base_url: str | None = None) -> pd.DataFrame:
    """CBP 1997 county x two-digit SIC employment (downloads ``cbp97co.zip`` on first use)."""
    return read_cbp_county_sic(fetch("cbp_county_1997", "cbp97co.zip", base_url=base_url))
