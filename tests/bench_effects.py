"""Benchmark: LeSage-Pace effects for N = 48, 3,000 and 30,000 regions (pytest -m bench).

Synthetic row-standardised 6-nearest-neighbour weights (book.spatial.synthetic_weights). The
trace method needs m * draws sparse mat-vec products plus one sparse LU solve; nothing N x N
and dense is formed. Run with `make bench` (or `pytest tests/bench_effects.py -m bench -s`);
timings and peak memory (tracemalloc, Python-side allocations) are printed.
"""
import time
import tracemalloc

import numpy as np
import pytest

from book import spatial as bs


@pytest.mark.bench
@pytest.mark.parametrize("n", [48, 3_000, 30_000])
def test_bench_effects(n):
    W = bs.synthetic_weights(n, k=6)
    tracemalloc.start()
    t0 = time.perf_counter()
    e = bs.lag_effects(0.5, [1.0, -0.5], W, theta=[0.2, 0.1], method="traces", m=60, draws=50)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    np.testing.assert_allclose(e["total"], [(1.0 + 0.2) / 0.5, (-0.5 + 0.1) / 0.5], rtol=1e-8)
    line = f"N={n:>6}: traces+sparse LU {dt:7.3f} s, peak {peak:8.1f} MiB"
    if n <= 3_000:  # the dense inverse, for comparison only where it is still feasible
        tracemalloc.start()
        t0 = time.perf_counter()
        d = bs.lag_effects(0.5, [1.0, -0.5], W, theta=[0.2, 0.1], method="dense")
        dt2 = time.perf_counter() - t0
        peak2 = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        np.testing.assert_allclose(e["direct"], d["direct"], rtol=5e-3)
        line += f" | dense inverse {dt2:7.3f} s, peak {peak2:8.1f} MiB"
    print("\n" + line)
