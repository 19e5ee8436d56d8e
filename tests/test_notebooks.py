"""Every page in the table of contents that is a notebook was executed, without error, with its
current code (the jupyter-cache of the build holds a record matching the file as it is now)."""
import re

import pytest
import yaml
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook

from book import ROOT


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


NOTEBOOKS = [f for f in toc_files() if is_notebook((ROOT / f"{f}.md").read_text())]


def test_toc_files_exist():
    for f in toc_files():
        assert (ROOT / f"{f}.md").exists(), f"_toc.yml lists {f} but {f}.md is missing"


@pytest.mark.build
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_executed_with_current_code(page, built_html):
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    nb = read_myst_markdown_notebook((ROOT / f"{page}.md").read_text())
    try:
        record = cache.match_cache_notebook(nb)
    except KeyError:
        pytest.fail(f"{page}: no successful execution of the current code in the build cache; "
                    "run `make book` (a failing cell fails the build).")
    assert record.data.get("execution_seconds", 0) < 300, f"{page} took over 5 minutes"
