"""Tests of grader.grading.scoring: DESIGN.md's policy, case by case."""

from __future__ import annotations

from grader.checks.base import CheckOutcome, Verdict
from grader.grading.results import Finding, Severity, Status
from grader.course.rubric import CheckSpec, Question
from grader.grading.scoring import FALSE_STEP, score_question

Q = Question(id="1", points=4)
ANSWER = CheckSpec(kind="final_answer")
ITEM = CheckSpec(kind="keywords", role="item", points=1)
STEPS = CheckSpec(kind="derivation", role="steps")
EVIDENCE = CheckSpec(kind="free_text", role="evidence")
FALSE = Finding(FALSE_STEP, "this step does not hold", 3, 3, Severity.ERROR)


def out(v: Verdict, *findings: Finding, fraction: float | None = None) -> CheckOutcome:
    return CheckOutcome(v, "r", tuple(findings), fraction)


def test_missing() -> None:
    assert score_question(Q, False, []).status is Status.MISSING


def test_right_answer_no_false_step_is_full() -> None:
    s = score_question(Q, True, [(ANSWER, out(Verdict.PASS)), (STEPS, out(Verdict.PASS))])
    assert (s.score, s.status) == (4, Status.CORRECT)


def test_right_answer_with_false_step_is_partial() -> None:
    s = score_question(Q, True, [(ANSWER, out(Verdict.PASS)), (STEPS, out(Verdict.FAIL, FALSE))])
    assert (s.score, s.status) == (2, Status.PARTIAL)
    q = Question(id="1", points=4, false_step_credit=0.75)
    assert score_question(q, True, [(ANSWER, out(Verdict.PASS)), (STEPS, out(Verdict.FAIL, FALSE))]).score == 3


def test_a_warning_is_not_a_false_step() -> None:
    warn = Finding(FALSE_STEP, "could not evaluate", 3, 3, Severity.WARNING)
    s = score_question(Q, True, [(ANSWER, out(Verdict.PASS)), (STEPS, out(Verdict.PASS, warn))])
    assert s.status is Status.CORRECT


def test_wrong_answer_earns_only_items() -> None:
    s = score_question(Q, True, [(ANSWER, out(Verdict.FAIL)), (ITEM, out(Verdict.PASS))])
    assert (s.score, s.status) == (1, Status.PARTIAL)
    s = score_question(Q, True, [(ANSWER, out(Verdict.FAIL)), (ITEM, out(Verdict.FAIL))])
    assert (s.score, s.status) == (0, Status.INCORRECT)


def test_undecided_answer_needs_review_with_provisional_score() -> None:
    s = score_question(Q, True, [(ANSWER, out(Verdict.UNKNOWN)), (ITEM, out(Verdict.PASS))])
    assert (s.score, s.status) == (1, Status.NEEDS_REVIEW)


def test_free_text_only_is_review_with_evidence_share() -> None:
    s = score_question(Q, True, [(EVIDENCE, out(Verdict.REVIEW, fraction=0.5))])
    assert (s.score, s.status) == (2, Status.NEEDS_REVIEW)


def test_graded_gate_gives_its_share() -> None:
    s = score_question(Q, True, [(ANSWER, out(Verdict.PASS, fraction=0.25))])
    assert (s.score, s.status) == (1, Status.PARTIAL)


def test_review_question_is_never_decided_by_the_machine() -> None:
    q = Question(id="1", points=4, review=True, review_reason="drawing")
    s = score_question(q, True, [(ANSWER, out(Verdict.PASS))])
    assert (s.score, s.status) == (4, Status.NEEDS_REVIEW)
