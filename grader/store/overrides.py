"""TA overrides read back: regrades that move under an override, and a graded folder's results for `review` and
`override`.

The store (grader/store/database.py) keeps the overrides and, with each, the machine's score and status at the
moment it was made (`Store.add_override`, `Store.override_bases`), and applies them at every export; this module
compares those with a regrade and reads back what a graded folder holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.store.database import Store


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


def moved(store: Store, machine_results: Iterable[SubmissionResult]) -> list[Moved]:
    """Overridden questions whose fresh machine result differs from the one overridden (call before publishing)."""
    overrides = store.overrides()
    basis = store.override_bases()
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
    found = ((path, store.latest(path, rubric_hash)) for path in submissions)
    return {path: result for path, result in found if result is not None}


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
