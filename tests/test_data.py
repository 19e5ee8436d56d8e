"""Every registry entry: well-formed, loads offline, checksums verified, documented columns."""
import pandas as pd
import pytest
import yaml

from book import data
from book.errors import BookInputError, DataIntegrityError

IDS = sorted(data.registry())
PACKAGE_IDS = [i for i in IDS if data.entry(i).kind == "package"]


@pytest.mark.parametrize("dataset_id", IDS)
def test_entry_is_complete(dataset_id):
    e = data.entry(dataset_id)
    for field in ("title", "publisher", "licence", "citation"):
        assert str(getattr(e, field)).strip(), f"{dataset_id}: empty {field}"
    assert e.used_by or e.kept_for.strip(), (
        f"{dataset_id}: no page reads it; delete the entry or say in `kept_for` why it stays")
    assert e.columns, f"{dataset_id}: no documented columns"
    for name, spec in e.files.items():
        if e.kind in ("package", "vendored"):
            assert spec.get("path") and len(spec.get("sha256") or "") == 64, name
        else:
            assert str(spec.get("url", "")).startswith("https://"), name
    if e.kind == "vendored":
        src = e.obtain["obtained_from"]
        assert "/" in src["repository"] and len(str(src["commit"])) >= 7, dataset_id
        assert e.url.startswith("https://"), f"{dataset_id}: url of the original publisher"


VENDORED_IDS = [i for i, e in data.registry().items() if e.kind == "vendored"]


@pytest.mark.parametrize("dataset_id", VENDORED_IDS)
def test_vendored_entry_verified_and_inside_project(dataset_id):
    from book import ROOT
    e = data.entry(dataset_id)
    for name, spec in e.files.items():
        path = data.fetch(dataset_id, name)
        assert path.resolve().is_relative_to((ROOT / "data" / "vendor").resolve()), name
        assert data.sha256(path) == spec["sha256"]


@pytest.mark.parametrize("dataset_id", PACKAGE_IDS)
def test_package_entry_loads_with_verified_hash(dataset_id):
    e = data.entry(dataset_id)
    for name, spec in e.files.items():
        assert data.sha256(data.fetch(dataset_id, name)) == spec["sha256"]
    df = data.load(dataset_id)
    assert len(df) > 0
    assert set(e.columns) <= set(df.columns)


@pytest.mark.parametrize("dataset_id", IDS)
def test_registry_file_declares_each_column_once_and_stores_no_used_by(dataset_id):
    """One declaration per column (description + rule in one block); used_by is derived."""
    raw = data.entry(dataset_id).raw
    assert "used_by" not in raw, f"{dataset_id}: used_by is derived from the pages; delete it"
    assert "schema" not in raw, f"{dataset_id}: move each schema rule into its column entry"
    assert all(isinstance(v, dict) for v in raw["columns"].values()), dataset_id


def test_used_by_is_derived_from_the_pages(tmp_path, monkeypatch):
    from book import ROOT
    assert "chapters/04-agglomeration-growth/convergence" in data.entry("us_income").used_by
    for e in data.registry().values():
        for page in e.used_by:
            assert (ROOT / f"{page}.md").exists(), f"{e.id}: derived page {page} missing"
    # a page that starts loading a data set is listed at once, with nothing to edit by hand
    page = tmp_path / "chapters" / "99-x" / "p.md"
    page.parent.mkdir(parents=True)
    page.write_text('x = data.load("mexico_gdp")\n')
    monkeypatch.setattr(data, "ROOT", tmp_path)
    data._uses.cache_clear()
    try:
        assert data.used_by("mexico_gdp") == ["chapters/99-x/p"]
    finally:
        monkeypatch.undo()
        data._uses.cache_clear()


@pytest.fixture
def temp_registry(tmp_path, monkeypatch):
    """A registry folder holding only the test's own entries: ``write(id, doc)`` adds or
    replaces one (and clears the registry cache); the real folder is restored afterwards."""
    real = data.REGISTRY_DIR
    reg = tmp_path / "registry"
    reg.mkdir()

    def write(dataset_id, doc):
        (reg / f"{dataset_id}.yaml").write_text(yaml.safe_dump(doc))
        data.registry.cache_clear()

    write.original = lambda dataset_id: yaml.safe_load((real / f"{dataset_id}.yaml").read_text())
    monkeypatch.setattr(data, "REGISTRY_DIR", reg)
    data.registry.cache_clear()
    yield write
    monkeypatch.undo()
    data.registry.cache_clear()


def test_column_entries_are_validated(temp_registry):
    doc = temp_registry.original("mexico_gdp")
    doc.pop("schema", None)
    doc["columns"] = {"state": {"dtype": "str"}}
    temp_registry("mexico_gdp", doc)
    with pytest.raises(DataIntegrityError, match="column 'state' needs a `description`"):
        data.entry("mexico_gdp")
    doc["columns"] = {"state": {"description": "x", "dtpye": "str"}}
    temp_registry("mexico_gdp", doc)
    with pytest.raises(DataIntegrityError, match=r"unknown key\(s\) \['dtpye'\]"):
        data.entry("mexico_gdp")


def test_us_income_known_values():
    df = data.load("us_income").set_index(["state", "year"])["income"]
    assert df[("Alabama", 1929)] == 323
    assert df[("Arizona", 1929)] == 600
    assert len(df) == 48 * 81
    assert df.index.get_level_values("year").min() == 1929
    assert df.index.get_level_values("year").max() == 2009


def test_mexico_known_values_and_join():
    gdp = data.load("mexico_gdp")
    assert gdp.loc[(gdp.state == "Aguascalientes") & (gdp.year == 1940), "gdp_pc"].item() == 10384
    assert gdp.state.nunique() == 32 and sorted(gdp.year.unique()) == list(range(1940, 2001, 10))
    geo = data.load("mexico_geometry")
    assert set(geo.state) == set(gdp.state)  # the crosswalk leaves no state unmatched


def test_us48_geometry():
    g = data.load("us48_geometry")
    assert len(g) == 48 and g.crs.to_epsg() == 4326
    assert set(g.state) == set(data.load("us_income").state)


def test_unknown_id_is_a_clear_error():
    with pytest.raises(BookInputError, match="unknown data id 'nope'.*Registered ids"):
        data.load("nope")
    with pytest.raises(BookInputError, match="must be a string"):
        data.load(3)


def test_corrupted_file_is_detected(temp_registry):
    """A package file whose bytes changed is reported with its path and how to fix it."""
    bad = temp_registry.original("us_income")
    files = bad["obtain"]["files"]
    files["usjoin.csv"] = {**files["usjoin.csv"], "sha256": "0" * 64}
    temp_registry("us_income", bad)
    with pytest.raises(DataIntegrityError, match="checksum mismatch for .*usjoin.csv"):
        data.load("us_income")


def test_provenance_table():
    p = data.provenance("us_income")
    assert isinstance(p, pd.DataFrame) and "licence" in p.index


@pytest.mark.parametrize("dataset_id", PACKAGE_IDS)
def test_schema_covers_every_documented_column(dataset_id):
    e = data.entry(dataset_id)
    schema = e.schema
    assert set(e.columns) <= set(schema), f"{dataset_id}: schema lacks {set(e.columns) - set(schema)}"
    assert all("dtype" in r for r in schema.values())


@pytest.mark.parametrize("rule, msg", [
    ({"income": {"dtype": "float", "max": 100}}, r"us_income.income: \d+ value\(s\) above the registry's max 100"),
    ({"income": {"dtype": "int"}}, r"us_income.income: expected int, got dtype float64"),
    ({"state": {"dtype": "float"}}, r"us_income.state: expected float"),
    ({"year": {"dtype": "int", "min": 1950}}, r"us_income.year: .* below the registry's min 1950"),
    ({"nope": {"dtype": "int"}}, r"schema names column 'nope'"),
])
def test_schema_violations_are_reported(rule, msg):
    df = data.load("us_income")
    with pytest.raises(DataIntegrityError, match=msg):
        data.check_schema("us_income", df, rule)


def test_schema_missing_values_are_reported():
    df = data.load("us_income")
    df.loc[0, "income"] = float("nan")
    with pytest.raises(DataIntegrityError, match=r"us_income.income: 1 missing value"):
        data.check_schema("us_income", df, data.entry("us_income").schema)
