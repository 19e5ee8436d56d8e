"""Loaders for European NUTS-2 regions (chapters 4 and 5).

* ``eu_nuts2_roses_wolf`` - the Rosés–Wolf database on regional GDP (Rosés & Wolf 2018, 2021):
  173 regions of 16 western European countries at 12 benchmark years 1900–2015; regional GDP in
  1990 and in 2011 international dollars (millions), population (thousands) and the shares of
  agriculture, industry (with mining) and services in total employment. Vendored from the copy
  in ``j-jayes/Roses-Wolf-database-on-regional-GDP`` (``data.xlsx``, one sheet, one row per
  region x series, the Series label names the table of the book's appendix and its unit). The
  loader returns a tidy region x year panel; GDP per capita is computed from the two tables
  (GDP in millions of dollars over population in thousands, so dollars per person).
* ``eu_nuts2_roses_wolf_geometry`` - the polygons of the same 173 regions (shapefile of the same
  repository, ETRS89). The shapefile keys three merged regions by short codes (``AT123`` for
  Lower Austria+Vienna ``AT12+AT13``, ``DE712`` for ``DE71+DE72``, ``DE912`` for
  ``DE91+DE92``); the loader maps them (:data:`RW_GEOMETRY_CODES`) and drops the shapefile's
  regions outside the database (eastern Europe, Turkey, ...).
* ``eu_nuts2_eurostat`` - Eurostat NUTS-2 indicators with boundaries for 2008 or 2012 (repackaged
  in ``andrea-ballatore/open-geo-data-education``): regional GDP (million EUR, current prices,
  table tgs00003), population on 1 January (tgs00096), EPO patent applications per million
  inhabitants by priority year (tgs00040), unemployment rate (tgs00010); boundaries
  © EuroGeographics.

The loaders accept ``years=`` / ``regions=`` (Rosés–Wolf) and ``year=`` (Eurostat) and refuse
unknown values with the list of valid ones, so that a typo never returns an empty table.
"""
from __future__ import annotations

import gzip
import io

import numpy as np
import pandas as pd

from ..data import fetch, loader
from ..errors import BookInputError, DataIntegrityError

#: the 12 benchmark years of the Rosés–Wolf database
RW_YEARS = (1900, 1910, 1925, 1938, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2015)
#: Series label in data.xlsx -> column of the tidy panel
RW_SERIES = {
    "Table A.1: Regional GDP (1990 International Dollars, millions)": "gdp_1990",
    "Table A.1: Regional GDP (2011 International Dollars, millions)": "gdp_2011",
    "Table A.3: Population (1000s)": "population",
    "Table A.4: Share of Agriculture in Total Employment": "agriculture",
    "Table A.5: Share of Industry and Mining in Total Employment": "industry",
    "Table A.6: Share of Services in Total Employment": "services",
}
#: Rosés–Wolf region code -> NUTS_CODE used by the shapefile for the merged regions
RW_GEOMETRY_CODES = {"AT12+AT13": "AT123", "DE71+DE72": "DE712", "DE91+DE92": "DE912"}
#: (region, year) cells whose three published shares do not sum to 1; kept as published
#: (Åland 1900: 0.6 + 0.2 + 0.4; 1910: 0.857 + 0.143 + 0.143); any other such cell is refused
RW_SHARE_ANOMALIES = {("FI20", 1900), ("FI20", 1910)}
#: years with Eurostat files
EUROSTAT_YEARS = (2008, 2012)
RW_N_REGIONS = 173


def _check_choice(values, allowed, what: str):
    if values is None:
        return list(allowed)
    if isinstance(values, (str, int, np.integer)):
        values = [values]
    values = list(values)
    if not values:
        raise BookInputError(f"{what} is empty; pass None for all, or some of {list(allowed)[:12]}.")
    bad = [v for v in values if v not in set(allowed)]
    if bad:
        shown = list(allowed)[:12]
        raise BookInputError(f"unknown {what} {bad[:5]}; valid values are {shown}"
                             f"{' ...' if len(allowed) > 12 else ''}.")
    return values


def _rw_raw() -> pd.DataFrame:
    raw = pd.read_excel(fetch("eu_nuts2_roses_wolf", "data.xlsx"), sheet_name=0)
    need = ["Series", "Country (current borders)", "NUTS-Codes", "Region", *RW_YEARS]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DataIntegrityError(f"data.xlsx lacks columns {missing}; is it the Rosés–Wolf file?")
    unknown = sorted(set(raw["Series"]) - set(RW_SERIES))
    if unknown:
        raise DataIntegrityError(f"data.xlsx has unexpected series {unknown}.")
    counts = raw["Series"].value_counts()
    if not (counts == RW_N_REGIONS).all() or len(counts) != len(RW_SERIES):
        raise DataIntegrityError(f"data.xlsx should hold {RW_N_REGIONS} regions per series, got "
                                 f"{counts.to_dict()}.")
    return raw


@loader("eu_nuts2_roses_wolf")
def eu_nuts2_roses_wolf(years=None, regions=None) -> pd.DataFrame:
    """Tidy Rosés–Wolf panel: one row per region x benchmark year.

    Parameters
    ----------
    years : int or list of int, optional
        Benchmark years to keep (default all 12: 1900, 1910, 1925, 1938, 1950, ..., 2015).
    regions : str or list of str, optional
        Rosés–Wolf region codes to keep (e.g. ``"AT11"``, ``"AT12+AT13"``).

    Returns
    -------
    pandas.DataFrame
        region, name, country, year, gdp_1990, gdp_2011 (million international dollars),
        population (thousands), gdp_pc_1990, gdp_pc_2011 (dollars per person), agriculture,
        industry, services (shares of total employment). Missing cells stay NaN: Flevoland
        (NL23, reclaimed from the sea) exists only from 1960 (GDP and population from 1970);
        Corsica's sector shares start in 1950; the Swiss 2015 sector shares are missing.
        Åland's shares for 1900 and 1910 sum to more than 1 in the source
        (:data:`RW_SHARE_ANOMALIES`) and are returned as published.
    """
    years = _check_choice(years, RW_YEARS, "year(s)")
    raw = _rw_raw()
    codes = raw.drop_duplicates("NUTS-Codes")["NUTS-Codes"].tolist()
    regions = _check_choice(regions, codes, "region code(s)")
    long = raw.melt(id_vars=["Series", "Country (current borders)", "NUTS-Codes", "Region"],
                    value_vars=list(RW_YEARS), var_name="year", value_name="value")
    long["var"] = long["Series"].map(RW_SERIES)
    wide = long.pivot_table(index=["NUTS-Codes", "year"], columns="var", values="value",
                            aggfunc="first", dropna=False).reset_index()
    meta = (raw.drop_duplicates("NUTS-Codes")
            .rename(columns={"NUTS-Codes": "region", "Region": "name",
                             "Country (current borders)": "country"})
            [["region", "name", "country"]])
    meta["country"] = meta["country"].str.strip().str.title()
    out = meta.merge(wide.rename(columns={"NUTS-Codes": "region"}), on="region",
                     validate="1:m")
    out["year"] = out["year"].astype(int)
    for c in RW_SERIES.values():
        out[c] = out[c].astype(float)
    vals = out[["gdp_1990", "gdp_2011", "population"]].to_numpy()
    if (vals[np.isfinite(vals)] <= 0).any():
        raise DataIntegrityError("Rosés–Wolf GDP or population has non-positive values.")
    shares = out[["agriculture", "industry", "services"]]
    if ((shares < 0) | (shares > 1)).any().any():
        raise DataIntegrityError("Rosés–Wolf employment shares outside [0, 1].")
    total = shares.sum(axis=1, min_count=3)
    off = (total - 1).abs() > 0.005
    odd = set(zip(out.loc[off, "region"], out.loc[off, "year"], strict=True))
    if odd - RW_SHARE_ANOMALIES:
        raise DataIntegrityError(f"Rosés–Wolf employment shares do not sum to 1 (±0.005) for "
                                 f"{sorted(odd - RW_SHARE_ANOMALIES)[:5]}.")
    # millions of dollars / thousands of people = 1000 dollars per person
    out["gdp_pc_1990"] = 1000.0 * out["gdp_1990"] / out["population"]
    out["gdp_pc_2011"] = 1000.0 * out["gdp_2011"] / out["population"]
    cols = ["region", "name", "country", "year", "gdp_1990", "gdp_2011", "population",
            "gdp_pc_1990", "gdp_pc_2011", "agriculture", "industry", "services"]
    out = out[cols]
    out = out[out["year"].isin(years) & out["region"].isin(regions)]
    return out.sort_values(["region", "year"]).reset_index(drop=True)


@loader("eu_nuts2_roses_wolf_geometry")
def eu_nuts2_roses_wolf_geometry(regions=None):
    """Polygons of the 173 Rosés–Wolf regions: region, name, country, geometry (EPSG:4258)."""
    import geopandas as gpd

    path = fetch("eu_nuts2_roses_wolf_geometry", "regions_nuts2.zip")
    g = gpd.read_file(f"zip://{path}!regions_nuts2.shp")
    if g.crs is None:
        raise DataIntegrityError("regions_nuts2.shp has no CRS (.prj missing from the zip).")
    panel = eu_nuts2_roses_wolf(years=[2015])
    meta = panel[["region", "name", "country"]]
    regions = _check_choice(regions, meta["region"].tolist(), "region code(s)")
    meta = meta.assign(shape_code=meta["region"].map(lambda c: RW_GEOMETRY_CODES.get(c, c)))
    out = meta.merge(g.rename(columns={"NUTS_CODE": "shape_code"}), on="shape_code",
                     how="left", validate="1:1")
    lacking = out.loc[out["geometry"].isna(), "region"].tolist()
    if lacking:
        raise DataIntegrityError(f"no polygon in regions_nuts2.shp for regions {lacking}.")
    gdf = gpd.GeoDataFrame(out.drop(columns="shape_code"), geometry="geometry", crs=g.crs)
    gdf = gdf[gdf["region"].isin(regions)]
    return gdf.sort_values("region").reset_index(drop=True)


@loader("eu_nuts2_eurostat")
def eu_nuts2_eurostat(year: int = 2012):
    """Eurostat NUTS-2 indicators and polygons for ``year`` (2008 or 2012).

    Returns
    -------
    geopandas.GeoDataFrame
        nuts_id, country (two-letter code as Eurostat writes it: EL Greece, UK United Kingdom),
        name, gdp_meur (million EUR, current prices), population (persons, 1 January),
        gdp_pc_eur (EUR per person, computed), patents_pm (EPO applications per million
        inhabitants, priority year), unemployment (% of the labour force), geometry (EPSG:4326).
        Indicators a region lacks stay NaN (Eurostat did not publish them for that year).
    """
    import geopandas as gpd

    if isinstance(year, bool) or year not in EUROSTAT_YEARS:
        raise BookInputError(f"year must be one of {EUROSTAT_YEARS} (the vendored Eurostat "
                             f"files), got {year!r}.")
    fname = f"eu_nuts_2_eurostat_{int(year)}.geojson.gz"
    with gzip.open(fetch("eu_nuts2_eurostat", fname)) as fh:
        g = gpd.read_file(io.BytesIO(fh.read()))
    need = ["NUTS_ID", "CNTR_CODE", "NUTS_NAME", "LEVL_CODE", "region_gdp", "region_population",
            "patents", "unemployment_rate_t"]
    missing = [c for c in need if c not in g.columns]
    if missing:
        raise DataIntegrityError(f"{fname} lacks columns {missing}.")
    if not (g["LEVL_CODE"] == 2).all() or g["NUTS_ID"].duplicated().any():
        raise DataIntegrityError(f"{fname}: expected unique NUTS-2 regions only.")
    out = gpd.GeoDataFrame({
        "nuts_id": g["NUTS_ID"].astype(str),
        "country": g["CNTR_CODE"].astype(str),
        "name": g["NUTS_NAME"].astype(str),
        "gdp_meur": g["region_gdp"].astype(float),
        "population": g["region_population"].astype(float),
        "patents_pm": g["patents"].astype(float),
        "unemployment": g["unemployment_rate_t"].astype(float),
    }, geometry=g.geometry, crs=g.crs or "EPSG:4326")
    for c in ("gdp_meur", "population"):
        if (out[c].dropna() <= 0).any():
            raise DataIntegrityError(f"{fname}: non-positive {c}.")
    if (out["patents_pm"].dropna() < 0).any():
        raise DataIntegrityError(f"{fname}: negative patent counts.")
    out["gdp_pc_eur"] = 1e6 * out["gdp_meur"] / out["population"]
    cols = ["nuts_id", "country", "name", "gdp_meur", "population", "gdp_pc_eur", "patents_pm",
            "unemployment", "geometry"]
    return out[cols].sort_values("nuts_id").reset_index(drop=True)
