"""`pack_keywords`: the keywords check with phrases known by their hashes; `re:` patterns are not in the pack."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.pack import phrases
from grader.pack.kinds.base import PackParams, not_checked
from grader.grading.results import Finding, Severity


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
        missing_all = [d for d in p.all["digests"] if d not in grams]
        wrong = [grams[d] for d in p.none["digests"] if d in grams]
        findings = [Finding("evidence", f"{label}: found \u201c{g.text}\u201d", g.line, g.line, Severity.INFO)
                    for g in found]
        findings += [Finding("claim", f"{label}: the answer states \u201c{g.text}\u201d, which does not hold",
                             g.line, g.line, Severity.WARNING) for g in wrong]
        # True / False where the hashes decide; None where only a pattern the pack lacks could decide
        any_ok = True if not _given(p.any) or found else (None if p.any["patterns"] else False)
        all_ok = False if missing_all else (None if p.all["patterns"] else True)
        none_ok = False if wrong else (None if p.none["patterns"] else True)
        decided = (any_ok, all_ok, none_ok)
        if False in decided:
            reason = f"{label}: not found in the answer" if not wrong else f"{label}: contradicted by the answer"
            return CheckOutcome(Verdict.FAIL, reason, tuple(findings))
        if None in decided:
            return not_checked(ctx, "keywords", "some of what it looks for is a pattern, which a pack does not hold",
                               tuple(findings))
        return CheckOutcome(Verdict.PASS, f"{label}: present", tuple(findings))


CHECK = PackKeywordCheck
