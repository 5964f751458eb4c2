"""Write everything a graded run leaves in its output folder: results.json, grades.csv, one report folder per student."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from grader.output import atomic_write, grades_csv, report_dirs, results_document, write_results_json
from grader.report import Renderer
from grader.results import Finding, Severity, SubmissionResult
from grader.rubric import Assignment


def mark_clashes(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """Two submissions mapping to one student id are both kept; each says so in a finding."""
    by_student: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        by_student.setdefault(r.student, []).append(i)
    out = list(results)
    for student, idx in by_student.items():
        if len(idx) < 2:
            continue
        for i in idx:
            others = ", ".join(results[j].submission for j in idx if j != i)
            note = Finding("id_clash", f"student id {student!r} is also given by {others}; both are kept",
                           None, None, Severity.WARNING)
            out[i] = dataclasses.replace(out[i], findings=out[i].findings + (note,))
    return out


def write_run(out: Path, assignment: Assignment, results: list[SubmissionResult],
              renderer: Renderer, extra: dict[str, Any] | None = None) -> list[SubmissionResult]:
    """Write the contract files for `results` (in the order given) and return them as written."""
    out.mkdir(parents=True, exist_ok=True)
    results = mark_clashes(results)
    dirs = report_dirs(results)
    written = []
    for result, name in zip(results, dirs):
        folder = out / name
        folder.mkdir(exist_ok=True)
        atomic_write(folder / "report.md", renderer.report_md(result, assignment))
        atomic_write(folder / "report.html", renderer.report_html(result, assignment))
        written.append(dataclasses.replace(result, details={**result.details, "report_dir": name}))
    atomic_write(out / "summary.md", renderer.summary_md(assignment, written))
    atomic_write(out / "summary.html", renderer.summary_html(assignment, written))
    atomic_write(out / "grades.csv", grades_csv(assignment, written))
    write_results_json(out / "results.json", results_document(assignment, written, extra))
    return written
