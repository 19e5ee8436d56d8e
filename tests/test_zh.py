"""The Chinese way in (issue 17, item 5): the 中文导读 page, a 中文摘要 box on every notebook page,
Chinese text marked ``lang="zh-CN"`` (book/sphinx_lang.py), and the guide's scorecard counts read
from the ledger of the build."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from badinput import BI, case_list, f, matrix_test
from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree, publish_from_doctree

from book import ROOT
from book.sphinx_lang import CJK_CLASS, KIND_ZH, cjk_runs, mark_html, mark_lang, zh_scorecard_html

SUMMARY_OPEN = "```{admonition} 中文摘要\n:class: zh-summary\n"
_CJK = re.compile(f"[{CJK_CLASS}]")


def notebook_pages() -> list[str]:
    """Notebook pages of the table of contents (the chapter index and scorecard pages are not)."""
    from test_notebooks import NOTEBOOKS

    return [nb for nb in NOTEBOOKS if nb.startswith("chapters/")]


# ------------------------------------------------------------------ units
def test_cjk_runs_split_and_join():
    text = "Agglomeration (产业集聚, chǎnyè) and the 中心–外围 model, “集聚”。"
    pieces = cjk_runs(text)
    assert "".join(s for s, _ in pieces) == text
    assert [s for s, zh in pieces if zh] == ["产业集聚", "中心–外围", "集聚”。"] or \
        [s for s, zh in pieces if zh] == ["产业集聚", "中心–外围", "集聚", "。"]
    assert cjk_runs("no Chinese here") == [("no Chinese here", False)]
    assert cjk_runs("") == []


SRC = """
产业集聚 and growth
===================

Agglomeration (产业集聚, *chǎnyè jíjù*) and the 中心–外围 model; code ``集聚`` stays.

.. admonition:: 中文摘要
   :class: zh-summary

   本页讨论 β 收敛，数据为真实数据。

::

   集聚 in a literal block
"""


def _html(doctree) -> str:
    out = publish_from_doctree(doctree, writer_name="html5").decode("utf-8")
    return out[out.index("<body"):]


def test_mark_lang_on_a_small_doctree():
    doc = publish_doctree(SRC)
    assert mark_lang(doc) == 3  # title, two runs in the paragraph; none inside the box
    box = next(n for n in doc.findall(nodes.admonition))
    assert "language-zh-CN" in box["classes"]
    html = _html(doc)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".zh-summary")["lang"] == "zh-CN"
    spans = [s.get_text() for s in soup.find_all("span", lang="zh-CN")]
    assert spans == ["产业集聚", "产业集聚", "中心–外围"]
    # literal text and code are not touched
    assert "<pre class=\"literal-block\">集聚 in a literal block</pre>" in html
    assert soup.select_one("span.literal").get_text() == "集聚"
    assert not soup.select_one("span.literal").find("span")
    # every CJK character is inside an element marked zh-CN (or code)
    for t in soup.find_all(string=_CJK):
        if t.parent.name in ("pre", "title") or "literal" in (t.parent.get("class") or []):
            continue
        assert t.find_parent(attrs={"lang": "zh-CN"}) is not None, t
    # idempotent: a second pass wraps nothing new
    assert mark_lang(doc) == 0


RAW = ('<div class="cite-this"><p>“产业集聚 (ch. 1)” R&D &amp; 增长</p>'
       '<span class="math notranslate">\\(\\text{集聚}\\)</span><code>集聚</code>'
       '<img alt="集聚" src="a.png"><script>if (a<b) s = "集聚";</script><!-- 集聚 -->'
       '<p lang="zh-CN">已标注<b>集聚</b></p><p lang="en">English <i lang="zh-CN">溢出</i></p>'
       "<td title='a > 集聚' data-lang='x'>增长</td> 1 < 2 中心–外围</div>")


def test_mark_html_wraps_unmarked_runs_and_keeps_the_rest_verbatim():
    out = mark_html(RAW)
    soup = BeautifulSoup(out, "html.parser")
    assert [s.get_text() for s in soup.find_all("span", lang="zh-CN")] == \
        ["产业集聚", "增长", "增长", "中心–外围"]
    # removing the inserted spans gives the input back, byte for byte
    assert re.sub(r'<span lang="zh-CN">([^<]*)</span>', r"\1", out) == RAW
    assert mark_html(out) == out  # idempotent
    assert mark_html("<p>no Chinese</p>") == "<p>no Chinese</p>"


def _rows():
    return pd.DataFrame({
        "design": ["a", "a", "b", "b", "c", "c", "c"],
        "kind": ["published", "published", "peer", "qualitative", "closed-form", "simulation",
                 "qualitative"],
        "status": ["within", "outside", "within", "outside", "within", "within", "within"],
    })


def test_final_marking_pass_touches_only_pages_written_since_the_last_pass(tmp_path):
    """The last pass (``_finish``) marks pages written since it last completed; a page marked
    earlier is not read again, and a failed build leaves the stamp alone."""
    import os
    from types import SimpleNamespace

    from book.sphinx_lang import _finish

    out, trees = tmp_path / "html", tmp_path / "doctrees"
    out.mkdir()
    trees.mkdir()
    pages = {d: out / f"{d}.html" for d in ("a", "b")}
    for p in pages.values():
        p.write_text("<p>集聚</p>", encoding="utf-8")
    app = SimpleNamespace(builder=SimpleNamespace(format="html",
                                                  get_outfilename=lambda d: str(pages[d])),
                          env=SimpleNamespace(found_docs={"a", "b"}), doctreedir=str(trees))
    _finish(app, None)
    assert all('lang="zh-CN"' in p.read_text(encoding="utf-8") for p in pages.values())
    # an old unmarked page (written before the stamp) is skipped; a newer one is marked
    stamp = (trees / "zh-marked.stamp").stat().st_mtime_ns
    pages["a"].write_text("<p>溢出</p>", encoding="utf-8")
    os.utime(pages["a"], ns=(stamp - 10**9, stamp - 10**9))
    pages["b"].write_text("<p>溢出</p>", encoding="utf-8")
    os.utime(pages["b"], ns=(stamp + 10**9, stamp + 10**9))
    _finish(app, RuntimeError("build failed"))  # nothing happens after a failed build
    assert "lang=" not in pages["b"].read_text(encoding="utf-8")
    _finish(app, None)
    assert "lang=" not in pages["a"].read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in pages["b"].read_text(encoding="utf-8")


def test_fast_chinese_search_gives_sphinx_terms():
    """The set-based Chinese search language splits and stems exactly as Sphinx's own on the
    book's text (the seed-section pages in both languages), word for word and in order."""
    from sphinx.search.zh import SearchChinese

    from book.sphinx_lang import _search_chinese_class

    text = "\n".join((ROOT / p).read_text(encoding="utf-8") for p in
                     ("zh-guide.md", "intro.md", "chapters/04-agglomeration-growth/convergence.md"))
    opts = {"dict": str(ROOT / "tools/zh-search-terms.txt")}
    ours, theirs = _search_chinese_class()(opts), SearchChinese(opts)
    theirs.latin_terms = []  # Sphinx's list is class-level; start both from nothing
    for para in text.split("\n\n"):
        a, b = ours.split(para), theirs.split(para)
        assert a == b
        assert [ours.stem(w) for w in a] == [theirs.stem(w) for w in b]
    assert ours.stem("GDP") == theirs.stem("GDP") and ours.stem("was") == theirs.stem("was")


def test_zh_scorecard_counts():
    html = zh_scorecard_html(_rows(), {"p1": ("t", ["d"], ["a"]), "p2": ("t", [], ["c"])})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".zh-scorecard")["lang"] == "zh-CN"
    total = soup.select_one(".zh-scorecard-total")
    assert (total["data-rows"], total["data-designs"], total["data-repro"],
            total["data-repro-within"]) == ("7", "3", "3", "2")
    got = {tr["data-kind"]: (int(tr["data-rows"]), int(tr["data-within"]), int(tr["data-outside"]))
           for tr in soup.select("tr[data-kind]")}
    assert got == {"published": (2, 1, 1), "peer": (1, 1, 0), "qualitative": (2, 1, 1),
                   "closed-form": (1, 1, 0), "simulation": (1, 1, 0)}
    pages = soup.select_one(".zh-scorecard-pages")
    assert (pages["data-pages"], pages["data-real"]) == ("2", "1")


def test_kind_names_cover_the_ledger_kinds():
    from book.ledger import KINDS

    assert set(KIND_ZH) == set(KINDS)


CASES, c = case_list()
c("book.sphinx_lang.mark_html", "not text", lambda: f("book.sphinx_lang.mark_html")(b"<p>x</p>"),
  BI, r"needs the HTML as a str")
c("book.sphinx_lang.mark_html", "bad language tag",
  lambda: f("book.sphinx_lang.mark_html")("<p>集聚</p>", lang="chinese!"), BI,
  r"not a BCP 47 language tag")
c("book.sphinx_lang.cjk_runs", "not text", lambda: f("book.sphinx_lang.cjk_runs")(123), BI,
  r"needs a str")
c("book.sphinx_lang.mark_lang", "not a node", lambda: f("book.sphinx_lang.mark_lang")("<p>x</p>"),
  BI, r"needs a docutils node")
c("book.sphinx_lang.mark_lang", "bad language tag",
  lambda: f("book.sphinx_lang.mark_lang")(nodes.paragraph(text="集聚"), lang="zh CN"), BI,
  r"not a BCP 47 language tag")
c("book.sphinx_lang.zh_scorecard_html", "not a frame",
  lambda: f("book.sphinx_lang.zh_scorecard_html")([{"kind": "peer"}]), BI,
  r"needs the DataFrame")
c("book.sphinx_lang.zh_scorecard_html", "missing status column",
  lambda: f("book.sphinx_lang.zh_scorecard_html")(_rows().drop(columns="status")), BI,
  r"lack the column\(s\) \['status'\]")
c("book.sphinx_lang.zh_scorecard_html", "unknown kind",
  lambda: f("book.sphinx_lang.zh_scorecard_html")(_rows().assign(kind="guess")), BI,
  r"unknown kind\(s\) \['guess'\]")
test_bad_input = matrix_test(CASES)


def test_setup_refuses_a_non_sphinx_object():
    from book.sphinx_lang import setup

    with pytest.raises(BI, match="needs a Sphinx application"):
        setup(object())


# ------------------------------------------------------------------ sources
def test_every_notebook_page_has_one_summary_box_after_its_title():
    missing, wrong = [], []
    for nb in notebook_pages():
        text = (ROOT / f"{nb}.md").read_text(encoding="utf-8")
        n = text.count("{admonition} 中文摘要")
        if n != 1:
            missing.append(f"{nb} ({n} boxes)")
            continue
        h1 = re.search(r"^# .+\n\n", text, re.M)
        if h1 is None or not text[h1.end():].startswith(SUMMARY_OPEN):
            wrong.append(nb)
        else:
            body = text[h1.end() + len(SUMMARY_OPEN):].split("\n```\n", 1)[0]
            if len(_CJK.findall(body)) < 40:
                wrong.append(f"{nb} (summary too short)")
    assert not missing, f"pages without exactly one 中文摘要 box: {missing}"
    assert not wrong, f"中文摘要 box not right after the H1 (or too short): {wrong}"


def test_guide_is_in_the_toc_after_the_intro_and_linked_from_its_top():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["root"] == "intro"
    assert toc["parts"][0]["chapters"][0]["file"] == "zh-guide"
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    first_h2 = intro.index("\n## ")
    assert "<zh-guide>`" in intro[:first_h2][:600], "no 中文导读 link at the top of intro.md"
    guide = (ROOT / "zh-guide.md").read_text(encoding="utf-8")
    assert "```{zh-scorecard}" in guide
    # no typed counts in the guide's scorecard section: every number there is generated
    section = guide.split("## 复现记分卡", 1)[1].split("\n## ", 1)[0]
    prose = re.sub(r"\{doc\}`[^`]*`", "", section).replace("0/1", "")
    assert not re.search(r"\d", prose), "typed number in the scorecard section"


# ------------------------------------------------------------------ the built site
def _soup(built_html, page):
    return BeautifulSoup((built_html / page).read_text(encoding="utf-8"), "html.parser")


@pytest.mark.build
def test_guide_linked_from_top_of_landing_page(built_html):
    soup = _soup(built_html, "intro.html")
    article = soup.select_one("article") or soup
    h1 = article.find("h1")
    first = h1.find_next("a", href=re.compile(r"(^|/)zh-guide\.html"))
    assert first is not None, "intro.html: no link to zh-guide.html"
    h2 = h1.find_next("h2")
    assert h2 is None or first in h2.find_all_previous("a"), "the link is not above the first section"
    assert first.find_parent(attrs={"lang": "zh-CN"}) is not None


@pytest.mark.build
def test_every_notebook_page_has_one_summary_box_marked_chinese(built_html):
    bad = {}
    for nb in notebook_pages():
        soup = _soup(built_html, f"{nb}.html")
        boxes = soup.select(".zh-summary")
        if len(boxes) != 1 or boxes[0].get("lang") != "zh-CN":
            bad[nb] = [(b.name, b.get("lang")) for b in boxes]
            continue
        h1 = soup.select_one("article h1") or soup.find("h1")
        if h1.find_next(class_="admonition") is not boxes[0]:
            bad[nb] = "not the first box after the title"
    assert not bad, bad


@pytest.mark.build
def test_guide_scorecard_equals_the_ledger(built_html):
    from book.ledger import REPRODUCTION_KINDS, collect

    rows = collect(built_html.parent / "ledger")
    soup = _soup(built_html, "zh-guide.html")
    total = soup.select_one(".zh-scorecard-total")
    assert total is not None, "zh-guide.html: no generated scorecard"
    rep = rows[rows["kind"].isin(REPRODUCTION_KINDS)]
    assert int(total["data-rows"]) == len(rows)
    assert int(total["data-designs"]) == rows["design"].nunique()
    assert int(total["data-repro"]) == len(rep)
    assert int(total["data-repro-within"]) == int((rep["status"] == "within").sum())
    assert f"<strong>{len(rows)}</strong>" in str(total)
    for k in KIND_ZH:
        tr = soup.select_one(f"tr[data-kind='{k}']")
        sub = rows[rows["kind"] == k]
        within = int((sub["status"] == "within").sum())
        assert (int(tr["data-rows"]), int(tr["data-within"]), int(tr["data-outside"])) == \
            (len(sub), within, len(sub) - within), k
        assert [td.get_text() for td in tr.find_all("td")[2:]] == \
            [str(len(sub)), str(within), str(len(sub) - within)], k


@pytest.mark.build
def test_chinese_text_is_marked(built_html):
    """On the guide, the landing page, the part pages, the appendices and every notebook page,
    each run of CJK text in the page (article, navigation, header) is inside an element with lang="zh-CN" (code, math and
    notebook outputs aside)."""
    skip = ("pre", "code", "script", "style", "math", "mjx-container", "title")
    bad = {}
    extra = sorted(p.relative_to(built_html).as_posix()
                   for p in built_html.glob("chapters/*/index.html")) + \
        ["appendix/glossary.html", "appendix/data.html", "chapters/07-assessment/scorecard.html"]
    for page in ["zh-guide.html", "intro.html"] + extra + [f"{nb}.html" for nb in notebook_pages()]:
        soup = _soup(built_html, page)
        for t in soup.body.find_all(string=_CJK):  # article, navigation and header
            if t.find_parent(skip) is not None or t.find_parent(class_=re.compile(
                    r"^(cell_output|output|ledger|highlight|literal|math)")) is not None:
                continue
            if t.find_parent(attrs={"lang": re.compile("^zh", re.I)}) is None:
                bad.setdefault(page, []).append(str(t)[:40])
    assert not bad, {p: v[:5] for p, v in bad.items()}
