"""Loaders for US state cross-sections used as knowledge-stock proxies (the knowledge-stock
and spatial-Durbin pages).

* ``us_states_1977`` - R's ``datasets::state.x77`` (Statistical Abstract 1977): population
  1975, land area, high-school graduates and illiteracy in 1970, income 1974.
* ``us_state_education_1975`` - ``robustbase::education`` (Chatterjee & Price 1977): per
  capita public-education expenditure projected for 1975, urban share 1970. The source codes
  two states unusually (``NB`` for Nebraska, ``DY`` for Kentucky); the loader maps them,
  listing each mapping, and refuses any other unknown code.
* ``uspto_state_patents`` - USPTO / PTMT "Patent Counts by Country, State, and Year - Utility
  Patents" (HTML table), a download path (``kind: url``). The reader uses the standard
  library's :mod:`html.parser` (no lxml on the build machines) to collect table cells and
  keeps the rows of the 50 states and DC.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from ..data import fetch, loader, require_file
from ..errors import DataIntegrityError

#: postal code -> state name, 50 states and DC (names as in us48_geometry / usjoin.csv)
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
}
#: codes used by robustbase::education that are not postal codes (checked by row order:
#: "DY" sits between Florida and Tennessee in the South, where Kentucky belongs)
EDUCATION_CODE_FIXES = {"NB": "NE", "DY": "KY"}


@loader("us_states_1977")
def us_states_1977() -> pd.DataFrame:
    """50 states: population 1975, income 1974, illiteracy and HS graduates 1970, land area."""
    raw = pd.read_pickle(fetch("us_states_1977", "state.x77.pkl.compress"), compression="xz")
    abbr = {v: k for k, v in STATES.items()}
    out = pd.DataFrame({
        "state": raw["rownames"].astype(str),
        "population_1975": raw["Population"].astype(float),
        "income_1974": raw["Income"].astype(float),
        "illiteracy_1970": raw["Illiteracy"].astype(float),
        "life_exp": raw["Life Exp"].astype(float),
        "hs_grad_1970": raw["HS Grad"].astype(float),
        "area_sqmi": raw["Area"].astype(float),
    })
    unknown = sorted(set(out["state"]) - set(abbr))
    if unknown:
        raise DataIntegrityError(f"state.x77 has unexpected state names {unknown}.")
    out.insert(1, "abbr", out["state"].map(abbr))
    return out


@loader("us_state_education_1975")
def us_state_education_1975() -> pd.DataFrame:
    """50 states: per capita public-education spending 1975, urban share 1970, income 1973."""
    raw = pd.read_pickle(fetch("us_state_education_1975", "education.pkl.compress"),
                         compression="xz")
    code = raw["State"].astype(str).str.strip().replace(EDUCATION_CODE_FIXES)
    bad = sorted(set(code) - set(STATES))
    if bad:
        raise DataIntegrityError(f"robustbase education has unknown state codes {bad}.")
    if code.duplicated().any():
        raise DataIntegrityError("robustbase education: a state appears twice after fixing codes.")
    return pd.DataFrame({
        "abbr": code,
        "state": code.map(STATES),
        "region": raw["Region"].astype(int),
        "urban_per_1000_1970": raw["X1"].astype(float),
        "income_pc_1973": raw["X2"].astype(float),
        "under18_per_1000_1974": raw["X3"].astype(float),
        "educ_spend_pc_1975": raw["Y"].astype(float),
    }).reset_index(drop=True)


# ----------------------------------------------------------------------------- USPTO
class _Cells(HTMLParser):
    """Collect the text of every <tr>'s <td>/<th> cells."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_uspto_state_counts(path) -> pd.DataFrame:
    """Parse the PTMT "Patent Counts by Country, State, and Year" HTML table.

    The header row is the first row holding at least three four-digit years; other header
    cells (the state/country label, a "Pre-1963" column, "Total") are ignored. Data rows are
    kept when their first non-empty cell is the upper-case name of a state or DC. Counts may
    carry thousands separators.

    Returns a long table: abbr, state, year (int), patents (int).
    """
    path = require_file(path)
    text = open(path, encoding="utf-8", errors="replace").read()
    p = _Cells()
    p.feed(text)
    header_i = next((i for i, r in enumerate(p.rows)
                     if sum(bool(re.fullmatch(r"(19|20)\d\d", c)) for c in r) >= 3), None)
    if header_i is None:
        raise DataIntegrityError(f"{path}: no table header with calendar years found - not the "
                                 "USPTO/PTMT state patent-count report?")
    header = p.rows[header_i]
    years = {j: int(c) for j, c in enumerate(header) if re.fullmatch(r"(19|20)\d\d", c)}
    by_name = {v.upper(): k for k, v in STATES.items()}
    recs = []
    for r in p.rows[header_i + 1:]:
        label = next((c for c in r if c), "")
        if label.upper() not in by_name:
            continue
        # rows may carry an extra leading cell (e.g. "(U.S.)"); align from the right
        shift = len(r) - len(header)
        for j, y in years.items():
            cell = r[j + shift] if 0 <= j + shift < len(r) else ""
            val = cell.replace(",", "").strip()
            if not re.fullmatch(r"\d+", val):
                raise DataIntegrityError(f"{path}: count {cell!r} for {label} in {y} is not a "
                                         "whole number.")
            ab = by_name[label.upper()]
            recs.append({"abbr": ab, "state": STATES[ab], "year": y, "patents": int(val)})
    if not recs:
        raise DataIntegrityError(f"{path}: no state rows found under the year header.")
    out = pd.DataFrame(recs)
    if out.duplicated(["abbr", "year"]).any():
        raise DataIntegrityError(f"{path}: a state appears twice in the table.")
    return out.sort_values(["abbr", "year"]).reset_index(drop=True)


@loader("uspto_state_patents")
def uspto_state_patents(base_url: str | None = None) -> pd.DataFrame:
    """Utility patents granted per year by state of the first-named inventor (download)."""
    return read_uspto_state_counts(fetch("uspto_state_patents", "cst_utlh.htm",
                                         base_url=base_url))
