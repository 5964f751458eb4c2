"""`pack_keywords`: the keywords check with phrases and notation known by their hashes and formulas by their
fingerprints; `re:` patterns are not in the pack."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.keywords import decide
from grader.grading.results import Finding
from grader.pack import phrases
from grader.pack.kinds.base import PackParams, not_checked


def _empty() -> dict[str, Any]:
    return {"digests": [], "groups": [], "formulas": [], "notations": [], "tokens": 0, "ordered": [], "patterns": 0, "words": 0}


class PackKeywordParams(PackParams):
    any: dict[str, Any] = Field(default_factory=_empty)  # phrases.hashed() of each list
    all: dict[str, Any] = Field(default_factory=_empty)
    none: dict[str, Any] = Field(default_factory=_empty)
    assume: tuple[str, ...] = ()  # the formulas' assumptions, as the full check compares under


def _given(group: dict[str, Any]) -> bool:
    return (bool(group["digests"]) or bool(group.get("formulas")) or bool(group.get("notations")) or bool(group.get("ordered"))
            or group["patterns"] > 0)


def _entries(group: dict[str, Any]) -> list[list[str]]:
    """The digests of each phrase of a list (all its word forms); a pack without groups has one per phrase."""
    digests = group["digests"]
    return [[digests[i] for i in g] for g in group["groups"]] if "groups" in group else [[d] for d in digests]


class PackKeywordCheck(Check):
    name = "pack_keywords"
    Params = PackKeywordParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackKeywordParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the expected claim"
        words = max(p.any["words"], p.all["words"], p.none["words"])
        grams = phrases.answer_grams(ctx.answer.lines, ctx.answer.line_numbers, words, p.salt)
        longest = max(g.get("tokens", 0) for g in (p.any, p.all, p.none))
        marks = phrases.notation_grams(ctx.answer.lines, ctx.answer.line_numbers, longest, p.salt) if longest else {}
        lines = (phrases.answer_words(ctx.answer.lines, ctx.answer.line_numbers, p.salt)
                 if any(g.get("ordered") for g in (p.any, p.all, p.none)) else [])

        def hits(group: dict[str, Any]) -> list[Any]:
            """Per entry of a list, where the answer says it (or None): phrases, notation, words in order,
            then formulas."""
            out = [next((grams[d] for d in forms if d in grams), None) for forms in _entries(group)]
            out += [marks.get(d) for d in group.get("notations", ())]
            out += [phrases.find_ordered(lines, c) for c in group.get("ordered", ())]
            return out + [phrases.find_formula(ctx.reading, fp, p.assume, p.salt) for fp in group.get("formulas", ())]

        found = [h for h in hits(p.any) if h is not None]
        missing = sum(h is None for h in hits(p.all))
        wrong = [h for h in hits(p.none) if h is not None]

        def undecided(findings: tuple[Finding, ...]) -> CheckOutcome:
            return not_checked(ctx, "keywords", "some of what it looks for is a pattern, which a pack does not hold",
                               findings)

        # the full check's decision; a pattern the pack does not hold is an entry it could not look for
        unseen = (p.any["patterns"] > 0, p.all["patterns"] > 0, p.none["patterns"] > 0)
        return decide(label, found, wrong, missing, _given(p.any), unseen, undecided)


CHECK = PackKeywordCheck
