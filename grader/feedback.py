"""Plain-text feedback for a student's self-check: what was found, what was and was not checked."""

from __future__ import annotations

from grader.export.safety import format_score
from grader.results import Status, SubmissionResult
from grader.rubric import Assignment

SAYS = {
    Status.CORRECT: "every automatic check of this question holds",
    Status.PARTIAL: "some automatic checks hold, others do not",
    Status.INCORRECT: "the automatic checks do not accept this answer",
    Status.MISSING: "no answer was found for this question",
    Status.NEEDS_REVIEW: "a person will read this answer; the machine cannot decide it",
    Status.ERROR: "the grader could not check this answer",
}


def render_feedback(result: SubmissionResult, assignment: Assignment) -> str:
    """Per-question feedback. It never claims a question passed beyond the checks that actually ran."""
    out = [f"{assignment.title or assignment.assignment}: self-check of {result.submission}", ""]
    for f in result.findings:
        out.append(f"  note: {f.message}")
    for q in result.questions:
        rq = assignment.question(q.id)
        out.append(f"Question {q.id}{': ' + rq.title if rq.title else ''} -- {q.status.value} "
                   f"({format_score(q.score)}/{format_score(q.max_score)} provisional)")
        out.append(f"  {SAYS[q.status]}.")
        ran = [c for c in q.details.get("checks", [])]
        if ran:
            checked = ", ".join(sorted({c['label'] or c['kind'] for c in ran}))
            out.append(f"  checked: {checked}")
        if rq.review or q.status is Status.NEEDS_REVIEW:
            out.append("  not checked automatically: the reasoning in words (a TA grades it)")
        for f in q.findings:
            where = f"line {f.line}: " if f.line else ""
            out.append(f"  - [{f.severity.value}] {where}{f.message}")
        text = getattr(rq.feedback, q.status.value, "") if q.status is not Status.ERROR else ""
        if text.strip():
            out.append(f"  feedback: {text.strip()}")
        out.append("")
    out.append("This is a self-check, not your grade: a passing check means only what it says it checked.")
    return "\n".join(out) + "\n"
