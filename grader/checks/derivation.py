"""The `derivation` check: every equation and inequality of an answer evaluated in the question's world."""

from __future__ import annotations

import time

from pydantic import Field

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity
from grader.grading.scoring import FALSE_STEP


class DerivationParams(Params):
    world: str  # "worlds/<file>.py:<name>", relative to the course's reference/ directory
    draws: int | None = Field(default=None, ge=1)  # how many of the world's draws to use (default: all)
    tolerance: float | None = Field(default=None, gt=0)  # relative tolerance of equalities (default: the world's)
    aliases: dict[str, str] = Field(default_factory=dict)  # student symbol -> world symbol: {"g": "gamma"}


class DerivationCheck(Check):
    name = "derivation"
    Params = DerivationParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.worlds import World, steps

        p: DerivationParams = ctx.params  # type: ignore[assignment]
        filename, _, attr = p.world.partition(":")
        world = getattr(ctx.course.reference(filename), attr, None)
        if not isinstance(world, World):
            return CheckOutcome(Verdict.UNKNOWN, f"reference/{p.world} is not a World")
        label = ctx.label or "derivation steps"
        found = ctx.reading.statements
        deadline = time.monotonic() + max(0.5, 0.9 * ctx.timeout)
        aliases = {**ctx.notation.aliases, **p.aliases}  # the rubric's `symbols:` aliases, the check's own first
        report = steps.check(found, world, p.draws, p.tolerance, aliases, deadline,
                             builds_on=[r.statements for r in ctx.builds_on])
        findings = tuple(Finding(FALSE_STEP, steps.message(v, world), v.statement.line, v.statement.line,
                                 Severity.ERROR) for v in report.false)
        details = {"world": world.name, "statements": report.seen, "evaluated": report.evaluated,
                   "skipped": report.skipped, "false": len(report.false)}
        if findings:
            lines = ", ".join(str(f.line) for f in findings)
            return CheckOutcome(Verdict.FAIL, f"{label}: {len(findings)} step(s) do not hold (line {lines})",
                                findings, details=details)
        if report.evaluated == 0:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no step could be checked "
                                                 f"({report.seen} statement(s) read)", details=details)
        return CheckOutcome(Verdict.PASS, f"{label}: {report.evaluated} of {report.seen} statement(s) checked, "
                                          f"none false", details=details)


CHECK = DerivationCheck
