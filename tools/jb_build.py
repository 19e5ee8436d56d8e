"""``jupyter-book build`` with Sphinx's parallel reading (``BOOK_JOBS`` processes, default 2).

Jupyter Book 1.x's command line does not expose Sphinx's ``-j``; its Python entry point does
(``jupyter_book.sphinx.build_sphinx(jobs=...)``). This wrapper sets it and runs the ordinary
command line, so every option of ``jupyter-book build`` works unchanged. Notebooks are executed
while Sphinx reads them, so N processes execute N notebooks at a time (see
``book/sphinx_parallel.py`` for the extensions that had to be declared parallel-safe).

Usage: ``python tools/jb_build.py build . -W -n --keep-going [--all]``
"""
from __future__ import annotations

import functools
import os
import sys

import jupyter_book.sphinx as jb_sphinx


def main() -> int:
    jobs = int(os.environ.get("BOOK_JOBS", "2"))
    if jobs < 1:
        raise SystemExit(f"BOOK_JOBS must be a positive integer, got {jobs}")
    jb_sphinx.build_sphinx = functools.partial(jb_sphinx.build_sphinx, jobs=jobs)
    from jupyter_book.cli.main import main as jb_main

    try:
        jb_main(args=sys.argv[1:], standalone_mode=False)
    except SystemExit as exc:  # click / jupyter-book exit codes
        return int(exc.code or 0)
    except Exception as exc:  # click raises ClickException subclasses for usage errors
        print(f"jupyter-book build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
