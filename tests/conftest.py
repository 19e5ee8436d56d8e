"""Shared fixtures: repository paths, the built site, a loopback HTTP server, Munnell's Produc
with its log columns."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The built site; build tests fail (not skip) when it is missing."""
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make book` first (make test does it for you).")
    return HTML


@pytest.fixture
def loopback_server(tmp_path):
    """Serve ``tmp_path/'srv'`` on 127.0.0.1 on a free port; yields (base_url, folder)."""
    from book.serve import serve

    folder = tmp_path / "srv"
    folder.mkdir()
    with serve(folder) as url:
        yield url, folder


@pytest.fixture
def data_cache(tmp_path, monkeypatch):
    """An empty download cache for book.data (``$BOOK_DATA_CACHE``), in which a loopback test file
    whose hash the registry does not pin may be accepted once (``BOOK_ACCEPT_UNPINNED=1``)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BOOK_DATA_CACHE", str(cache))
    monkeypatch.setenv("BOOK_ACCEPT_UNPINNED", "1")
    return cache


@pytest.fixture(scope="module")
def produc():
    """Munnell's Produc panel (48 states, 1970-86) with the logs of gsp, pcap, pc and emp
    (``lgsp`` ...), as the spatial-panel page builds them."""
    import numpy as np

    from book import data

    p = data.load("munnell_produc")
    for c in ("gsp", "pcap", "pc", "emp"):
        p["l" + c] = np.log(p[c])
    return p
