"""EU city-to-city patent citation flows (OECD REGPAT / EPO via rxlacroix/PEXP_1.1).

Checksums of the vendored files (and of the original files inside the compressed ones), the
schemas, the totals stated in the data-source manifest, and bad inputs to the validators.
"""
from __future__ import annotations

import hashlib
import lzma
import tarfile

import numpy as np
import pandas as pd
import pytest

from book import data
from book.datasets import eu_citations as euc
from book.errors import BookInputError


@pytest.fixture(scope="module")
def flows():
    return data.load("eu_citation_flows")


@pytest.fixture(scope="module")
def by_field():
    return data.load("eu_citation_flows", by_field=True)


@pytest.fixture(scope="module")
def nodes():
    return data.load("eu_citation_nodes")


def test_vendored_files_match_registry_and_originals():
    for did in ("eu_citation_flows", "eu_citation_nodes"):
        for name, spec in data.entry(did).files.items():
            path = data.fetch(did, name)  # verifies the registry sha256
            assert data.sha256(path) == spec["sha256"]
            orig = spec.get("original", {}).get("sha256")
            if orig and name.endswith(".xz") and not name.endswith(".tar.xz"):
                assert hashlib.sha256(lzma.decompress(path.read_bytes())).hexdigest() == orig
            elif orig:
                assert data.sha256(path) == orig
    with tarfile.open(data.fetch("eu_citation_flows", "linksTot_fields.tar.xz"), "r:xz") as tar:
        names = sorted(m.name for m in tar.getmembers())
    assert names == sorted(f"linksTot{k}.csv" for k in range(1, 36))


def test_manifest_totals(flows):
    assert len(flows) == 27_759
    assert flows["count"].sum() == 616_277
    assert flows["citing"].nunique() == 367
    assert flows["cited"].nunique() == 351
    same = flows.loc[flows["citing"] == flows["cited"], "count"].sum() / flows["count"].sum()
    assert same == pytest.approx(0.342, abs=0.001)  # "about 34 % within the same city"
    assert (flows["field"] == 0).all() and (flows["field_code"] == "ALL").all()


def test_fields(by_field):
    assert sorted(by_field["field"].unique()) == list(range(1, 36))
    assert by_field["count"].sum() == 616_204  # 73 fewer than the all-fields file
    assert len(by_field) == 109_058
    tot = by_field.groupby("field")["count"].sum()
    assert tot.idxmin() == 22  # micro-structural and nano-technology, the smallest field
    assert by_field.loc[by_field["field"] == 22, "field_code"].iat[0] == "C9"
    assert by_field.loc[by_field["field"] == 6, "field_name"].iat[0] == "Computer Technology"
    # the field files follow the row order of techfieldfreq.tsv: sizes track patent counts
    pat = pd.read_csv(data.fetch("eu_citation_flows", "techfieldfreq.tsv"), sep="\t")["number"]
    assert np.corrcoef(np.log(tot.to_numpy()), np.log(pat.to_numpy()))[0, 1] > 0.9


def test_fields_sum_to_total_pair_by_pair(flows, by_field):
    s = by_field.groupby(["citing", "cited"])["count"].sum()
    t = flows.set_index(["citing", "cited"])["count"]
    gap = t.sub(s, fill_value=0)
    assert (gap >= 0).all() and gap.sum() == 73


def test_nodes(nodes, flows):
    assert len(nodes) == 387 and nodes["city"].is_unique
    assert not nodes[["lon", "lat", "country"]].isna().any().any()
    c = nodes.set_index("city")["country"]
    assert (c["Geneve"], c["Bale"], c["Strasbourg"], c["Lille"], c["Luxembourg"]) == (
        "CH", "CH", "FR", "FR", "LU")
    assert (c["Munchen"], c["Andorre"], c["Valletta"], c["Malmo"]) == ("DE", "AD", "MT", "SE")
    missing = sorted((set(flows["citing"]) | set(flows["cited"])) - set(nodes["city"]))
    assert len(missing) == 12 and "Ljubljana" in missing and "Pointe-a-Pitre" in missing
    lost = flows[flows["citing"].isin(missing) | flows["cited"].isin(missing)]["count"].sum()
    assert lost == 883


def test_loader_bad_argument():
    with pytest.raises(BookInputError, match="by_field must be True or False"):
        data.load("eu_citation_flows", by_field="yes")


# ----------------------------------------------------------------------------- validators
F = pd.DataFrame({"citing": ["A", "A", "B"], "cited": ["A", "B", "A"], "count": [3, 1, 2]})
N = pd.DataFrame({"city": ["A", "B"], "lon": [2.35, -0.13], "lat": [48.86, 51.51]})


def test_check_flows_accepts_good_input():
    assert euc.check_flows(F, nodes=N) is F


@pytest.mark.parametrize(("bad", "match"), [
    (F.assign(count=[3, -1, 2]), "negative"),
    (F.assign(count=[3, 1.5, 2]), "non-integer"),
    (F.assign(count=["3", "x", "2"]), "non-numeric"),
    (pd.concat([F, F.iloc[[0]]]), "duplicated"),
    (F.drop(columns="count"), "lacks column"),
    (F.iloc[:0], "empty"),
    (F.assign(cited=["A", None, "A"]), "without a citing or cited"),
])
def test_check_flows_bad(bad, match):
    with pytest.raises(BookInputError, match=match):
        euc.check_flows(bad)


def test_check_flows_unknown_city():
    with pytest.raises(BookInputError, match="not in nodes.*Zurich"):
        euc.check_flows(F.assign(cited=["A", "Zurich", "A"]), nodes=N)


@pytest.mark.parametrize(("bad", "match"), [
    (N.assign(lat=[48.86, np.nan]), "missing or non-numeric lat"),
    (N.assign(lon=[2.35e5, -0.13]), "outside"),
    (pd.concat([N, N.iloc[[0]]]), "more than once"),
    (N.drop(columns="lon"), "lacks column"),
    ([1, 2], "must be a DataFrame"),
])
def test_check_nodes_bad(bad, match):
    with pytest.raises(BookInputError, match=match):
        euc.check_nodes(bad)


# ----------------------------------------------------------------------------- bad-input matrix
from badinput import BI, case_list, f, matrix_test  # noqa: E402

CASES, c = case_list()
c("book.datasets.eu_citations.check_flows", "negative count",
  lambda: f("book.datasets.eu_citations.check_flows")(F.assign(count=[3, -1, 2])), BI, "negative")
c("book.datasets.eu_citations.check_flows", "unknown city id",
  lambda: f("book.datasets.eu_citations.check_flows")(F.assign(cited=["A", "Zurich", "A"]), nodes=N),
  BI, "not in nodes")
c("book.datasets.eu_citations.check_nodes", "missing coordinates",
  lambda: f("book.datasets.eu_citations.check_nodes")(N.assign(lat=[48.86, np.nan])), BI,
  "missing or non-numeric lat")
test_bad_input = matrix_test(CASES)
