"""Let Sphinx read (and so execute) the notebooks in parallel processes.

Sphinx reads documents in ``-j N`` worker processes only when every loaded extension declares
itself parallel-safe. Two extensions that Jupyter Book 1.x loads, ``sphinx_jupyterbook_latex``
(active only for LaTeX builders) and ``sphinx_multitoc_numbering`` (renumbers the toctree in
the main process after reading), do not declare it, so Sphinx falls back to serial reading with a
warning -- which a strict (``-W``) build turns into an error. Both keep no per-document state
that a worker would have to merge back, so this extension declares them safe on
``config-inited`` (after every extension is set up). ``tools/jb_build.py`` passes the job count
(``BOOK_JOBS``, default 2) to Jupyter Book's Sphinx call.
"""
from __future__ import annotations

#: Extensions checked by hand to keep no per-document environment state.
CHECKED_SAFE = ("sphinx_jupyterbook_latex", "sphinx_multitoc_numbering")


def _declare(app, config) -> None:
    for name in CHECKED_SAFE:
        ext = app.extensions.get(name)
        if ext is not None and getattr(ext, "parallel_read_safe", None) is None:
            ext.parallel_read_safe = True
            ext.parallel_write_safe = True


def setup(app):
    app.connect("config-inited", _declare)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
