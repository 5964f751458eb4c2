"""The scoring policy of DESIGN.md as a pure function of a question and its check outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.base import CheckOutcome, Verdict
from grader.grading.results import Finding, Severity, Status
from grader.course.rubric import CheckSpec, Question

FALSE_STEP = "false_step"  # finding kind of a statement that does not hold; always severity error


@dataclass(frozen=True)
class Score:
    """Points and status of one question, with the reason in words."""

    score: float
    status: Status
    reason: str


def is_false_step(f: Finding) -> bool:
    return f.kind == FALSE_STEP and f.severity is Severity.ERROR


def score_question(question: Question, found: bool,
                   outcomes: list[tuple[CheckSpec, CheckOutcome]]) -> Score:
    """Right answer and no false step = full; right answer with a false step = partial;
    wrong answer = the rubric's partial items only; nothing found = missing."""
    points = question.points
    if not found:
        return Score(0.0, Status.MISSING, "no answer found")

    gates = [(s, o) for s, o in outcomes if s.role in ("answer", "claim")]
    items = [(s, o) for s, o in outcomes if s.role == "item"]
    evidence = [(s, o) for s, o in outcomes if s.role == "evidence"]
    false_steps = sum(1 for _, o in outcomes for f in o.findings if is_false_step(f))
    item_points = min(points, sum(s.points or 0.0 for s, o in items if o.verdict is Verdict.PASS))

    def review(provisional: float, why: str) -> Score:
        return Score(round(min(points, provisional), 4), Status.NEEDS_REVIEW, why)

    if not gates:
        # only evidence and items: a person decides, the machine proposes
        share = min((o.fraction for _, o in evidence if o.fraction is not None), default=None)
        provisional = item_points + (share or 0.0) * (points - item_points)
        return review(provisional, "no automatic final-answer check; provisional score from the evidence")

    verdicts = {o.verdict for _, o in gates}
    if Verdict.FAIL in verdicts:
        status = Status.PARTIAL if item_points > 0 else Status.INCORRECT
        return Score(item_points, status, "final answer does not hold" + (", partial items earned" if item_points else ""))
    if Verdict.UNKNOWN in verdicts or Verdict.REVIEW in verdicts:
        fractions = [o.fraction if o.fraction is not None else (1.0 if o.verdict is Verdict.PASS else 0.0)
                     for _, o in gates]
        provisional = max(item_points, points * min(fractions))
        why = "the grader could not decide the final answer" if Verdict.UNKNOWN in verdicts else "a person decides"
        return review(provisional, why)

    # every gate passed; graded gates (code speed) may give less than full credit
    share = min((o.fraction if o.fraction is not None else 1.0) for _, o in gates)
    if question.review:
        return review(points * share, question.review_reason or "the rubric asks a person to confirm")
    if false_steps:
        kept = points * share * question.false_step_credit
        return Score(round(kept, 4), Status.PARTIAL,
                     f"right final answer with {false_steps} false step{'s' if false_steps > 1 else ''}")
    if share < 1.0:
        return Score(round(points * share, 4), Status.PARTIAL, f"right answer, {share:.0%} of the graded credit")
    return Score(points, Status.CORRECT, "right final answer, no false step")
