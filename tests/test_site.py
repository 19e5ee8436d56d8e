"""The built site as a reader gets it: served on 127.0.0.1, opened in Debian's Chromium
(Playwright). Pages load without console errors or failed requests, figures decode, math is
rendered by the local MathJax, search works, no request leaves the machine, internal links and
anchors resolve."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from book.serve import CHROMIUM_ARGS, serve

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = CHROMIUM_ARGS


def pages() -> list[str]:
    skip = {"genindex.html", "search.html"}
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if not p.relative_to(HTML).parts[0].startswith(("_", "reports"))
                  and p.name not in skip)


@pytest.fixture(scope="module")
def site(built_html):
    with serve(built_html) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` "
                    "(.ci/run does this when run as root).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, url, width=1280, height=900):
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"external request: {r.url}")
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and
            not r.url.startswith("data:") else None)
    page.goto(url, wait_until="load")
    settle(page)
    return page, problems


def settle(page, attempts: int = 3) -> None:
    """Wait until the page is ready; follow a redirect page (index.html -> intro.html)."""
    from playwright.sync_api import Error

    for _ in range(attempts):
        try:
            page.evaluate(SETTLE_JS)
            return
        except Error as exc:  # a meta-refresh redirect replaced the document: wait for it
            if "context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state("load")
    page.evaluate(SETTLE_JS)


# Deterministic readiness instead of "networkidle" (which waits for 500 ms of silence, was the
# slowest part of the suite and timed out now and then under load): the page's load event, then
# MathJax's typesetting promise, every image decoded and the web fonts loaded.
SETTLE_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(Array.from(document.images).map(
    i => (i.complete && i.naturalWidth > 0) ? null : i.decode().catch(() => null)));
  await document.fonts.ready;
  return true;
}"""


@pytest.mark.build
@pytest.mark.browser
def test_every_page_loads_cleanly(site, browser):
    all_problems = {}
    for rel in pages():
        page, problems = open_page(browser, f"{site}/{rel}")
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.src)")
        problems += [f"image not decoded: {s}" for s in broken]
        if problems:
            all_problems[rel] = problems
        page.close()
    assert not all_problems, all_problems


@pytest.mark.build
@pytest.mark.browser
def test_math_renders_locally(site, browser):
    page, problems = open_page(browser, f"{site}/chapters/04-agglomeration-growth/convergence.html")
    page.wait_for_selector("mjx-container", timeout=20000)
    assert page.locator("mjx-container").count() > 3
    srcs = page.evaluate("Array.from(document.scripts).map(s => s.src).filter(Boolean)")
    assert any("/mathjax/tex-chtml.js" in s for s in srcs), srcs
    assert all(urlparse(s).hostname == "127.0.0.1" for s in srcs), srcs
    assert not problems, problems
    page.close()


@pytest.mark.build
@pytest.mark.browser
def test_search_finds_a_term(site, browser):
    page, problems = open_page(browser, f"{site}/search.html?q=convergence")
    page.wait_for_selector("#search-results li, ul.search li", timeout=20000)
    assert page.locator("ul.search li").count() >= 1
    assert not problems, problems
    page.close()


@pytest.mark.build
@pytest.mark.browser
def test_screenshots(site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, rel in [("landing", "intro.html"),
                      ("chapter4", "chapters/04-agglomeration-growth/convergence.html")]:
        for label, (w, h) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
            page, problems = open_page(browser, f"{site}/{rel}", w, h)
            path = ARTIFACTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=False)
            assert path.stat().st_size > 10_000
            assert not problems, problems
            page.close()


@pytest.mark.build
def test_internal_links_and_anchors_resolve(built_html):
    ids_cache: dict[Path, set] = {}

    def ids(path: Path) -> set:
        if path not in ids_cache:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids_cache[path] = {t.get("id") for t in soup.find_all(id=True)} | {
                t.get("name") for t in soup.find_all("a", attrs={"name": True})}
        return ids_cache[path]

    bad = []
    for rel in pages():
        src = built_html / rel
        soup = BeautifulSoup(src.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            u = urlparse(href)
            if u.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = (src.parent / unquote(u.path)).resolve() if u.path else src
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                bad.append(f"{rel}: {href} (missing file)")
            elif u.fragment and target.suffix == ".html" and u.fragment not in ids(target):
                bad.append(f"{rel}: {href} (missing anchor)")
    assert not bad, bad[:30]


#: Sphinx appends search results one by one; it is finished when its summary says so
SEARCH_DONE_JS = ("() => /Search finished/.test("
                  "(document.querySelector('.search-summary') || {}).textContent || '')")

SEARCH_TERMS = {
    "01-agglomeration": "Ellison", "02-knowledge-spillovers": "Romer",
    "03-agglomeration-spillovers": "Ottaviano", "04-agglomeration-growth": "convergence",
    "05-spillovers-growth": "Munnell", "06-channels": "Jacobs", "07-assessment": "scorecard",
}


@pytest.mark.build
@pytest.mark.browser
def test_search_finds_a_term_in_every_chapter(site, browser):
    missing = {}
    for chapter, term in SEARCH_TERMS.items():
        page, problems = open_page(browser, f"{site}/search.html?q={term}")
        page.wait_for_function(SEARCH_DONE_JS, timeout=30000)
        hrefs = page.evaluate("Array.from(document.querySelectorAll('ul.search li a'))"
                              ".map(a => a.getAttribute('href'))")
        if not any(f"chapters/{chapter}/" in (h or "") for h in hrefs) or problems:
            missing[chapter] = (term, hrefs[:5], problems)
        page.close()
    assert not missing, missing


@pytest.mark.build
def test_download_and_cite_boxes(built_html):
    from test_notebooks import NOTEBOOKS

    for nb in NOTEBOOKS:
        html_text = (built_html / f"{nb}.html").read_text(encoding="utf-8")
        for ext in (".ipynb", ".md"):
            name = nb.split("/")[-1] + ext
            assert f"_sources/{nb}{ext}" in html_text, f"{nb}: no download link for {name}"
            assert (built_html / "_sources" / f"{nb}{ext}").exists(), f"{nb}{ext} not shipped"
    for index in sorted(built_html.glob("chapters/0*/index.html")):
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        box = soup.select_one(".cite-this")
        assert box is not None, f"{index}: no cite box"
        assert "@incollection{" in box.select_one("pre.cite-bibtex").get_text()


@pytest.mark.build
def test_glossary_is_cross_referenced_from_every_chapter(built_html):
    for index in sorted(built_html.glob("chapters/0*/index.html")):
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.find_all("a", href=True) if "glossary.html#term-" in a["href"]]
        assert links, f"{index.parent.name}: no link into the glossary"


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("term", ["集聚", "溢出", "增长", "产业集聚"])
def test_chinese_search_finds_glossary_and_chapters(site, browser, term):
    from urllib.parse import quote

    page, problems = open_page(browser, f"{site}/search.html?q={quote(term)}")
    # results are appended one by one: wait for Sphinx's "Search finished, found N page(s)"
    page.wait_for_function("() => /Search finished/.test("
                           "(document.querySelector('.search-summary') || {}).textContent || '')",
                           timeout=30000)
    hrefs = page.evaluate("Array.from(document.querySelectorAll('ul.search li a'))"
                          ".map(a => a.getAttribute('href'))")
    page.close()
    assert any("appendix/glossary" in (h or "") for h in hrefs), (term, hrefs[:10])
    assert len({h.split("/")[1] for h in hrefs if h and h.startswith("chapters/")}) >= 2, \
        (term, hrefs[:10])
    assert not problems, problems


# ---------------------------------------------------------------- reader checks (issue 17)
# Deliberate horizontal scrolling: only inside a box marked `scroll-x` (wide data frames, see
# book/sphinxext.py) or the theme's table scroller, and on a phone a display equation in its own
# `div.math` box; the box itself must fit the text column. Everything else fits at 1280 and 390.
FIT_JS = """(phone) => {
  const art = document.querySelector('article.bd-article');
  const ar = art.getBoundingClientRect();
  const cw = art.clientWidth;
  const bad = [];
  const label = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' '
      + (e.closest('[id]') ? '@' + e.closest('[id]').id : '') + ' '
      + (e.textContent || '').trim().slice(0, 50).replace(/\\s+/g, ' ');
  const scroller = e => e.closest('.scroll-x, .pst-scrollable-table-container')
      || (phone ? e.closest('div.math') : null);
  const fits = e => { const r = e.getBoundingClientRect();
                      return r.left >= ar.left - 1 && r.right <= ar.right + 1; };
  for (const e of art.querySelectorAll('table, mjx-container[display="true"]')) {
    if (e.closest('.highlight, .cite-this')) continue;
    const box = scroller(e);
    if (box) {
      if (!fits(box)) bad.push('scroll box wider than the column: ' + label(e));
      continue;
    }
    if (!fits(e) || e.scrollWidth > e.clientWidth + 1)
      bad.push(Math.round(Math.max(e.scrollWidth, e.getBoundingClientRect().width)) + ' px > '
               + cw + ' px: ' + label(e));
  }
  if (art.scrollWidth > cw + 1) bad.push('article scrolls: ' + art.scrollWidth + ' > ' + cw);
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    bad.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
  return bad;
}"""


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_tables_and_equations_fit_the_column(site, browser, width):
    bad = {}
    page = browser.new_page(viewport={"width": width, "height": 900})
    for rel in pages():
        if rel == "index.html":  # a redirect to intro.html
            continue
        page.goto(f"{site}/{rel}", wait_until="load")
        settle(page)
        found = page.evaluate(FIT_JS, width < 640)
        if found:
            bad[rel] = found[:5]
    page.close()
    assert not bad, bad


def _notebook_pages(built_html):
    from test_notebooks import NOTEBOOKS

    return [nb for nb in NOTEBOOKS if (built_html / f"{nb}.html").exists()]


@pytest.mark.build
def test_launch_links_point_at_files_that_exist(built_html):
    """Binder opens <page>.ipynb, which postBuild writes from the page's jupytext pair; no Colab
    button (Colab cannot open a notebook that is not in the repository); the downloads exist."""
    from urllib.parse import parse_qs

    post = ROOT / "postBuild"
    assert post.exists() and os.access(post, os.X_OK), "postBuild missing or not executable"
    assert "jupytext --quiet --to ipynb" in post.read_text()
    bad, seen = [], 0
    for nb in _notebook_pages(built_html):
        soup = BeautifulSoup((built_html / f"{nb}.html").read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if "colab.research.google.com" in href:
                bad.append(f"{nb}: Colab link {href}")
            if "mybinder.org" in href:
                seen += 1
                target = parse_qs(urlparse(href).query)["urlpath"][0].split("/tree/", 1)[1]
                md = ROOT / target.replace(".ipynb", ".md")
                if not target.endswith(".ipynb"):
                    bad.append(f"{nb}: Binder opens {target}, not a notebook")
                elif not (md.exists() and md.read_text(encoding="utf-8").startswith("---\njupytext:")):
                    bad.append(f"{nb}: Binder opens {target}, but no jupytext pair {md.name}")
            if "_sources/" in href and not (built_html / nb).parent.joinpath(unquote(href)).resolve().exists():
                bad.append(f"{nb}: download {href} missing")
    assert seen >= len(_notebook_pages(built_html)), f"only {seen} Binder links"
    assert not bad, bad[:20]


@pytest.mark.build
def test_repository_url_comes_from_citation_cff(built_html):
    import yaml

    url = yaml.safe_load((ROOT / "CITATION.cff").read_text())["repository-code"].rstrip("/")
    intro = (built_html / "intro.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in intro, "repository button does not use CITATION.cff"
    text = " ".join(BeautifulSoup(intro, "html.parser").get_text(" ").split())
    assert f"git clone {url}" in text, "the clone command does not use CITATION.cff"
    for src in ("_config.yml", "intro.md", "README.md"):
        assert url not in (ROOT / src).read_text(encoding="utf-8"), (
            f"{src} repeats the repository URL: it is set once, in CITATION.cff")


@pytest.mark.build
def test_every_page_has_a_cite_box_with_its_own_title(built_html):
    keys, bad = {}, []
    for rel in pages():
        soup = BeautifulSoup((built_html / rel).read_text(encoding="utf-8"), "html.parser")
        art = soup.select_one("article.bd-article")
        if art is None or art.find("h1") is None:  # the redirect page
            continue
        boxes = art.select(".cite-this")
        h1 = art.find("h1")
        for extra in h1.select(".section-number, .headerlink"):
            extra.decompose()
        title = h1.get_text(" ", strip=True)
        if len(boxes) != 1:
            bad.append(f"{rel}: {len(boxes)} cite boxes")
            continue
        bib = boxes[0].select_one("pre.cite-bibtex").get_text()
        box_text = " ".join(boxes[0].get_text(" ").split())
        if rel == "intro.html":  # the landing page cites the book
            if "Cite this book" not in box_text:
                bad.append("intro.html: no 'Cite this book' box")
        elif " ".join(title.split()) not in box_text:
            bad.append(f"{rel}: cite box does not name the page ({title!r})")
        if "chapters/" in bib.split("title =")[1].split("\n")[0]:
            bad.append(f"{rel}: cite box titled with a file path")
        key = bib.split("{", 1)[1].split(",", 1)[0]
        if key in keys:
            bad.append(f"{rel}: BibTeX key {key} also used by {keys[key]}")
        keys[key] = rel
    assert not bad, bad[:20]


@pytest.mark.build
@pytest.mark.browser
def test_figures_are_sharp_and_described(site, browser):
    """Every figure is a 2x image (natural width >= 1.5 x shown width) with alt text that is
    not its file name."""
    bad = {}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for rel in pages():
        if rel == "index.html":  # a redirect to intro.html
            continue
        page.goto(f"{site}/{rel}", wait_until="load")
        settle(page)
        found = page.evaluate("""() => Array.from(document.querySelectorAll(
            'article.bd-article figure img, article.bd-article .cell_output img'))
          .filter(i => i.getBoundingClientRect().width > 0)
          .map(i => [i.getAttribute('src').split('/').pop().slice(0, 16), i.naturalWidth,
                     Math.round(i.getBoundingClientRect().width), i.getAttribute('alt') || ''])
          .filter(([src, nat, shown, alt]) => nat < 1.5 * shown || alt.length < 15
                  || alt.includes('_images/') || alt.endsWith('.png'))""")
        if found:
            bad[rel] = found[:3]
    page.close()
    assert not bad, bad


@pytest.mark.build
@pytest.mark.browser
def test_theme_toggle_changes_on_the_first_click_and_one_search_box(site, browser):
    page, problems = open_page(browser, f"{site}/intro.html")
    before = page.evaluate("document.documentElement.dataset.theme")
    page.locator(".theme-switch-button:visible").first.click()
    after = page.evaluate("document.documentElement.dataset.theme")
    page.locator(".theme-switch-button:visible").first.click()
    again = page.evaluate("document.documentElement.dataset.theme")
    page.close()
    assert (before, after, again) == ("light", "dark", "light")
    for width in (1280, 390):
        page, problems2 = open_page(browser, f"{site}/search.html", width, 900)
        visible = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.search-button-field, .search-button__button, form.bd-search'))
          .filter(e => { const r = e.getBoundingClientRect();
                         return r.width > 0 && r.height > 0 && !e.closest('dialog'); }).length""")
        page.close()
        assert visible == 1, f"{visible} search boxes on the search page at {width} px"
    assert not problems and not problems2, problems + problems2


@pytest.mark.build
@pytest.mark.browser
def test_reader_screenshots(site, browser):
    """Three pages at both widths, kept in test-artifacts/ for review."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name, rel in [("reader-landing", "intro.html"),
                      ("reader-weights", "chapters/07-assessment/weights.html"),
                      ("reader-data-appendix", "appendix/data.html")]:
        for label, (w, h) in {"1280": (1280, 900), "390": (390, 844)}.items():
            page, problems = open_page(browser, f"{site}/{rel}", w, h)
            if "weights" in rel:  # the equations and the forest plot
                page.locator("#fig-w-forest").scroll_into_view_if_needed()
            path = ARTIFACTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=False)
            page.close()
            assert path.stat().st_size > 10_000
            assert not problems, problems


@pytest.mark.build
def test_landing_page_links_the_pdf_only_when_it_exists(built_html):
    intro = (built_html / "intro.html").read_text(encoding="utf-8")
    if (built_html / "book.pdf").exists():
        assert 'href="book.pdf"' in intro or "href='book.pdf'" in intro
    else:
        assert "book.pdf" not in intro and "make pdf" in intro


@pytest.mark.build
def test_every_notebook_page_links_the_glossary(built_html):
    """The first use of a glossary term on a notebook page links to its entry (book/sphinxext.py
    _link_glossary_terms), as the part pages' {term} roles do."""
    bare = []
    for nb in _notebook_pages(built_html):
        if not nb.startswith("chapters/"):
            continue
        soup = BeautifulSoup((built_html / f"{nb}.html").read_text(encoding="utf-8"), "html.parser")
        if not any("glossary.html#term-" in a["href"] for a in soup.find_all("a", href=True)):
            bare.append(nb)
    assert not bare, f"notebook pages with no glossary link: {bare}"
