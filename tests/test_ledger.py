"""The published-vs-ours ledger: mechanics (unit) and the book's rows (after the build)."""
import json

import pytest
import yaml

from book import ledger as lg
from book.errors import LedgerError


@pytest.fixture
def published(tmp_path, monkeypatch):
    monkeypatch.setattr(lg, "PUBLISHED_DIR", tmp_path / "published")
    monkeypatch.setattr(lg, "LEDGER_DIR", tmp_path / "ledger")
    (tmp_path / "published").mkdir()

    def write(targets, design="toy"):
        doc = {"design": design, "page": "x", "targets": targets}
        (tmp_path / "published" / f"{design}.yaml").write_text(yaml.safe_dump(doc))
    return write


def target(**kw):
    base = dict(id="t1", study="s", kind="published", source="Table 1, p. 2", quantity="q", value=0.02,
                tolerance=0.005, reason="rounding")
    base.update(kw)
    return base


def test_status_and_gap(published):
    published([target(), target(id="t2", value=10.0, tolerance=0.1, tolerance_kind="rel")])
    L = lg.Ledger("toy")
    r1 = L.record("t1", 0.0249)
    assert r1["status"] == "within" and r1["gap"] == pytest.approx(0.0049)
    r2 = L.record("t2", 11.5)
    assert r2["status"] == "outside" and not r2["ok"] and r2["tolerance"] == pytest.approx(1.0)
    path = L.save()
    rows = json.loads(path.read_text())["rows"]
    assert [r["target"] for r in rows] == ["t1", "t2"]
    assert list(L.table().columns) == ["quantity", "source", "published", "ours", "gap",
                                       "tolerance", "status"]


def test_explained_outside(published):
    published([target(expect="outside", explanation="data revised")])
    L = lg.Ledger("toy")
    assert L.record("t1", 0.05)["ok"]


@pytest.mark.parametrize("targets, msg", [
    ([target(expect="outside")], "needs an explanation"),
    ([target(), target()], "duplicated target"),
    ([target(tolerance=None)], "lacks"),
    ([target(tolerance_kind="pct")], "tolerance_kind"),
    ([target(kind=None)], "Every target needs kind"),
    ([target(kind="replication")], "unknown kind 'replication'"),
    ([], "holds no targets"),
])
def test_bad_target_files(published, targets, msg):
    published(targets)
    with pytest.raises(LedgerError, match=msg):
        lg.Ledger("toy")


def test_recording_errors(published):
    published([target(), target(id="t2")])
    L = lg.Ledger("toy")
    with pytest.raises(LedgerError, match="not a target"):
        L.record("t9", 1.0)
    L.record("t1", 0.02)
    with pytest.raises(LedgerError, match="already recorded"):
        L.record("t1", 0.02)
    with pytest.raises(LedgerError, match="not finite"):
        L.record("t2", float("nan"))
    with pytest.raises(LedgerError, match="no estimate recorded for \\['t2'\\]"):
        L.save()
    with pytest.raises(LedgerError, match="no published targets file"):
        lg.Ledger("missing")


# ---------------------------------------------------------------- after the build
@pytest.mark.build
@pytest.mark.parametrize("design", lg.all_designs())
def test_book_ledger_rows(design, built_html):
    """Every published target has a row written by its notebook, and each row is as expected."""
    path = lg.LEDGER_DIR / f"{design}.json"
    assert path.exists(), f"{design}: its notebook wrote no ledger rows (did it call Ledger.table()?)"
    rows = {r["target"]: r for r in json.loads(path.read_text())["rows"]}
    _, targets = lg._load_targets(design)
    assert set(rows) == set(targets)
    for tid, t in targets.items():
        r = rows[tid]
        assert r["published"] == t.value, f"{tid}: published value altered"
        assert abs(r["ours"] - t.value) - t.allowed_gap() <= 1e-12 if t.expect == "within" else True
        assert r["status"] == t.expect, (
            f"{design}/{tid}: ours={r['ours']:.6g}, published={t.value}, gap={r['gap']:.3g}, "
            f"tolerance={t.allowed_gap():.3g} -> {r['status']}, expected {t.expect}")
