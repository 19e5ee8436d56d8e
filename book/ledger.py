"""Published-vs-ours ledger.

Every published number the book compares itself with is stored once, in
``data/published/<design>.yaml``, with its study (BibTeX key), table and page, value, standard
error if any, and a tolerance with the reason for it. Notebooks compute *ours* from data and
call :meth:`Ledger.record`; the published value is never an input to any computation.

:meth:`Ledger.table` displays the comparison (published, ours, gap, tolerance, status, kind).
The rows travel *with the executed notebook*: the output's metadata carries, under
``application/vnd.book.ledger+json``, what the page recorded (the same JSON is embedded in the
HTML table as a ``<script type="application/json" class="book-ledger">`` for the site tests). At every build,
:mod:`book.sphinxext` reads those bundles from the execution-cache records that match the
current code (and dependencies) of each page, evaluates them against the *current*
``data/published`` files (:func:`_rows_from_payload`) and regenerates ``_build/ledger/`` from
scratch (orphans deleted). The test-suite and the chapter 7 scorecard read that folder.

YAML layout::

    design: ch4-convergence
    page: chapters/04-agglomeration-growth/convergence
    targets:
      - id: bsm1991_us_states_beta
        study: barro1991convergence        # key in references.bib
        kind: published                    # published | peer | qualitative | closed-form | simulation
        source: "Brookings Papers 1991(1), abstract, p. 107"
        quantity: "convergence rate beta, US states, personal income"
        value: 0.02
        se: null
        tolerance: 0.01
        tolerance_kind: abs                # abs | rel
        reason: "the paper says 'around 2 percent per year'; our span is 1929-2009"
        expect: within                     # within | outside (a documented, explained gap)
        explanation: ""                    # required when expect is outside
"""
from __future__ import annotations

import html
import json
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import BUILD, ROOT, load_yaml
from .errors import LedgerError

#: published targets; ``$BOOK_PUBLISHED_DIR`` overrides it (used by the small test book)
PUBLISHED_DIR = Path(os.environ.get("BOOK_PUBLISHED_DIR") or ROOT / "data" / "published")
#: MIME type of the ledger bundle in a notebook output
MIME = "application/vnd.book.ledger+json"
LEDGER_DIR = BUILD / "ledger"
_TARGET_FIELDS = ("id", "study", "kind", "source", "quantity", "value", "tolerance", "reason")
#: what a target is; only the first two count as reproductions on the scorecard
KINDS = {
    "published": "printed in the study itself (table and page given in the source)",
    "peer": "printed output of another implementation on the same data (e.g. plm, splm)",
    "qualitative": "a sign, significance or regularity the study states in prose",
    "closed-form": "the same model solved two ways (numerical vs closed form)",
    "simulation": "the known truth of a simulated process",
}
REPRODUCTION_KINDS = ("published", "peer")


@dataclass(frozen=True)
class Target:
    """One published number and how close ours must come to it."""

    id: str
    study: str
    kind: str
    source: str
    quantity: str
    value: float
    tolerance: float
    reason: str
    se: float | None = None
    tolerance_kind: str = "abs"
    expect: str = "within"
    explanation: str = ""

    def allowed_gap(self) -> float:
        """Absolute gap allowed (``tolerance``, or ``tolerance * |value|`` when relative)."""
        if self.tolerance_kind == "rel":
            return self.tolerance * abs(self.value)
        return self.tolerance

    def evaluate(self, design: str, ours: float, ours_se: float | None = None,
                 note: str = "") -> dict:
        """The ledger row for *ours* against this target as it is now."""
        gap = ours - self.value
        within = abs(gap) <= self.allowed_gap() + 1e-12
        status = "within" if within else "outside"
        return {
            "design": design, "target": self.id, "study": self.study, "kind": self.kind,
            "source": self.source, "quantity": self.quantity, "published": self.value,
            "published_se": self.se, "ours": ours, "ours_se": ours_se, "gap": gap,
            "tolerance": self.allowed_gap(), "tolerance_reason": self.reason,
            "status": status, "expected": self.expect, "ok": status == self.expect,
            "reproduced": (status == "within") if self.kind in REPRODUCTION_KINDS else None,
            "explanation": self.explanation, "note": note,
        }


def _load_targets(design: str, published_dir: Path | None = None) -> tuple[dict, dict[str, Target]]:
    pdir = PUBLISHED_DIR if published_dir is None else Path(published_dir)
    path = pdir / f"{design}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in pdir.glob("*.yaml"))
        raise LedgerError(f"no published targets file {path}; known designs: {known}.")
    with open(path, encoding="utf-8") as fh:
        doc = load_yaml(fh)
    if doc.get("design") != design:
        raise LedgerError(f"{path.name} declares design {doc.get('design')!r}, expected {design!r}.")
    targets: dict[str, Target] = {}
    for i, raw in enumerate(doc.get("targets") or []):
        missing = [f for f in _TARGET_FIELDS if raw.get(f) is None]
        if missing:
            hint = (f" Every target needs kind: one of {sorted(KINDS)}." if "kind" in missing else "")
            raise LedgerError(f"{path.name} target #{i} ({raw.get('id')}) lacks {missing}.{hint}")
        if raw["kind"] not in KINDS:
            raise LedgerError(f"{path.name} target {raw['id']!r}: unknown kind {raw['kind']!r}; "
                              f"use one of {sorted(KINDS)} (see book/ledger.py KINDS).")
        if raw["id"] in targets:
            raise LedgerError(f"{path.name}: duplicated target id {raw['id']!r}.")
        t = Target(**raw)
        if t.tolerance_kind not in ("abs", "rel"):
            raise LedgerError(f"{t.id}: tolerance_kind must be 'abs' or 'rel'.")
        if t.expect not in ("within", "outside"):
            raise LedgerError(f"{t.id}: expect must be 'within' or 'outside'.")
        if t.expect == "outside" and not t.explanation.strip():
            raise LedgerError(f"{t.id}: a target expected outside its tolerance needs an explanation.")
        if not t.tolerance >= 0:
            raise LedgerError(f"{t.id}: tolerance must be >= 0.")
        targets[t.id] = t
    if not targets:
        raise LedgerError(f"{path.name} holds no targets.")
    return doc, targets


def all_designs(published_dir: Path | None = None) -> list[str]:
    """Every design that has a published-targets file."""
    pdir = PUBLISHED_DIR if published_dir is None else Path(published_dir)
    if not pdir.is_dir():
        raise LedgerError(f"no published targets folder {pdir}; run from a full "
                          "checkout of the book (data/published/*.yaml).")
    return sorted(p.stem for p in pdir.glob("*.yaml"))


class Ledger:
    """Collect *ours* for each published target of one design (one notebook).

    Parameters
    ----------
    design : str
        Name of ``data/published/<design>.yaml``.

    Examples
    --------
    >>> L = Ledger("ch4-convergence")                         # doctest: +SKIP
    >>> L.record("bsm1991_us_states_beta", ours=0.0183, se=0.002)   # doctest: +SKIP
    >>> L.table()                                              # doctest: +SKIP
    """

    def __init__(self, design: str):
        self.design = design
        self.meta, self.targets = _load_targets(design)
        self._ours: dict[str, dict] = {}

    def record(self, target_id: str, ours: float, *, se: float | None = None, note: str = "") -> dict:
        """Record our estimate for ``target_id``; returns the finished row."""
        if target_id not in self.targets:
            raise LedgerError(f"{target_id!r} is not a target of {self.design}; targets: "
                              f"{sorted(self.targets)}. Add it to data/published/{self.design}.yaml.")
        if target_id in self._ours:
            raise LedgerError(f"{target_id!r} was already recorded in this ledger.")
        if getattr(ours, "ndim", None) == 0 and getattr(ours, "dtype", None) is not None \
                and ours.dtype.kind in "iuf":
            ours = ours.item()  # a 0-d numpy array
        if isinstance(ours, (str, bytes, bool)) or not isinstance(ours, numbers.Real):
            raise LedgerError(f"ours for {target_id!r} must be a number, got {ours!r} "
                              f"({type(ours).__name__}); pass the estimate, not its text.")
        ours = float(ours)
        if not math.isfinite(ours):
            raise LedgerError(f"ours for {target_id!r} is not finite ({ours}); fix the estimate.")
        if se is not None:
            if isinstance(se, (str, bytes, bool)) or not isinstance(se, numbers.Real) \
                    or not math.isfinite(float(se)) or float(se) < 0:
                raise LedgerError(f"se for {target_id!r} must be a finite number >= 0 or None, "
                                  f"got {se!r}.")
        self._ours[target_id] = {"ours": ours, "ours_se": None if se is None else float(se),
                                 "note": note}
        return self.row(target_id)

    def row(self, target_id: str) -> dict:
        o = self._ours[target_id]
        return self.targets[target_id].evaluate(self.design, o["ours"], o["ours_se"], o["note"])

    def rows(self) -> list[dict]:
        missing = sorted(set(self.targets) - set(self._ours))
        if missing:
            raise LedgerError(f"{self.design}: no estimate recorded for {missing}; record every "
                              "target (nothing is dropped silently).")
        return [self.row(t) for t in self.targets]

    def payload(self) -> dict:
        """What this page recorded (the bundle a notebook output carries; no statuses)."""
        self.rows()  # every target recorded, or a clear error
        return {"design": self.design, "page": self.meta.get("page", ""),
                "recorded": {tid: dict(self._ours[tid]) for tid in self.targets}}

    def save(self, ledger_dir: Path | None = None) -> Path:
        """Write the rows to ``<ledger_dir>/<design>.json`` (default ``_build/ledger``).

        The book build does this itself from the executed notebooks (see the module docstring);
        pages do not call it.
        """
        return _write_rows(self.design, self.meta.get("page", ""), self.rows(),
                          LEDGER_DIR if ledger_dir is None else Path(ledger_dir))

    def table(self) -> LedgerTable:
        """Published vs ours: displays as a compact HTML table and carries the ledger bundle."""
        return LedgerTable(self.design, self.rows(), self.payload())


@dataclass
class LedgerTable:
    """The published-vs-ours table of one design, as a notebook displays it.

    ``_repr_mimebundle_`` gives ``text/html`` (the compact table, see :func:`_table_html`) and
    ``text/plain``, with the ledger bundle in the output metadata under :data:`MIME` (an extra
    mime type would make myst-nb warn "unknown mime type").
    """

    design: str
    rows: list[dict]
    payload: dict

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (formatted strings), indexed by target id."""
        df = pd.DataFrame(self.rows)
        out = pd.DataFrame({
            "quantity": df["quantity"], "source": df["source"],
            "published": df["published"].map(_fmt),
            "ours": [_fmt(v) + (f" ({_fmt(s)})" if s is not None else "")
                     for v, s in zip(df["ours"], df["ours_se"], strict=True)],
            "gap": df["gap"].map(_fmt), "tolerance": df["tolerance"].map(_fmt),
            "status": [_badge(r)[0] for r in self.rows], "kind": df["kind"],
        })
        out.index = df["target"].rename("target")
        return out

    def __repr__(self) -> str:
        return self.frame.to_string()

    def _repr_html_(self) -> str:
        data = json.dumps(self.payload, sort_keys=True).replace("</", "<\\/")
        return (_table_html(self.rows, self.design)
                + f"<script type='application/json' class='book-ledger'>{data}</script>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return ({"text/plain": repr(self), "text/html": self._repr_html_()}, {MIME: self.payload})


def _badge(row: dict) -> tuple[str, str]:
    """(label, css class) of a row's status badge.

    Published and peer rows are *reproduced* or *not reproduced* -- a row outside its tolerance
    is not reproduced even when the page explains why. Other kinds are *agrees* / *differs*.
    A status other than the one the targets file expects is flagged *unexpected*.
    """
    within = row["status"] == "within"
    if row["kind"] in REPRODUCTION_KINDS:
        label = "reproduced" if within else "not reproduced"
    else:
        label = "agrees" if within else "differs"
    if not row["ok"]:
        return ("✗ " + label + " (unexpected)", "ledger-bad")
    if within:
        return ("✓ " + label, "ledger-ok")
    return ("✗ " + label + " (explained)", "ledger-explained")


def _table_html(rows: list[dict], design: str) -> str:
    """Compact published-vs-ours table; sources, tolerance reasons and explanations as notes.

    Styled by ``_static/ledger.css`` (fits the text column; stacks on a phone; prints whole).
    """
    e = html.escape
    head = ("<thead><tr><th>quantity</th><th>published</th><th>ours (s.e.)</th><th>gap</th>"
            "<th>tolerance</th><th>status</th><th>kind</th></tr></thead>")
    body, notes = [], []
    for i, r in enumerate(rows, 1):
        nid = f"ledger-{e(design)}-n{i}"
        label, cls = _badge(r)
        se = f" <span class='ledger-se'>({_fmt(r['ours_se'])})</span>" if r["ours_se"] is not None else ""
        pse = f" <span class='ledger-se'>({_fmt(r['published_se'])})</span>" if r["published_se"] is not None else ""
        body.append(
            f"<tr id='ledger-{e(design)}-{e(r['target'])}'>"
            f"<td data-label='quantity'>{e(r['quantity'])}<sup><a href='#{nid}'>{i}</a></sup></td>"
            f"<td data-label='published' title='{e(r['source'])}'>{_fmt(r['published'])}{pse}</td>"
            f"<td data-label='ours (s.e.)'>{_fmt(r['ours'])}{se}</td>"
            f"<td data-label='gap'>{_fmt(r['gap'])}</td>"
            f"<td data-label='tolerance'>±{_fmt(r['tolerance'])}</td>"
            f"<td data-label='status'><span class='ledger-badge {cls}'>{e(label)}</span></td>"
            f"<td data-label='kind'><span class='ledger-kind ledger-kind-{e(r['kind'])}'>"
            f"{e(r['kind'])}</span></td></tr>")
        extra = f" <em>Gap explained:</em> {e(r['explanation'])}" if r["explanation"] else ""
        note = f" {e(r['note'])}." if r["note"] else ""
        notes.append(f"<li id='{nid}'><code>{e(r['target'])}</code> — {e(r['source'])} "
                     f"[{e(r['study'])}]. <em>Tolerance:</em> {e(r['tolerance_reason'])}{extra}{note}</li>")
    return (f"<div class='ledger' id='ledger-{e(design)}'><table class='ledger-table'>{head}"
            f"<tbody>{''.join(body)}</tbody></table>"
            f"<ol class='ledger-notes'>{''.join(notes)}</ol></div>")


def _rows_from_payload(payload: dict, published_dir: Path | None = None) -> tuple[list[dict], list[str]]:
    """Evaluate a recorded bundle against the *current* targets file.

    Returns the rows (status, gap and tolerance as the targets are now) and a list of problems:
    targets with no recorded estimate, recorded estimates for targets that no longer exist.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("design"), str):
        raise LedgerError(f"not a ledger bundle: {str(payload)[:80]!r}; rebuild the page "
                          "(it must end its ledger cell with L.table()).")
    design = payload["design"]
    _, targets = _load_targets(design, published_dir)
    rec = payload.get("recorded") or {}
    rows = [t.evaluate(design, float(rec[tid]["ours"]), rec[tid].get("ours_se"),
                       rec[tid].get("note", "")) for tid, t in targets.items() if tid in rec]
    problems = [f"{design}/{tid}: no estimate recorded" for tid in targets if tid not in rec]
    problems += [f"{design}/{tid}: recorded but not a target any more" for tid in rec
                 if tid not in targets]
    return rows, problems


def _write_rows(design: str, page: str, rows: list[dict], ledger_dir: Path) -> Path:
    """Write one design's rows to ``<ledger_dir>/<design>.json`` (sorted keys)."""
    ledger_dir.mkdir(parents=True, exist_ok=True)
    path = ledger_dir / f"{design}.json"
    payload = {"design": design, "page": page, "rows": rows}
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    return path


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    v = float(v)
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 1e-3:
        return f"{v:.3g}"
    return f"{v:.4f}".rstrip("0").rstrip(".")


def collect(ledger_dir: Path | None = None) -> pd.DataFrame:
    """Every saved ledger row of the book (for the scorecard and the tests)."""
    d = LEDGER_DIR if ledger_dir is None else Path(ledger_dir)
    frames = []
    for path in sorted(d.glob("*.json")):
        try:
            payload = json.loads(path.read_text())
            rows = payload["rows"]
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerError(f"{path.name} in {d} is not a ledger file ({exc}); delete it and "
                              "rebuild the page that writes it (make book).") from None
        frames.append(pd.DataFrame(rows).assign(page=payload.get("page", "")))
    if not frames:
        raise LedgerError(f"no ledger rows in {d}; build the book first (make book).")
    return pd.concat(frames, ignore_index=True)
