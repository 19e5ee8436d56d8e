"""Compare the ledger rows (and glued numbers) of two builds: the determinism check.

Usage: python tools/compare_ledgers.py OLD_LEDGER_DIR NEW_LEDGER_DIR [OLD_GLUE.json NEW_GLUE.json]
Exit status 1 and a list of differences when any row's `ours` differs, or any glued value
(tools/dump_glue.py) differs.
`make determinism` copies the current rows, forces a full re-execution and calls this.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

#: glued wall-clock timings (a page reporting how long a step took) differ between any two runs;
#: their names end in one of these suffixes (CONTRIBUTING.md) and are not compared
TIMING = re.compile(r"(_secs|_seconds|_runtime)$")


def load(d: Path) -> dict:
    rows = {}
    for p in sorted(d.glob("*.json")):
        for r in json.loads(p.read_text())["rows"]:
            rows[(r["design"], r["target"])] = r
    return rows


def compare_glue(old: str, new: str) -> list[str]:
    a, b = json.loads(Path(old).read_text()), json.loads(Path(new).read_text())
    diffs = [f"page missing in new build: {p}" for p in sorted(set(a) - set(b))]
    for page in sorted(set(a) & set(b)):
        for name in sorted(set(a[page]) | set(b[page])):
            if TIMING.search(name):
                continue
            if a[page].get(name) != b[page].get(name):
                diffs.append(f"{page} glue {name}: {a[page].get(name)!r} -> {b[page].get(name)!r}")
    return diffs


def main(old: str, new: str, old_glue: str | None = None, new_glue: str | None = None) -> int:
    a, b = load(Path(old)), load(Path(new))
    diffs = [f"missing in new build: {k}" for k in sorted(set(a) - set(b))]
    diffs += [f"new in new build: {k}" for k in sorted(set(b) - set(a))]
    for k in sorted(set(a) & set(b)):
        for field in ("ours", "ours_se", "published", "status"):
            if a[k].get(field) != b[k].get(field):
                diffs.append(f"{k} {field}: {a[k].get(field)!r} -> {b[k].get(field)!r}")
    n_glue = ""
    if old_glue and new_glue:
        diffs += compare_glue(old_glue, new_glue)
        g = json.loads(Path(new_glue).read_text())
        n = sum(len(v) for v in g.values())
        t = sum(bool(TIMING.search(k)) for v in g.values() for k in v)
        n_glue = (f" and {n - t} glued values in {len(g)} pages ({t} wall-clock timings not "
                  "compared)")
    if diffs:
        print("\n".join(diffs))
        return 1
    print(f"identical: {len(a)} ledger rows in {len({k[0] for k in a})} designs{n_glue}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
