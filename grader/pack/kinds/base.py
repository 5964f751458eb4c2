"""What the pack's kinds share: the salt parameter and the outcome that says what the pack did not check."""

from __future__ import annotations

from grader.checks.base import CheckContext, CheckOutcome, Params, Verdict
from grader.report.feedback import (
    CHECKED_HERE,  # beside it: the little the pack did check
    NOT_CHECKED,  # the details key the feedback reads: why the pack could not decide
)
from grader.grading.results import Finding, Severity


class PackParams(Params):
    salt: str  # the pack's salt, needed to hash the student's side the same way


def not_checked(ctx: CheckContext, kind: str, why: str, findings: tuple[Finding, ...] = (),
                fraction: float | None = None, checked_here: str = "") -> CheckOutcome:
    """An honest `unknown`: the check exists in the real grading, but the pack cannot decide it (`checked_here`:
    the little it did check, said to the student as such)."""
    label = ctx.label or kind
    note = Finding("pack", f"{label}: not checked by the pack ({why}).", ctx.answer.line, ctx.answer.line,
                   Severity.INFO)
    return CheckOutcome(Verdict.UNKNOWN, f"{label}: not checked by the pack ({why})", findings + (note,),
                        fraction=fraction,
                       details={NOT_CHECKED: why, **({CHECKED_HERE: checked_here} if checked_here else {})})
