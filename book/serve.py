"""Serve a folder on 127.0.0.1 for the browser tests, the PDF printer and download tests.

Nothing here listens beyond the loopback interface. Chromium is Debian's (``/usr/bin/chromium``)
driven by Playwright with the flags below; no browser is ever downloaded.
"""
from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BookInputError

#: flags for headless Chromium on a machine with no network (no background connections)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test and build output clean
        pass


@contextmanager
def serve(folder: str | Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port); yield the base URL.

    Examples
    --------
    >>> with serve("_build/html") as url:        # doctest: +SKIP
    ...     print(url)                            # http://127.0.0.1:PORT
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BookInputError(f"cannot serve {folder}: it is not a folder (build the site first, "
                             "e.g. `make book`).")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
