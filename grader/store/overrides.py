"""TA overrides in the results store: recording one, the machine result it replaced, and regrades that move under it.

The `overrides` table itself belongs to grader/store/database.py (which applies it at every export); this module adds
`override_basis`, the machine's score and status at the moment of each override, so that a regrade that
changes an overridden question can say so, and it reads back a graded folder's results for `review` and
`override`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.store.database import Store, decode_question, decode_submission, now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS override_basis (
    student TEXT NOT NULL, question TEXT NOT NULL, machine_score REAL NOT NULL, machine_status TEXT NOT NULL,
    rubric_hash TEXT NOT NULL, created_at TEXT NOT NULL);
"""


class GradedFolderError(Exception):
    """DIR is not a graded output folder, or the request does not fit it; one line for the TA."""


@dataclass(frozen=True)
class Moved:
    """An overridden question whose machine result is no longer the one the TA overrode."""

    student: str
    question: str
    override: float
    before: tuple[float, str]  # machine score and status when the override was made
    now: tuple[float, str]

    def text(self) -> str:
        return (f"{self.student} {self.question}: overridden to {self.override:g}; the machine's result moved from "
                f"{self.before[0]:g} ({self.before[1]}) to {self.now[0]:g} ({self.now[1]}) since; the override "
                f"still applies -- check it (grader review)")


def read_results(folder: Path) -> dict[str, Any]:
    path = folder / "results.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradedFolderError(f"{folder}: not a graded folder (no results.json); run `grader grade` first") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GradedFolderError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("submissions"), list):
        raise GradedFolderError(f"{path}: not a results.json written by `grader grade`")
    return doc


def _ensure(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)


def record(store: Store, student: str, question: str, score: float, note: str, machine: tuple[float, str],
           rubric_hash: str) -> None:
    """Add an override (the newest per student and question wins) and the machine result it replaces."""
    _ensure(store.db)
    created = now_iso()
    store.db.execute("BEGIN IMMEDIATE")
    try:
        store.db.execute("INSERT INTO overrides (student, question, score, note, created_at) VALUES (?, ?, ?, ?, ?)",
                         (student, question, score, note, created))
        store.db.execute("INSERT INTO override_basis VALUES (?, ?, ?, ?, ?, ?)",
                         (student, question, machine[0], machine[1], rubric_hash, created))
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    store.db.execute("COMMIT")


def bases(store: Store) -> dict[tuple[str, str], tuple[float, str]]:
    """The machine result each newest override replaced, per (student, question)."""
    _ensure(store.db)
    rows = store.db.execute("SELECT student, question, machine_score, machine_status FROM override_basis"
                            " ORDER BY created_at, rowid").fetchall()
    return {(s, q): (score, status) for s, q, score, status in rows}


def moved(store: Store, machine_results: Iterable[SubmissionResult]) -> list[Moved]:
    """Overridden questions whose fresh machine result differs from the one overridden (call before publishing)."""
    overrides = store.overrides()
    basis = bases(store)
    out: list[Moved] = []
    for r in machine_results:
        for q in r.questions:
            key = (r.student, q.id)
            if key in overrides and key in basis:
                before = basis[key]
                now = (round(q.score, 4), q.status.value)
                if (round(before[0], 4), before[1]) != now:
                    out.append(Moved(r.student, q.id, overrides[key][0], before, now))
    return out


def stored_results(store: Store, submissions: Sequence[str], rubric_hash: str) -> dict[str, SubmissionResult]:
    """The newest stored machine result of each submission path graded under `rubric_hash`."""
    out: dict[str, SubmissionResult] = {}
    for path in submissions:
        row = store.db.execute("SELECT submission_hash, grader_version, result FROM writeups WHERE submission=? AND"
                               " rubric_hash=? ORDER BY graded_at DESC, rowid DESC LIMIT 1",
                               (path, rubric_hash)).fetchone()
        if row is None:
            continue
        qs = store.db.execute("SELECT result FROM question_results WHERE submission=? AND submission_hash=? AND"
                              " rubric_hash=? AND grader_version=? ORDER BY position",
                              (path, row[0], rubric_hash, row[1])).fetchall()
        out[path] = decode_submission(row[2], [decode_question(q[0]) for q in qs])
    return out


def from_results_json(entry: dict[str, Any]) -> SubmissionResult:
    """A submission as results.json has it (no answer text): what is left when the store lost a write-up."""
    def finding(f: dict[str, Any]) -> Finding:
        return Finding(f["kind"], f["message"], f.get("line"), f.get("end_line"), Severity(f["severity"]), f.get("file"))

    questions = []
    for q in entry["questions"]:
        details = dict(q.get("details") or {})
        override = details.pop("override", None)
        score, status = q["score"], q["status"]
        if override:  # back to the machine's result: overrides are applied again on top
            score, status = override["machine_score"], override["machine_status"]
        questions.append(QuestionResult(q["id"], score, q["max_score"], Status(status),
                                        tuple(finding(f) for f in q["findings"]), "", q.get("line"),
                                        q.get("end_line"), details))
    return SubmissionResult(entry["submission"], entry["student"], tuple(questions),
                            tuple(finding(f) for f in entry.get("findings", [])
                                  if f.get("kind") != "id_clash"),
                            {k: v for k, v in (entry.get("details") or {}).items() if k != "report_dir"})
