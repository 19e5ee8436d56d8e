"""Loaders for the Chinese province and prefecture panels, the city census and sector GDP.

Sources (all vendored under ``data/vendor/``; see the registry entries for hashes):

* ``cn_province_panel`` — the provincial workbook of Ji, Long, Luo, Wu, Su & Costanza (NBS
  yearbook series, one sheet per variable, provinces in rows, 1985–2018 in columns) plus their
  regression file ``data_province.dta`` (secondary and tertiary shares of GDP).
* ``cn_prefecture_panel`` — their prefectural workbook (287 prefecture cities, 2006–2018; GDP
  at 1997 prices) plus ``data_prefecture.dta`` (secondary and tertiary shares).
* ``cn_city_census`` — 2010 and 2020 census resident population of prefecture-level units on
  2020 boundaries (Dong, Du & Liu), with boundaries as WKT.
* ``cn_sector_gdp`` — GDP by three sectors, 1998–2019, a secondary compilation.

Known breaks, kept visible as columns rather than smoothed away:

* ``gdp_basis``: the 2018 column of both workbooks is the GDP *after* the revision that
  followed the fourth economic census (published in 2019/2020; e.g. Tianjin 18,549 亿元 in 2017
  but 13,363 in 2018), while 1985–2017 are the yearbook figures of their day. Growth into 2018
  therefore mixes real growth and revision.
* ``population_basis``: before 2000 the workbook's total population is a reconstruction
  mixing registered (户籍) and resident (常住) counts, with level jumps (1987, 1990/91, 1995)
  of up to 35 %; from 2000 the figures are the yearbook totals (resident-based).
* Chongqing is separated from Sichuan only from 1997 and Hainan from Guangdong from 1988.
"""
from __future__ import annotations

import gzip
import lzma

import numpy as np
import pandas as pd

from ..china import match_provinces, provinces
from ..data import fetch, loader
from ..errors import BookInputError, DataIntegrityError

PROVINCE_FILE = "2021.8.6_provincialGPI_compenent_and_measurement.xlsx"
PREFECTURE_FILE = "2022.7.8_prefecturalGPI_component_and_measurement.xlsx"

#: workbook sheet -> (output column, which block of rows; 0 = first 31 rows after the header)
PROVINCE_SHEETS = {
    "GDP": ("gdp", 0),
    "population-total": ("population", 0),
    "population-urban": ("population_urban", 0),
    "employment ": ("employment", 0),
    "capital growth": ("gfcf", 0),
    "pub. exps. on education-local": ("edu_spending", 0),
    "price indexes": ("cpi_sheet", 0),
}
PROVINCE_YEARS = range(1985, 2019)
FIRST_CONSISTENT_POPULATION_YEAR = 2000
REVISION_YEAR = 2018
CPI_BASE_YEAR = 1997


def _sheets(path, names) -> dict[str, pd.DataFrame]:
    """The named sheets of one workbook, read in one pass (header-less).

    The workbooks hold about 70 sheets each; opening a workbook is what costs (openpyxl parses
    every sheet's dimensions), so all the sheets a loader needs are read from one opening.
    """
    return pd.read_excel(path, sheet_name=list(dict.fromkeys(names)), header=None)


def _block(raw: pd.DataFrame, sheet: str, block: int, n: int, first_year: int,
           n_years: int) -> pd.DataFrame:
    """Rows ``n`` units x ``n_years`` years of one block of the wide sheet ``raw``, checked."""
    # blocks are separated by blank rows; each starts with a header row of years
    starts = [i for i in range(len(raw)) if pd.notna(raw.iat[i, 1])
              and str(raw.iat[i, 1]).replace(".0", "") == str(first_year)]
    if len(starts) <= block:
        raise DataIntegrityError(f"sheet {sheet!r}: expected at least {block + 1} block(s) whose "
                                 f"header row starts with {first_year}; found {len(starts)}.")
    h = starts[block]
    years = [int(float(v)) for v in raw.iloc[h, 1:1 + n_years]]
    if years != list(range(first_year, first_year + n_years)):
        raise DataIntegrityError(f"sheet {sheet!r}: year header is {years[:3]}…{years[-3:]}, "
                                 f"expected {first_year}…{first_year + n_years - 1}.")
    body = raw.iloc[h + 1:h + 1 + n, :1 + n_years]
    out = body.set_index(0)
    out.columns = years
    out.index = [str(i).strip() for i in out.index]
    return out.apply(pd.to_numeric, errors="coerce")


def national_cpi(cpi_sheet: pd.DataFrame) -> pd.Series:
    """The one national CPI series (1997 = 1) repeated in every row of the workbook's sheet.

    The sheet ``price indexes`` carries the *same* national consumer price index for every
    province (it is not a provincial index), with a few transcription slips (Henan 1985 =
    30.16, Gansu 1987 = 0.148, blanks for Hainan and Chongqing before they existed). The
    cross-province median of each year is that national series; the function checks that at
    least 25 of the 31 rows agree with it to 1e-6 in every year.
    """
    if not isinstance(cpi_sheet, pd.DataFrame) or CPI_BASE_YEAR not in cpi_sheet.columns:
        raise BookInputError(f"national_cpi needs the price sheet as a DataFrame with one column "
                             f"per year including the base year {CPI_BASE_YEAR}.")
    med = cpi_sheet.median(axis=0)
    agree = (cpi_sheet.sub(med, axis=1).abs() < 1e-6).sum(axis=0)
    if (agree < 25).any():
        bad = agree[agree < 25]
        raise DataIntegrityError(f"the price-index sheet is not one repeated national series in "
                                 f"year(s) {list(bad.index)}; inspect it before deflating.")
    if abs(med.loc[CPI_BASE_YEAR] - 1.0) > 1e-9:
        raise DataIntegrityError(f"CPI is not 1 in its base year {CPI_BASE_YEAR}.")
    return med


@loader("cn_province_panel")
def cn_province_panel() -> pd.DataFrame:
    """31 provinces x 1985–2018, long: nominal GDP, population, employment, GFCF, public
    education spending, national CPI, sector shares, and real GDP per capita / per worker.

    Real values are nominal values divided by the national CPI (1997 = 1): ``gdp_real`` in 亿元
    at 1997 prices, ``gdp_pc_real`` in yuan per person and ``gdp_pw_real`` in yuan per worker
    at 1997 prices. Because the deflator is common to all provinces, cross-province ratios,
    β-convergence slopes and σ (dispersion of logs) are identical with nominal data; only the
    level and the constant change.
    """
    path = fetch("cn_province_panel", PROVINCE_FILE)
    raw = _sheets(path, PROVINCE_SHEETS)
    wide = {}
    for sheet, (col, block) in PROVINCE_SHEETS.items():
        w = _block(raw[sheet], sheet, block, 31, 1985, 34)
        codes = match_provinces(w.index, f"sheet {sheet!r}")
        if sorted(codes) != sorted(provinces()["code"]):
            raise DataIntegrityError(f"sheet {sheet!r} does not list the 31 provinces once each.")
        w.index = codes
        wide[col] = w
    stock = _block(raw["capital growth"], "capital growth", 1, 31, 1985, 34)
    stock.index = match_provinces(stock.index, "capital stock block")
    wide["capital_stock"] = stock
    long = pd.concat({k: v.stack(future_stack=True) for k, v in wide.items()}, axis=1)
    long.index.names = ["code", "year"]
    long = long.reset_index()
    cpi = national_cpi(wide["cpi_sheet"])
    long["cpi"] = long["year"].map(cpi).astype(float)
    long = long.drop(columns="cpi_sheet")
    # sector shares from the authors' regression file (province names in full Chinese)
    dta = pd.read_stata(gzip.open(fetch("cn_province_panel", "data_province.dta.gz")))
    dta = pd.DataFrame({"code": match_provinces(dta["prov"], "data_province.dta"),
                        "year": dta["year"].astype(int),
                        "secondary_share": dta["ind"].astype(float),
                        "tertiary_share": dta["ser"].astype(float)})
    long = long.merge(dta, on=["code", "year"], how="left", validate="one_to_one")
    long = provinces()[["code", "province_zh", "province", "region3", "region4"]].merge(
        long, on="code", how="right")
    long["gdp_real"] = long["gdp"] / long["cpi"]
    long["gdp_pc_real"] = long["gdp_real"] * 1e8 / (long["population"] * 1e4)
    long["gdp_pw_real"] = long["gdp_real"] * 1e8 / (long["employment"] * 1e4)
    long["gdp_basis"] = np.where(long["year"] >= REVISION_YEAR, "revised (4th economic census)",
                                 "yearbook")
    long["population_basis"] = np.where(long["year"] >= FIRST_CONSISTENT_POPULATION_YEAR,
                                        "yearbook total", "reconstructed (hukou/resident mix)")
    long["year"] = long["year"].astype(int)
    long["code"] = long["code"].astype(int)
    return long.sort_values(["code", "year"]).reset_index(drop=True)


def merge_split_provinces(df: pd.DataFrame, columns, *, year_col: str = "year") -> pd.DataFrame:
    """Add Chongqing into Sichuan (川渝) so that a panel is consistent before and after 1997.

    Sums ``columns`` (levels such as GDP, population, employment) over codes 50 and 51 by
    year; the merged unit keeps code 51, English name "Sichuan+Chongqing" and Chinese
    "川渝". Ratios must be recomputed from the summed levels afterwards.

    Raises
    ------
    BookInputError
        Missing columns, or a year where Sichuan itself is missing.
    """
    need = ["code", year_col, *columns]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise BookInputError(f"merge_split_provinces: columns {missing} are missing.")
    sc = df[df["code"].isin([50, 51])]
    if sc.loc[sc["code"] == 51, year_col].nunique() != sc[year_col].nunique():
        raise BookInputError("merge_split_provinces: Sichuan (51) is missing in some year where "
                             "Chongqing has data; cannot merge.")
    summed = sc.groupby(year_col, as_index=False)[list(columns)].sum(min_count=1)
    summed["code"] = 51
    rest = df[~df["code"].isin([50, 51])][need]
    out = pd.concat([rest, summed[need]], ignore_index=True)
    names = provinces().set_index("code")
    out["province"] = out["code"].map(names["province"]).where(out["code"] != 51,
                                                                "Sichuan+Chongqing")
    out["province_zh"] = out["code"].map(names["province_zh"]).where(out["code"] != 51, "川渝")
    out["region3"] = out["code"].map(names["region3"])
    return out.sort_values(["code", year_col]).reset_index(drop=True)


@loader("cn_prefecture_panel")
def cn_prefecture_panel() -> pd.DataFrame:
    """287 prefecture cities x 2006–2018, long: GDP at 1997 prices, population, employment,
    secondary and tertiary shares (235 cities in the authors' regression file)."""
    path = fetch("cn_prefecture_panel", PREFECTURE_FILE)
    cols = {"GDP": "gdp_real", "population-total": "population", "employment ": "employment"}
    listing = "list of prefectures included"
    raw = _sheets(path, [listing, *cols])
    # the listing's first row is its header
    lst = raw[listing].iloc[1:, :4].reset_index(drop=True)
    lst.columns = ["prefecture", "prefecture_zh", "province", "province_zh"]
    if len(lst) != 287:
        raise DataIntegrityError(f"prefecture list has {len(lst)} rows, expected 287.")
    lst["code"] = match_provinces(lst["province_zh"], "prefecture list")
    lst["city_id"] = np.arange(1, len(lst) + 1)
    parts = {}
    for sheet, col in cols.items():
        w = _block(raw[sheet], sheet, 0, 287, 2006, 13)
        if list(w.index) != [str(p).strip() for p in lst["prefecture"]]:
            raise DataIntegrityError(f"sheet {sheet!r} lists prefectures in a different order "
                                     "than the sheet 'list of prefectures included'.")
        w.index = lst["city_id"].to_numpy()
        parts[col] = w
    long = pd.concat({k: v.stack(future_stack=True) for k, v in parts.items()}, axis=1)
    long.index.names = ["city_id", "year"]
    long = lst.merge(long.reset_index(), on="city_id")
    dta = pd.read_stata(gzip.open(fetch("cn_prefecture_panel", "data_prefecture.dta.gz")))
    dta = pd.DataFrame({
        "prefecture_zh": dta["prefecture"].str.replace(r"市$", "", regex=True),
        "code": match_provinces(dta["province"], "data_prefecture.dta"),
        "year": dta["year"].astype(int),
        "secondary_share": dta["ind"].astype(float), "tertiary_share": dta["ser"].astype(float)})
    long = long.merge(dta, on=["prefecture_zh", "code", "year"], how="left",
                      validate="one_to_one")
    long["year"] = long["year"].astype(int)
    long["gdp_basis"] = np.where(long["year"] >= REVISION_YEAR, "revised (4th economic census)",
                                 "yearbook")
    return long.sort_values(["city_id", "year"]).reset_index(drop=True)


@loader("cn_city_census")
def cn_city_census():
    """Prefecture-level units (incl. the four municipalities): 2010 and 2020 census resident
    population on harmonised 2020 boundaries, with boundary polygons and land area (km²,
    computed on an equal-area projection)."""
    import geopandas as gpd
    from shapely import wkt

    path = fetch("cn_city_census", "census_city_2010-2020_v1.csv.xz")
    with lzma.open(path, "rt", encoding="utf-8-sig") as fh:
        raw = pd.read_csv(fh, dtype={"city_code": str, "province_code": str})
    need = ["city", "city_code", "province", "province_code", "popu_2010", "popu_2020",
            "popu_urban_2010", "popu_urban_2020", "coord"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DataIntegrityError(f"census file lacks column(s) {missing}.")
    # Hong Kong and Macao (province codes 81, 82) are outside every mainland panel
    raw = raw[~raw["province_code"].astype(str).str[:2].isin(["71", "81", "82"])]
    geom = raw["coord"].map(lambda s: wkt.loads(s) if isinstance(s, str) and s else None)
    out = gpd.GeoDataFrame({
        "city_zh": raw["city"].astype(str), "city_code": raw["city_code"].astype(str),
        "province_zh": raw["province"].astype(str),
        "code": match_provinces(raw["province"], "census provinces"),
        "pop_2010": pd.to_numeric(raw["popu_2010"], errors="coerce"),
        "pop_2020": pd.to_numeric(raw["popu_2020"], errors="coerce"),
        "urban_2010": pd.to_numeric(raw["popu_urban_2010"], errors="coerce"),
        "urban_2020": pd.to_numeric(raw["popu_urban_2020"], errors="coerce"),
    }, geometry=geom, crs="EPSG:4326")
    out["municipality"] = out["code"].isin([11, 12, 31, 50])
    # Albers equal-area conic for China (standard parallels 25 N and 47 N, central meridian 105 E)
    albers = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"
    area = out.geometry.to_crs(albers).area / 1e6
    out["area_km2"] = area.where(out.geometry.notna())
    return out.sort_values("city_code").reset_index(drop=True)


SECTOR_COLUMNS = {"primary_GDP": "gdp_primary", "secondary_GDP": "gdp_secondary",
                  "tertiary_GDP": "gdp_tertiary", "Population": "population",
                  "Urbanization": "urbanisation", "Fixed_Asset_Investment": "fixed_investment"}


@loader("cn_sector_gdp")
def cn_sector_gdp() -> pd.DataFrame:
    """30 provinces (no Tibet) x 1998–2019: GDP by primary / secondary / tertiary sector
    (亿元, current prices), population (10k), urbanisation rate, fixed-asset investment.

    A secondary compilation (no documentation of sources in the repository); the undocumented
    ``Innovation_Level``, ``Patent_Level`` and ``R&D_Contribution`` indices are deliberately not
    returned.
    """
    raw = pd.read_csv(fetch("cn_sector_gdp", "carbonemission-china.csv"), encoding="utf-8-sig")
    missing = [c for c in ["Year", "Location", *SECTOR_COLUMNS] if c not in raw.columns]
    if missing:
        raise DataIntegrityError(f"sector file lacks column(s) {missing}.")
    out = raw[["Year", "Location", *SECTOR_COLUMNS]].rename(
        columns={"Year": "year", **SECTOR_COLUMNS})
    out["code"] = match_provinces(out.pop("Location"), "sector file provinces")
    out = provinces()[["code", "province_zh", "province", "region3"]].merge(out, on="code")
    out["year"] = out["year"].astype(int)
    tot = out[["gdp_primary", "gdp_secondary", "gdp_tertiary"]].sum(axis=1)
    for s in ("primary", "secondary", "tertiary"):
        out[f"share_{s}"] = out[f"gdp_{s}"] / tot
    return out.sort_values(["code", "year"]).reset_index(drop=True)
