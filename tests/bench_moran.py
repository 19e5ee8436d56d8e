"""Benchmark: Moran's I and LISA with 999 permutations at N = 500 ... 32,000 (pytest -m bench).

The regions are synthetic: ``book.spatial.weights.synthetic_weights`` (row-standardised 6-nearest-
neighbour weights on random points) turned into a libpysal ``W``, and a spatially
autocorrelated variable ``y = e + 0.6 W e`` with ``e`` from ``book.rng``. The timed calls are
the book's own helpers, ``book.spatial.autocorrelation.moran_by_period`` (esda.Moran, one period) and
``book.spatial.autocorrelation.lisa`` (esda.Moran_Local), both with 999 permutations.

Each (method, N) runs in a fresh process (tools/bench_report.run_child) so that the peak
resident memory belongs to it alone. N = 128,000 (about 55 s and 2.5 GB for LISA) runs only
with ``BENCH_FULL=1``. Results go to ``_build/bench/moran.json``; ``make bench`` then writes
``_build/bench/REPORT.md``.
"""

import bench_report as br  # tools/ is on pytest's pythonpath (pyproject.toml)
import pytest

SIZES = [500, 2_000, 8_000, 32_000] + ([128_000] if br.full() else [])

SCRIPT = r"""
import numpy as np, pandas as pd
import esda
from libpysal.weights import WSP
import book
from book.spatial import autocorrelation as spa, effects as spe, weights as spw
n, method = {n}, "{method}"
S = spw.synthetic_weights(n, k=6)
w = WSP(S).to_W(silence_warnings=True)
w.transform = "r"
e = book.rng(800).standard_normal(n)
y = e + 0.6 * (S @ e)
df = pd.DataFrame({{"id": np.arange(n), "t": 0, "y": y}})
base = rss()
t0 = time.perf_counter()
if method == "global":
    res = spa.moran_by_period(df, w, id_col="id", time="t", value="y", relative=False,
                             permutations=999)
    out = {{"I": float(res["I"].iloc[0]), "EI": float(res["EI"].iloc[0]),
            "p_sim": float(res["p_sim"].iloc[0])}}
else:
    res = spa.lisa(df, w, id_col="id", value="y", permutations=999)
    out = {{"significant": float((res["cluster"] != "ns").mean()),
            "p_min": float(res["p_sim"].min())}}
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "peak_MiB": rss(), "baseline_MiB": base, **out}}))
"""

METHODS = {
    "global": dict(
        label="Moran's I, esda.Moran, 999 permutations",
        expected_exponent=1.0,
        complexity=("999 permutations, each a reshuffle of z, O(N), and one sparse product "
                    "z'Wz, O(kN), plus building the sparse matrix from W's dicts, O(nnz)")),
    "local": dict(
        label="LISA, esda.Moran_Local, 999 permutations",
        expected_exponent=1.0,
        complexity=("conditional randomisation, O(N perm k): 999 draws of the k neighbours of "
                    "every region (esda's crand engine without numba also copies z once per "
                    "region, an O(N^2) term with a small constant)")),
}


@pytest.mark.bench
@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("n", SIZES)
def test_bench_moran(n, method):
    res = br.run_child(SCRIPT.format(n=n, method=method))
    if method == "global":
        # y = e + 0.6 W e has clearly positive autocorrelation; 999 permutations give p = 0.001
        assert 0.1 < res["I"] < 0.3 and res["p_sim"] == pytest.approx(0.001)
        notes = f"I = {res['I']:.4f}, E[I] = {res['EI']:.2e}, pseudo p = {res['p_sim']:.3f}"
    else:
        assert 0.05 < res["significant"] < 0.5 and res["p_min"] == pytest.approx(0.001)
        notes = f"{100 * res['significant']:.1f}% of regions in a significant cluster (p ≤ 0.05)"
    row = {"method": METHODS[method]["label"], "size": n, "size_unit": "regions N",
           "seconds": res["seconds"], "peak_MiB": res["peak_MiB"],
           "baseline_MiB": res["baseline_MiB"], "notes": notes,
           "complexity": METHODS[method]["complexity"],
           "expected_exponent": METHODS[method]["expected_exponent"]}
    br.record("moran", [row], title=(
        "Moran's I and LISA through `book.spatial.autocorrelation.moran_by_period` / `book.spatial.autocorrelation.lisa` on "
        "synthetic 6-nearest-neighbour regions, 999 permutations (tests/bench_moran.py)."))
    print(f"\n{row['method']} N={n}: {res['seconds']:.3f} s, peak {res['peak_MiB']:.0f} MiB")
