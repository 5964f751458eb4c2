"""`pack_number`: the number check with the reference known only by hashes of its acceptable printings."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.checks.number import NumberCheck
from grader.pack import numbers
from grader.pack.kinds.base import PackParams
from grader.results import Finding, Severity


class PackNumberParams(PackParams):
    target: str | None = None
    near: tuple[str, ...] = ()
    fingerprint: dict[str, Any]


class PackNumberCheck(Check):
    name = "pack_number"
    Params = PackNumberParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackNumberParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "numeric result"
        candidates = NumberCheck()._candidates(ctx, p)  # type: ignore[arg-type]  # the full check's reading
        if not candidates:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no number found",
                                (Finding("number", f"{label}: no numeric result was found.", ctx.answer.line,
                                         ctx.answer.end_line, Severity.WARNING),))
        verdicts = [(numbers.compare(c, p.fingerprint, p.salt), line) for c, line in candidates]
        for v, line in reversed(verdicts):
            if v.verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: right value at line {line}",
                                    (Finding("number", f"{label}: right value at line {line}.", line, line,
                                             Severity.INFO),))
        if all(v.verdict == "unknown" for v, _ in verdicts):
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the value ({verdicts[-1][0].reason})")
        line = verdicts[-1][1]
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong value",
                            (Finding("number", f"{label}: the value at line {line} is not right.", line, line,
                                     Severity.ERROR),))


CHECK = PackNumberCheck
