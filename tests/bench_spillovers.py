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
    complexity=(
        "The operation count is linear up to log factors (a 50-column cumulative table per "
        "patent for the region draw, O(P·R); two argsorts, O(P log P); four `np.searchsorted` "
        "calls with one unsorted query per citation, O(C log P); a hash `drop_duplicates`), "
        "but the binary searches dominate and become memory-bound: profiled alone they take "
        "0.35 s at 1 M and 24 s at 16 M citations (exponent ≈ 1.5), because once the sorted "
        "key arrays (8 bytes per patent, 36 MB at 4.5 M patents) outgrow the 32 MB L3 cache "
        "every probe of every unsorted query is a RAM miss; the hash de-duplication behaves "
        "the same way (exponent ≈ 1.3). A group-offset table (F·years or F·R·years entries, "
        "cache-resident) looked up per citation would make the simulation linear."))
MATCH = dict(
    label="JTH control matching (DuckDB, 2 threads)",
    complexity=(
        "Matching is a few hash joins and window functions over the citations and patents: "
        "the ranking window sorts patents within (subclass, year), O(P log P), and each "
        "citation tries up to 8 candidates, O(8C) join probes plus an anti-join on the "
        "citation table, so time should stay close to linear up to the log factor of the "
        "sort. Steps above 1 are most likely memory effects (hash tables and the sort "
        "outgrowing the cache; at 16 M the working set nears the 3 GB DuckDB memory limit, "
        "which may force spilling -- not verified here) plus contention: the matching uses "
        "both cores, so any other job on the machine slows it (see the load column). Peak "
        "memory grows linearly (pandas copies of the tables plus DuckDB's hash tables)."))


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
         "notes": f"{res['patents']:,} patents"},
        {**common, "method": MATCH["label"], "seconds": res["match_s"],
         "peak_MiB": res["peak_MiB"], "complexity": MATCH["complexity"],
         "notes": (f"unmatched {res['unmatched']:,}; θ̂ = {res['theta_hat']:.4f} vs simulated "
                   f"{res['theta_true']:.4f}")},
    ], title=(
        "Jaffe-Trajtenberg-Henderson (1993) matched-control design on a simulated patent world "
        "(fine-subclass controls), `book.citations` (tests/bench_spillovers.py). Peak RSS of "
        "the matching row includes the simulated tables."))
