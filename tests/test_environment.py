"""The environment files agree, and the installed packages match the pins."""
from importlib import metadata

import yaml

from book import ROOT


def pins():
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.txt line not pinned with ==: {line}"
            out[name.lower().replace("_", "-")] = version
    return out


def test_environment_yml_uses_the_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_part = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-r requirements.txt" in pip_part
    assert any(str(d).startswith("python=3.11") for d in env["dependencies"])


def test_installed_versions_match_pins():
    wrong = {}
    for name, version in pins().items():
        try:
            got = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = ("missing", version)
            continue
        if got != version:
            wrong[name] = (got, version)
    assert not wrong, f"installed != pinned (run `make venv`): {wrong}"


def test_citation_cff_is_valid_yaml_with_doi_of_seed():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["references"][0]["doi"] == "10.12677/sd.2024.145150"


def test_citation_cff_valid_against_official_schema():
    import datetime
    import json

    import jsonschema

    schema = json.loads((ROOT / "tests/data/citation-file-format-1.2.0.schema.json").read_text())

    def norm(o):  # YAML dates -> the ISO strings the schema expects
        if isinstance(o, dict):
            return {k: norm(v) for k, v in o.items()}
        if isinstance(o, list):
            return [norm(v) for v in o]
        return o.isoformat() if isinstance(o, datetime.date) else o

    cff = norm(yaml.safe_load((ROOT / "CITATION.cff").read_text()))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(cff)]
    assert not errors, errors
