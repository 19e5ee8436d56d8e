"""Benchmark: the distance-decay correlogram on the real counties (pytest -m bench).

The heaviest real call of the book: ``book.spatial.autocorrelation.ring_correlogram`` on the
county centroids of the distance-decay page (us_county_geometry joined to the countymurders
income panel, about 2,200 counties, ten rings from 0 to 2,000 km), with no permutations and
with 999. For comparison the same rings through ``esda.Moran`` on a libpysal ``Graph`` (the
previous implementation) without permutations. Each call runs in a fresh process
(tools/bench_report.run_child). Results go to ``_build/bench/correlogram.json``.
"""

import bench_report as br  # tools/ is on pytest's pythonpath (pyproject.toml)
import pytest

SCRIPT = r"""
import warnings
warnings.simplefilter("ignore")
import numpy as np
from book import data
from book.spatial import autocorrelation as spa
panel = data.load("us_counties_1980_1996")
wide = panel.pivot(index="countyid", columns="year", values="rpcpersinc")
growth = (np.log(wide[1996] / wide[1980]) / 16).rename("growth")
geo = data.load("us_county_geometry").set_index("fips").join(growth, how="inner").to_crs(5070)
xy = np.column_stack([geo.centroid.x, geo.centroid.y]) / 1000
y = geo["growth"].to_numpy()
bands = [0, 100, 200, 300, 400, 600, 800, 1000, 1300, 1600, 2000]
method = "{method}"
base = rss()
t0 = time.perf_counter()
if method == "esda":
    import esda
    from libpysal.graph import Graph
    from scipy.spatial import cKDTree
    tree = cKDTree(xy)
    D = tree.sparse_distance_matrix(tree, bands[-1], output_type="coo_matrix")
    k = D.row != D.col
    out = []
    for lo, hi in zip(bands[:-1], bands[1:]):
        sel = k & (D.data > lo) & (D.data <= hi)
        f, g_ = D.row[sel], D.col[sel]
        iso = np.setdiff1d(np.arange(len(y)), f)
        f, g_ = np.r_[f, iso], np.r_[g_, iso]
        w = np.r_[np.ones(sel.sum()), np.zeros(iso.size)]
        o = np.lexsort((g_, f))
        G = Graph.from_arrays(f[o], g_[o], w[o]).transform("r")
        out.append(esda.Moran(y, G, permutations=0).I)
    first = float(out[0])
else:
    perms = 999 if method == "ours999" else 0
    cg = spa.ring_correlogram(xy, y, bands, permutations=perms, isolates="keep")
    first = float(cg.loc[0, "I"])
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "peak_MiB": rss(), "baseline_MiB": base, "n": int(len(y)),
                  "I_first": first}}))
"""

METHODS = {
    "ours0": "ring_correlogram, sparse Moran, normal moments only",
    "ours999": "ring_correlogram, sparse Moran, 999 permutations",
    "esda": "esda.Moran on a libpysal Graph per ring, no permutations (previous implementation)",
}
COMPLEXITY = ("pairs within 2,000 km found once with a k-d tree; per ring one sparse matrix "
              "and sparse products for z'Wz and the moments S0, S1, S2, O(pairs) per ring")


@pytest.mark.bench
@pytest.mark.parametrize("method", list(METHODS))
def test_bench_correlogram(method):
    res = br.run_child(SCRIPT.format(method=method))
    assert res["n"] > 2000 and 0.2 < res["I_first"] < 0.7
    row = {"method": METHODS[method], "size": res["n"], "size_unit": "counties",
           "seconds": res["seconds"], "peak_MiB": res["peak_MiB"],
           "baseline_MiB": res["baseline_MiB"], "notes": f"I(0-100 km) = {res['I_first']:.4f}",
           "complexity": COMPLEXITY}
    br.record("correlogram", [row], title=(
        "Distance-decay correlogram on the real counties, ten rings to 2,000 km "
        "(tests/bench_correlogram.py)."))
    print(f"\n{row['method']}: {res['seconds']:.3f} s, peak {res['peak_MiB']:.0f} MiB")
