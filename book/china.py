"""Chinese provinces: the canonical table, name matching and sector-structure indices.

The 31 provincial-level units of mainland China (Hong Kong, Macao and Taiwan are outside every
Chinese panel in this book) with their GB/T 2260 codes, Chinese and English names and the
National Bureau of Statistics (NBS) regional groupings:

* ``region3`` — the three belts east / central / west as the NBS used them after the 2000
  Western Development programme (east 11: Beijing, Tianjin, Hebei, Liaoning, Shanghai, Jiangsu,
  Zhejiang, Fujian, Shandong, Guangdong, Hainan; central 8: Shanxi, Jilin, Heilongjiang, Anhui,
  Jiangxi, Henan, Hubei, Hunan; west 12: Inner Mongolia, Guangxi, Chongqing, Sichuan, Guizhou,
  Yunnan, Tibet, Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang). This is the grouping of most of
  the convergence-club literature the review draws on.
* ``region4`` — the NBS four regions of 2011 (东部 east 10, 中部 central 6, 西部 west 12,
  东北 northeast 3: Liaoning, Jilin, Heilongjiang).

:func:`match_provinces` maps the spellings found in the sources (``"Yunan"``, ``"广东省"``,
``"Inner Mongolia"``, ``"内蒙古自治区"`` …) to the two-digit code and refuses anything it does
not know, so a misspelt province cannot silently drop out of a join.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import BookInputError

# code, short Chinese name, full Chinese name, English name, region3, region4
_ROWS = [
    (11, "北京", "北京市", "Beijing", "east", "east"),
    (12, "天津", "天津市", "Tianjin", "east", "east"),
    (13, "河北", "河北省", "Hebei", "east", "east"),
    (14, "山西", "山西省", "Shanxi", "central", "central"),
    (15, "内蒙古", "内蒙古自治区", "Inner Mongolia", "west", "west"),
    (21, "辽宁", "辽宁省", "Liaoning", "east", "northeast"),
    (22, "吉林", "吉林省", "Jilin", "central", "northeast"),
    (23, "黑龙江", "黑龙江省", "Heilongjiang", "central", "northeast"),
    (31, "上海", "上海市", "Shanghai", "east", "east"),
    (32, "江苏", "江苏省", "Jiangsu", "east", "east"),
    (33, "浙江", "浙江省", "Zhejiang", "east", "east"),
    (34, "安徽", "安徽省", "Anhui", "central", "central"),
    (35, "福建", "福建省", "Fujian", "east", "east"),
    (36, "江西", "江西省", "Jiangxi", "central", "central"),
    (37, "山东", "山东省", "Shandong", "east", "east"),
    (41, "河南", "河南省", "Henan", "central", "central"),
    (42, "湖北", "湖北省", "Hubei", "central", "central"),
    (43, "湖南", "湖南省", "Hunan", "central", "central"),
    (44, "广东", "广东省", "Guangdong", "east", "east"),
    (45, "广西", "广西壮族自治区", "Guangxi", "west", "west"),
    (46, "海南", "海南省", "Hainan", "east", "east"),
    (50, "重庆", "重庆市", "Chongqing", "west", "west"),
    (51, "四川", "四川省", "Sichuan", "west", "west"),
    (52, "贵州", "贵州省", "Guizhou", "west", "west"),
    (53, "云南", "云南省", "Yunnan", "west", "west"),
    (54, "西藏", "西藏自治区", "Tibet", "west", "west"),
    (61, "陕西", "陕西省", "Shaanxi", "west", "west"),
    (62, "甘肃", "甘肃省", "Gansu", "west", "west"),
    (63, "青海", "青海省", "Qinghai", "west", "west"),
    (64, "宁夏", "宁夏回族自治区", "Ningxia", "west", "west"),
    (65, "新疆", "新疆维吾尔自治区", "Xinjiang", "west", "west"),
]

#: spellings seen in the sources that differ from the canonical English name
_ALIASES = {"yunan": 53, "nei mongol": 15, "neimenggu": 15, "xizang": 54,
            "shannxi": 61, "guangxi zhuang": 45, "ningxia hui": 64, "xinjiang uygur": 65,
            "xinjiang uyghur": 65}


def provinces(belt: str | None = None) -> pd.DataFrame:
    """The 31 provinces: ``code`` (GB/T 2260, int), ``province_zh`` (short Chinese name),
    ``province_zh_full``, ``province`` (English), ``region3`` (east/central/west, NBS after
    2000), ``region4`` (east/central/west/northeast, NBS 2011), ``label`` ("广东 Guangdong").

    Parameters
    ----------
    belt : {"east", "central", "west"}, optional
        Keep only the provinces of one NBS belt (``region3``).

    A fresh copy each call, sorted by code.
    """
    df = pd.DataFrame(_ROWS, columns=["code", "province_zh", "province_zh_full", "province",
                                      "region3", "region4"])
    df["label"] = df["province_zh"] + " " + df["province"]
    if belt is not None:
        if belt not in ("east", "central", "west"):
            raise BookInputError(f"belt must be 'east', 'central' or 'west' (the NBS three "
                                 f"belts), got {belt!r}; the northeast is in region4 only.")
        df = df[df["region3"] == belt].reset_index(drop=True)
    return df


def _lookup() -> dict[str, int]:
    out: dict[str, int] = {}
    for code, zh, zh_full, en, _, _ in _ROWS:
        for key in (zh, zh_full, en.lower(), str(code)):
            out[key] = code
    out.update(_ALIASES)
    return out


def match_provinces(names: Iterable, what: str = "province names") -> np.ndarray:
    """Two-digit province codes for names in Chinese (short or full) or English, or codes.

    Matching ignores case and surrounding spaces and knows the spellings used in the vendored
    sources (``"Yunan"`` for Yunnan, ``"Inner Mongolia"``, full names such as ``"广西壮族自治区"``).

    Raises
    ------
    BookInputError
        Any name that is not one of the 31 provinces (e.g. ``"Hong Kong"``, ``"全国"``, a typo),
        listing the unknown names and the accepted spellings.
    """
    if isinstance(names, str):
        raise BookInputError(f"{what}: pass a list or Series of names, not the single string "
                             f"{names!r}.")
    table = _lookup()
    vals = list(names)
    codes, bad = [], []
    for v in vals:
        key = str(v).strip()
        if isinstance(v, (int, np.integer)) or key.isdigit():
            key = str(int(key))
        code = table.get(key, table.get(key.lower()))
        if code is None:
            bad.append(v)
        codes.append(code)
    if bad:
        raise BookInputError(
            f"{what}: {len(bad)} name(s) are not one of the 31 mainland provinces: "
            f"{sorted({str(b) for b in bad})[:10]}. Use a Chinese name (e.g. '广东' or '广东省'), "
            "an English name (e.g. 'Guangdong') or the GB/T 2260 code (e.g. 44); Hong Kong, "
            "Macao, Taiwan and national totals are not provinces here.")
    return np.asarray(codes, dtype=int)


def sector_diversity(shares, normalise: bool = True) -> np.ndarray:
    """Jacobs-style diversity of the sector structure: one minus the Herfindahl index of shares.

    ``D = 1 - sum_s share_s**2`` over the sectors in each row (here the three broad sectors,
    so ``D`` lies in ``[0, 2/3]``); with ``normalise=True`` it is divided by its maximum
    ``1 - 1/S`` so that 1 means equal shares and 0 a single sector. This is the inverse
    Herfindahl form used for "diversity" in Glaeser et al. (1992) and in the Chinese MAR/Jacobs
    studies, computed on whatever sector split is available (no library offers this one line).

    Parameters
    ----------
    shares : array-like, shape (n, S)
        Non-negative sector shares (or levels; each row is rescaled to sum to one).
    normalise : bool
        Divide by ``1 - 1/S``.

    Raises
    ------
    BookInputError
        Fewer than two sectors, negative or missing values, a row summing to zero.
    """
    arr = np.asarray(shares, dtype=float)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise BookInputError(f"sector_diversity needs a 2-D array with at least two sector "
                             f"columns, got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise BookInputError("sector_diversity: shares contain missing or infinite values; "
                             "drop or fill those rows first.")
    if (arr < 0).any():
        raise BookInputError("sector_diversity: shares must be non-negative.")
    tot = arr.sum(axis=1)
    if (tot <= 0).any():
        raise BookInputError("sector_diversity: a row sums to zero (no activity in any sector).")
    s = arr / tot[:, None]
    d = 1.0 - (s ** 2).sum(axis=1)
    if normalise:
        d = d / (1.0 - 1.0 / arr.shape[1])
    return d


def specialisation(shares, reference) -> np.ndarray:
    """Location quotient of each sector: the unit's share over the reference (national) share.

    ``LQ_{is} = share_{is} / share_{Ns}``; > 1 means the unit is specialised in ``s`` relative
    to the reference. Used as the MAR (specialisation) measure when only broad sectors exist.

    Raises
    ------
    BookInputError
        Shapes that do not match, non-positive reference shares, negative shares.
    """
    arr = np.asarray(shares, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if ref.ndim == 0:
        ref = ref[None]
    if ref.ndim == 1 and ref.shape[0] == arr.shape[1]:
        ref = np.broadcast_to(ref, arr.shape)
    if ref.shape != arr.shape:
        raise BookInputError(f"specialisation: reference shares of shape {ref.shape} do not "
                             f"match the unit shares {arr.shape}.")
    if not (np.isfinite(arr).all() and np.isfinite(ref).all()):
        raise BookInputError("specialisation: missing or infinite shares.")
    if (arr < 0).any() or (ref <= 0).any():
        raise BookInputError("specialisation: shares must be >= 0 and reference shares > 0.")
    out = arr / ref
    return out[:, 0] if out.shape[1] == 1 else out
