"""book.citations: JTH matched controls in DuckDB, simulated truth, TFK bias, NBER download path."""
import functools
import http.server
import io
import threading
import zipfile

import numpy as np
import pandas as pd
import pytest
from badinput import BI, CITES, PATENTS, case_list, f, matrix_test

from book import citations as cit
from book import data
from book.errors import BookInputError, DataIntegrityError


@pytest.fixture(scope="module")
def world():
    return cit.simulate_patent_world(30_000, theta=0.2, seed_offset=7)


@pytest.mark.slow
def test_fine_controls_recover_theta_and_coarse_overstate(world):
    pat, cites = world
    truth = cites["via_local"].mean()
    fine, rep = cit.match_controls(pat, cites, class_col="subcls", seed=1)
    assert rep.unmatched < 0.01 * len(cites) and rep.matched + rep.unmatched == len(cites)
    f = cit.localisation_shares(fine)
    assert abs(f.theta - truth) < 4 * f.se / (1 - f.p_ctrl)
    coarse, _ = cit.match_controls(pat, cites, class_col="cls", seed=1)
    c = cit.localisation_shares(coarse)
    assert c.theta > f.theta + 0.02 and c.p_ctrl < f.p_ctrl


def test_controls_obey_the_rules(world):
    pat, cites = world
    m, _ = cit.match_controls(pat, cites, class_col="subcls", seed=2)
    info = pat.set_index("patent")
    assert (info.loc[m["control"], "subcls"].to_numpy() == info.loc[m["citing"], "subcls"].to_numpy()).all()
    assert (info.loc[m["control"], "year"].to_numpy() == info.loc[m["citing"], "year"].to_numpy()).all()
    pairs = set(zip(cites["citing"], cites["cited"], strict=True))
    assert not any((c, o) in pairs for c, o in zip(m["control"], m["cited"], strict=True))
    assert (m["control"] != m["citing"]).all()
    # deterministic
    m2, _ = cit.match_controls(pat, cites, class_col="subcls", seed=2)
    pd.testing.assert_frame_equal(m, m2)


def test_no_eligible_control_is_counted():
    # class 9 in year 1 holds only the citing patent: no control exists
    pat = pd.DataFrame({"patent": [1, 2, 3, 4], "year": [0, 1, 1, 1], "region": [0, 0, 1, 1],
                        "cls": [9, 9, 5, 5]})
    cites = pd.DataFrame({"citing": [2, 3, 3], "cited": [1, 1, 99]})
    m, rep = cit.match_controls(pat, cites)
    assert rep == cit.MatchReport(citations=3, self_citations=0, unknown_patents=1, matched=1,
                                  unmatched=1)
    assert m.loc[0, "control"] == 4


def test_shares_known_answer():
    m = pd.DataFrame({"region_cited": [1, 1, 1, 1], "region_citing": [1, 1, 0, 0],
                      "region_control": [1, 0, 0, 0]})
    r = cit.localisation_shares(m)
    assert r.p_cite == 0.5 and r.p_ctrl == 0.25 and r.diff == 0.25
    assert r.se == pytest.approx(np.sqrt((0.25 + 0.1875) / 4))
    assert r.theta == pytest.approx(0.25 / 0.75)


def test_self_citations_are_dropped_not_counted_local():
    """issue 11: a self-citation (citing == cited) is local by construction."""
    pat = pd.DataFrame({"patent": [1, 2, 3, 4], "year": [0, 1, 1, 1], "region": [0, 0, 0, 1],
                        "cls": [5, 5, 5, 5]})
    cites = pd.DataFrame({"citing": [2, 2], "cited": [1, 2]})
    m, rep = cit.match_controls(pat, cites)
    assert rep.self_citations == 1 and rep.matched + rep.unmatched == 1
    assert (m["citing"] != m["cited"]).all()


def test_relation_output_is_the_frame_output(world):
    """output='relation' leaves the same rows in DuckDB; the shares are counted there."""
    pat, cites = world
    frame, rep = cit.match_controls(pat, cites, class_col="subcls", seed=2)
    con = cit.connect(threads=1, memory_limit="500MB")
    rel, rep2 = cit.match_controls(pat, cites, class_col="subcls", seed=2, con=con,
                                   output="relation")
    assert rep2 == rep
    got = rel.df().sort_values(["cited", "citing"], ignore_index=True)
    pd.testing.assert_frame_equal(got, frame)
    a, b = cit.localisation_shares(frame), cit.localisation_shares(rel)
    for k, v in a.as_dict().items():   # counts are exact; se_paired is rounded differently
        assert getattr(b, k) == (pytest.approx(v, rel=1e-12) if k == "se_paired" else v)


def test_world_does_not_depend_on_the_block_size(world, monkeypatch):
    """The simulation draws in blocks to bound memory; the block size changes no number."""
    monkeypatch.setattr(cit, "_BLOCK", 777)
    pat, cites = cit.simulate_patent_world(30_000, theta=0.2, seed_offset=7)
    pd.testing.assert_frame_equal(pat, world[0])
    pd.testing.assert_frame_equal(cites, world[1])


def test_count_below_is_a_binary_search():
    """Both branches of the simulation's lookup equal np.searchsorted on the sorted keys."""
    keys = np.random.default_rng(0).integers(0, 5000, 300)
    v = np.arange(0, 5001)
    want = np.searchsorted(np.sort(keys), v)
    assert (cit._count_below(keys, 5000)(v) == want).all()        # count table
    assert (cit._count_below(keys, 1 << 30)(v) == want).all()     # binary search


def test_duplicated_citations_keep_one_row_each(world):
    """A citation listed twice gets the same control twice (also where candidate 0 fails)."""
    pat, cites = world
    once, r1 = cit.match_controls(pat, cites, class_col="subcls", seed=3)
    twice, r2 = cit.match_controls(pat, pd.concat([cites, cites.head(2000)], ignore_index=True),
                                   class_col="subcls", seed=3)
    pd.testing.assert_frame_equal(twice.drop_duplicates(ignore_index=True), once)
    head = set(zip(cites["citing"].head(2000), cites["cited"].head(2000), strict=True))
    in_head = [(a, b) in head for a, b in zip(once["citing"], once["cited"], strict=True)]
    assert r2.matched == r1.matched + sum(in_head)
    assert r2.unmatched == r1.unmatched + 2000 - sum(in_head)


def test_bad_inputs(world):
    pat, cites = world
    with pytest.raises(BookInputError, match="duplicated patent"):
        cit.match_controls(pd.concat([pat, pat.head(1)]), cites)
    with pytest.raises(BookInputError, match="lacks column"):
        cit.match_controls(pat.drop(columns="region"), cites)
    with pytest.raises(BookInputError, match="integer patent numbers"):
        cit.match_controls(pat, cites.astype({"cited": float}))
    with pytest.raises(BookInputError, match="empty"):
        cit.match_controls(pat, cites.head(0))
    with pytest.raises(BookInputError, match="theta"):
        cit.simulate_patent_world(1000, theta=1.5)
    with pytest.raises(BookInputError, match="at least two"):
        cit.localisation_shares(pd.DataFrame({"region_cited": [1], "region_citing": [1],
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
    cites = data.load("nber_citations", base_url=url)
    assert cites.to_dict("list") == {"citing": [3858241, 3858241, 3858242],
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
    p, c = cit.nber_to_jth(pat, cites)
    assert list(p["patent"]) == [3858241] and list(p["cls"]) == [24]


# ----------------------------------------------------------------------------- bad inputs
CASES, c = case_list()
SP = "book.citations"
c(f"{SP}.match_controls", "duplicated patent", lambda: f(f"{SP}.match_controls")(
    pd.concat([PATENTS(), PATENTS().head(1)]), CITES()), BI, r"duplicated patent numbers")
c(f"{SP}.match_controls", "text patent numbers", lambda: f(f"{SP}.match_controls")(
    PATENTS().astype({"patent": str}), CITES()), BI, r"must be integers")
c(f"{SP}.match_controls", "missing region", lambda: f(f"{SP}.match_controls")(
    PATENTS().assign(region=[None, "b", "a", "b"]), CITES()), BI, r"missing 'cls' or 'region'")
c(f"{SP}.match_controls", "negative seed", lambda: f(f"{SP}.match_controls")(
    PATENTS(), CITES(), seed=-1), BI, r"seed must be a non-negative int")
c(f"{SP}.match_controls", "empty citations", lambda: f(f"{SP}.match_controls")(
    PATENTS(), CITES().iloc[:0]), BI, r"citations is empty")
c(f"{SP}.match_controls", "max_tries 0", lambda: f(f"{SP}.match_controls")(
    PATENTS(), CITES(), max_tries=0), BI, r"max_tries must be a positive int")
c(f"{SP}.localisation_shares", "too few", lambda: f(f"{SP}.localisation_shares")(
    pd.DataFrame({"region_cited": ["a"], "region_citing": ["a"], "region_control": ["b"]})), BI,
  r"at least two matched")
c(f"{SP}.localisation_shares", "level", lambda: f(f"{SP}.localisation_shares")(
    pd.DataFrame({"region_cited": ["a"] * 3, "region_citing": ["a"] * 3,
                  "region_control": ["b"] * 3}), level=0), BI, r"level=0.0 is out of range")
c(f"{SP}.localisation_shares", "empty", lambda: f(f"{SP}.localisation_shares")(
    pd.DataFrame({"region_cited": [], "region_citing": [], "region_control": []})), BI, r"empty")
c(f"{SP}.simulate_patent_world", "theta > 1", lambda: f(f"{SP}.simulate_patent_world")(
    100, theta=1.5), BI, r"theta=1.5 is out of range")
c(f"{SP}.simulate_patent_world", "one region", lambda: f(f"{SP}.simulate_patent_world")(
    100, n_regions=1), BI, r"n_regions must be an int >= 2")
c(f"{SP}.simulate_patent_world", "zero cites", lambda: f(f"{SP}.simulate_patent_world")(
    100, cites_per_patent=0), BI, r"cites_per_patent=0.0 is out of range")


def NBER():
    p = pd.DataFrame({"patent": [1, 2, 3], "appyear": [1980, 1981, 1982],
                      "country": ["US", "US", "US"], "postate": ["CA", "NY", "CA"],
                      "nclass": [1, 1, 2], "subcat": [11, 11, 12]})
    return p, pd.DataFrame({"citing": [3], "cited": [1]})


c(f"{SP}.nber_to_jth", "bad geography", lambda: f(f"{SP}.nber_to_jth")(*NBER(), geography="city"),
  BI, r"geography must be 'state' or 'country'")
c(f"{SP}.nber_to_jth", "missing column", lambda: f(f"{SP}.nber_to_jth")(
    NBER()[0].drop(columns="postate"), NBER()[1]), BI, r"lacks column\(s\) \['postate'\]")
c(f"{SP}.nber_to_jth", "duplicated patent", lambda: f(f"{SP}.nber_to_jth")(
    pd.concat([NBER()[0], NBER()[0].head(1)]), NBER()[1]), BI, r"duplicated patent")
c(f"{SP}.nber_to_jth", "empty", lambda: f(f"{SP}.nber_to_jth")(NBER()[0].iloc[:0], NBER()[1]), BI,
  r"empty")
c(f"{SP}.match_controls", "class column with a space", lambda: f(f"{SP}.match_controls")(
    PATENTS().rename(columns={"cls": "tech class"}), CITES(), class_col="tech class"), BI,
  r"must be a plain column name")
c(f"{SP}.match_controls", "unknown output", lambda: f(f"{SP}.match_controls")(
    PATENTS(), CITES(), output="arrow"), BI, r"output must be 'frame' or 'relation'")
c(f"{SP}.match_controls", "relation without a connection", lambda: f(f"{SP}.match_controls")(
    PATENTS(), CITES(), output="relation"), BI, r"pass con=citations.connect\(\)")
c(f"{SP}.connect", "zero threads", lambda: f(f"{SP}.connect")(threads=0), BI,
  r"threads must be a positive int")
c(f"{SP}.connect", "memory limit in words", lambda: f(f"{SP}.connect")(memory_limit="lots"), BI,
  r"memory_limit must look like '1GB'")
c(f"{SP}.localisation_shares", "relation without regions", lambda: f(f"{SP}.localisation_shares")(
    f(f"{SP}.connect")().sql("SELECT 1 AS region_cited, 1 AS region_citing")), BI,
  r"matched lacks column\(s\) \['region_control'\]")
c(f"{SP}.localisation_shares", "empty relation", lambda: f(f"{SP}.localisation_shares")(
    f(f"{SP}.connect")().sql("SELECT 1 AS region_cited, 1 AS region_citing, 1 AS region_control "
                             "WHERE false")), BI, r"matched is empty")
c(f"{SP}.localisation_shares", "relation with a missing region", lambda: f(
    f"{SP}.localisation_shares")(f(f"{SP}.connect")().sql(
        "SELECT * FROM (VALUES (1, 1, NULL), (1, 2, 1), (2, 2, 1)) "
        "t(region_cited, region_citing, region_control)")), BI, r"missing regions")
c(f"{SP}.localisation_shares", "nan region", lambda: f(f"{SP}.localisation_shares")(
    pd.DataFrame({"region_cited": ["a", None, "a"], "region_citing": ["a"] * 3,
                  "region_control": ["b"] * 3})), BI, r"missing regions")
c(f"{SP}.localisation_shares", "no variance", lambda: f(f"{SP}.localisation_shares")(
    pd.DataFrame({"region_cited": ["a"] * 3, "region_citing": ["a"] * 3,
                  "region_control": ["a"] * 3})), BI, r"no sampling variance")


test_bad_input = matrix_test(CASES)
