"""Let Sphinx read (and so execute) the notebooks in parallel processes, longest first.

Sphinx reads documents in ``-j N`` worker processes only when every loaded extension declares
itself parallel-safe. Two extensions that Jupyter Book 1.x loads, ``sphinx_jupyterbook_latex``
(active only for LaTeX builders) and ``sphinx_multitoc_numbering`` (renumbers the toctree in
the main process after reading), do not declare it, so Sphinx falls back to serial reading with a
warning -- which a strict (``-W``) build turns into an error. Both keep no per-document state
that a worker would have to merge back, so this extension declares them safe on
``config-inited`` (after every extension is set up). ``tools/jb_build.py`` passes the job count
(``BOOK_JOBS``, default 2) to Jupyter Book's Sphinx call.

Scheduling. Sphinx cuts the sorted document list into a few equal chunks (15 documents each for
the book's ~50), one worker process per chunk. Reading a notebook executes it, and execution
times differ by a factor of ten, so a chunk that happens to hold the heavy knowledge-spillover
pages keeps one core busy while the other idles. For reading, :func:`read_chunks` instead gives
every notebook its own chunk, longest expected execution first (the classic
longest-processing-time rule), and packs the plain pages into chunks at the end; workers take
the next chunk as they free up. The expected time of a notebook is its execution time in the
newest jupyter-cache record for that file when one exists, otherwise its number of code cells
(a fresh clone has no cache: the order is then by size, which is still far better than
alphabetical blocks). The order changes only which process reads a page when; pages, numbers
and warnings are the same.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import BookInputError

#: Extensions checked by hand to keep no per-document environment state.
CHECKED_SAFE = ("sphinx_jupyterbook_latex", "sphinx_multitoc_numbering")

_CODE_CELL = re.compile(r"^```\{code-cell\}", re.MULTILINE)


def _declare(app, config) -> None:
    for name in CHECKED_SAFE:
        ext = app.extensions.get(name)
        if ext is not None and getattr(ext, "parallel_read_safe", None) is None:
            ext.parallel_read_safe = True
            ext.parallel_write_safe = True


def _cached_seconds(cache_dir: Path) -> dict[str, float]:
    """Newest recorded execution time per notebook path in a jupyter-cache folder."""
    if not (cache_dir / "global.db").exists():
        return {}
    from jupyter_cache import get_cache

    newest: dict[str, tuple] = {}
    for rec in get_cache(str(cache_dir)).list_cache_records():
        secs = (rec.data or {}).get("execution_seconds")
        if secs is None:
            continue
        if rec.uri not in newest or rec.created > newest[rec.uri][0]:
            newest[rec.uri] = (rec.created, float(secs))
    return {uri: secs for uri, (_, secs) in newest.items()}


def read_chunks(docnames, sources: dict[str, str], cached: dict[str, float],
                plain_chunk: int = 10) -> list[list[str]]:
    """Chunks for Sphinx's parallel reading: notebooks one by one, longest first, then the rest.

    Parameters
    ----------
    docnames : sequence of str
        Documents to read (Sphinx docnames).
    sources : dict
        docname -> text of its source file ('' if unreadable). A document is a notebook when
        its text has a MyST ``{code-cell}``.
    cached : dict
        docname -> last measured execution seconds (from the execution cache), where known.
    plain_chunk : int
        Plain pages per chunk.

    Returns
    -------
    list of list of str
        Every docname exactly once.
    """
    if isinstance(plain_chunk, bool) or not isinstance(plain_chunk, int) or plain_chunk < 1:
        raise BookInputError(f"plain_chunk must be a positive integer, got {plain_chunk!r}.")
    docnames = list(docnames)
    if len(set(docnames)) != len(docnames):
        raise BookInputError("read_chunks got a document name twice; each is read once.")
    notebooks, plain = [], []
    for name in docnames:
        n_cells = len(_CODE_CELL.findall(sources.get(name, "")))
        if n_cells:
            # unknown pages sort by cell count, after every page with a measured time
            notebooks.append((cached.get(name, -1.0), n_cells, name))
        else:
            plain.append(name)
    # longest first; ties broken by name so the schedule is reproducible
    notebooks.sort(key=lambda t: (-t[0], -t[1], t[2]))
    chunks = [[name] for *_, name in notebooks]
    chunks += [plain[i:i + plain_chunk] for i in range(0, len(plain), plain_chunk)]
    return chunks


def _install(app) -> None:
    """Wrap the builder's parallel reading so that it uses :func:`read_chunks`."""
    import sphinx.builders as sb

    builder_cls = type(app.builder)
    if getattr(builder_cls, "_book_chunks", False):
        return
    original = builder_cls._read_parallel

    def _read_parallel(self, docnames, nproc):
        srcdir = Path(self.srcdir)
        sources, cached = {}, {}
        cache = getattr(self.config, "nb_execution_cache_path", "") or ""
        try:
            seconds = _cached_seconds(Path(cache)) if cache else {}
        except Exception:  # a damaged cache only costs the ordering, never the build
            seconds = {}
        for name in docnames:
            path = Path(self.env.doc2path(name))
            try:
                sources[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                sources[name] = ""
            if str(path) in seconds:
                cached[name] = seconds[str(path)]
            elif str(srcdir / path) in seconds:
                cached[name] = seconds[str(srcdir / path)]
        chunks = read_chunks(docnames, sources, cached)
        # parse the package and the registry once here, before the readers fork (sphinxext)
        from .sphinxext import prewarm

        prewarm(srcdir, tuple(getattr(self.config, "book_dep_packages", ("book",))))
        default = sb.make_chunks
        sb.make_chunks = lambda arguments, n, maxbatch=10: chunks
        try:
            return original(self, docnames, nproc)
        finally:
            sb.make_chunks = default

    builder_cls._read_parallel = _read_parallel
    builder_cls._book_chunks = True


#: pybtex plugin groups whose entry points sphinxcontrib-bibtex looks up while resolving
PYBTEX_GROUPS = ("pybtex.backends", "pybtex.style.formatting", "pybtex.style.labels",
                 "pybtex.style.names", "pybtex.style.sorting")


def memoise_pybtex_plugins(groups=PYBTEX_GROUPS) -> int:
    """Register every installed pybtex plugin of ``groups`` as a runtime plugin (same classes).

    sphinxcontrib-bibtex calls ``pybtex.plugin.find_plugin`` for every citation it resolves
    (508 in this book), and each call scans the entry points of every installed distribution
    (``importlib.metadata``): 9 s of a profiled full build, all in the main process. pybtex
    looks in its runtime registry (``register_plugin``, public API) before the entry points, so
    registering the classes the entry points name, once, answers the same lookups at once.
    Returns the number of plugins registered.
    """
    from importlib.metadata import entry_points

    import pybtex.plugin as pp

    if isinstance(groups, str) or not all(isinstance(g, str) for g in groups):
        raise BookInputError(f"groups must be a sequence of pybtex plugin group names, got "
                             f"{groups!r}.")
    n = 0
    for group in groups:
        for ep in entry_points(group=group):
            pp.register_plugin(group, ep.name, ep.load(), force=True)
            n += 1
    return n


def setup(app):
    app.connect("config-inited", _declare)
    app.connect("builder-inited", _install)
    app.connect("builder-inited", lambda app: memoise_pybtex_plugins())
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.2"}
