"""What the pack's kinds share: the salt parameter and the outcome that says what the pack did not check."""

from __future__ import annotations

from grader.checks.base import CheckContext, CheckOutcome, Params, Verdict
from grader.report.feedback import (
    NOT_CHECKED,  # the details key the feedback reads: why the pack could not decide
)
from grader.grading.results import Finding, Severity


class PackParams(Params):
    salt: str  # the pack's salt, needed to hash the student's side the same way


def not_checked(ctx: CheckContext, kind: str, why: str, findings: tuple[Finding, ...] = (),
                fraction: float | None = None) -> CheckOutcome:
    """An honest `unknown`: the check exists in the real grading, but the pack cannot decide it."""
    label = ctx.label or kind
    note = Finding("pack", f"{label}: not checked by the pack ({why}).", ctx.answer.line, ctx.answer.line,
                   Severity.INFO)
    return CheckOutcome(Verdict.UNKNOWN, f"{label}: not checked by the pack ({why})", findings + (note,),
                        fraction=fraction, details={NOT_CHECKED: why})
