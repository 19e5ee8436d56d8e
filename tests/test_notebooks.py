"""Every page in the table of contents that is a notebook was executed, without error, with its
current code AND its current dependencies: the jupyter-cache of the build holds a record matching
the page as the build reads it now -- its text plus the hidden cell with the hash of the ``book``
modules, data and published targets it depends on (``book.sphinxext.with_dependency_cell``).
A change to any of those since the build leaves no matching record, and the test fails."""
import re

import pytest
import yaml
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook

from book import ROOT
from book.sphinxext import dependency_hash, page_dependencies, with_dependency_cell


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(toc.get("parts", []))
    return files


def is_notebook(text: str) -> bool:
    return bool(re.match(r"^---\s*\n(.*?\n)?jupytext:", text, re.S)) and "{code-cell}" in text


NOTEBOOKS = [f for f in toc_files()  # a missing file fails test_toc_files_exist, not collection
             if (ROOT / f"{f}.md").exists() and is_notebook((ROOT / f"{f}.md").read_text())]


def test_toc_files_exist():
    for f in toc_files():
        assert (ROOT / f"{f}.md").exists(), f"_toc.yml lists {f} but {f}.md is missing"


def test_dependency_hash_sees_helpers_data_and_targets():
    """The dependencies of the model page include its helper modules (transitively), its data
    set's registry entry and the published targets; the hash changes with any of them."""
    page = "chapters/04-agglomeration-growth/convergence"
    text = (ROOT / f"{page}.md").read_text()
    deps = {p.relative_to(ROOT).as_posix() for p in page_dependencies(ROOT, text)}
    for need in ("book/__init__.py", "book/convergence.py", "book/ledger.py", "book/data.py",
                 "data/registry/us_income.yaml", "data/published/ch4-convergence.yaml"):
        assert need in deps, f"{need} missing from the dependencies of {page}"
    assert not any(d.startswith("book/theory/") for d in deps), "unrelated module listed"
    full, _ = with_dependency_cell(ROOT, text)
    assert full.startswith(text.rstrip("\n")) and "remove-cell" in full[len(text.rstrip()):]


def test_a_page_reading_the_whole_registry_depends_on_every_entry():
    """appendix/data calls data.registry(): every registry file, and the folder (a new entry
    changes its modification time), are dependencies."""
    text = (ROOT / "appendix/data.md").read_text()
    deps = set(page_dependencies(ROOT, text))
    reg = ROOT / "data" / "registry"
    assert reg.resolve() in deps
    assert {p.resolve() for p in reg.glob("*.yaml")} <= deps


def test_dependency_hash_changes_with_content(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "__init__.py").write_text("SEED = 1\n")
    (tmp_path / "book" / "a.py").write_text("from .b import f\n")
    (tmp_path / "book" / "b.py").write_text("def f(): return 1\n")
    text = ("---\njupytext:\n  formats: md:myst\n---\n# T\n\n```{code-cell} ipython3\n"
            "from book import a\n```\n")
    deps = page_dependencies(tmp_path, text)
    assert [p.name for p in deps] == ["__init__.py", "a.py", "b.py"]
    h1 = dependency_hash(tmp_path, deps)
    (tmp_path / "book" / "b.py").write_text("def f(): return 2\n")
    assert dependency_hash(tmp_path, deps) != h1


@pytest.mark.build
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_executed_with_current_code(page, built_html):
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    text, _ = with_dependency_cell(ROOT, (ROOT / f"{page}.md").read_text())
    try:
        record = cache.match_cache_notebook(read_myst_markdown_notebook(text))
    except KeyError:
        pytest.fail(f"{page}: no successful execution of the current code and dependencies in "
                    "the build cache; run `make book` (a failing cell fails the build).")
    assert record.data.get("execution_seconds", 0) < 300, f"{page} took over 5 minutes"


@pytest.mark.build
def test_determinism_dump_sees_every_glued_page(built_html):
    """`make determinism` compares the glued values of two builds (tools/dump_glue.py); the
    dump must find the current record of every page that glues, or it compares nothing (it once
    matched the page text without the dependency cell and silently found 0 values)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dump_glue", ROOT / "tools" / "dump_glue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    values = mod.glued_values(ROOT / "_build" / ".jupyter_cache", ROOT)
    gluing = {f"{p}.md" for p in NOTEBOOKS if "glue(" in (ROOT / f"{p}.md").read_text()}
    missing = sorted(p for p in gluing if not values.get(p))
    assert not missing, f"no glued values found for {missing}"
