"""The generated scorecard and status pages agree with the ledger rows and execution cache."""
import re

import pytest
from bs4 import BeautifulSoup

from book import ledger as lg


@pytest.mark.build
def test_scorecard_counts_equal_ledger_rows(built_html):
    rows = lg.collect()
    soup = BeautifulSoup((built_html / "chapters/07-assessment/scorecard.html").read_text(),
                         "html.parser")
    table = soup.select_one("table.scorecard-rows")
    assert table is not None, "scorecard table missing"
    body = table.select("tbody tr")
    assert len(body) == len(rows)
    total = soup.select_one(".scorecard-total").get_text()
    assert re.search(rf"\b{len(rows)} ledger rows from {rows['design'].nunique()} designs", total)
    counts = soup.select("table.scorecard-counts tbody tr")
    assert sum(int(tr.select("td")[1].get_text()) for tr in counts) == len(rows)
    # every design that has targets has rows in this build
    assert "Designs with targets but no rows" not in total


@pytest.mark.build
def test_status_page_lists_every_notebook(built_html):
    from test_notebooks import NOTEBOOKS

    text = (built_html / "appendix/status.html").read_text()
    for page in NOTEBOOKS:
        assert page in text, f"status page does not list {page}"
