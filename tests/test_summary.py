"""Tests of grader.report.summary: histogram bins, per-question means and statuses, findings counted per student."""

from __future__ import annotations

from grader.report.render import Renderer
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.course.rubric import Assignment, Question
from grader.report.summary import histogram, summary_view

A = Assignment(assignment="demo", title="Demo", questions=(Question(id="1", points=4), Question(id="2", points=6)))


def sub(name: str, s1: float, st1: Status, s2: float, st2: Status, *f1: Finding) -> SubmissionResult:
    return SubmissionResult(f"{name}.md", name, (QuestionResult("1", s1, 4, st1, f1), QuestionResult("2", s2, 6, st2)))


def test_histogram_puts_full_scores_in_the_last_bin() -> None:
    bars = histogram([0, 5, 10, 10], 10, bins=5)
    assert [b.count for b in bars] == [1, 0, 1, 0, 2]
    assert (bars[0].low, bars[0].high) == (0, 2)


def test_summary_counts_statuses_means_and_common_findings_per_student() -> None:
    slip = Finding("false_step", "this step does not hold at line 12", 12, 12, Severity.ERROR)
    slip2 = Finding("false_step", "this step does not hold at line 40", 40, 40, Severity.ERROR)
    results = [sub("a", 4, Status.CORRECT, 6, Status.CORRECT),
               sub("b", 2, Status.PARTIAL, 0, Status.MISSING, slip, slip2),
               sub("c", 2, Status.PARTIAL, 3, Status.NEEDS_REVIEW, slip)]
    v = summary_view(A, results)
    q1, q2 = v["questions"]
    assert q1["mean"] == 8 / 3 and q1["statuses"]["partial"] == 2 and q1["statuses"]["correct"] == 1
    assert q2["statuses"]["missing"] == 1 and q2["statuses"]["needs_review"] == 1
    assert v["findings"] == [{"question": "1", "severity": "error", "message": "this step does not hold at line …",
                              "students": 2}]
    assert v["review"] == 1 and v["median"] == 5
    html = Renderer().summary_html(A, results)
    assert "<svg" in html and "<script" not in html
