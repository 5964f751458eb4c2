"""Tests of grader.report.breakdown: points per rubric item, feedback chosen by what happened, findings once."""

from __future__ import annotations

from typing import Any

from grader.course.rubric import CheckSpec, Feedback, Question
from grader.grading.results import Finding, QuestionResult, Severity, Status
from grader.report.breakdown import breakdown, feedback_text, hit_label, message, unique

FEEDBACK = Feedback(correct="All right.", partial="λ is right, but a step does not hold.",
                    incorrect="λ is not right.", needs_review="A TA reads it.")
Q = Question(id="1", points=8, feedback=FEEDBACK, checks=(
    CheckSpec(kind="derivation", role="steps", label="derivation steps"),
    CheckSpec(kind="final_answer", label="α"),
    CheckSpec(kind="final_answer", label="ε"),
    CheckSpec(kind="keywords", role="item", points=1, label="momentum form"),
    CheckSpec(kind="keywords", role="item", points=1, label="average form"),
))
WRONG = Finding("final_answer", "ε: the result stated at line 9 is not right.", 9, 9, Severity.ERROR)
SLIP = Finding("false_step", "this step does not hold: left 1, right 2", 5, 5, Severity.ERROR)


def checks(*verdicts: str) -> dict[str, Any]:
    return {"checks": [{"kind": s.kind, "role": s.role, "label": s.label, "verdict": v}
                       for s, v in zip(Q.checks, verdicts)]}


def test_a_wrong_result_costs_the_final_answer_points_and_gets_the_incorrect_text() -> None:
    q = QuestionResult("1", 2.0, 8.0, Status.PARTIAL, (WRONG,), details=checks("pass", "pass", "fail", "pass", "pass"))
    rows = breakdown(q, Q)
    assert [(r.label, r.earned, r.lost) for r in rows] == [
        ("derivation steps", 0.0, 0.0), ("α", 0.0, 0.0), ("ε", 0.0, 6.0),
        ("momentum form", 1.0, 0.0), ("average form", 1.0, 0.0)]
    assert rows[2].points_text == "0 of 6 (−6)"
    assert sum(r.earned or 0 for r in rows) == q.score
    text = feedback_text(q, Q)
    assert text.startswith("λ is not right.") and "but a step does not hold" not in text


def test_a_false_step_under_a_right_result_gets_the_partial_text_and_its_cost() -> None:
    q = QuestionResult("1", 4.0, 8.0, Status.PARTIAL, (SLIP,), details=checks("fail", "pass", "pass", "pass", "fail"))
    rows = breakdown(q, Q)
    assert rows[0].points_text == "−4" and rows[0].result == "1 step that does not hold (line 5)"
    assert rows[4].lost == 0.0 and "not needed" in rows[4].result  # a right answer covers a missing item
    assert sum(r.earned or 0 for r in rows) == q.score
    assert feedback_text(q, Q) == "λ is right, but a step does not hold."


def test_provisional_rows_leave_the_points_to_a_ta() -> None:
    q = QuestionResult("1", 8.0, 8.0, Status.NEEDS_REVIEW, (), details=checks("pass", "unknown", "pass", "pass", "pass"))
    rows = breakdown(q, Q)
    assert rows[1].earned is None and rows[1].points_text == "? of 3 (a TA decides)"
    assert feedback_text(q, Q) == "A TA reads it."


def test_missing_error_and_overridden_questions_have_no_table() -> None:
    assert breakdown(QuestionResult("1", 0.0, 8.0, Status.MISSING), Q) == []
    assert breakdown(QuestionResult("1", 0.0, 8.0, Status.ERROR), Q) == []
    over = {**checks("pass", "pass", "pass", "pass", "pass"), "override": {"score": 3, "note": "n"}}
    assert breakdown(QuestionResult("1", 3.0, 8.0, Status.PARTIAL, details=over), Q) == []
    assert "could not check" in feedback_text(QuestionResult("1", 0.0, 8.0, Status.ERROR), Q)


def test_findings_once_and_hits_by_label() -> None:
    hit = Finding("final_answer", "time: the class at line 3 is right.", 3, 3, Severity.INFO)
    assert unique((hit, hit, WRONG)) == [hit, WRONG]
    assert hit_label(hit) == "time"
    assert hit_label(Finding("evidence", 'the bound: found “\\|\\mathbf{q}_i + \\mathbf{k”', 2)) == "the bound"
    assert message(WRONG) == "ε: no statement of it matches the expected result (the last one read is at line 9)."
