"""The `keywords` check: a claim is present when its phrases occur (any / all), and absent phrases stay absent."""

from __future__ import annotations

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity


class KeywordParams(Params):
    any: tuple[str, ...] = ()  # at least one of these phrases
    all: tuple[str, ...] = ()  # every one of these phrases
    none: tuple[str, ...] = ()  # none of these (a known wrong claim)


class KeywordCheck(Check):
    name = "keywords"
    Params = KeywordParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: KeywordParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the expected claim"
        found = [m for m in (ctx.reading.find(pat) for pat in p.any) if m]
        missing_all = [pat for pat in p.all if ctx.reading.find(pat) is None]
        wrong = [m for m in (ctx.reading.find(pat) for pat in p.none) if m]
        findings = [Finding("evidence", f"{label}: found \u201c{m.text}\u201d", m.line, m.line, Severity.INFO)
                    for m in found]
        findings += [Finding("claim", f"{label}: the answer states \u201c{m.text}\u201d, which does not hold",
                             m.line, m.line, Severity.WARNING) for m in wrong]
        ok = (not p.any or bool(found)) and not missing_all and not wrong
        if ok:
            return CheckOutcome(Verdict.PASS, f"{label}: present", tuple(findings))
        reason = f"{label}: not found in the answer" if not wrong else f"{label}: contradicted by the answer"
        return CheckOutcome(Verdict.FAIL, reason, tuple(findings))


CHECK = KeywordCheck
