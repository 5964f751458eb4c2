"""The pipeline sends a failing check on an answer with an unrebuilt PDF formula to review, for every kind."""

from __future__ import annotations

from pathlib import Path

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission
from grader.grading.results import Status
from grader.read.pdf.rebuild import UNREADABLE

RUBRIC = """\
assignment: demo
title: Demo
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        any: [softmax]
  - id: "2"
    points: 2
    checks:
      - kind: keywords
        any: [softmax]
"""


def test_only_the_answer_with_an_unrebuilt_formula_goes_to_review(tmp_path: Path) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(RUBRIC)
    (tmp_path / "s.md").write_text(f"## Question 1\n\nThe weights are ${UNREADABLE}(QK^T)$.\n\n"
                                   "## Question 2\n\nThe weights are plain averages.\n")
    course = Course(tmp_path)
    result = grade_submission(str(tmp_path / "s.md"), course.rubric("demo"), course)
    assert [q.status for q in result.questions] == [Status.NEEDS_REVIEW, Status.INCORRECT]
