"""Tests of `grader gradescope` in a simulated /autograder folder."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from grader.commands import gradescope as gradescope_entry
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult

RUBRIC = """\
assignment: hw3
title: Homework 3
questions:
  - id: "1"
    points: 4
    checks:
      - kind: keywords
        label: the vanishing-gradient claim
        any: ["vanishing gradient"]
  - id: "2"
    points: 6
    checks:
      - kind: keywords
        label: the exploding-gradient claim
        any: ["exploding gradient"]
"""

WRITEUP = """\
# Homework 3

## Question 1

The product of Jacobians shrinks, so this is a vanishing gradient problem.

## Question 2

I am not sure.
"""


def autograder(tmp_path: Path, *, assignment_txt: bool = True) -> Path:
    """The layout Gradescope's harness creates, with our course zip unpacked in source/."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "hw3.md").write_text(WRITEUP, "utf-8")
    (root / "source" / "rubrics").mkdir(parents=True)
    (root / "source" / "rubrics" / "hw3.yaml").write_text(RUBRIC, "utf-8")
    if assignment_txt:
        (root / "source" / "assignment.txt").write_text("hw3\n", "utf-8")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "jdoe@uni.example",
                                                                          "name": "Jane Doe"}]}), "utf-8")
    return root


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader")
    gradescope_entry.add_parser(parser.add_subparsers())
    args = parser.parse_args(["gradescope", *argv])
    return int(args.func(args))


def test_fake_pipeline_writes_valid_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            validate_gradescope: Callable[[Mapping[str, Any]], None]) -> None:
    root = autograder(tmp_path)
    calls: list[dict[str, Any]] = []

    def fake(path: str, rubric: Any, course: Any, *, student: str, timeout: float) -> SubmissionResult:
        calls.append({"path": path, "assignment": rubric.assignment.assignment, "student": student,
                      "timeout": timeout, "course": str(course.root)})
        step = Finding("step", "this step does not hold", 7, 7, Severity.ERROR)
        return SubmissionResult(path, student, (QuestionResult("1", 4, 4, Status.CORRECT),
                                                QuestionResult("2", 1.5, 6, Status.PARTIAL, (step,))))

    monkeypatch.setattr("grader.grading.pipeline.grade_submission", fake)
    assert run(["--root", str(root), "--timeout", "30"]) == 0
    assert calls == [{"path": str(root / "submission"), "assignment": "hw3", "student": "jdoe@uni.example",
                      "timeout": 30.0, "course": str((root / "source").resolve())}]
    data = json.loads((root / "results" / "results.json").read_text("utf-8"))
    validate_gradescope(data)
    assert data["score"] == 5.5 and data["tests"][1]["output"].endswith("line 7: this step does not hold")
    assert isinstance(data["execution_time"], float)


def test_real_pipeline_end_to_end(tmp_path: Path,
                                  validate_gradescope: Callable[[Mapping[str, Any]], None]) -> None:
    root = autograder(tmp_path, assignment_txt=False)
    assert run(["--root", str(root), "--course", str(root / "source"), "--assignment", "hw3"]) == 0
    data = json.loads((root / "results" / "results.json").read_text("utf-8"))
    validate_gradescope(data)
    assert [t["name"] for t in data["tests"]] == ["Question 1", "Question 2"]
    assert [t["max_score"] for t in data["tests"]] == [4.0, 6.0]


def test_grader_crash_still_writes_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = autograder(tmp_path)

    def crash(*args: Any, **kwargs: Any) -> SubmissionResult:
        raise RuntimeError("boom")

    monkeypatch.setattr("grader.grading.pipeline.grade_submission", crash)
    assert run(["--root", str(root)]) == 1
    data = json.loads((root / "results" / "results.json").read_text("utf-8"))
    assert data["score"] == 0.0 and "failed" in data["output"] and "boom" not in data["output"]
    assert "RuntimeError: boom" in capsys.readouterr().err


@pytest.mark.parametrize(("setup", "argv", "expected"), [
    ("no_submission", [], "no submission folder"),
    ("no_assignment", [], "no assignment id"),
    ("ok", ["--assignment", "hw9"], "unknown assignment 'hw9'"),
    ("ok", ["--course", "{tmp}/nowhere"], "no course directory"),
])
def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, argv: list[str],
                      expected: str) -> None:
    root = autograder(tmp_path, assignment_txt=setup != "no_assignment")
    if setup == "no_submission":
        (root / "submission" / "hw3.md").unlink()
        (root / "submission").rmdir()
    assert run(["--root", str(root), *[a.format(tmp=tmp_path) for a in argv]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("grader gradescope: error: ") and expected in err
    assert not (root / "results" / "results.json").exists()
