"""`pack_complexity`: the complexity check against a hashed class; loose bounds are reported, not graded."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.complexity import claims_about, no_claim, right_class, unread_or_wrong
from grader.pack import classes
from grader.pack.kinds.base import PackParams, not_checked


class PackComplexityParams(PackParams):
    fingerprint: dict[str, Any]
    near: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    require_theta: bool = False
    loose_credit: float = 0.5
    assume: tuple[str, ...] = ()


class PackComplexityCheck(Check):
    name = "pack_complexity"
    Params = PackComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackComplexityParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "complexity"
        claims = claims_about(ctx.answer, p.near, p.avoid)  # the full check's reading of the answer
        if not claims:
            return no_claim(ctx, label)
        verdicts = [(classes.compare(claim, p.fingerprint, p.assume, p.require_theta, p.salt), line)
                    for claim, line, _ in claims]
        for v, line in verdicts:
            if v.verdict == "equivalent":
                return right_class(label, line)
        for v, line in verdicts:
            if v.reason == classes.UNDECIDED:
                return not_checked(ctx, "complexity", f"the bound at line {line} is not the expected class; "
                                   "it may be a correct but looser bound (partial credit) or a wrong one, and "
                                   "the pack cannot grade loose bounds")
        return unread_or_wrong(label, verdicts)


CHECK = PackComplexityCheck
