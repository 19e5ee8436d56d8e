"""The printable PDF exists, opens, and holds every chapter title."""
import re

import pytest
import yaml

from book import ROOT

PDF = ROOT / "_build" / "pdf" / "book.pdf"


def chapter_titles():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    titles = []
    for part in toc["parts"]:
        for ch in part["chapters"]:
            if ch["file"].startswith("chapters/"):
                text = (ROOT / f"{ch['file']}.md").read_text()
                m = re.search(r"^# (.+)$", text, re.M)
                titles.append(re.sub(r"\s*\(.*\)\s*$", "", m.group(1)).strip())
    return titles


@pytest.mark.build
def test_pdf_opens_and_has_every_chapter():
    from pypdf import PdfReader

    assert PDF.exists(), "no PDF: run `make pdf` (make test does)"
    reader = PdfReader(str(PDF))
    assert len(reader.pages) > 20
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    missing = [t for t in chapter_titles() if " ".join(t.split()) not in text]
    assert len(chapter_titles()) == 7
    assert not missing, f"chapter titles not found in the PDF: {missing}"


@pytest.mark.build
def test_pdf_is_current():
    """The PDF shows this build's numbers: it was printed after the execution of every notebook
    as it is now (code and dependencies, see test_notebooks), and every ledger estimate of the
    current build appears in its text as the page tables print it."""
    from datetime import UTC

    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook
    from pypdf import PdfReader
    from test_notebooks import NOTEBOOKS

    from book import ledger as lg
    from book.sphinxext import with_dependency_cell

    assert PDF.exists(), "no PDF: run `make pdf` (make test does)"
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    newest = 0.0
    for page in NOTEBOOKS:
        text, _ = with_dependency_cell(ROOT, (ROOT / f"{page}.md").read_text())
        try:
            rec = cache.match_cache_notebook(read_myst_markdown_notebook(text))
        except KeyError:
            pytest.fail(f"{page} has no execution record for its current code: run make book pdf")
        created = rec.created if rec.created.tzinfo else rec.created.replace(tzinfo=UTC)
        newest = max(newest, created.timestamp())
    assert PDF.stat().st_mtime >= newest, (
        "the PDF is older than the newest notebook execution: run `make pdf`")
    pdf_text = " ".join(" ".join((p.extract_text() or "").split())
                        for p in PdfReader(str(PDF)).pages)
    rows = lg.collect()
    absent = [f"{r.design}/{r.target}={lg._fmt(r.ours)}" for r in rows.itertuples()
              if lg._fmt(r.ours) not in pdf_text]
    assert not absent, f"ledger estimates of this build not in the PDF (stale PDF?): {absent[:10]}"


def _outline_titles(reader) -> list[str]:
    out = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append(" ".join(str(it.title).split()))

    walk(reader.outline)
    return out


@pytest.mark.build
def test_pdf_has_an_outline_with_every_chapter_and_a_contents_page():
    """Bookmarks (tools/print_pdf.py: Chromium's outline from the headings) hold every chapter
    and every page of the toc; a contents page with page numbers comes first."""
    from pypdf import PdfReader
    from test_notebooks import NOTEBOOKS

    assert PDF.exists(), "no PDF: run `make pdf` (make test does)"
    reader = PdfReader(str(PDF))
    def norm(text):  # letters and digits only: quotes are typeset (' -> ’), spaces vary
        return "".join(ch for ch in text.replace("'", "") if ch.isalnum()).lower()

    joined = [norm(t) for t in _outline_titles(reader)]
    missing = [t for t in chapter_titles() if not any(norm(t) in o for o in joined)]
    assert not missing, f"chapters not in the PDF outline: {missing}"
    pages = []
    for nb in NOTEBOOKS:
        m = re.search(r"^# (.+)$", (ROOT / f"{nb}.md").read_text(), re.M)
        title = re.sub(r"[`*]", "", m.group(1)).strip()
        if not any(norm(title)[:40] in o for o in joined):
            pages.append(title)
    assert not pages, f"pages not in the PDF outline: {pages[:10]}"
    front = " ".join((reader.pages[i].extract_text() or "") for i in range(min(4, len(reader.pages))))
    assert "Contents" in front and re.search(r"\b\d{2,3}\b", front)
