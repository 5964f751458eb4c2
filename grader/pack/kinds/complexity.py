"""`pack_complexity`: the complexity check against a hashed class; loose bounds are reported, not graded."""

from __future__ import annotations

from typing import Any

from grader import answer_math
from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.pack import classes
from grader.pack.kinds.base import PackParams, not_checked
from grader.results import Finding, Severity


class PackComplexityParams(PackParams):
    fingerprint: dict[str, Any]
    near: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    require_theta: bool = False
    loose_credit: float = 0.5
    assume: tuple[str, ...] = ()


def _claims(ctx: CheckContext, p: PackComplexityParams) -> list[tuple[str, int, str]]:
    """The claims the full check reads: those introduced by a `near` word rather than an `avoid` word."""
    claims = answer_math.asymptotic_claims(ctx.answer)
    if not p.near:
        return claims

    def about(before: str) -> bool:
        low = before.lower()
        hits = [(low.rfind(w.lower()), True) for w in p.near] + [(low.rfind(w.lower()), False) for w in p.avoid]
        pos, wanted = max(hits)
        return pos >= 0 and wanted

    near = [c for c in claims if about(c[2])]
    return near or [c for c in claims if not any(w.lower() in c[2].lower() for w in p.avoid)]


class PackComplexityCheck(Check):
    name = "pack_complexity"
    Params = PackComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackComplexityParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "complexity"
        claims = _claims(ctx, p)
        if not claims:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no O/Θ/Ω claim found",
                                (Finding("complexity", f"{label}: no complexity claim (O, Θ or Ω) was found.",
                                         ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))
        verdicts = [(classes.compare(claim, p.fingerprint, p.assume, p.require_theta, p.salt), line)
                    for claim, line, _ in claims]
        for v, line in verdicts:
            if v.verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: right class (line {line})",
                                    (Finding("complexity", f"{label}: the class at line {line} is right.", line, line,
                                             Severity.INFO),))
        for v, line in verdicts:
            if v.reason == classes.UNDECIDED:
                return not_checked(ctx, "complexity", f"the bound at line {line} is not the expected class; "
                                   "it may be a correct but looser bound (partial credit) or a wrong one, and "
                                   "the pack cannot grade loose bounds")
        if all(v.verdict == "unknown" for v, _ in verdicts):
            v, line = verdicts[-1]
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the claim ({v.reason})",
                                (Finding("complexity", f"{label}: could not read the claim at line {line}: {v.reason}",
                                         line, line, Severity.WARNING),))
        v, line = verdicts[-1]
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong class",
                            (Finding("complexity", f"{label}: the class claimed at line {line} is not right.",
                                     line, line, Severity.ERROR),))


CHECK = PackComplexityCheck
