"""`pack_free_text`: evidence per rubric point from hashed phrases and notation and a provisional share; a person
decides."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.free_text import Point, decide
from grader.checks.keywords import question_assumptions
from grader.pack import phrases
from grader.pack.kinds.base import NOT_CHECKED, PackParams

UNSEEN = "by the pack (it is recognised by a pattern, which a pack does not hold)"


class PackFreeTextParams(PackParams):
    claims: tuple[dict[str, Any], ...] = ()  # per rubric point: {"weight", **phrases.hashed(any)}; no claim text
    min_words: int = 5


class PackFreeTextCheck(Check):
    name = "pack_free_text"
    Params = PackFreeTextParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackFreeTextParams = ctx.params  # type: ignore[assignment]
        longest = max((c["words"] for c in p.claims), default=0)
        grams = phrases.answer_grams(ctx.answer.lines, ctx.answer.line_numbers, longest, p.salt)
        tokens = max((c.get("tokens", 0) for c in p.claims), default=0)
        marks = phrases.notation_grams(ctx.answer.lines, ctx.answer.line_numbers, tokens, p.salt) if tokens else {}
        lines = (phrases.answer_words(ctx.answer.lines, ctx.answer.line_numbers, p.salt)
                 if any(c.get("ordered") for c in p.claims) else [])
        points = []
        assume = question_assumptions(ctx)  # formula claims compare under the question's assumptions
        for claim in p.claims:
            hit = next((grams[d] for d in claim["digests"] if d in grams), None) or next(
                (marks[d] for d in claim.get("notations", ()) if d in marks), None) or next(
                (h for h in (phrases.find_ordered(lines, c) for c in claim.get("ordered", ())) if h), None) or next(
                (h for h in (phrases.find_formula(ctx.reading, fp, assume, p.salt) for fp in claim.get("formulas", ())) if h),
                None)
            points.append(Point(claim["weight"], hit, UNSEEN if hit is None and claim["patterns"] else None))
        unseen = sum(pt.unseen is not None for pt in points)
        details = {NOT_CHECKED: f"{unseen} of {len(points)} rubric points are recognised by patterns the pack "
                                "does not hold"} if unseen else {}
        # the full check's decision, with the phrases found by their hashes
        return decide(ctx, p.min_words, points, details)


CHECK = PackFreeTextCheck
