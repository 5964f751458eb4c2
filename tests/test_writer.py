"""Tests of grader.report.write: the files of a run, the same whether reports are rendered by one process or several."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.report.render import Renderer
from grader.grading.results import QuestionResult, Status, SubmissionResult
from grader.course.rubric import Assignment, Question
from grader.report.write import write_run

ASSIGNMENT = Assignment(assignment="hw", questions=[Question(id="1", points=2.0), Question(id="2", points=1.0)])


def _results(n: int) -> list[SubmissionResult]:
    return [SubmissionResult(f"class/s{i:02d}.md", f"s{i:02d}", (
        QuestionResult("1", float(i % 3), 2.0, Status.PARTIAL if i % 3 == 1 else Status.CORRECT),
        QuestionResult("2", 1.0, 1.0, Status.CORRECT))) for i in range(n)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_reports_rendered_by_several_processes_are_the_files_of_one(tmp_path: Path) -> None:
    results = _results(40)
    one = write_run(tmp_path / "one", ASSIGNMENT, results, Renderer(), jobs=1)
    three = write_run(tmp_path / "three", ASSIGNMENT, results, Renderer(), jobs=3)
    assert one == three
    assert _files(tmp_path / "one") == _files(tmp_path / "three")
    assert len(_files(tmp_path / "three")) == 4 + 2 * 40


def test_a_report_no_process_could_write_is_an_error_of_the_run(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "s05").write_text("a file where a report folder goes", "utf-8")  # even root cannot mkdir
    with pytest.raises(OSError) as exc:
        write_run(tmp_path / "out", ASSIGNMENT, _results(40), Renderer(), jobs=2)
    assert "s05" in str(exc.value)
    assert not (tmp_path / "out" / "results.json").exists()  # nothing claims a complete run
