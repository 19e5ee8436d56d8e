"""Compare the ledger rows (and glued numbers) of two builds: the determinism check.

Usage: python tools/compare_ledgers.py OLD_LEDGER_DIR NEW_LEDGER_DIR
Exit status 1 and a list of differences when any row's `ours` differs.
`make determinism` copies the current rows, forces a full re-execution and calls this.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def load(d: Path) -> dict:
    rows = {}
    for p in sorted(d.glob("*.json")):
        for r in json.loads(p.read_text())["rows"]:
            rows[(r["design"], r["target"])] = r
    return rows


def main(old: str, new: str) -> int:
    a, b = load(Path(old)), load(Path(new))
    diffs = [f"missing in new build: {k}" for k in sorted(set(a) - set(b))]
    diffs += [f"new in new build: {k}" for k in sorted(set(b) - set(a))]
    for k in sorted(set(a) & set(b)):
        for field in ("ours", "ours_se", "published", "status"):
            if a[k].get(field) != b[k].get(field):
                diffs.append(f"{k} {field}: {a[k].get(field)!r} -> {b[k].get(field)!r}")
    if diffs:
        print("\n".join(diffs))
        return 1
    print(f"identical: {len(a)} ledger rows in {len({k[0] for k in a})} designs")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
