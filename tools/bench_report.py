"""Scale-curve benchmarks: shared recording helpers and the report writer.

The benchmarks (``tests/bench_*.py``, marked ``@pytest.mark.bench``; run by ``make bench``)
measure each (method, size) in a fresh Python process (:func:`run_child`) so that the peak
resident memory (VmHWM, see ``CHILD_PROLOGUE``) belongs to that computation alone, and store their rows with
:func:`record` in ``_build/bench/<name>.json``. Rows are upserted by (method, size), so a row
measured once with ``BENCH_FULL=1`` (the extra-large sizes) stays in the file, marked as such,
when a later default run refreshes the others.

``python tools/bench_report.py`` (the last step of ``make bench``) reads every
``_build/bench/*.json`` and writes ``_build/bench/REPORT.md``: one table per benchmark and, for
each method, the empirical scaling exponent -- the slope of log(seconds) on log(size) between
consecutive sizes and overall (least squares over all sizes) -- with a sentence saying where
cost grows faster than linearly and why.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "_build" / "bench"
PACKAGES = ("numpy", "scipy", "pandas", "libpysal", "esda", "duckdb")
#: consecutive-size exponents above this are called "faster than linear"
SUPERLINEAR = 1.2
#: timings below this many seconds are dominated by fixed overhead; their slopes are not read
OVERHEAD_S = 0.05

# Prologue of every child process: ``rss()`` is the peak resident set size so far, in MiB.
# It reads VmHWM from /proc/self/status, the high-water mark of this process's own memory map.
# Not ``ru_maxrss``: on Linux a child started by fork/vfork + exec inherits the parent's
# high-water mark in ``ru_maxrss`` (exec copies the old map's peak), so a child of a 1 GB
# pytest process would report >= 1 GB however little it used. ru_maxrss is the fallback
# where /proc is missing.
CHILD_PROLOGUE = """
import json, resource, time
def rss():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def full() -> bool:
    """True when ``BENCH_FULL=1``: also run the extra-large sizes."""
    return os.environ.get("BENCH_FULL", "") == "1"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    """Cores, CPU, memory, Python and the versions of the packages the benchmarks exercise."""
    from importlib import metadata

    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = None
    return {"cores": os.cpu_count(), "cpu": _cpu_model(),
            "memory_GiB": None if mem is None else round(mem, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions}


def run_child(code: str, timeout: float = 900) -> dict:
    """Run ``CHILD_PROLOGUE + code`` in a fresh interpreter; return the JSON of its last line.

    The child must print one JSON object as its last line of output. A failure raises
    ``RuntimeError`` with the child's stderr, so a broken benchmark fails loudly.
    """
    proc = subprocess.run([sys.executable, "-c", CHILD_PROLOGUE + code], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def record(name: str, rows: list[dict], *, title: str = "", bench_dir: Path | None = None) -> Path:
    """Upsert ``rows`` into ``<bench_dir>/<name>.json`` (keyed by method and size).

    Each row needs ``method``, ``size``, ``seconds`` and ``peak_MiB``; ``notes``,
    ``baseline_MiB``, ``size_unit``, ``complexity`` and anything else are kept as given.
    ``benchmark``, ``machine``, ``timestamp``, ``load_1min`` and ``full`` are added here;
    ``title`` (one sentence on what is measured) heads the benchmark's table in the report.
    """
    bench_dir = BENCH_DIR if bench_dir is None else Path(bench_dir)
    bench_dir.mkdir(parents=True, exist_ok=True)
    path = bench_dir / f"{name}.json"
    old = json.loads(path.read_text())["rows"] if path.exists() else []
    machine = machine_info()
    now = _dt.datetime.now().isoformat(timespec="seconds")
    new = []
    for r in rows:
        missing = [k for k in ("method", "size", "seconds", "peak_MiB") if k not in r]
        if missing:
            raise ValueError(f"benchmark row {r!r} lacks {missing}")
        new.append({"benchmark": name, "notes": "", **r, "machine": machine, "timestamp": now,
                    "load_1min": round(os.getloadavg()[0], 2), "full": full()})
    keys = {(r["method"], r["size"]) for r in new}
    merged = [r for r in old if (r["method"], r["size"]) not in keys] + new
    merged.sort(key=lambda r: (r["method"], r["size"]))
    path.write_text(json.dumps({"benchmark": name, "title": title, "machine": machine, "rows": merged},
                               indent=1) + "\n")
    return path


# ------------------------------------------------------------------------------------ report
def exponents(sizes: list[float], seconds: list[float]) -> tuple[list[float], float | None]:
    """Slopes of log(seconds) on log(size): between consecutive sizes, and the overall OLS slope."""
    pairs = sorted(zip(sizes, seconds, strict=True))
    steps = [math.log(t2 / t1) / math.log(n2 / n1)
             for (n1, t1), (n2, t2) in zip(pairs, pairs[1:], strict=False)]
    if len(pairs) < 2:
        return steps, None
    x = [math.log(n) for n, _ in pairs]
    y = [math.log(t) for _, t in pairs]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum((a - mx) ** 2 for a in x)
    return steps, slope


def _fmt_size(n: float) -> str:
    return f"{int(n):,}"


def _fmt(x: float | None, nd: int = 2) -> str:
    return "–" if x is None else f"{x:.{nd}f}"


def method_summary(rows: list[dict]) -> list[str]:
    """Markdown lines for one method: the exponents and the faster-than-linear sentence."""
    rows = sorted(rows, key=lambda r: r["size"])
    sizes = [r["size"] for r in rows]
    secs = [max(r["seconds"], 1e-9) for r in rows]
    steps, overall = exponents(sizes, secs)
    method = rows[0]["method"]
    parts, fast = [], []
    for (a, b, e, ta) in zip(sizes, sizes[1:], steps, secs, strict=False):
        tag = " (overhead-dominated)" if ta < OVERHEAD_S else ""
        parts.append(f"{_fmt_size(a)}→{_fmt_size(b)}: **{e:.2f}**{tag}")
        if e > SUPERLINEAR and ta >= OVERHEAD_S:
            fast.append((a, b, e))
    # the overall slope only over sizes whose time is not overhead-dominated
    big = [(n, t) for n, t in zip(sizes, secs, strict=True) if t >= OVERHEAD_S]
    _, overall_big = exponents([n for n, _ in big], [t for _, t in big]) if len(big) >= 2 else ([], None)
    lines = [f"**{method}** — time exponent between consecutive sizes: " + "; ".join(parts)
             + f". Overall (least squares, all sizes): **{_fmt(overall)}**"
             + ("" if overall_big is None or len(big) == len(sizes)
                else f"; over the sizes taking ≥ {OVERHEAD_S} s: **{_fmt(overall_big)}**") + "."]
    why = rows[-1].get("complexity", "")
    expected = rows[-1].get("expected_exponent")
    if len(rows) < 2:
        return [f"**{method}** — only one size measured ({_fmt_size(sizes[0])}); no exponent. "
                f"Theory: {why}"]
    if fast:
        where = ", ".join(f"{_fmt_size(a)}→{_fmt_size(b)} (exponent {e:.2f})" for a, b, e in fast)
        lines.append(f"*Faster than linear* (exponent > {SUPERLINEAR}; smaller excesses are "
                     f"within the noise of a shared machine) for {where}.")
    else:
        lines.append(f"No step grows faster than linearly (every exponent ≤ {SUPERLINEAR} once "
                     "fixed overhead is excluded).")
    lines.append(verdict(overall_big if overall_big is not None else overall, expected, why,
                         [r.get("load_1min") for r in rows], [r["peak_MiB"] for r in rows],
                         sizes))
    budget = budget_text(rows[-1])
    if budget:
        lines.append(budget)
    return lines


def budget_text(row: dict) -> str:
    """Whether a row meets its recorded budget (``budget_seconds``, ``budget_MiB``), or ''."""
    checks = [(key, row[key], limit, unit) for key, limit, unit in
              (("seconds", row.get("budget_seconds"), "s"), ("peak_MiB", row.get("budget_MiB"),
                                                             "MiB")) if limit is not None]
    if not checks:
        return ""
    parts = [f"{value:,.1f} {unit} of {limit:,.0f} {unit}" for _, value, limit, unit in checks]
    over = [key for key, value, limit, _ in checks if value >= limit]
    load = row.get("load_1min")
    return (f"*Budget* at {_fmt_size(row['size'])}: " + ", ".join(parts) + ": "
            + ("met." if not over else f"NOT met ({', '.join(over)}).")
            + ("" if load is None else f" (1-minute load {load} on {os.cpu_count()} cores.)"))


#: measured and expected exponents closer than this are called consistent
EXPONENT_TOLERANCE = 0.25


def verdict(measured: float | None, expected: float | None, theory: str, loads: list,
            peaks: list[float], sizes: list[float]) -> str:
    """One sentence comparing the measured scaling with the theoretical one, from the numbers.

    The explanation is built from the measurements (exponent, expected exponent, the 1-minute
    load average recorded with each row and the peak-memory exponent), never typed by hand.
    """
    parts = [f"Theory: {why_text(theory).rstrip('.')}."]
    if measured is None or expected is None:
        return " ".join(parts + ["(no expected exponent recorded: no verdict)."])
    gap = measured - expected
    if abs(gap) <= EXPONENT_TOLERANCE:
        parts.append(f"Measured exponent {measured:.2f} vs expected {expected:.2f}: consistent.")
    else:
        word = "steeper" if gap > 0 else "flatter"
        parts.append(f"Measured exponent {measured:.2f} vs expected {expected:.2f}: {word} by "
                     f"{abs(gap):.2f}.")
        cores = os.cpu_count() or 1
        busy = [x for x in loads if isinstance(x, (int, float)) and x > cores]
        if busy:
            parts.append(f"{len(busy)} of {len(loads)} sizes ran with a 1-minute load above the "
                         f"{cores} cores (max {max(busy):.1f}), so contention may explain part "
                         "of the gap.")
        _, mem_exp = exponents(sizes, [max(p, 1e-9) for p in peaks])
        if mem_exp is not None and gap > 0 and mem_exp > 0.9:
            parts.append(f"Peak memory grows with exponent {mem_exp:.2f}: once the working set "
                         "outgrows the caches, memory traffic rather than operations sets the pace.")
        elif gap < 0:
            parts.append("Fixed costs (set-up, imports, validation) still weigh at the smaller "
                         "sizes, which flattens the curve.")
    return " ".join(parts)


def why_text(theory: str) -> str:
    return theory.strip() or "not stated."


def benchmark_section(name: str, data: dict) -> list[str]:
    rows = data["rows"]
    unit = rows[0].get("size_unit", "size") if rows else "size"
    out = [f"## {name}", ""]
    title = data.get("title")
    if title:
        out += [title, ""]
    out += [f"| method | {unit} | seconds | peak RSS MiB | Δ over baseline MiB | load (1 min) | notes |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for r in sorted(rows, key=lambda r: (r["method"], r["size"])):
        base = r.get("baseline_MiB")
        delta = None if base is None else max(r["peak_MiB"] - base, 0.0)
        notes = r.get("notes", "")
        if r.get("full"):
            notes = (notes + "; " if notes else "") + f"BENCH_FULL=1 run, {r['timestamp']}"
        out.append(f"| {r['method']} | {_fmt_size(r['size'])} | {r['seconds']:.3f} | "
                   f"{r['peak_MiB']:.0f} | {_fmt(delta, 0)} | {r.get('load_1min', '–')} | {notes} |")
    out.append("")
    by_method: dict[str, list[dict]] = {}
    for r in rows:
        by_method.setdefault(r["method"], []).append(r)
    for m in sorted(by_method):
        out += method_summary(by_method[m]) + [""]
    return out


def report(bench_dir: Path | None = None) -> str:
    """The Markdown text of REPORT.md for every ``*.json`` in ``bench_dir``."""
    bench_dir = BENCH_DIR if bench_dir is None else Path(bench_dir)
    files = sorted(bench_dir.glob("*.json"))
    if not files:
        raise SystemExit(f"no benchmark results in {bench_dir}; run `make bench` first.")
    data = {p.stem: json.loads(p.read_text()) for p in files}
    m = next(iter(data.values()))["machine"]
    stamps = sorted(r["timestamp"] for d in data.values() for r in d["rows"])
    loads = [r.get("load_1min", 0) for d in data.values() for r in d["rows"]]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines = [
        "# Scale curves (generated by `make bench`; do not edit)", "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_GiB']} GiB RAM, Python "
        f"{m['python']} on {m['platform']}; {pk}. Rows measured {stamps[0]} … {stamps[-1]}.", "",
        "How to read it. Every (method, size) ran in a fresh Python process. *seconds* is the "
        "wall time of the computation alone (data set-up excluded); *peak RSS* is that "
        "process's high-water mark (`VmHWM`; not `ru_maxrss`, which on Linux inherits the "
        "parent's peak across fork + exec), which includes the interpreter, the imported libraries and the "
        "input data; *Δ over baseline* is the growth of the peak during the computation "
        "(0 when the set-up's own peak was higher). The exponent is the slope of log time on "
        "log size: 1 is linear, 2 quadratic, 3 cubic. Slopes between sizes whose time is under "
        f"{OVERHEAD_S} s measure fixed overhead, not the algorithm, and are marked so.", "",
        f"The machine is shared: other engineers' builds and tests may have been running (the "
        f"1-minute load average at each row is shown; it ranged {min(loads):.2f}–{max(loads):.2f} "
        f"on {m['cores']} cores), so single timings can be inflated by tens of percent; the "
        "exponents over a factor 4–10 in size are robust to that.", "",
        "Default sizes run in `make bench`; rows marked *BENCH_FULL=1* come from a run with that "
        "environment variable, which adds the largest sizes (kept in the results file until "
        "re-measured).", ""]
    for name, d in data.items():
        lines += benchmark_section(name, d)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bench_dir = Path(argv[0]) if argv else BENCH_DIR
    text = report(bench_dir)
    out = bench_dir / "REPORT.md"
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
