"""The generated scorecard and status pages agree with the ledger rows and the execution cache
of the current code (each test reads the generated tables themselves, not the whole page, whose
sidebar names every page anyway)."""
import re

import pytest
from bs4 import BeautifulSoup

from book import ROOT
from book import ledger as lg


def _soup(path):
    return BeautifulSoup(path.read_text(), "html.parser")


@pytest.mark.build
def test_scorecard_counts_equal_ledger_rows(built_html):
    rows = lg.collect()
    soup = _soup(built_html / "chapters/07-assessment/scorecard.html")
    tables = soup.select("div.scorecard table.scorecard-rows")
    assert tables, "scorecard tables missing"
    assert sum(len(t.select("tbody tr")) for t in tables) == len(rows)
    total = soup.select_one(".scorecard-total").get_text()
    assert re.search(rf"\b{len(rows)} ledger rows from {rows['design'].nunique()} designs", total)
    # counts by kind: every row has exactly one kind, and the table adds up
    counts = {tr.select("td")[0].get_text(): int(tr.select("td")[2].get_text())
              for tr in soup.select("table.scorecard-counts tbody tr")}
    assert counts == {k: int((rows["kind"] == k).sum()) for k in lg.KINDS}
    # the headline: published and peer, reproduced = within tolerance (explained gaps included
    # in "not reproduced")
    head = " ".join(soup.select_one(".scorecard-headline").get_text(" ").split())
    for k in lg.REPRODUCTION_KINDS:
        sub = rows[rows["kind"] == k]
        rep = int((sub["status"] == "within").sum())
        assert re.search(rf"{k}\b.*?{rep} of {len(sub)} reproduced, {len(sub) - rep} not "
                         "reproduced", head), (k, head)
    assert "Designs with targets but no rows" not in soup.get_text()


@pytest.mark.build
def test_scorecard_rows_link_to_their_rows_on_the_pages(built_html):
    soup = _soup(built_html / "chapters/07-assessment/scorecard.html")
    links = [a["href"] for t in soup.select("table.scorecard-rows") for a in t.select("a[href]")]
    assert links
    for href in links:
        path, _, anchor = href.partition("#")
        page = (built_html / "chapters/07-assessment" / path).resolve()
        assert page.exists(), href
        assert anchor and _soup(page).find(id=anchor) is not None, f"no #{anchor} on {path}"


@pytest.mark.build
def test_status_page_has_a_current_record_for_every_notebook(built_html):
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook
    from test_notebooks import NOTEBOOKS

    from book.sphinxext import with_dependency_cell

    soup = _soup(built_html / "appendix/status.html")
    table = soup.select_one("table.status-records")
    assert table is not None, "status table missing"
    shown = {tr.select("td")[0].get_text(): tr for tr in table.select("tbody tr")}
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    for page in NOTEBOOKS:
        assert page in shown, f"status table does not list {page}"
        cells = [td.get_text() for td in shown[page].select("td")]
        assert "no record" not in cells[1], f"{page}: no execution record for the current code"
        text, _ = with_dependency_cell(ROOT, (ROOT / f"{page}.md").read_text())
        rec = cache.match_cache_notebook(read_myst_markdown_notebook(text))
        assert cells[3] == f"#{rec.pk}", f"{page}: the status page shows another cache record"


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_ledger_tables_fit_their_column(built_html, width):
    """Issue 17: every published-vs-ours table and the scorecard fit the text column at
    1280 px, and stack (no sideways scrolling) on a 390 px phone."""
    import shutil

    from playwright.sync_api import sync_playwright

    from book.serve import CHROMIUM_ARGS, serve

    pages = sorted({lg._load_targets(d)[0]["page"] for d in lg.all_designs()})
    pages += ["chapters/07-assessment/scorecard", "appendix/status"]
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    too_wide = []
    with serve(built_html) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for doc in pages:
            page.goto(f"{url}/{doc}.html", wait_until="load")
            widths = page.evaluate("""() => [...document.querySelectorAll(
                '.ledger-table, .scorecard table')].map(t => {
                  const box = t.closest('.ledger, .scorecard');
                  return [t.getBoundingClientRect().width, box.clientWidth,
                          document.querySelector('article').scrollWidth,
                          document.querySelector('article').clientWidth]; })""")
            assert widths, f"{doc}: no ledger table"
            too_wide += [(doc, w) for w in widths if w[0] > w[1] + 1 or w[2] > w[3] + 1]
        browser.close()
    assert not too_wide, f"tables wider than their column at {width} px: {too_wide[:5]}"
