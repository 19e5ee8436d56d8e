"""Benchmark (not a timed test): JTH matching in DuckDB on 1, 4 and 16 million simulated citations.

Run with ``make bench`` or ``.venv/bin/python -m pytest tests/bench_spillovers.py -m bench -s``.
Each size runs in a fresh Python process (tools/bench_report.run_child) so that the reported
peak resident memory (VmHWM, see tools/bench_report.py) belongs to that size alone; it includes the simulated
tables held by pandas, not just DuckDB. Two rows per size: simulating the patent world
(``book.citations.simulate_patent_world``, NumPy/pandas) and the matched-control design itself
(``book.citations.match_controls``, DuckDB with 2 threads and a 3 GB memory limit). Rows go to
``_build/bench/spillovers.json`` and into ``_build/bench/REPORT.md``.
"""

import bench_report as br  # tools/ is on pytest's pythonpath (pyproject.toml)
import pytest

SCRIPT = r"""
import duckdb
from book import citations as cj
n_cit = {n}
base = rss()
t0 = time.perf_counter()
pat, cit = cj.simulate_patent_world(int(n_cit / 3.55), n_classes=100, subclasses=10,
                                    n_years=20, theta=0.15)
t1 = time.perf_counter()
peak_sim = rss()
m, rep = cj.match_controls(pat, cit, class_col="subcls", threads=2, memory_limit="3GB")
t2 = time.perf_counter()
res = cj.localisation_shares(m)
print(json.dumps({{"citations": len(cit), "patents": len(pat), "simulate_s": t1 - t0,
                  "match_s": t2 - t1, "baseline_MiB": base, "peak_sim_MiB": peak_sim,
                  "peak_MiB": rss(), "unmatched": rep.unmatched,
                  "theta_hat": float(res.theta),
                  "theta_true": float(cit["via_local"].mean())}}))
"""

SIM = dict(
    label="simulate patent world (NumPy/pandas)",
    expected_exponent=1.0,
    complexity=("O(P·R) for the region draws, two argsorts O(P log P), one binary search per "
                "citation O(C log P) and a hash de-duplication: linear up to log factors"))
MATCH = dict(
    label="JTH control matching (DuckDB, 2 threads)",
    expected_exponent=1.0,
    complexity=("a window sort of the patents within (class, year) cells, O(P log P), hash joins "
                "of the citations with the patents, and one candidate per citation per round "
                "(rounds only for the citations still unmatched) with a hash anti-join against "
                "the citation table: linear up to the log factor of the sort"))


@pytest.mark.bench
@pytest.mark.parametrize("n_cit", [1_000_000, 4_000_000, 16_000_000])
def test_bench_matching(n_cit):
    res = br.run_child(SCRIPT.format(n=n_cit), timeout=1800)
    print(f"\nJTH matching: {res}")
    assert res["unmatched"] < 0.01 * res["citations"]
    # the fine-subclass controls recover the simulated localisation (Thompson & Fox-Kean 2005)
    assert res["theta_hat"] == pytest.approx(res["theta_true"], abs=0.02)
    size = res["citations"]
    common = {"size": size, "size_unit": "citations", "baseline_MiB": res["baseline_MiB"]}
    br.record("spillovers", [
        {**common, "method": SIM["label"], "seconds": res["simulate_s"],
         "peak_MiB": res["peak_sim_MiB"], "complexity": SIM["complexity"],
         "expected_exponent": SIM["expected_exponent"],
         "notes": f"{res['patents']:,} patents"},
        {**common, "method": MATCH["label"], "seconds": res["match_s"],
         "peak_MiB": res["peak_MiB"], "complexity": MATCH["complexity"],
         "expected_exponent": MATCH["expected_exponent"],
         "notes": (f"unmatched {res['unmatched']:,}; θ̂ = {res['theta_hat']:.4f} vs simulated "
                   f"{res['theta_true']:.4f}")},
    ], title=(
        "Jaffe-Trajtenberg-Henderson (1993) matched-control design on a simulated patent world "
        "(fine-subclass controls), `book.citations` (tests/bench_spillovers.py). Peak RSS of "
        "the matching row includes the simulated tables."))
