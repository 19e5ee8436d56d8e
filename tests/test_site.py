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
        page.wait_for_selector("ul.search li", timeout=20000)
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
    page.wait_for_selector("ul.search li", timeout=20000)
    hrefs = page.evaluate("Array.from(document.querySelectorAll('ul.search li a'))"
                          ".map(a => a.getAttribute('href'))")
    page.close()
    assert any("appendix/glossary" in (h or "") for h in hrefs), (term, hrefs[:10])
    assert len({h.split("/")[1] for h in hrefs if h and h.startswith("chapters/")}) >= 2, \
        (term, hrefs[:10])
    assert not problems, problems
