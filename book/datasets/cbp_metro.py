"""Loader for County Business Patterns 2019 by metropolitan / micropolitan area (CBSA) x NAICS.

* ``us_cbp_cbsa_naics_2019`` - an R data file (read with :mod:`pyreadr`) of 569,017 CBSA x
  NAICS rows (2- to 6-digit codes, "00" all industries) with employment and establishments.

CBP has published noise-infused figures since reference year 2017 and leaves out every cell with
fewer than three establishments, so a CBSA x industry pair that is absent had 0, 1 or 2
establishments (it is *not* known to be zero). Rows present with ``EMP = 0`` (225 of them, all
with at least three establishments) are withheld figures, not zeros: the loader returns them
as NaN with ``suppressed = True`` so that every user has to decide, visibly, what to do.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import fetch, loader
from ..errors import DataIntegrityError

#: official totals used by the tests (CBP 2019 file as compiled; see tests/test_cbp_metro.py)
N_ROWS = 569_017
N_CBSA = 933


def _read_rda(path) -> pd.DataFrame:
    import pyreadr

    frames = pyreadr.read_r(str(path))
    if len(frames) != 1:
        raise DataIntegrityError(f"{path.name}: expected one R object, found {list(frames)}.")
    return next(iter(frames.values()))


@loader("us_cbp_cbsa_naics_2019")
def us_cbp_cbsa_naics_2019() -> pd.DataFrame:
    """CBP 2019: employment and establishments by CBSA x NAICS (2-6 digits); see module doc."""
    raw = _read_rda(fetch("us_cbp_cbsa_naics_2019", "cbp_cbsa_naics_emp.rda"))
    need = {"cbsa_code", "naics_code", "naics_level", "EMP", "ESTAB"}
    if not need <= set(raw.columns):
        raise DataIntegrityError(f"cbp_cbsa_naics_emp.rda lacks columns {sorted(need - set(raw.columns))}.")
    naics = raw["naics_code"].astype(str)
    level = raw["naics_level"].astype(int)
    if not (naics.str.len().eq(level) | naics.eq("00")).all():
        raise DataIntegrityError("cbp_cbsa_naics_emp.rda: naics_level disagrees with the code length.")
    emp = raw["EMP"].astype(float)
    suppressed = emp.eq(0).to_numpy()
    out = pd.DataFrame({
        "cbsa": raw["cbsa_code"].astype(str).to_numpy(dtype=object),
        "naics": naics.to_numpy(dtype=object),
        "level": level.to_numpy(),
        "employment": np.where(suppressed, np.nan, emp.to_numpy()),
        "establishments": raw["ESTAB"].astype(int).to_numpy(),
        "suppressed": suppressed,
    })
    if out.duplicated(["cbsa", "naics"]).any():
        raise DataIntegrityError("cbp_cbsa_naics_emp.rda: a CBSA x NAICS pair appears twice.")
    return out
