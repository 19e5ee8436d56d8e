"""Summarise a strict build's warnings and failing notebooks, each once, with file and cell.

``make book`` tees the build's stderr to ``_build/build-warnings.log``; when the build fails this
prints one block per problem: the file (relative to the book), the kind (Sphinx warning or a
notebook cell that raised), and for a failing cell the first lines of the cell and the
exception line, so that one strict build reports every failing page at once.

Usage: ``python tools/build_report.py _build/build-warnings.log``
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = re.compile(r"^(?P<file>\S.*?)(?::(?P<line>\d+))?: (?P<level>WARNING|ERROR|CRITICAL): "
                  r"(?P<msg>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def parse(text: str) -> list[dict]:
    """Split a Sphinx log into records (a WARNING/ERROR line and its continuation lines)."""
    records: list[dict] = []
    for raw in ANSI.sub("", text).splitlines():
        m = HEAD.match(raw)
        if m:
            records.append({**m.groupdict(), "body": []})
        elif records and raw.strip() and not raw.startswith(("reading sources", "writing output",
                                                             "[", "looking for", "pickling",
                                                             "checking", "preparing",
                                                             "copying", "dumping", "done",
                                                             "build ", "loading", "updating",
                                                             "Running Sphinx", "myst")):
            records[-1]["body"].append(raw)
    return records


def _cell_summary(body: list[str]) -> str:
    """First line of the failing cell and the exception line from a CellExecutionError body."""
    text = "\n".join(body)
    cell = ""
    m = re.search(r"-{10,}\n(.*?)\n-{10,}", text, re.S)
    if m:
        lines = [ln for ln in m.group(1).splitlines() if ln.strip()]
        cell = lines[0].strip() if lines else ""
    exc = ""
    for ln in reversed(body):
        if re.match(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Warning)\b.*", ln):
            exc = ln.strip()
            break
    return f"cell starting `{cell[:80]}` raised {exc[:300] or 'an error'}"


def report(records: list[dict]) -> str:
    seen, out = set(), []
    for r in records:
        f = r["file"]
        try:
            f = str(Path(f).resolve().relative_to(ROOT))
        except (ValueError, OSError):
            pass
        if "Executing notebook failed" in r["msg"] or "CellExecutionError" in r["msg"]:
            what = "notebook failed: " + _cell_summary(r["body"])
        else:
            what = r["msg"].strip()
        key = (f, r["line"], what)
        if key in seen:
            continue
        seen.add(key)
        loc = f + (f":{r['line']}" if r["line"] else "")
        out.append(f"  {r['level']:<8} {loc}\n           {what}")
    if not out:
        return "build log: no warnings or errors recorded"
    return f"build log: {len(out)} distinct problem(s)\n" + "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[0])
    if not path.is_file():
        print(f"no build log at {path}", file=sys.stderr)
        return 2
    print(report(parse(path.read_text(encoding="utf-8", errors="replace"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
