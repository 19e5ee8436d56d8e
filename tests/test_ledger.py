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
    assert list(L.table().frame.columns) == ["quantity", "source", "published", "ours", "gap",
                                             "tolerance", "status", "kind"]


def test_table_carries_the_recorded_bundle(published):
    """The notebook output holds what was recorded (metadata and an embedded JSON script);
    statuses are not stored in it but computed from the targets file when the book is built."""
    published([target(), target(id="t2", kind="simulation", value=1.0, tolerance=0.1)])
    L = lg.Ledger("toy")
    L.record("t1", 0.03, se=0.01, note="n")
    L.record("t2", 1.05)
    data, meta = L.table()._repr_mimebundle_()
    payload = meta[lg.MIME]
    assert payload["recorded"]["t1"] == {"ours": 0.03, "ours_se": 0.01, "note": "n"}
    assert set(data) == {"text/plain", "text/html"}
    html = data["text/html"]
    assert "not reproduced" in html and "✓ agrees" in html  # t1 published outside, t2 simulation
    assert "ledger-toy-t1" in html and "<script type='application/json' class='book-ledger'>" in html
    embedded = json.loads(html.split("class='book-ledger'>")[1].split("</script>")[0])
    assert embedded == payload


def test_status_follows_the_current_targets_file(published):
    """A changed value or tolerance changes the status at render time, without a rerun."""
    published([target(value=0.02, tolerance=0.005)])
    L = lg.Ledger("toy")
    L.record("t1", 0.024)
    payload = L.payload()
    rows, problems = lg._rows_from_payload(payload)
    assert rows[0]["status"] == "within" and rows[0]["reproduced"] and not problems
    published([target(value=0.02, tolerance=0.001), target(id="t3")])
    rows, problems = lg._rows_from_payload(payload)
    assert rows[0]["status"] == "outside" and rows[0]["reproduced"] is False
    assert problems == ["toy/t3: no estimate recorded"]


@pytest.mark.parametrize("kind, status, expect, label", [
    ("published", "within", "within", "✓ reproduced"),
    ("peer", "outside", "outside", "✗ not reproduced (explained)"),
    ("published", "outside", "within", "✗ not reproduced (unexpected)"),
    ("closed-form", "within", "within", "✓ agrees"),
    ("simulation", "outside", "outside", "✗ differs (explained)"),
])
def test_badges(kind, status, expect, label):
    row = {"kind": kind, "status": status, "ok": status == expect}
    assert lg._badge(row)[0] == label


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
def page_payload(built_html, design):
    """The ledger bundle embedded in the built page of ``design`` (what the reader sees)."""
    from bs4 import BeautifulSoup

    meta, _ = lg._load_targets(design)
    page = built_html / f"{meta['page']}.html"
    assert page.exists(), f"{design}: its page {meta['page']} was not built"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    found = [json.loads(s.string) for s in soup.select("script.book-ledger")]
    found = [p for p in found if p["design"] == design]
    assert len(found) == 1, f"{design}: {len(found)} ledger tables on {meta['page']} (want 1)"
    return found[0], soup


@pytest.mark.build
@pytest.mark.parametrize("design", lg.all_designs())
def test_book_ledger_rows(design, built_html):
    """The built page of every design shows a ledger table whose recorded estimates, evaluated
    against the current targets file, are as expected -- and _build/ledger holds the same rows."""
    payload, soup = page_payload(built_html, design)
    rows, problems = lg._rows_from_payload(payload)
    assert not problems, problems
    _, targets = lg._load_targets(design)
    assert [r["target"] for r in rows] == list(targets)
    for r in rows:
        t = targets[r["target"]]
        assert r["status"] == t.expect, (
            f"{design}/{t.id}: ours={r['ours']:.6g}, published={t.value}, gap={r['gap']:.3g}, "
            f"tolerance={t.allowed_gap():.3g} -> {r['status']}, expected {t.expect}")
        shown = soup.select_one(f"tr#ledger-{design}-{t.id}")
        assert shown is not None, f"{design}/{t.id}: no row in the page's table"
        assert lg._badge(r)[0] in shown.get_text(), f"{design}/{t.id}: the page shows another status"
    path = lg.LEDGER_DIR / f"{design}.json"
    assert path.exists(), f"{design}: no {path.name} in _build/ledger (the build regenerates it)"
    saved = {r["target"]: r for r in json.loads(path.read_text())["rows"]}
    assert {k: (v["ours"], v["status"]) for k, v in saved.items()} == \
        {r["target"]: (r["ours"], r["status"]) for r in rows}, f"{design}: ledger file is stale"


@pytest.mark.build
def test_no_orphan_ledger_files(built_html):
    """_build/ledger holds exactly the designs that have targets (no file of a removed design)."""
    assert sorted(p.stem for p in lg.LEDGER_DIR.glob("*.json")) == lg.all_designs()
