"""JTH matched-control design in DuckDB: simulated truth, TFK bias, NBER download path, bad inputs."""
import functools
import http.server
import io
import threading
import zipfile

import numpy as np
import pandas as pd
import pytest

from book import data
from book import spillovers as sp
from book.errors import BookInputError, DataIntegrityError


@pytest.fixture(scope="module")
def world():
    return sp.simulate_patent_world(30_000, theta=0.2, seed_offset=7)


@pytest.mark.slow
def test_fine_controls_recover_theta_and_coarse_overstate(world):
    pat, cit = world
    truth = cit["via_local"].mean()
    fine, rep = sp.match_controls(pat, cit, class_col="subcls", seed=1)
    assert rep["unmatched"] < 0.01 * len(cit) and rep["matched"] + rep["unmatched"] == len(cit)
    f = sp.localisation_shares(fine)
    assert abs(f["theta"] - truth) < 4 * f["se"] / (1 - f["p_ctrl"])
    coarse, _ = sp.match_controls(pat, cit, class_col="cls", seed=1)
    c = sp.localisation_shares(coarse)
    assert c["theta"] > f["theta"] + 0.02 and c["p_ctrl"] < f["p_ctrl"]


def test_controls_obey_the_rules(world):
    pat, cit = world
    m, _ = sp.match_controls(pat, cit, class_col="subcls", seed=2)
    info = pat.set_index("patent")
    assert (info.loc[m["control"], "subcls"].to_numpy() == info.loc[m["citing"], "subcls"].to_numpy()).all()
    assert (info.loc[m["control"], "year"].to_numpy() == info.loc[m["citing"], "year"].to_numpy()).all()
    pairs = set(zip(cit["citing"], cit["cited"], strict=True))
    assert not any((c, o) in pairs for c, o in zip(m["control"], m["cited"], strict=True))
    assert (m["control"] != m["citing"]).all()
    # deterministic
    m2, _ = sp.match_controls(pat, cit, class_col="subcls", seed=2)
    pd.testing.assert_frame_equal(m, m2)


def test_no_eligible_control_is_counted():
    # class 9 in year 1 holds only the citing patent: no control exists
    pat = pd.DataFrame({"patent": [1, 2, 3, 4], "year": [0, 1, 1, 1], "region": [0, 0, 1, 1],
                        "cls": [9, 9, 5, 5]})
    cit = pd.DataFrame({"citing": [2, 3, 3], "cited": [1, 1, 99]})
    m, rep = sp.match_controls(pat, cit)
    assert rep == {"citations": 3, "unknown_patents": 1, "matched": 1, "unmatched": 1}
    assert m.loc[0, "control"] == 4


def test_shares_known_answer():
    m = pd.DataFrame({"region_cited": [1, 1, 1, 1], "region_citing": [1, 1, 0, 0],
                      "region_control": [1, 0, 0, 0]})
    r = sp.localisation_shares(m)
    assert r["p_cite"] == 0.5 and r["p_ctrl"] == 0.25 and r["diff"] == 0.25
    assert r["se"] == pytest.approx(np.sqrt((0.25 + 0.1875) / 4))
    assert r["theta"] == pytest.approx(0.25 / 0.75)


def test_bad_inputs(world):
    pat, cit = world
    with pytest.raises(BookInputError, match="duplicated patent"):
        sp.match_controls(pd.concat([pat, pat.head(1)]), cit)
    with pytest.raises(BookInputError, match="lacks column"):
        sp.match_controls(pat.drop(columns="region"), cit)
    with pytest.raises(BookInputError, match="integer patent numbers"):
        sp.match_controls(pat, cit.astype({"cited": float}))
    with pytest.raises(BookInputError, match="empty"):
        sp.match_controls(pat, cit.head(0))
    with pytest.raises(BookInputError, match="theta"):
        sp.simulate_patent_world(1000, theta=1.5)
    with pytest.raises(BookInputError, match="at least two"):
        sp.localisation_shares(pd.DataFrame({"region_cited": [1], "region_citing": [1],
                                             "region_control": [0]}))


# ----------------------------------------------------------------- NBER download path
def _zip_bytes(name, text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, text)
    return buf.getvalue()


CITE_TXT = '"CITING","CITED"\n3858241,956203\n3858241,1324234\n3858242,3398406\n'
PAT_TXT = ('"PATENT","GYEAR","GDATE","APPYEAR","COUNTRY","POSTATE","ASSIGNEE","ASSCODE","CLAIMS",'
           '"NCLASS","CAT","SUBCAT","CMADE","CRECEIVE","RATIOCIT","GENERAL","ORIGINAL","FWDAPLAG",'
           '"BCKGTLAG","SELFCTUB","SELFCTLB","SECDUPBD","SECDLWBD"\n'
           '3070801,1963,1096,,"BE","",,1,,269,6,69,,1,,0,,,,,,,\n'
           '3858241,1975,5485,1973,"US","CA",0,2,6,24,6,69,4,3,1,0.4444,0.5,,,,,,\n')


@pytest.fixture()
def loopback(tmp_path, monkeypatch):
    root = tmp_path / "srv"
    root.mkdir()
    (root / "acite75_99.zip").write_bytes(_zip_bytes("cite75_99.txt", CITE_TXT))
    (root / "apat63_99.zip").write_bytes(_zip_bytes("apat63_99.txt", PAT_TXT))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("BOOK_ACCEPT_UNPINNED", "1")  # test files: no registry hash to pin
    yield f"http://127.0.0.1:{srv.server_address[1]}", root
    srv.shutdown()
    srv.server_close()


def test_nber_files_through_loopback(loopback, tmp_path):
    url, root = loopback
    cit = data.load("nber_citations", base_url=url)
    assert cit.to_dict("list") == {"citing": [3858241, 3858241, 3858242],
                                   "cited": [956203, 1324234, 3398406]}
    pat = data.load("nber_patents", base_url=url)
    assert pat.loc[1, "postate"] == "CA" and pat.loc[1, "nclass"] == 24
    assert np.isnan(pat.loc[0, "appyear"])
    # hash recorded on first download (trust on first use) and enforced afterwards
    tofu = tmp_path / "cache" / "nber_citations" / "acite75_99.zip.sha256"
    assert tofu.exists()
    cached = tmp_path / "cache" / "nber_citations" / "acite75_99.zip"
    cached.write_bytes(_zip_bytes("cite75_99.txt", CITE_TXT + "1,2\n"))
    with pytest.raises(DataIntegrityError, match="checksum mismatch"):
        data.load("nber_citations", base_url=url)
    p, c = sp.nber_to_jth(pat, cit)
    assert list(p["patent"]) == [3858241] and list(p["cls"]) == [24]


# ----------------------------------------------------------------- distance decay
def _field(n=600, seed=4):
    from book import rng
    g = rng(seed)
    xy = g.uniform(0, 1000, (n, 2))
    y = np.sin(xy[:, 0] / 300) + np.cos(xy[:, 1] / 300) + g.normal(0, 0.3, n)
    return xy, y


def test_correlogram_first_ring_matches_esda_distanceband():
    import esda
    import libpysal
    xy, y = _field()
    cg = sp.ring_correlogram(xy, y, [0, 80, 160, 320, 640], permutations=99, seed=1)
    W = libpysal.weights.DistanceBand(xy, 80, binary=True, silence_warnings=True)
    W.transform = "r"
    assert cg.loc[0, "I"] == pytest.approx(esda.Moran(y, W, permutations=0).I, rel=1e-10)
    assert cg.loc[0, "I"] > cg.loc[3, "I"] and cg.loc[0, "p_sim"] < 0.05
    fit = sp.fit_decay(cg["d_mid"], cg["I"])
    assert fit["h"] > 0 and fit["half_distance"] == pytest.approx(fit["h"] * np.log(2))


def test_decay_fit_known_curve():
    d = np.array([50.0, 150, 250, 350, 450])
    fit = sp.fit_decay(d, 0.8 * np.exp(-d / 200))
    assert fit["a"] == pytest.approx(0.8, rel=1e-6) and fit["h"] == pytest.approx(200, rel=1e-6)


def test_correlogram_bad_inputs():
    xy, y = _field(50)
    with pytest.raises(BookInputError, match="increasing"):
        sp.ring_correlogram(xy, y, [0, 100, 50])
    with pytest.raises(BookInputError, match="length mismatch"):
        sp.ring_correlogram(xy, y[:-1], [0, 100, 200])
    with pytest.raises(BookInputError, match="duplicated"):
        sp.ring_correlogram(xy, y, [0, 100, 200], ids=[1] * 50)
    with pytest.raises(BookInputError, match=r"\(n, 2\)"):
        sp.ring_correlogram(xy[:, :1], y, [0, 100, 200])
    with pytest.raises(BookInputError, match="no decay"):
        sp.fit_decay([1, 2, 3], [-0.1, 0.0, 0.1])


def test_county_topojson_decoder_and_npm_package():
    """The TopoJSON decoder on a hand-made topology; the npm-shipped file loads offline."""
    from book.datasets.us_atlas import decode_topojson

    topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
            "objects": {"counties": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0]], "id": "01001", "properties": {"name": "A"}},
                {"type": "MultiPolygon", "arcs": [[[1]]], "id": "02013",
                 "properties": {"name": "B"}}]}},
            "arcs": [[[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]],
                     [[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]]]}
    g = decode_topojson(topo, "counties")
    assert list(g["id"]) == ["01001", "02013"]
    assert [geom.area for geom in g.geometry] == [4.0, 1.0]
    counties = data.load("us_county_geometry")  # from node_modules (make vendor), no network
    assert len(counties) > 3000 and counties["fips"].is_unique
    assert counties.loc[counties.fips == 6037, "name"].item() == "Los Angeles"
