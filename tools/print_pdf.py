"""Print the single-page HTML build of the book to PDF with Debian's Chromium (offline).

Usage: python tools/print_pdf.py [_build/singlehtml] [_build/pdf/book.pdf]

Serves the folder on 127.0.0.1, waits for MathJax to finish typesetting, inserts a contents
page (parts, chapters and pages, linked), and prints A4 pages with page numbers in the footer
and a PDF outline (bookmarks) built by Chromium from the headings (``outline=True``, tagged
PDF). The page numbers of the contents page come from a first print: the outline of that
print says on which page each heading starts; the second print carries them. No browser is
downloaded: Playwright drives /usr/bin/chromium.
"""
from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

from book.serve import CHROMIUM_ARGS, serve

# The contents page: one entry per heading of the three top levels of the single page (the
# book, its parts' chapter pages, and the pages), each with a slot for its page number.
CONTENTS_JS = """() => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main');
  // the outline takes a heading's accessible name: give every heading its plain text (without
  // it, Chromium repeated parts of headings that hold spans: "4. 4. Agglomeration (Agg...")
  art.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach(h => h.setAttribute('aria-label',
    h.textContent.replace(/[#¶]\\s*$/, '').replace(/\\s+/g, ' ').trim()));
  const heads = Array.from(art.querySelectorAll('h1, h2, h3'))
    .filter(h => !h.closest('.cell_output, .admonition, nav, .scorecard'));
  const nav = document.createElement('nav');
  nav.className = 'book-pdf-contents';
  nav.innerHTML = '<p class="book-pdf-contents-title"><strong>Contents</strong></p>';
  const list = document.createElement('ol');
  list.style.listStyle = 'none'; list.style.paddingLeft = '0';
  heads.forEach((h, i) => {
    if (!h.id) { const s = h.closest('section[id]'); h.id = s ? s.id + '-h' : 'pdf-h-' + i; }
    const li = document.createElement('li');
    const level = Number(h.tagName[1]);
    li.style.marginLeft = ((level - 1) * 1.2) + 'em';
    li.style.display = 'flex';
    li.style.fontWeight = level <= 2 ? '600' : '400';
    const a = document.createElement('a');
    a.href = '#' + h.id;
    a.textContent = h.textContent.replace(/[#¶]\\s*$/, '').trim();
    const dots = document.createElement('span');
    dots.style.flex = '1'; dots.style.borderBottom = '1px dotted #999'; dots.style.margin = '0 0.3em 0.3em';
    const num = document.createElement('span');
    num.className = 'book-pdf-pageno'; num.textContent = '000';
    li.append(a, dots, num);
    list.appendChild(li);
  });
  nav.appendChild(list);
  const first = art.querySelector('section') || art.firstElementChild;
  const h1 = first.querySelector('h1');
  (h1 && h1.nextSibling) ? first.insertBefore(nav, h1.nextSibling) : first.prepend(nav);
  return heads.map(h => [Number(h.tagName[1]), a_text(h)]);
  function a_text(h) { return h.textContent.replace(/[#¶]\\s*$/, '').trim(); }
}"""

# Every heading Chromium puts in the outline (rendered h1-h6 of the article, document order).
HEADINGS_JS = """() => Array.from(document.querySelectorAll(
    'article.bd-article h1, article.bd-article h2, article.bd-article h3, '
    + 'article.bd-article h4, article.bd-article h5, article.bd-article h6'))
  .filter(h => h.getClientRects().length > 0)
  .map(h => h.textContent.replace(/[#¶]\\s*$/, '').replace(/\\s+/g, ' ').trim())"""


def fix_outline_titles(path: Path, titles: list[str]) -> int:
    """Give the outline entries the headings' plain text.

    Chromium builds the titles from the tagged text and repeats the parts of a heading that sit
    in spans (section numbers, Chinese names): "1.1. 1.1. The core-periphery model (Krugman
    1991)The core-periphery model ...". The entries are in document order, one per rendered
    heading, so each entry takes the text of the next heading it matches. Returns the number
    of entries renamed.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(str(path)))
    items = []

    def walk(node):
        while node is not None:
            node = node.get_object()
            items.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    outlines = writer._root_object.get("/Outlines")
    if outlines is not None and "/First" in outlines.get_object():
        walk(outlines.get_object()["/First"])
    renamed, j = 0, 0
    for item in items:  # in order; an entry that matches no heading keeps its title
        got = _norm(str(item.get("/Title", "")))
        for k in range(j, min(j + 3, len(titles))):
            want = _norm(titles[k]).lstrip("0123456789")[:30]
            if want and want in got:
                item[NameObject("/Title")] = TextStringObject(titles[k])
                renamed, j = renamed + 1, k + 1
                break
    with open(path, "wb") as fh:
        writer.write(fh)
    return renamed


FOOTER = ("<div style='font-size:8px;width:100%;text-align:center;color:#555;'>"
          "<span class='pageNumber'></span> / <span class='totalPages'></span></div>")


def _outline_pages(pdf_bytes: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of every outline entry, in document order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    out: list[tuple[str, int]] = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append((" ".join(str(it.title).split()), reader.get_destination_page_number(it) + 1))

    walk(reader.outline)
    return out


def _norm(text: str) -> str:
    """Letters and digits only (the outline may differ in spaces, ligatures, punctuation)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).replace("#", "")
    return "".join(ch for ch in text if ch.isalnum()).lower()


def page_numbers(headings: list[tuple[int, str]], outline: list[tuple[str, int]]) -> list[str]:
    """Page number of each heading, matched in order against the outline of the first print."""
    nums, k = [], 0
    for _, title in headings:
        want = _norm(title).lstrip("0123456789")[:30]  # without the section number
        for j in range(k, len(outline)):
            got = _norm(outline[j][0])  # Chromium sometimes repeats a title in the outline
            if want and want in got:
                nums.append(str(outline[j][1]))
                k = j + 1
                break
        else:
            nums.append("")
    return nums


def main(src: str = "_build/singlehtml", out: str = "_build/pdf/book.pdf") -> Path:
    from playwright.sync_api import sync_playwright

    src_path, out_path = Path(src), Path(out)
    # the single page is the largest file (index.html may be jupyter-book's redirect to it)
    pages = sorted(src_path.glob("*.html"), key=lambda f: f.stat().st_size)
    entry = pages[-1] if pages else None
    if entry is None:
        raise SystemExit(f"{src_path}/index.html missing: build the single-page HTML first "
                         "(make pdf does).")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise SystemExit("Chromium not found: apt-get install -y chromium fonts-wqy-zenhei")

    options = dict(format="A4", print_background=True, outline=True, tagged=True,
                   display_header_footer=True, header_template="<div></div>",
                   footer_template=FOOTER,
                   margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
    with serve(src_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        # "load" first: the page is ~3 MB and "networkidle" alone can return while Chromium is
        # still parsing it (the first prints stopped at chapter 4)
        page.goto(f"{url}/{entry.name}", wait_until="load", timeout=300_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        page.wait_for_function(
            "() => !window.MathJax || !window.MathJax.startup || "
            "window.MathJax.startup.promise.then(() => true)", timeout=120_000)
        page.emulate_media(media="print")
        headings = page.evaluate(CONTENTS_JS)
        first = page.pdf(**options)  # pass 1: where does each heading start?
        nums = page_numbers(headings, _outline_pages(first))
        page.evaluate("(nums) => document.querySelectorAll('.book-pdf-pageno')"
                      ".forEach((el, i) => { el.textContent = nums[i] || ''; })", nums)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out_path), **options)
        titles = page.evaluate(HEADINGS_JS)
        browser.close()
    renamed = fix_outline_titles(out_path, titles)
    outline = _outline_pages(out_path.read_bytes())
    missing = sum(1 for n in nums if not n)
    print(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.1f} MB, {len(outline)} outline "
          f"entries ({renamed} titles cleaned), contents page with {len(headings)} entries"
          + (f", {missing} without a page number" if missing else "") + ")")
    return out_path


if __name__ == "__main__":
    main(*sys.argv[1:])
