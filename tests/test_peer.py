"""Peer suite (``make peer``): the book's estimators against R on the same data.

Deselected by default (marker ``peer``); runs tools/peer/run.py when Rscript and the R
packages are installed, and fails if any comparison is outside its stated tolerance.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_runner():
    spec = importlib.util.spec_from_file_location("peer_run", ROOT / "tools" / "peer" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["peer_run"] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def _have_r() -> bool:
    if shutil.which("Rscript") is None:
        return False
    p = subprocess.run(["Rscript", "-e", "for (p in c('spdep','spatialreg','plm','MASS',"
                        "'sandwich')) stopifnot(requireNamespace(p, quietly=TRUE))"],
                       capture_output=True)
    return p.returncode == 0


@pytest.mark.peer
@pytest.mark.slow
def test_peer_suite_agrees_with_r(tmp_path, capsys):
    if not _have_r():
        pytest.skip("Rscript with spdep/spatialreg/plm/MASS/sandwich not installed (make peer)")
    run = _load_runner()
    rc = run.main(["--json", str(tmp_path / "peer.json")])
    out = capsys.readouterr().out
    sys.stdout.write(out)
    assert rc == 0, "peer comparisons outside tolerance:\n" + out[-4000:]
    import json
    rows = json.loads((tmp_path / "peer.json").read_text())
    groups = {r["group"] for r in rows}
    assert {"convergence", "spatial", "panels", "mrw", "counts"} <= groups
    assert all(r["verdict"] in ("ok", "info") for r in rows)


def test_peer_rows_have_reasons_and_tolerances(tmp_path):
    """Runs without R: every row the runner defines carries a tolerance and a reason."""
    import warnings

    from book import data

    run = _load_runner()
    run.ROWS.clear()
    warnings.simplefilter("ignore")
    w, wb = run.us_weights()
    run.prepare_convergence(tmp_path, w, wb)
    run.prepare_spatial(tmp_path, w, data.load("us_income"))
    assert len(run.ROWS) > 20
    for r in run.ROWS:
        assert r.reason, r.key
        assert r.kind in ("rel", "abs", "info"), r.key
        assert r.kind == "info" or r.tol > 0, r.key
    assert (tmp_path / "us_cs_1929_2009.csv").exists()
