"""Print the single-page HTML build of the book to PDF with Debian's Chromium (offline).

Usage: python tools/print_pdf.py [_build/singlehtml] [_build/pdf/book.pdf]

Serves the folder on 127.0.0.1, waits for MathJax to finish typesetting, and prints A4 pages.
No browser is downloaded: Playwright drives /usr/bin/chromium.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from book.serve import CHROMIUM_ARGS, serve


def main(src: str = "_build/singlehtml", out: str = "_build/pdf/book.pdf") -> Path:
    from playwright.sync_api import sync_playwright

    src_path, out_path = Path(src), Path(out)
    if not (src_path / "index.html").exists():
        raise SystemExit(f"{src_path}/index.html missing: build the single-page HTML first "
                         "(make pdf does).")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise SystemExit("Chromium not found: apt-get install -y chromium fonts-wqy-zenhei")

    with serve(src_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/index.html", wait_until="networkidle", timeout=120_000)
        page.wait_for_function(
            "() => !window.MathJax || !window.MathJax.startup || "
            "window.MathJax.startup.promise.then(() => true)", timeout=120_000)
        page.emulate_media(media="print")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out_path), format="A4", print_background=True,
                 margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
        browser.close()
    print(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.1f} MB)")
    return out_path


if __name__ == "__main__":
    main(*sys.argv[1:])
