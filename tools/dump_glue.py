"""Write every glued value of the current build (from the execution cache) to a JSON file.

Usage: python tools/dump_glue.py OUT.json
Numbers and text glued with ``myst_nb.glue`` are what the prose of each page prints; figures are
recorded by the SHA-256 of their PNG so that a changed plot is visible too.
`make determinism` dumps them before and after a full re-execution and compares the two files
with tools/compare_ledgers.py --glue.
"""
from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path


def glued_values(cache_path: Path, srcdir: Path) -> dict:
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    from book.sphinxext import with_dependency_cell

    cache = get_cache(cache_path)
    out: dict[str, dict] = {}
    for uri in sorted({r.uri for r in cache.list_cache_records()}):
        if not Path(uri).exists():
            continue
        # the record of the page's *current* code and dependencies, i.e. the page text with the
        # dependency-hash cell the build appends (book/sphinxext.py); older records may linger
        text, _ = with_dependency_cell(srcdir, Path(uri).read_text(encoding="utf-8"))
        try:
            rec = cache.match_cache_notebook(read_myst_markdown_notebook(text))
        except KeyError:
            continue
        nb = cache.get_cache_bundle(rec.pk).nb
        page = Path(uri).resolve()
        try:
            page = page.relative_to(srcdir.resolve())
        except ValueError:
            pass
        values = {}
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                meta = o.get("metadata", {}).get("scrapbook")
                if not meta:
                    continue
                data = o.get("data", {})
                png = data.get("application/papermill.record/image/png")
                if png:
                    values[meta["name"]] = "png sha256 " + hashlib.sha256(
                        base64.b64decode(png)).hexdigest()
                else:
                    values[meta["name"]] = data.get("application/papermill.record/text/plain")
        out[page.as_posix()] = values
    return out


def main(out: str) -> None:
    root = Path(__file__).resolve().parents[1]
    values = glued_values(root / "_build" / ".jupyter_cache", root)
    n = sum(len(v) for v in values.values())
    if n == 0:  # a comparison of nothing must not pass
        raise SystemExit("dump_glue: no glued value matched the current pages; build first "
                         "(make book) - or the cache records no longer match the page texts.")
    Path(out).write_text(json.dumps(values, indent=1, sort_keys=True) + "\n")
    print(f"wrote {n} glued values of {len(values)} pages to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
