"""Chinese text in the HTML site: ``lang="zh-CN"`` marks and the Chinese scorecard.

The book is written in English (``language: en``, so ``<html lang="en">``) but quotes the
Chinese review it mirrors, glosses its terms, and has a Chinese guide (``zh-guide``) and a
中文摘要 box on every notebook page. Screen readers, hyphenation, line breaking and font choice
need to know which text is Chinese. This extension does two things, both in the HTML output only:

1. **Language marks** (a post-transform, :func:`mark_lang`): every element with the class
   ``zh-summary`` or ``zh-guide`` gets ``lang="zh-CN"``, and every other run of CJK characters
   in running text is wrapped in ``<span lang="zh-CN">``. It uses docutils' own mechanism:
   a ``language-<tag>`` class on a node is written by the HTML writer as ``lang="<tag>"``
   (docutils ``HTMLTranslator.starttag``), so no translator is overridden. Literal text,
   code, math and raw HTML are left alone. Raw HTML that other extensions insert (cite boxes,
   generated appendix tables, notebook outputs) and the theme's navigation are marked in a last
   pass over every written page (``build-finished``, :func:`mark_html`), which wraps only
   unmarked CJK runs of text and leaves everything else byte for byte (``<title>``, attribute
   values, scripts, code and math included).
2. **The ``zh-scorecard`` directive**: the counts of the reproduction scorecard, in Chinese, for
   the 中文导读 page. Like ``ledger-scorecard`` of :mod:`book.sphinxext` it inserts a
   placeholder that is filled in Sphinx's write phase (``doctree-resolved``) from the ledger
   rows of the build (``_build/ledger``, :func:`book.ledger.collect`) and from the data ids each
   notebook's code names (``env.book_pages``); so the guide never types a number the code
   computes. The page is rewritten on every build.

Written by hand because no Sphinx extension marks the language of inline runs; the CJK ranges
are those of the Unicode blocks named in :data:`CJK_CLASS`.
"""
from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .errors import BookInputError

#: language tag written on Chinese text
LANG = "zh-CN"
#: classes whose elements are Chinese as a whole (the summary boxes, the guide's body)
ZH_CLASSES = ("zh-summary", "zh-guide")
#: CJK ideographs (Unified, Extension A, Compatibility), CJK punctuation, full-width forms
CJK_CLASS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+(?:[–—·\u2018\u2019\u201c\u201d]+[{CJK_CLASS}]+)*")
#: nodes whose text is never wrapped (code, math, raw output, comments)
_SKIP = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment,
         nodes.system_message, nodes.Invisible)


def cjk_runs(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(segment, is_chinese)`` pieces, in order.

    A Chinese piece is a maximal run of CJK characters (ideographs, CJK punctuation, full-width
    forms), with dashes, middle dots and curly quotes kept inside a run when CJK text follows
    (``中心–外围`` is one run). Joining the segments gives ``text`` back.
    """
    if not isinstance(text, str):
        raise BookInputError(f"cjk_runs needs a str, got {type(text).__name__}; pass the text "
                             "of a node (node.astext()).")
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _marked(node: nodes.Node, cls: str) -> bool:
    while node is not None:
        if isinstance(node, nodes.Element) and cls in node.get("classes", []):
            return True
        node = node.parent
    return False


def mark_lang(doctree: nodes.Node, lang: str = LANG) -> int:
    """Mark Chinese text in ``doctree`` (in place); return the number of runs wrapped.

    Elements with a class in :data:`ZH_CLASSES` get the class ``language-<lang>`` (written as
    ``lang="<lang>"`` on the element by the docutils HTML writer). Outside them, each run of
    CJK characters (:func:`cjk_runs`) in a text node becomes an inline node with that class
    (``<span lang="<lang>">``), except in literal text, code, math, raw HTML and comments.
    """
    if not isinstance(doctree, nodes.Node):
        raise BookInputError(f"mark_lang needs a docutils node, got {type(doctree).__name__}.")
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise BookInputError(f"mark_lang: {lang!r} is not a BCP 47 language tag (e.g. 'zh-CN').")
    cls = f"language-{lang}"
    for el in doctree.findall(nodes.Element):
        if any(c in el.get("classes", []) for c in ZH_CLASSES) and cls not in el["classes"]:
            el["classes"].append(cls)
    wrapped = 0
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or not isinstance(parent, nodes.TextElement):
            continue
        if any(isinstance(a, _SKIP) for a in _ancestors(text)) or _marked(parent, cls):
            continue
        pieces = cjk_runs(str(text))
        if not any(zh for _, zh in pieces):
            continue
        new = [nodes.inline(seg, seg, classes=[cls]) if zh else nodes.Text(seg)
               for seg, zh in pieces]
        parent.replace(text, new)
        wrapped += sum(zh for _, zh in pieces)
    return wrapped


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
#: elements whose text is left alone by :func:`mark_html`
_SKIP_TAGS = {"script", "style", "pre", "code", "kbd", "samp", "textarea", "math", "svg", "title",
              "mjx-container"}


_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)((?:\s+(?:[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?|/))*)\s*/?>""")
_OTHER = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>", re.S)
_LANG_ATTR = re.compile(r"""(?:^|\s)lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_CLASS_ATTR = re.compile(r"""(?:^|\s)class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_RAW_TEXT = {"script", "style", "textarea", "title"}


def _attr(rx, attrs: str) -> str | None:
    m = rx.search(attrs)
    return None if m is None else next(g for g in m.groups() if g is not None)


def mark_html(html_text: str, lang: str = LANG) -> str:
    """Wrap every run of CJK text in ``html_text`` that is not yet inside an element marked
    ``lang="zh..."`` in ``<span lang="<lang>">``; everything else is returned verbatim.

    For HTML that other extensions insert as raw HTML (cite boxes, generated appendix tables,
    notebook outputs), which :func:`mark_lang` does not see. Text in ``script``, ``style``,
    ``pre``, ``code``, ``math`` and elements of class ``math`` (MathJax source) is not touched,
    nor are attribute values.
    """
    if not isinstance(html_text, str):
        raise BookInputError(f"mark_html needs the HTML as a str, got {type(html_text).__name__}.")
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise BookInputError(f"mark_html: {lang!r} is not a BCP 47 language tag (e.g. 'zh-CN').")
    if not _CJK_RUN.search(html_text):
        return html_text
    out: list[str] = []
    stack: list[tuple[str, bool, str | None]] = []  # (tag, text left alone, lang attribute)
    primary = lang.split("-")[0].lower()
    pos, n = 0, len(html_text)
    while pos < n:
        lt = html_text.find("<", pos)
        text = html_text[pos:] if lt < 0 else html_text[pos:lt]
        if text:
            langs = [lg for _, _, lg in stack if lg]
            if any(s for _, s, _ in stack) or (langs and langs[-1].lower().split("-")[0] == primary):
                out.append(text)
            else:
                out.extend(f'<span lang="{lang}">{seg}</span>' if zh else seg
                           for seg, zh in cjk_runs(text))
        if lt < 0:
            break
        m = _TAG.match(html_text, lt) or _OTHER.match(html_text, lt)
        if m is None:  # a stray "<" in text
            out.append("<")
            pos = lt + 1
            continue
        out.append(m.group(0))
        pos = m.end()
        if m.re is _OTHER:
            continue
        closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3) or ""
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == tag:
                    del stack[i:]
                    break
            continue
        if tag in _RAW_TEXT:  # copy up to the closing tag verbatim
            end = re.compile(f"</{tag}\\s*>", re.I).search(html_text, pos)
            stop = n if end is None else end.end()
            out.append(html_text[pos:stop])
            pos = stop
            continue
        if tag in _VOID or m.group(0).endswith("/>"):
            continue
        classes = (_attr(_CLASS_ATTR, attrs) or "").split()
        skip = tag in _SKIP_TAGS or any(c == "math" or c.startswith("math-") for c in classes)
        stack.append((tag, skip, _attr(_LANG_ATTR, attrs)))
    return "".join(out)


def _finish(app, exception):
    """Last pass over every page written since the last completed pass (body, navigation and
    header): :func:`mark_html`.

    A stamp in the doctree folder records when the pass last completed; pages whose file is
    older were marked then and are skipped (an incremental build rewrites only a few). A build
    that fails before this pass leaves the stamp alone, so its pages are marked next time.
    """
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    stamp = Path(app.doctreedir) / "zh-marked.stamp"
    since = stamp.stat().st_mtime_ns if stamp.is_file() else -1
    started = time.time_ns()
    for docname in sorted(app.env.found_docs):
        path = Path(app.builder.get_outfilename(docname))
        if not path.is_file() or path.stat().st_mtime_ns < since:
            continue
        text = path.read_text(encoding="utf-8")
        new = mark_html(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
    stamp.touch()
    os.utime(stamp, ns=(started, started))  # a page written during this pass is seen next time


class _ZhLang(SphinxPostTransform):
    """Run :func:`mark_lang` on every document written by an HTML builder."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        mark_lang(self.document)


# ------------------------------------------------------------------ the Chinese scorecard
#: Chinese names of the ledger's kinds (book.ledger.KINDS), in the scorecard's order
KIND_ZH = {
    "published": ("已发表值", "研究本身印刷的数值（注明表号与页码）"),
    "peer": ("同行实现", "其他软件在同一数据上的输出（如 R 的 plm、splm）"),
    "qualitative": ("定性结论", "研究在文字中陈述的符号、显著性或规律，编码为数值"),
    "closed-form": ("解析解核对", "同一模型两种解法：数值解对照解析解"),
    "simulation": ("模拟核对", "模拟过程的已知真值"),
}
_REQUIRED = ("design", "kind", "status")


def zh_scorecard_html(rows, pages: dict | None = None) -> str:
    """HTML (Chinese) of the scorecard counts: rows by kind, within/outside tolerance.

    Parameters
    ----------
    rows : pandas.DataFrame
        The ledger rows of the build, as returned by :func:`book.ledger.collect` (columns
        ``design``, ``kind``, ``status`` at least).
    pages : dict, optional
        ``docname -> (title, [data ids], [designs])`` of the notebook pages (``env.book_pages``
        of :mod:`book.sphinxext`); adds the count of pages that load registered data.

    Every count is written twice: as text and as ``data-*`` attributes (``data-kind``,
    ``data-rows``, ``data-within``, ``data-outside``) that the tests compare with the ledger.
    """
    import pandas as pd

    from .ledger import REPRODUCTION_KINDS

    if not isinstance(rows, pd.DataFrame):
        raise BookInputError(f"zh_scorecard_html needs the DataFrame of book.ledger.collect(), "
                             f"got {type(rows).__name__}.")
    missing = [c for c in _REQUIRED if c not in rows.columns]
    if missing:
        raise BookInputError(f"zh_scorecard_html: ledger rows lack the column(s) {missing}; "
                             "pass book.ledger.collect(<ledger dir>).")
    unknown = sorted(set(rows["kind"]) - set(KIND_ZH))
    if unknown:
        raise BookInputError(f"zh_scorecard_html: unknown kind(s) {unknown}; the kinds are "
                             f"{list(KIND_ZH)} (book.ledger.KINDS).")
    e = html.escape
    out = [f"<div class='zh-scorecard' lang='{LANG}'>"]
    rep = rows[rows["kind"].isin(REPRODUCTION_KINDS)]
    rep_in = int((rep["status"] == "within").sum())
    out.append(
        f"<p class='zh-scorecard-total' data-rows='{len(rows)}' "
        f"data-designs='{rows['design'].nunique()}' data-repro='{len(rep)}' "
        f"data-repro-within='{rep_in}'>本次构建的对照台账共有 <strong>{len(rows)}</strong> 行，"
        f"来自 <strong>{rows['design'].nunique()}</strong> 个研究设计。其中可算作复现的"
        f"（已发表值与同行实现两类）共 <strong>{len(rep)}</strong> 行："
        f"<strong>{rep_in}</strong> 行在事先确定的容差之内（已复现），"
        f"<strong>{len(rep) - rep_in}</strong> 行超出容差（未复现）。</p>")
    out.append("<table class='table zh-scorecard-counts ledger-table'><thead><tr><th>类型</th>"
               "<th>含义</th><th>行数</th><th>容差内</th><th>超出容差</th></tr></thead><tbody>")
    for k, (name, what) in KIND_ZH.items():
        sub = rows[rows["kind"] == k]
        w = int((sub["status"] == "within").sum())
        verdict = ("已复现 / 未复现" if k in REPRODUCTION_KINDS else "一致 / 不一致")
        out.append(
            f"<tr data-kind='{e(k)}' data-rows='{len(sub)}' data-within='{w}' "
            f"data-outside='{len(sub) - w}'><td data-label='类型'>{e(name)}<br>"
            f"<code lang='en'>{e(k)}</code></td><td data-label='含义'>{e(what)}"
            f"（{verdict}）</td><td data-label='行数'>{len(sub)}</td>"
            f"<td data-label='容差内'>{w}</td><td data-label='超出容差'>{len(sub) - w}</td></tr>")
    out.append("</tbody></table>")
    if pages:
        real = sorted(d for d, (_, ids, _) in pages.items() if ids)
        out.append(
            f"<p class='zh-scorecard-pages' data-pages='{len(pages)}' data-real='{len(real)}'>"
            f"全书 <strong>{len(pages)}</strong> 个可执行页面中，<strong>{len(real)}</strong> 个"
            f"读取登记在册的真实数据，其余 <strong>{len(pages) - len(real)}</strong> 个为理论求解或"
            "明确标注的模拟（依据各页代码在构建时自动判定）。</p>")
    out.append("</div>")
    return "".join(out)


class _zh_placeholder(nodes.General, nodes.Element):
    pass


class _ZhScorecard(SphinxDirective):
    has_content = False

    def run(self):
        from .sphinxext import _generated_docs

        _generated_docs(self.env).add(self.env.docname)  # rewritten on every build
        return [_zh_placeholder()]


def _fill(app, doctree, docname):
    from .errors import LedgerError
    from .ledger import collect

    for node in list(doctree.findall(_zh_placeholder)):
        try:
            rows = collect(Path(app.outdir).parent / "ledger")
            text = zh_scorecard_html(rows, getattr(app.env, "book_pages", None))
        except LedgerError:
            text = (f"<p class='zh-scorecard' lang='{LANG}'>（本次构建没有台账记录：请先执行全部"
                    "笔记本页面，即 <code lang='en'>make book</code>。）</p>")
        node.replace_self(nodes.raw("", text, format="html"))


def setup(app):
    """Register the post-transform, the ``zh-scorecard`` directive and its placeholder."""
    if not hasattr(app, "add_post_transform") or not hasattr(app, "connect"):
        raise BookInputError(f"book.sphinx_lang.setup needs a Sphinx application, got "
                             f"{type(app).__name__}; list the module in _config.yml "
                             "sphinx.config.extensions.")
    app.add_node(_zh_placeholder, html=(lambda self, node: None, lambda self, node: None))
    app.add_directive("zh-scorecard", _ZhScorecard)
    app.add_post_transform(_ZhLang)
    app.add_search_language(_search_chinese_class())
    app.connect("doctree-resolved", _fill)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}


def _search_chinese_class():
    """Sphinx's Chinese search language with a quadratic cost removed (same index).

    ``sphinx.search.zh.SearchChinese`` (Sphinx 7.4) keeps every Latin word it has split in a
    class-level *list* and asks ``word in latin_terms`` for each word it stems: a linear scan of
    a list that grows through the whole build (31 s of a 135 s profiled build of this book).
    This subclass keeps the same words in a set and memoises the stemmer; the terms, and so the
    search index, are unchanged (tests/test_zh.py compares the two on the book's own text).
    """
    from sphinx.search.zh import SearchChinese

    class _TermSet(set):
        """A set that takes Sphinx's ``latin_terms.extend(...)`` calls."""

        extend = set.update

    class SearchChineseFast(SearchChinese):
        lang = "zh"

        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.latin_terms = _TermSet()
            self._stems: dict[tuple[bool, str], str] = {}

        def stem(self, word: str) -> str:
            # Sphinx's stem depends on the word and on whether it was seen as a Latin term
            key = (word in self.latin_terms, word)
            if key not in self._stems:
                self._stems[key] = super().stem(word)
            return self._stems[key]

    return SearchChineseFast
