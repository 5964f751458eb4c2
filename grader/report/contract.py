"""Write a graded run's contract files: results.json and grades.csv, deterministically."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable

from grader import __version__
from grader.export.safety import Cell, cell_text
from grader.grading.results import SubmissionResult
from grader.course.rubric import Assignment

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_dirname(student: str) -> str:
    """A folder name for a student id that cannot leave the output folder or hide (no `/`, `..`, leading dot)."""
    name = SAFE_NAME.sub("_", student).strip("._") or "student"
    return name[:100]


def report_dirs(results: Iterable[SubmissionResult]) -> list[str]:
    """One distinct folder per submission, in order; a clash of student ids gets `__2`, `__3`."""
    used: dict[str, int] = {}
    out = []
    for r in results:
        base = safe_dirname(r.student)
        n = used.get(base, 0) + 1
        used[base] = n
        out.append(base if n == 1 else f"{base}__{n}")
    return out


def results_document(assignment: Assignment, results: list[SubmissionResult],
                     extra: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "assignment": assignment.assignment,
        "grader_version": __version__,
        "assignment_title": assignment.title,
        "submissions": [r.to_dict() for r in results],
    }
    if extra:
        doc.update(extra)
    return doc


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a killed run or a full disk never leaves half a file:
    the previous version stays readable until the new one is complete on disk."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_results_json(path: Path, document: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def grades_csv(assignment: Assignment, results: list[SubmissionResult]) -> str:
    ids = [q.id for q in assignment.questions]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([cell_text(c) for c in ("student", "submission", "score", "max_score", *ids)])
    for r in results:
        by_id = {q.id: q for q in r.questions}
        # a submission in error (a refused scan, a broken file, a crashed check) has no grade yet, not a 0: its
        # score cells stay empty until a TA decides, as in the LMS exports (results.json keeps the contract's 0)
        graded = not r.has_error
        row: list[Cell] = [r.student, r.submission, r.score if graded else None, r.max_score,
                           *(by_id[i].score if i in by_id and graded else None for i in ids)]
        w.writerow([cell_text(c) for c in row])
    return buf.getvalue()
