"""Provenance checks of registered data: corrections documented with a data set hold in the
file the book reads. (These used to be ledger rows; they are facts about the data, not results.)"""
import pytest

from book import data


def test_oecd_growth_norway_school_correction():
    """AER's OECDGrowth help page: Nonneman & Vanhoudt (1996, Appendix 1) misprint Norway's
    'school' as 0.01; the correct value is 0.1 (Mankiw, Romer & Weil 1992). The registered file
    must carry the corrected value."""
    oecd = data.load("oecd_growth").set_index("country")
    assert oecd.loc["Norway", "school"] == pytest.approx(0.1, abs=1e-9)
