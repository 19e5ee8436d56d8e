"""Shared fixtures: repository paths, the built site, a loopback HTTP server."""
from __future__ import annotations

import functools
import http.server
import threading
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def loopback_server(tmp_path):
    """Serve ``tmp_path/'srv'`` on 127.0.0.1 on a free port; yields (base_url, folder)."""
    folder = tmp_path / "srv"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def data_cache(tmp_path, monkeypatch):
    """An empty download cache for book.data (``$BOOK_DATA_CACHE``)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BOOK_DATA_CACHE", str(cache))
    return cache
