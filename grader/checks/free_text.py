"""The `free_text` check: evidence for each rubric claim and a provisional share; a person decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity
from grader.read.evidence import Entry


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str  # the point a good answer makes, in the rubric author's words
    any: tuple[Entry, ...]  # phrases (or formulas, or patterns with a reason) that are evidence of it
    weight: float = 1.0


class FreeTextParams(Params):
    claims: tuple[Claim, ...] = ()
    min_words: int = 5  # fewer words than this is not an answer to a free-text question


class Point(NamedTuple):
    """One rubric point as the answer was searched for it."""

    weight: float
    hit: Any = None  # where the answer gives evidence for it (with `.text` and `.line`), or None
    unseen: str | None = None  # why it could not be searched for (a self-check pack lacks its patterns), or None


def decide(ctx: CheckContext, min_words: int, points: Sequence[Point],
           details: dict[str, Any] | None = None) -> CheckOutcome:
    """Too short, or the evidence per rubric point and the share of claim weight it gives; a person decides."""
    words = len(ctx.answer.text.split())
    if words < min_words:
        return CheckOutcome(Verdict.FAIL, f"only {words} words; the question asks for an explanation",
                            (Finding("free_text", "The answer is too short to explain anything.",
                                     ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))
    findings: list[Finding] = []
    total = sum(pt.weight for pt in points) or 1.0
    earned = 0.0
    n = len(points)
    for k, pt in enumerate(points, start=1):
        if pt.hit:
            earned += pt.weight
            findings.append(Finding("evidence", f"Evidence for rubric point {k} of {n}: \u201c{pt.hit.text}\u201d",
                                    pt.hit.line, pt.hit.line, Severity.INFO))
        elif pt.unseen is not None:
            # "pack": the feedback says it once among what was not checked
            findings.append(Finding("pack", f"Rubric point {k} of {n}: not checked {pt.unseen}", None, None,
                                    Severity.INFO))
        else:
            # the claim itself is not named: it would give the answer away in a self-check
            findings.append(Finding("evidence", f"No evidence found for rubric point {k} of {n}",
                                    None, None, Severity.INFO))
    share = earned / total if points else 0.0
    reason = f"free text: evidence for {earned:g} of {total:g} claim weight; a TA decides"
    return CheckOutcome(Verdict.REVIEW, reason, tuple(findings), fraction=share, details=details or {})


class FreeTextCheck(Check):
    name = "free_text"
    Params = FreeTextParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: FreeTextParams = ctx.params  # type: ignore[assignment]
        from grader.checks.keywords import locate

        points = [Point(c.weight, next((m for m in (locate(ctx, e) for e in c.any) if m), None)) for c in p.claims]
        return decide(ctx, p.min_words, points)


CHECK = FreeTextCheck
