"""Loaders for the NBER patent citation data file (Hall, Jaffe & Trajtenberg 2001).

Both files exist only online (kind: url). Pass ``base_url`` to read them from a mirror or from
the tests' loopback server.
"""
from __future__ import annotations

import pandas as pd

from ..data import fetch, loader


@loader("nber_citations")
def nber_citations(base_url: str | None = None) -> pd.DataFrame:
    """Pairwise citations: citing, cited (int64)."""
    path = fetch("nber_citations", "acite75_99.zip", base_url=base_url)
    df = pd.read_csv(path, compression="zip", dtype="int64")
    df.columns = [c.strip().lower() for c in df.columns]
    return df[["citing", "cited"]]


@loader("nber_patents")
def nber_patents(base_url: str | None = None) -> pd.DataFrame:
    """Patent attributes needed for the JTH design (see the registry entry for units)."""
    path = fetch("nber_patents", "apat63_99.zip", base_url=base_url)
    keep = ["PATENT", "GYEAR", "APPYEAR", "COUNTRY", "POSTATE", "ASSIGNEE", "NCLASS", "CAT",
            "SUBCAT"]
    df = pd.read_csv(path, compression="zip", usecols=keep, keep_default_na=True,
                     dtype={"COUNTRY": str, "POSTATE": str})
    df.columns = [c.lower() for c in df.columns]
    df["postate"] = df["postate"].fillna("")
    for c in ("patent", "gyear", "nclass", "cat", "subcat"):
        df[c] = df[c].astype("int64")
    df["appyear"] = df["appyear"].astype(float)
    df["assignee"] = df["assignee"].astype(float)
    return df
