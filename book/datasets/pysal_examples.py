"""Loaders for data sets shipped in the libpysal examples (US states, Mexican states)."""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader


@loader("us_income")
def us_income() -> pd.DataFrame:
    """Long table: state, fips, year, income (current US$ per capita)."""
    wide = pd.read_csv(fetch("us_income", "usjoin.csv"))
    long = wide.melt(id_vars=["Name", "STATE_FIPS"], var_name="year", value_name="income")
    long = long.rename(columns={"Name": "state", "STATE_FIPS": "fips"})
    long["year"] = long["year"].astype(int)
    long["fips"] = long["fips"].astype(int)
    long["income"] = long["income"].astype(float)
    return long.sort_values(["state", "year"]).reset_index(drop=True)


@loader("us48_geometry")
def us48_geometry():
    """GeoDataFrame of the 48 states: state, fips, abbr, sub_region, geometry (EPSG:4326)."""
    import geopandas as gpd

    for f in ("us48.dbf", "us48.shx", "states48.gal"):
        fetch("us48_geometry", f)  # verify the companions' hashes too
    g = gpd.read_file(fetch("us48_geometry", "us48.shp"))
    g = g.set_crs(4326)
    out = gpd.GeoDataFrame({
        "state": g["STATE_NAME"].astype(str),
        "fips": g["STATE_FIPS"].astype(int),
        "abbr": g["STATE_ABBR"].astype(str),
        "sub_region": g["SUB_REGION"].astype(str),
    }, geometry=g.geometry, crs=g.crs)
    return out.sort_values("state").reset_index(drop=True)


@loader("mexico_gdp")
def mexico_gdp() -> pd.DataFrame:
    """Long table: state, year, gdp_pc (1993 pesos), region_hanson03, region_inegi."""
    wide = pd.read_csv(fetch("mexico_gdp", "mexico.csv"))
    value_cols = [c for c in wide.columns if c.startswith("pcgdp")]
    long = wide.melt(id_vars=["State", "hanson03", "inegi"], value_vars=value_cols,
                     var_name="year", value_name="gdp_pc")
    long["year"] = long["year"].str.replace("pcgdp", "").astype(int)
    long = long.rename(columns={"State": "state", "hanson03": "region_hanson03",
                                "inegi": "region_inegi"})
    long["region_hanson03"] = long["region_hanson03"].astype(int)
    long["region_inegi"] = long["region_inegi"].astype(int)
    long["gdp_pc"] = long["gdp_pc"].astype(float)
    return long.sort_values(["state", "year"]).reset_index(drop=True)


#: shapefile long names -> the short names used in mexico.csv
MEXICO_NAMES = {
    "Baja California Norte": "Baja California",
    "Coahuila De Zaragoza": "Coahuila",
    "Michoacan de Ocampo": "Michoacan",
    "Queretaro de Arteaga": "Quertaro",  # sic: the csv spells it so
    "Veracruz-Llave": "Veracruz",
}


@loader("mexico_geometry")
def mexico_geometry():
    """GeoDataFrame of the 32 Mexican states: state (csv spelling), code, geometry."""
    import geopandas as gpd

    for f in ("mexicojoin.dbf", "mexicojoin.shx", "mexico.gal"):
        fetch("mexico_geometry", f)
    g = gpd.read_file(fetch("mexico_geometry", "mexicojoin.shp")).set_crs(4326, allow_override=True)
    out = gpd.GeoDataFrame({
        "state": g["NAME"].replace(MEXICO_NAMES).astype(str),
        "code": g["CODE"].astype(str),
    }, geometry=g.geometry, crs=4326)
    return out.sort_values("state").reset_index(drop=True)
