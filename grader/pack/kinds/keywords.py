"""`pack_keywords`: the keywords check with phrases known by their hashes; `re:` patterns are not in the pack."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.keywords import decide
from grader.grading.results import Finding
from grader.pack import phrases
from grader.pack.kinds.base import PackParams, not_checked


def _empty() -> dict[str, Any]:
    return {"digests": [], "patterns": 0, "words": 0}


class PackKeywordParams(PackParams):
    any: dict[str, Any] = Field(default_factory=_empty)  # phrases.hashed() of each list
    all: dict[str, Any] = Field(default_factory=_empty)
    none: dict[str, Any] = Field(default_factory=_empty)


def _given(group: dict[str, Any]) -> bool:
    return bool(group["digests"]) or group["patterns"] > 0


class PackKeywordCheck(Check):
    name = "pack_keywords"
    Params = PackKeywordParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackKeywordParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the expected claim"
        words = max(p.any["words"], p.all["words"], p.none["words"])
        grams = phrases.answer_grams(ctx.answer.lines, ctx.answer.line_numbers, words, p.salt)
        found = [grams[d] for d in p.any["digests"] if d in grams]
        missing = sum(d not in grams for d in p.all["digests"])
        wrong = [grams[d] for d in p.none["digests"] if d in grams]

        def undecided(findings: tuple[Finding, ...]) -> CheckOutcome:
            return not_checked(ctx, "keywords", "some of what it looks for is a pattern, which a pack does not hold",
                               findings)

        # the full check's decision; a pattern the pack does not hold is an entry it could not look for
        unseen = (p.any["patterns"] > 0, p.all["patterns"] > 0, p.none["patterns"] > 0)
        return decide(label, found, wrong, missing, _given(p.any), unseen, undecided)


CHECK = PackKeywordCheck
