"""Benchmark: LeSage-Pace effects, trace method N = 48 ... 300,000 vs dense inverse N <= 5,000.

Synthetic row-standardised 6-nearest-neighbour weights (book.spatial.weights.synthetic_weights). The
trace method (``book.spatial.effects.lag_effects(method="traces")``) needs m * draws = 60 * 50 sparse
mat-vec products plus one sparse LU solve; nothing N x N and dense is formed. The dense method
inverts I - rho W (O(N^3) time, O(N^2) memory) and is run only up to N = 5,000, where the
helper refuses it. Each (method, N) runs in a fresh process (tools/bench_report.run_child) to
measure its peak resident memory; N = 300,000 for traces takes ~25 s and runs by default.

Run with ``make bench`` (or ``pytest tests/bench_effects.py -m bench -s``); rows go to
``_build/bench/effects.json`` and into ``_build/bench/REPORT.md``.
"""

import bench_report as br  # tools/ is on pytest's pythonpath (pyproject.toml)
import pytest

SCRIPT = r"""
import numpy as np
from book.spatial import autocorrelation as spa, effects as spe, weights as spw
n, method = {n}, "{method}"
W = spw.synthetic_weights(n, k=6)
base = rss()
t0 = time.perf_counter()
e = spe.lag_effects(0.5, [1.0, -0.5], W, theta=[0.2, 0.1], method=method, m=60, draws=50)
dt = time.perf_counter() - t0
peak = rss()
out = {{"seconds": dt, "peak_MiB": peak, "baseline_MiB": base,
        "total": e["total"].tolist(), "direct": e["direct"].tolist()}}
if method == "dense":  # cross-check against the trace method (after the measurement)
    out["direct_traces"] = spe.lag_effects(0.5, [1.0, -0.5], W, theta=[0.2, 0.1],
                                          method="traces", m=60, draws=50)["direct"].tolist()
print(json.dumps(out))
"""

CASES = [("traces", n) for n in (48, 3_000, 30_000, 300_000)] + \
        [("dense", n) for n in (48, 1_000, 3_000, 5_000)]

METHODS = {
    "traces": dict(
        label="traces (MC traces + sparse LU)",
        expected_exponent=1.0,
        complexity=("m x draws sparse products for the Monte Carlo traces, O(m draws nnz), and "
                    "one sparse LU solve of I - rho W for the total effect (fill-in of a 2-D "
                    "neighbour graph grows somewhat faster than N)")),
    "dense": dict(
        label="dense inverse of I − ρW",
        expected_exponent=3.0,
        complexity=("np.linalg.inv of the N x N matrix and the dense product (I - rho W)^-1 W, "
                    "O(N^3) each; memory O(N^2), which is why the helper refuses N > 5,000")),
}


@pytest.mark.bench
@pytest.mark.parametrize(("method", "n"), CASES)
def test_bench_effects(method, n):
    res = br.run_child(SCRIPT.format(n=n, method=method))
    # row-standardised W: total effect = (beta + theta) / (1 - rho) exactly (sparse LU or dense)
    assert res["total"] == pytest.approx([(1.0 + 0.2) / 0.5, (-0.5 + 0.1) / 0.5], rel=1e-8)
    notes = f"direct x1 = {res['direct'][0]:.4f}"
    if method == "dense":
        assert res["direct"] == pytest.approx(res["direct_traces"], rel=5e-3)
        notes += f" (traces: {res['direct_traces'][0]:.4f})"
    row = {"method": METHODS[method]["label"], "size": n, "size_unit": "regions N",
           "seconds": res["seconds"], "peak_MiB": res["peak_MiB"],
           "baseline_MiB": res["baseline_MiB"], "notes": notes,
           "complexity": METHODS[method]["complexity"],
           "expected_exponent": METHODS[method]["expected_exponent"]}
    br.record("effects", [row], title=(
        "Average direct/indirect/total effects of a spatial Durbin model, "
        "`book.spatial.effects.lag_effects` (LeSage & Pace 2009, eqs. 2.46–2.49), rho = 0.5, two "
        "regressors, synthetic 6-nearest-neighbour W (tests/bench_effects.py)."))
    print(f"\n{row['method']} N={n}: {res['seconds']:.3f} s, peak {res['peak_MiB']:.0f} MiB")
