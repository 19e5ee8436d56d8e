"""No stale numbers (issue 11): a change to a helper, a published target or a vendored data file
re-executes exactly the pages that depend on it at the next (incremental) build, and a revert
restores the old numbers.

The test builds a tiny temporary book with the book's own Sphinx extension (``book.sphinxext``),
myst-nb's execution cache (the same configuration as ``_config.yml``: ``execute_notebooks:
cache``) and ``book.ledger``. It calls Sphinx directly (``python -m sphinx``, incremental like
``make book``) rather than the ``jupyter-book`` command, whose start-up costs about 5 s a build.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

PAGE_A = '''---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Page A

```{code-cell} ipython3
from myst_nb import glue
import toybook.helper as h
from toybook import data
from book.ledger import Ledger

df = data.load("toy_data")
v = h.scale(float(df["x"].sum()))
glue("a_value", float(v))
L = Ledger("toy-design")
L.record("toy_sum", ours=v, se=0.5)
L.table()
```

Value: {glue:text}`a_value:.3f`.
'''

PAGE_B = '''---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Page B (depends on nothing of the toy package)

```{code-cell} ipython3
from myst_nb import glue
glue("b_value", 2.0 + 2.0)
```

Value: {glue:text}`b_value:.1f`.
'''


def make_book(root: Path) -> None:
    (root / "toybook").mkdir(parents=True)
    (root / "toybook" / "__init__.py").write_text("SEED = 1\n")
    (root / "toybook" / "util.py").write_text("FACTOR = 2.0\n")
    (root / "toybook" / "helper.py").write_text(
        "from .util import FACTOR\n\n\ndef scale(x):\n    return FACTOR * x\n")
    (root / "toybook" / "data.py").write_text(
        "from pathlib import Path\n\nimport pandas as pd\nimport yaml\n\n"
        "ROOT = Path(__file__).resolve().parents[1]\n\n\n"
        "def load(dataset_id):\n"
        "    reg = yaml.safe_load((ROOT / 'data' / 'registry' / f'{dataset_id}.yaml').read_text())\n"
        "    (spec,) = reg['obtain']['files'].values()\n"
        "    return pd.read_csv(ROOT / spec['path'])\n")
    for d in ("data/registry", "data/published", "data/vendor/toy_data"):
        (root / d).mkdir(parents=True)
    (root / "data/vendor/toy_data/x.csv").write_text("x\n1\n2\n3\n")
    (root / "data/registry/toy_data.yaml").write_text(yaml.safe_dump({
        "id": "toy_data", "obtain": {"kind": "vendored", "files": {
            "x.csv": {"path": "data/vendor/toy_data/x.csv", "sha256": "not checked here"}}}}))
    (root / "data/published/toy-design.yaml").write_text(yaml.safe_dump({
        "design": "toy-design", "page": "a", "targets": [{
            "id": "toy_sum", "study": "nobody", "kind": "published", "source": "Table 1, p. 1",
            "quantity": "twice the sum of x", "value": 12.0, "se": None, "tolerance": 0.5,
            "tolerance_kind": "abs", "reason": "toy", "expect": "within"}]}, sort_keys=False))
    # the cite box of book.sphinxext reads the book's CITATION.cff (its one configuration)
    (root / "CITATION.cff").write_text(
        (Path(__file__).resolve().parents[1] / "CITATION.cff").read_text(encoding="utf-8"),
        encoding="utf-8")
    (root / "a.md").write_text(PAGE_A)
    (root / "b.md").write_text(PAGE_B)
    (root / "index.md").write_text("# Toy\n\n```{toctree}\na\nb\n```\n")
    (root / "conf.py").write_text(
        "project = 'toy'\nextensions = ['myst_nb', 'book.sphinxext']\n"
        "exclude_patterns = ['_build']\nnb_execution_mode = 'cache'\n"
        "nb_execution_cache_path = '_build/.jupyter_cache'\nnb_execution_raise_on_error = True\n"
        "book_dep_packages = ['toybook']\n")


def build(root: Path) -> dict:
    """Incremental build; returns the pages executed, the glued values and the ledger rows."""
    env = dict(os.environ, BOOK_PUBLISHED_DIR=str(root / "data" / "published"),
               PYTHONPATH=str(root))
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going",
                          ".", "_build/html"], env=env, cwd=root, capture_output=True, text=True,
                         timeout=300)
    seconds = time.perf_counter() - t0
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-4000:]
    executed = sorted(set(re.findall(r"([ab])\.md: Executing notebook", log)))
    html = {p: (root / "_build/html" / f"{p}.html").read_text() for p in "ab"}
    a_val = float(re.search(r"Value: <span[^>]*>([-0-9.]+)", html["a"]).group(1))
    ledger = {p.stem: json.loads(p.read_text()) for p in (root / "_build/ledger").glob("*.json")}
    return {"executed": executed, "a": a_val, "ledger": ledger, "seconds": seconds, "log": log}


@pytest.mark.build
@pytest.mark.slow
def test_changes_re_execute_exactly_the_dependent_pages(tmp_path):
    root = tmp_path / "toy"
    make_book(root)
    first = build(root)
    assert first["executed"] == ["a", "b"] and first["a"] == 12.0
    row = first["ledger"]["toy-design"]["rows"][0]
    assert row["ours"] == 12.0 and row["status"] == "within" and row["kind"] == "published"

    same = build(root)  # nothing changed: nothing re-executes
    assert same["executed"] == [] and same["a"] == 12.0

    def edit(rel, old, new):
        p = root / rel
        text = p.read_text()
        assert old in text
        p.write_text(text.replace(old, new))
        time.sleep(0.01)

    # 1. a helper (imported indirectly: helper -> util)
    edit("toybook/util.py", "2.0", "3.0")
    r = build(root)
    assert r["executed"] == ["a"] and r["a"] == 18.0
    assert r["ledger"]["toy-design"]["rows"][0]["status"] == "outside"
    edit("toybook/util.py", "3.0", "2.0")
    r = build(root)
    assert r["executed"] == [] and r["a"] == 12.0  # restored from the cache, not re-run
    assert r["ledger"]["toy-design"]["rows"][0]["status"] == "within"

    # 2. a published target: the page re-executes and the status follows the new target
    edit("data/published/toy-design.yaml", "value: 12.0", "value: 20.0")
    r = build(root)
    assert r["executed"] == ["a"]
    row = r["ledger"]["toy-design"]["rows"][0]
    assert row["published"] == 20.0 and row["status"] == "outside"
    assert "not reproduced" in (root / "_build/html/a.html").read_text()
    edit("data/published/toy-design.yaml", "value: 20.0", "value: 12.0")
    r = build(root)
    assert r["ledger"]["toy-design"]["rows"][0]["status"] == "within"

    # 3. a vendored data file
    edit("data/vendor/toy_data/x.csv", "3\n", "5\n")
    r = build(root)
    assert r["executed"] == ["a"] and r["a"] == 16.0
    assert r["ledger"]["toy-design"]["rows"][0]["ours"] == 16.0
    edit("data/vendor/toy_data/x.csv", "5\n", "3\n")
    r = build(root)
    assert r["executed"] == [] and r["a"] == 12.0
    assert r["ledger"]["toy-design"]["rows"][0]["ours"] == 12.0

    # 4. an orphaned ledger file disappears at the next build
    (root / "_build/ledger/gone.json").write_text("{}")
    r = build(root)
    assert set(r["ledger"]) == {"toy-design"}


def test_whole_folder_readers_follow_the_listing_not_the_folder_mtime(tmp_path):
    """A page that reads a whole folder (``data.registry()``) is re-read when a file is added
    or removed there, and not otherwise: the folder itself is not a Sphinx dependency (Sphinx
    treats a non-file dependency as missing and re-read such a page on every build)."""
    from types import SimpleNamespace

    from book.sphinxext import _always_outdated, _listing_changed, folder_listing

    reg = tmp_path / "registry"
    reg.mkdir()
    (reg / "a.yaml").write_text("id: a\n")
    env = SimpleNamespace(book_nb_sources={
        "appendix/data": {"folders": {str(reg): folder_listing(reg)}},
        "chapters/x": {"folders": {}},
    }, book_generated_docs={"scorecard"})
    assert _listing_changed(env) == []
    assert _always_outdated(None, env, set(), set(), set()) == ["scorecard"]
    (reg / "a.yaml").write_text("id: a\nchanged: true\n")  # a content change is a file dependency
    assert _listing_changed(env) == []
    (reg / "b.yaml").write_text("id: b\n")
    assert _listing_changed(env) == ["appendix/data"]
    assert _always_outdated(None, env, set(), set(), set()) == ["appendix/data", "scorecard"]
    (reg / "b.yaml").unlink()
    assert _listing_changed(env) == []


def test_memoised_dependency_walk_follows_file_edits(tmp_path):
    """The per-process memo of parsed modules (prewarmed before the readers fork) is keyed on
    each file's size and modification time: an edited module is parsed again."""
    import os

    from book.sphinxext import _module_closure, prewarm

    pkg = tmp_path / "toy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "b.py").write_text("y = 2\n")
    assert prewarm(tmp_path, ("toy",)) == 3
    names = {p.name for p in _module_closure(tmp_path, {"toy.a"}, ("toy",))}
    assert names == {"a.py"}
    (pkg / "a.py").write_text("from . import b\n")
    st = (pkg / "a.py").stat()
    os.utime(pkg / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    names = {p.name for p in _module_closure(tmp_path, {"toy.a"}, ("toy",))}
    assert names == {"__init__.py", "a.py", "b.py"}


def test_optional_files_enter_the_hash_when_they_appear(tmp_path, monkeypatch):
    """A page may branch on whether a download or an npm package file is there; the file's
    presence is part of the page's dependencies, so its cached output follows it."""
    from book.sphinxext import dependency_hash, page_dependencies

    cache = tmp_path / "cache"
    monkeypatch.setenv("BOOK_DATA_CACHE", str(cache))
    src = tmp_path / "book_src"
    (src / "data" / "registry").mkdir(parents=True)
    (src / "data" / "registry" / "dl.yaml").write_text(
        "id: dl\nobtain:\n  kind: url\n  files:\n    f.csv: {sha256: null}\n")
    (src / "data" / "registry" / "npmdata.yaml").write_text(
        "id: npmdata\nobtain:\n  kind: package\n  manager: npm\n  package: pkg\n"
        "  files:\n    g.json: {path: g.json, sha256: null}\n")
    page = ("---\njupytext:\n  formats: md:myst\n---\n\n```{code-cell} ipython3\n"
            "have = [x for x in ('dl', 'npmdata')]\n```\n")
    before = dependency_hash(src, page_dependencies(src, page, ()))
    (cache / "dl").mkdir(parents=True)
    (cache / "dl" / "f.csv").write_text("a,b\n1,2\n")
    with_download = dependency_hash(src, page_dependencies(src, page, ()))
    assert with_download != before
    (src / "node_modules" / "pkg").mkdir(parents=True)
    (src / "node_modules" / "pkg" / "g.json").write_text("{}")
    deps = page_dependencies(src, page, ())
    assert (src / "node_modules" / "pkg" / "g.json").resolve() in deps
    assert dependency_hash(src, deps) != with_download
    (cache / "dl" / "f.csv").unlink()
    (src / "node_modules" / "pkg" / "g.json").unlink()
    assert dependency_hash(src, page_dependencies(src, page, ())) == before
