"""Loaders for USPTO utility patent grants by county, metro area (CBSA) and state, 2000-2015.

* ``uspto_county_patents`` - PTMT county report: patents by county of the first-named inventor.
* ``uspto_cbsa_patents`` - PTMT metro report (its own, older CBSA delineation).
* ``uspto_state_patents_vendored`` - the county file summed to the 50 states and DC, the
  offline counterpart of the download-only ``uspto_state_patents``.
"""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader
from ..errors import DataIntegrityError
from .us_states import STATES

#: two-digit FIPS code -> postal abbreviation, 50 states and DC
STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY",
}


def _read_csv(dataset_id: str, fname: str, code: str) -> pd.DataFrame:
    raw = pd.read_csv(fetch(dataset_id, fname), dtype={code: str}, compression="xz")
    need = {code, "year", "patents_issued"}
    if not need <= set(raw.columns):
        raise DataIntegrityError(f"{fname}: lacks columns {sorted(need - set(raw.columns))}.")
    if raw.duplicated([code, "year"]).any():
        raise DataIntegrityError(f"{fname}: an area appears twice in one year.")
    return raw


@loader("uspto_county_patents")
def uspto_county_patents() -> pd.DataFrame:
    """Utility patents by county (five-digit FIPS, str) and grant year, 2000-2015."""
    raw = _read_csv("uspto_county_patents", "co_uspto.csv.xz", "stco_code")
    fips = raw["stco_code"].astype(str)
    if not fips.str.fullmatch(r"\d{5}").all():
        raise DataIntegrityError("co_uspto.csv: county codes must be five digits.")
    return pd.DataFrame({
        "fips": fips.astype(object),
        "statefips": fips.str[:2].astype(object),
        "county": raw["co_name"].astype(str).astype(object),
        "year": raw["year"].astype(int),
        "patents": raw["patents_issued"].astype(int),
    })


@loader("uspto_cbsa_patents")
def uspto_cbsa_patents() -> pd.DataFrame:
    """Utility patents by PTMT metro area (its own CBSA delineation) and grant year, 2000-2015."""
    raw = _read_csv("uspto_cbsa_patents", "cbsa_uspto.csv.xz", "cbsa_code")
    code = raw["cbsa_code"].astype(str)
    if not code.str.fullmatch(r"\d{2}|\d{5}").all():
        raise DataIntegrityError("cbsa_uspto.csv: area codes must have two or five digits.")
    return pd.DataFrame({
        "cbsa": code.astype(object),
        "name": raw["cbsa_name"].astype(str).astype(object),
        "is_cbsa": code.str.len().eq(5).to_numpy(),
        "year": raw["year"].astype(int),
        "patents": raw["patents_issued"].astype(int),
    })


@loader("uspto_state_patents_vendored")
def uspto_state_patents_vendored() -> pd.DataFrame:
    """County patents summed to the 50 states and DC (drops undetermined counties, territories)."""
    raw = _read_csv("uspto_state_patents_vendored", "co_uspto.csv.xz", "stco_code")
    st = raw["stco_code"].astype(str).str[:2]
    keep = st.isin(STATE_FIPS)
    out = (raw.loc[keep].assign(abbr=st[keep].map(STATE_FIPS))
           .groupby(["abbr", "year"], as_index=False)["patents_issued"].sum())
    out.insert(1, "state", out["abbr"].map(STATES))
    out = out.rename(columns={"patents_issued": "patents"})
    out["abbr"] = out["abbr"].astype(object)
    out["state"] = out["state"].astype(object)
    return out.sort_values(["abbr", "year"], ignore_index=True)

