"""Loaders for city and municipality populations (rank-size / Zipf designs)."""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader

_TOWNY_COLS = ["name", "status", "csd_type", "census_div", "latitude", "longitude",
               "land_area_km2"] + [f"population_{y}" for y in (1996, 2001, 2006, 2011, 2016, 2021)]


@loader("ontario_municipalities")
def ontario_municipalities() -> pd.DataFrame:
    """414 Ontario local municipalities with census populations 1996-2021 (gt/towny)."""
    raw = pd.read_pickle(fetch("ontario_municipalities"), compression="xz")
    out = raw[_TOWNY_COLS].copy()
    for y in (2006, 2011, 2016, 2021):
        out[f"population_{y}"] = out[f"population_{y}"].astype("int64")
    return out.sort_values("population_2021", ascending=False).reset_index(drop=True)


@loader("canada_cma_1996")
def canada_cma_1996() -> pd.DataFrame:
    """Long table: city, region, year, population (persons) for Canada's 25 CMAs, 1992-96."""
    raw = pd.read_pickle(fetch("canada_cma_1996"), compression="xz")
    long = raw.melt(id_vars=["CITY", "REGION"], value_vars=[f"POP{y}" for y in range(1992, 1997)],
                    var_name="year", value_name="population")
    long = long.rename(columns={"CITY": "city", "REGION": "region"})
    long["city"] = long["city"].astype(str)
    long["region"] = long["region"].astype(str)
    long["year"] = long["year"].str[3:].astype(int)
    long["population"] = long["population"].astype(float) * 1000.0
    return long.sort_values(["year", "population"], ascending=[True, False]).reset_index(drop=True)
