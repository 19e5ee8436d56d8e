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
