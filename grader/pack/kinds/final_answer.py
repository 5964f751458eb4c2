"""`pack_final_answer`: the final-answer check with each accepted form known only by its values at seeded points."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.final_answer import decide, read_candidates, sibling_forms
from grader.pack import points
from grader.pack.kinds.base import PackParams, not_checked


class PackFinalAnswerParams(PackParams):
    target: str | tuple[str, ...] | None = None  # public: what the question asks for (one or several names)
    relation: tuple[str, ...] = ("=",)  # public: how the target is linked to the result
    assume: tuple[str, ...] = ()
    aliases: dict[str, str] = {}  # public: the student's symbol -> the rubric's, as the full check applies them
    forms: tuple[dict[str, Any] | None, ...]  # fingerprints of the expected form and its alternatives; None: not held


def is_limit(reason: str) -> bool:
    """An `unknown` of the pack's comparison that comes from what the pack lacks, not from the answer."""
    return "the pack" in reason


class PackFinalAnswerCheck(Check):
    name = "pack_final_answer"
    Params = PackFinalAnswerParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackFinalAnswerParams = ctx.params  # type: ignore[assignment]

        def undecided(limit: str | None) -> CheckOutcome:
            if limit is not None:
                return not_checked(ctx, "final_answer", f"could not compare the result ({limit})")
            return not_checked(ctx, "final_answer", "the result matches none of the forms the pack holds, "
                                                    "and some accepted forms cannot be put in a pack")

        # the full check's reading of the answer and its decision, with fingerprints in place of the references
        others = sibling_forms(ctx, self.name, lambda o: o.forms)
        return decide(ctx, read_candidates(ctx, p), p.forms,  # type: ignore[arg-type]
                      lambda latex, fp: points.compare(latex, fp, p.assume, p.salt), undecided, is_limit, others)


CHECK = PackFinalAnswerCheck
