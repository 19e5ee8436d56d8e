"""tools/compare_ledgers.py, the comparison behind `make determinism`: any differing ledger row
or glued value fails it, except glued wall-clock timings (names ending in _secs, _seconds,
_runtime; CONTRIBUTING.md)."""
from __future__ import annotations

import importlib.util
import json

from book import ROOT


def _tool():
    spec = importlib.util.spec_from_file_location("compare_ledgers",
                                                  ROOT / "tools" / "compare_ledgers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return str(p)


def test_timings_are_skipped_and_numbers_compared_exactly(tmp_path):
    cl = _tool()
    old = _write(tmp_path, "a.json", {"p.md": {"beta": "0.1", "fit_seconds": "1.2",
                                               "iu_runtime": "3", "k_second_state": "7"}})
    same = _write(tmp_path, "b.json", {"p.md": {"beta": "0.1", "fit_seconds": "9.9",
                                                "iu_runtime": "4", "k_second_state": "7"}})
    assert cl.compare_glue(old, same) == []
    moved = _write(tmp_path, "c.json", {"p.md": {"beta": "0.10000000001", "fit_seconds": "1.2",
                                                 "iu_runtime": "3", "k_second_state": "8"}})
    diffs = cl.compare_glue(old, moved)
    assert len(diffs) == 2 and "beta" in diffs[0] and "k_second_state" in diffs[1]


def test_differing_ledger_row_fails(tmp_path):
    cl = _tool()
    for d, ours in (("old", 0.5), ("new", 0.5000001)):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.json").write_text(json.dumps({"rows": [
            {"design": "x", "target": "t", "ours": ours, "ours_se": None, "published": 1.0,
             "status": "within"}]}))
    assert cl.main(str(tmp_path / "old"), str(tmp_path / "old")) == 0
    assert cl.main(str(tmp_path / "old"), str(tmp_path / "new")) == 1
