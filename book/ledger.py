"""Published-vs-ours ledger.

Every published number the book compares itself with is stored once, in
``data/published/<design>.yaml``, with its study (BibTeX key), table and page, value, standard
error if any, and a tolerance with the reason for it. Notebooks compute *ours* from data and
call :meth:`Ledger.record`; the published value is never an input to any computation.

:meth:`Ledger.table` returns the comparison (published, ours, gap, tolerance, status) and writes
the rows to ``_build/ledger/<design>.json``; the test-suite asserts those rows and the chapter 7
scorecard gathers them.

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

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import BUILD, ROOT
from .errors import LedgerError

PUBLISHED_DIR = ROOT / "data" / "published"
LEDGER_DIR = BUILD / "ledger"
_TARGET_FIELDS = ("id", "study", "kind", "source", "quantity", "value", "tolerance", "reason")
#: what a target is; only the first two count as reproductions on the scorecard
KINDS = {
    "published": "printed in the study itself (table and page in `source`)",
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


def _load_targets(design: str) -> tuple[dict, dict[str, Target]]:
    path = PUBLISHED_DIR / f"{design}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in PUBLISHED_DIR.glob("*.yaml"))
        raise LedgerError(f"no published targets file {path}; known designs: {known}.")
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
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


def all_designs() -> list[str]:
    """Every design that has a published-targets file."""
    if not PUBLISHED_DIR.is_dir():
        raise LedgerError(f"no published targets folder {PUBLISHED_DIR}; run from a full "
                          "checkout of the book (data/published/*.yaml).")
    return sorted(p.stem for p in PUBLISHED_DIR.glob("*.yaml"))


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
        try:
            ours = float(ours)
        except (TypeError, ValueError):
            raise LedgerError(f"ours for {target_id!r} must be a number, got {ours!r}.") from None
        if not math.isfinite(ours):
            raise LedgerError(f"ours for {target_id!r} is not finite ({ours}); fix the estimate.")
        self._ours[target_id] = {"ours": ours, "ours_se": None if se is None else float(se),
                                 "note": note}
        return self.row(target_id)

    def row(self, target_id: str) -> dict:
        t = self.targets[target_id]
        o = self._ours[target_id]
        gap = o["ours"] - t.value
        within = abs(gap) <= t.allowed_gap() + 1e-12
        status = "within" if within else "outside"
        return {
            "design": self.design, "target": t.id, "study": t.study, "kind": t.kind,
            "source": t.source,
            "quantity": t.quantity, "published": t.value, "published_se": t.se,
            "ours": o["ours"], "ours_se": o["ours_se"], "gap": gap,
            "tolerance": t.allowed_gap(), "tolerance_reason": t.reason,
            "status": status, "expected": t.expect, "ok": status == t.expect,
            "explanation": t.explanation, "note": o["note"],
        }

    def rows(self) -> list[dict]:
        missing = sorted(set(self.targets) - set(self._ours))
        if missing:
            raise LedgerError(f"{self.design}: no estimate recorded for {missing}; record every "
                              "target (nothing is dropped silently).")
        return [self.row(t) for t in self.targets]

    def save(self) -> Path:
        """Write the rows to ``_build/ledger/<design>.json`` (sorted keys, stable floats)."""
        LEDGER_DIR.mkdir(parents=True, exist_ok=True)
        path = LEDGER_DIR / f"{self.design}.json"
        payload = {"design": self.design, "page": self.meta.get("page", ""), "rows": self.rows()}
        path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
        return path

    def table(self, save: bool = True) -> pd.DataFrame:
        """Published vs ours as a DataFrame (and save the rows unless ``save=False``)."""
        rows = self.rows()
        if save:
            self.save()
        df = pd.DataFrame(rows)
        out = pd.DataFrame({
            "quantity": df["quantity"],
            "source": df["source"],
            "published": df["published"].map(_fmt),
            "ours": [_fmt(v) + (f" ({_fmt(s)})" if s is not None else "")
                     for v, s in zip(df["ours"], df["ours_se"], strict=True)],
            "gap": df["gap"].map(_fmt),
            "tolerance": df["tolerance"].map(_fmt),
            "status": [("✓ " if ok else "✗ ") + s + ("" if e == "within" else " (explained)")
                       for ok, s, e in zip(df["ok"], df["status"], df["expected"], strict=True)],
        })
        out.index = df["target"].rename("target")
        return out


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
