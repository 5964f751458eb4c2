"""The `free_text` check: evidence for each rubric claim and a provisional share; a person decides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str  # the point a good answer makes, in the rubric author's words
    any: tuple[str, ...]  # phrases that are evidence of it
    weight: float = 1.0


class FreeTextParams(Params):
    claims: tuple[Claim, ...] = ()
    min_words: int = 5  # fewer words than this is not an answer to a free-text question


class FreeTextCheck(Check):
    name = "free_text"
    Params = FreeTextParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: FreeTextParams = ctx.params  # type: ignore[assignment]
        words = len(ctx.answer.text.split())
        if words < p.min_words:
            return CheckOutcome(Verdict.FAIL, f"only {words} words; the question asks for an explanation",
                                (Finding("free_text", "The answer is too short to explain anything.",
                                         ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))
        findings: list[Finding] = []
        total = sum(c.weight for c in p.claims) or 1.0
        earned = 0.0
        for k, claim in enumerate(p.claims, start=1):
            hit = next((m for m in (ctx.reading.find(pat) for pat in claim.any) if m), None)
            if hit:
                earned += claim.weight
                findings.append(Finding("evidence", f"Evidence for rubric point {k} of {len(p.claims)}: \u201c{hit.text}\u201d",
                                        hit.line, hit.line, Severity.INFO))
            else:
                # the claim itself is not named: it would give the answer away in a self-check
                findings.append(Finding("evidence", f"No evidence found for rubric point {k} of {len(p.claims)}",
                                        None, None, Severity.INFO))
        share = earned / total if p.claims else 0.0
        reason = f"free text: evidence for {earned:g} of {total:g} claim weight; a TA decides"
        return CheckOutcome(Verdict.REVIEW, reason, tuple(findings), fraction=share)


CHECK = FreeTextCheck
