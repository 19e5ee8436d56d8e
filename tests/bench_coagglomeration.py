"""Benchmark: Ellison-Glaeser-Kerr co-agglomeration for all industry pairs (pytest -m bench).

Real data: CBP 2019, 933 metro/micro areas (CBSAs) x all NAICS industries at one digit level
(3-digit: 86 industries, 3,655 pairs ... 6-digit: about 1,000 industries, half a million
pairs), employment with the 225 withheld cells dropped, x = each CBSA's share of total
employment. The timed call is ``book.measures.coagglomeration`` (validation, pivot, one matrix
product S'S, dense BLAS or scipy.sparse, rank-one corrections) returning the full I x I matrix. For contrast, a loop over
pairs (one NumPy dot product per pair on the same dense share matrix) runs at every level. Each (method, level) runs in a fresh process (tools/bench_report.run_child);
results go to ``_build/bench/coagglomeration.json`` and ``make bench`` writes the report.
"""

import bench_report as br  # tools/ is on pytest's pythonpath (pyproject.toml)
import pytest

LEVELS = [3, 4, 5, 6]

SCRIPT = r"""
import numpy as np, pandas as pd
from book import data, measures as meas
level, method = {level}, "{method}"
c = data.load("us_cbp_cbsa_naics_2019")
tot = c[c["naics"] == "00"].set_index("cbsa")["employment"]
d = c[(c["level"] == level) & ~c["suppressed"]]
base = rss()
t0 = time.perf_counter()
if method == "vectorised":
    G = meas.coagglomeration(d, "cbsa", "naics", "employment", x=tot)
    n_ind = G.shape[0]
    top = float(np.max(G.to_numpy()[np.triu_indices(n_ind, 1)]))
else:
    E = d.pivot(index="cbsa", columns="naics", values="employment").reindex(tot.index).fillna(0.0)
    S = (E / E.sum()).to_numpy()
    x = (tot / tot.sum()).to_numpy()
    D = S - x[:, None]
    den = 1 - x @ x
    n_ind = S.shape[1]
    top = -np.inf
    for i in range(n_ind):
        for j in range(i + 1, n_ind):
            top = max(top, float(D[:, i] @ D[:, j]) / den)
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "peak_MiB": rss(), "baseline_MiB": base,
                   "industries": int(n_ind), "top": top}}))
"""

METHODS = {
    "vectorised": dict(
        label="book.measures.coagglomeration (one matrix product)",
        expected_exponent=2.0,
        complexity=("the product S'S costs O(nnz(S) x industries per area) and the rank-one "
                    "corrections O(I^2), plus O(rows) validation and pivoting of the tidy table; "
                    "memory is the dense I x I result")),
    "pair_loop": dict(
        label="loop over pairs, one NumPy dot product per pair",
        expected_exponent=2.0,
        complexity=("I(I-1)/2 Python iterations, each an O(M) dot product: O(M I^2) with a "
                    "per-pair interpreter overhead")),
}


@pytest.mark.bench
@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("level", LEVELS)
def test_bench_coagglomeration(level, method):
    res = br.run_child(SCRIPT.format(level=level, method=method))
    assert res["industries"] > 50 and 0 < res["top"] < 1
    n = res["industries"]
    row = {"method": METHODS[method]["label"], "size": n, "size_unit": "industries I",
           "seconds": res["seconds"], "peak_MiB": res["peak_MiB"],
           "baseline_MiB": res["baseline_MiB"],
           "notes": f"NAICS {level}-digit, {n * (n - 1) // 2:,} pairs x 933 CBSAs; "
                    f"largest gamma_c {res['top']:.4f}",
           "complexity": METHODS[method]["complexity"],
           "expected_exponent": METHODS[method]["expected_exponent"]}
    br.record("coagglomeration", [row], title=(
        "Ellison-Glaeser-Kerr co-agglomeration of all industry pairs across the 933 CBSAs of "
        "CBP 2019 at the NAICS 3- to 6-digit levels (tests/bench_coagglomeration.py)."))
    print(f"\n{row['method']} I={n}: {res['seconds']:.3f} s, peak {res['peak_MiB']:.0f} MiB")
