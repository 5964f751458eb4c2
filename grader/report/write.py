"""Write everything a graded run leaves in its output folder: results.json, grades.csv, one report folder per student."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from grader.report.contract import atomic_write, grades_csv, report_dirs, results_document, write_results_json
from grader.report.render import Renderer
from grader.grading.results import Finding, Severity, SubmissionResult
from grader.course.rubric import Assignment


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


REPORT_FILES = ("report.md", "report.html")


def placed(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """The results as a run writes them: id clashes marked, each one's report folder in `details.report_dir`."""
    marked = mark_clashes(results)
    return [dataclasses.replace(r, details={**r.details, "report_dir": d}) for r, d in zip(marked, report_dirs(marked))]


def run_files(written: list[SubmissionResult]) -> list[str]:
    """The files `write_run` writes for `written` (placed results), relative to its folder."""
    return ["results.json", "grades.csv", "summary.md", "summary.html",
            *(f"{r.details['report_dir']}/{name}" for r in written for name in REPORT_FILES)]


def write_run(out: Path, assignment: Assignment, results: list[SubmissionResult],
              renderer: Renderer, extra: dict[str, Any] | None = None, *, jobs: int = 1) -> list[SubmissionResult]:
    """Write the contract files for `results` (in the order given) and return them as written.

    With `jobs` > 1 the per-student reports are rendered by that many forked processes: on a class of hundreds
    rendering is most of an export, and it would otherwise run on one core after the grading used them all.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = placed(results)
    _write_reports_parallel(out, assignment, written, renderer, jobs)
    atomic_write(out / "summary.md", renderer.summary_md(assignment, written))
    atomic_write(out / "summary.html", renderer.summary_html(assignment, written))
    atomic_write(out / "grades.csv", grades_csv(assignment, written))
    write_results_json(out / "results.json", results_document(assignment, written, extra))
    return written


def _write_reports(out: Path, assignment: Assignment, reports: list[SubmissionResult], renderer: Renderer) -> None:
    for result in reports:
        folder = out / result.details["report_dir"]
        folder.mkdir(exist_ok=True)
        atomic_write(folder / "report.md", renderer.report_md(result, assignment))
        atomic_write(folder / "report.html", renderer.report_html(result, assignment))


def _write_reports_parallel(out: Path, assignment: Assignment, reports: list[SubmissionResult], renderer: Renderer,
                            jobs: int) -> None:
    jobs = min(jobs, len(reports) // 8)  # a few reports render faster than a process forks
    if jobs <= 1:
        _write_reports(out, assignment, reports, renderer)
        return
    chunks = [reports[k::jobs] for k in range(jobs)]
    children: dict[int, int] = {}
    for k in range(1, jobs):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child renders its share and leaves without cleanup of the parent's
            code = 1
            try:
                _write_reports(out, assignment, chunks[k], renderer)
                code = 0
            finally:
                os._exit(code)
        children[pid] = k
    try:
        _write_reports(out, assignment, chunks[0], renderer)
    finally:
        failed = [k for pid, k in children.items() if os.waitpid(pid, 0)[1] != 0]
    for k in failed:  # again here, so a lasting cause (a full disk) is raised with its own message
        _write_reports(out, assignment, chunks[k], renderer)
