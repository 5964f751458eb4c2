"""`pack_free_text`: evidence per rubric point from hashed phrases and a provisional share; a person decides."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.pack import phrases
from grader.pack.kinds.base import NOT_CHECKED, PackParams
from grader.grading.results import Finding, Severity


class PackFreeTextParams(PackParams):
    claims: tuple[dict[str, Any], ...] = ()  # per rubric point: {"weight", **phrases.hashed(any)}; no claim text
    min_words: int = 5


class PackFreeTextCheck(Check):
    name = "pack_free_text"
    Params = PackFreeTextParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackFreeTextParams = ctx.params  # type: ignore[assignment]
        words = len(ctx.answer.text.split())
        if words < p.min_words:
            return CheckOutcome(Verdict.FAIL, f"only {words} words; the question asks for an explanation",
                                (Finding("free_text", "The answer is too short to explain anything.",
                                         ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))
        longest = max((c["words"] for c in p.claims), default=0)
        grams = phrases.answer_grams(ctx.answer.lines, ctx.answer.line_numbers, longest, p.salt)
        findings: list[Finding] = []
        total = sum(c["weight"] for c in p.claims) or 1.0
        earned = 0.0
        unchecked = 0
        n = len(p.claims)
        for k, claim in enumerate(p.claims, start=1):
            hit = next((grams[d] for d in claim["digests"] if d in grams), None)
            if hit:
                earned += claim["weight"]
                findings.append(Finding("evidence", f"Evidence for rubric point {k} of {n}: \u201c{hit.text}\u201d",
                                        hit.line, hit.line, Severity.INFO))
            elif claim["patterns"]:
                unchecked += 1
                findings.append(Finding("pack", f"Rubric point {k} of {n}: not checked by the pack (it is "
                                        "recognised by a pattern, which a pack does not hold)", None, None,
                                        Severity.INFO))
            else:
                findings.append(Finding("evidence", f"No evidence found for rubric point {k} of {n}",
                                        None, None, Severity.INFO))
        share = earned / total if p.claims else 0.0
        reason = f"free text: evidence for {earned:g} of {total:g} claim weight; a TA decides"
        details = {NOT_CHECKED: f"{unchecked} of {n} rubric points are recognised by patterns the pack does not hold"
                   } if unchecked else {}
        return CheckOutcome(Verdict.REVIEW, reason, tuple(findings), fraction=share, details=details)


CHECK = PackFreeTextCheck
