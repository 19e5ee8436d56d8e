"""China's provinces: R&D expenditure, R&D intensity, patents (2010-2023) and capital formation.

``cn_province_rd_patents`` - China Statistical Yearbook on Science and Technology (NBS and
Ministry of Science and Technology), as transcribed in long format in the R package *techme*
(huhuaping/techme). Four tables are read: ``RDActivity`` (R&D internal expenditure, 万元, by
activity: basic / applied research / experimental development), ``RDIntense`` (R&D expenditure
in 亿元 and R&D intensity = R&D / GDP in %, from 2011), ``RDPatentAccept`` (domestic patent
applications accepted, 件) and ``RDPatentAuthority`` (patents granted), each by type
(invention 发明, utility model 实用新型, design 外观设计). The loader returns one row per
province and year, keyed on the GB/T 2260 code of :func:`book.china.provinces`.

Transcription faults of the source, each repaired explicitly (and tested):

* the 2010 patent rows spell names with spaces (``"上   海"``, ``"内蒙 古"``): spaces dropped;
* three OCR slips of 西 as 两: ``江两`` (applications 2014), ``山两`` and ``两藏`` (grants
  2012) - mapped by :data:`NAME_FIXES`; any other unknown name raises;
* Jilin's design applications 2019 are missing; the three types add up to the total in
  every other row (checked), so the loader fills it as total - invention - utility model and
  flags the row in ``imputed``.

``cn_province_capital`` - provincial gross fixed capital formation (亿元, current prices), the
index of fixed capital formation and the price index of investment in fixed assets (1952 = 1)
and depreciation, 1952-2022, from NBS yearbooks as assembled in the R package *CapitalStock*
(common2016/CapitalStock, data ``asset``). Chongqing starts in 1996 (a province since 1997).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..china import match_provinces, provinces
from ..data import fetch, loader
from ..errors import DataIntegrityError

#: OCR slips in the techme transcription (西 read as 两), mapped to the yearbook's names
NAME_FIXES = {"江两": "江西", "山两": "山西", "两藏": "西藏"}

#: techme variable code -> our column (values converted to 亿元 where the source has 万元)
RD_VARIABLES = {
    "v4_zh_nbzc_hj": "rd_expenditure",
    "v4_zh_nbzc_jcyj": "rd_basic",
    "v4_zh_nbzc_yyyj": "rd_applied",
    "v4_zh_nbzc_syfz": "rd_experimental",
    "v4_ztr_qd_RD": "rd_intensity",
    "v4_ztr_jf_RD": "rd_expenditure_check",
    "v4_cg_zlsq_hj": "pat_app_total",
    "v4_cg_zlsq_fm": "pat_app_invention",
    "v4_cg_zlsq_syxx": "pat_app_utility",
    "v4_cg_zlsq_wgsj": "pat_app_design",
    "v4_cg_zlsq2_hj": "pat_grant_total",
    "v4_cg_zlsq2_fm": "pat_grant_invention",
    "v4_cg_zlsq2_syxx": "pat_grant_utility",
    "v4_cg_zlsq2_wgsj": "pat_grant_design",
}
_TABLES = ("RDActivity", "RDIntense", "RDPatentAccept", "RDPatentAuthority")


def _read_rda(dataset_id: str, name: str) -> pd.DataFrame:
    import pyreadr

    res = pyreadr.read_r(str(fetch(dataset_id, f"{name}.rda")))
    if name not in res:
        raise DataIntegrityError(f"{name}.rda holds {list(res)}, not the table {name!r}.")
    return res[name]


def _clean_names(s: pd.Series) -> pd.Series:
    out = s.astype(str).str.replace(r"\s+", "", regex=True).replace(NAME_FIXES)
    known = set(provinces()["province_zh"]) | {"全国"}
    bad = sorted(set(out) - known)
    if bad:
        raise DataIntegrityError(f"techme R&D tables: province names {bad} match none of the 31 "
                                 "provinces; add the spelling to NAME_FIXES if it is a slip.")
    return out


@loader("cn_province_rd_patents")
def cn_province_rd_patents(include_national: bool = False) -> pd.DataFrame:
    """Province x year 2010-2023: R&D expenditure (亿元), intensity (%), patents by type.

    ``include_national=True`` keeps the national rows (``code`` 0, 全国 / China) that the
    yearbook prints beside the provinces (used by the tests against official totals).
    """
    long = []
    for name in _TABLES:
        t = _read_rda("cn_province_rd_patents", name)
        t = t.assign(province_zh=_clean_names(t["province"]), year=t["year"].astype(int))
        long.append(t[["province_zh", "year", "variables", "value", "units"]])
    long = pd.concat(long, ignore_index=True)
    unknown = sorted(set(long["variables"]) - set(RD_VARIABLES))
    if unknown:
        raise DataIntegrityError(f"techme R&D tables have unexpected variables {unknown}.")
    if long.duplicated(["province_zh", "year", "variables"]).any():
        raise DataIntegrityError("techme R&D tables: a province-year-variable appears twice "
                                 "after repairing names.")
    wanman = long["units"].eq("万元")
    long.loc[wanman, "value"] = long.loc[wanman, "value"] / 1e4  # 万元 -> 亿元
    wide = long.pivot(index=["province_zh", "year"], columns="variables", values="value")
    wide = wide.rename(columns=RD_VARIABLES).reset_index()
    wide.columns.name = None
    # repair: Jilin's design applications 2019 (the only missing cell), from the identity
    parts = ["pat_app_invention", "pat_app_utility", "pat_app_design"]
    resid = wide["pat_app_total"] - wide[parts].sum(axis=1, min_count=3)
    if (resid.dropna().abs() > 0.5).any():
        raise DataIntegrityError("patent applications by type do not add up to the total.")
    miss = wide["pat_app_design"].isna() & wide[["pat_app_total", "pat_app_invention",
                                                  "pat_app_utility"]].notna().all(axis=1)
    wide["imputed"] = miss.astype(bool)
    wide.loc[miss, "pat_app_design"] = (wide.loc[miss, "pat_app_total"]
                                        - wide.loc[miss, "pat_app_invention"]
                                        - wide.loc[miss, "pat_app_utility"])
    # RDIntense's R&D in 亿元 must agree with RDActivity's total (万元) where both exist
    both = wide[["rd_expenditure", "rd_expenditure_check"]].dropna()
    if (both["rd_expenditure"] - both["rd_expenditure_check"]).abs().max() > 1.0:
        raise DataIntegrityError("R&D expenditure in RDActivity and RDIntense disagree by more "
                                 "than 1 亿元.")
    wide = wide.drop(columns="rd_expenditure_check")
    names = pd.concat([provinces()[["code", "province_zh", "province"]], pd.DataFrame(
        {"code": [0], "province_zh": ["全国"], "province": ["China"]})], ignore_index=True)
    out = names.merge(wide, on="province_zh", how="right", validate="1:m")
    if not include_national:
        out = out[out["code"] != 0]
    cols = ["code", "province_zh", "province", "year", "rd_expenditure", "rd_basic",
            "rd_applied", "rd_experimental", "rd_intensity", "pat_app_total",
            "pat_app_invention", "pat_app_utility", "pat_app_design", "pat_grant_total",
            "pat_grant_invention", "pat_grant_utility", "pat_grant_design", "imputed"]
    out = out[cols].sort_values(["code", "year"]).reset_index(drop=True)
    out["code"] = out["code"].astype(int)
    return out


@loader("cn_province_capital")
def cn_province_capital() -> pd.DataFrame:
    """Province x year 1952-2022: gross fixed capital formation, its price index, depreciation."""
    raw = _read_rda("cn_province_capital", "asset")
    # pinyin labels (anhui ... neimenggu, xizang); book.china knows these spellings
    out = pd.DataFrame({
        "code": match_provinces(raw["prv"].astype(str), "CapitalStock asset provinces"),
        "year": raw["yr"].astype(int),
        "invest": raw["invest"].astype(float),
        "invest_index": raw["InvestIndex"].astype(float),
        "invest_price": raw["InvestPrice"].astype(float),
        "depreciation": raw["depr"].astype(float),
    })
    if out.duplicated(["code", "year"]).any():
        raise DataIntegrityError("CapitalStock asset: a province-year appears twice.")
    if not np.isfinite(out["invest_price"]).all() or (out["invest_price"] <= 0).any():
        raise DataIntegrityError("CapitalStock asset: non-positive or missing investment prices.")
    out = provinces()[["code", "province_zh", "province"]].merge(out, on="code", how="right",
                                                                 validate="1:m")
    return out.sort_values(["code", "year"]).reset_index(drop=True)
