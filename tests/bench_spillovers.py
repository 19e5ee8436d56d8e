"""Benchmark (not a timed test): JTH matching in DuckDB on 1, 4 and 16 million simulated citations.

Run with ``.venv/bin/python -m pytest tests/bench_spillovers.py -m bench -s``. Each size runs in
a fresh Python process so that the reported peak resident memory (``ru_maxrss``) belongs to
that size alone; it includes the simulated tables held by pandas, not just DuckDB.
"""
import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, resource, time
from book import spillovers as sp
n_cit = {n}
t0 = time.perf_counter()
pat, cit = sp.simulate_patent_world(int(n_cit / 3.55), n_classes=100, subclasses=10,
                                    n_years=20, theta=0.15)
t1 = time.perf_counter()
m, rep = sp.match_controls(pat, cit, class_col="subcls", threads=2, memory_limit="3GB")
t2 = time.perf_counter()
res = sp.localisation_shares(m)
print(json.dumps({{"citations": len(cit), "patents": len(pat), "simulate_s": t1 - t0,
                  "match_s": t2 - t1, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "unmatched": rep["unmatched"], "theta_hat": float(res["theta"]),
                  "theta_true": float(cit["via_local"].mean())}}))
"""


@pytest.mark.bench
@pytest.mark.parametrize("n_cit", [1_000_000, 4_000_000, 16_000_000])
def test_bench_matching(n_cit):
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(n=n_cit)], capture_output=True,
                         text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\nJTH matching: {res}")
    assert res["unmatched"] < 0.01 * res["citations"]
