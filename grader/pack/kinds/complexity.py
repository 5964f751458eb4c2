"""`pack_complexity`: the complexity check against hashed classes; loose bounds are reported, not graded."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.complexity import best, claims_about, decide, foreign_near, siblings
from grader.math.verdict import Verdict
from grader.pack import classes
from grader.pack.kinds.base import PackParams, not_checked


class PackComplexityParams(PackParams):
    fingerprint: dict[str, Any]
    alternatives: tuple[dict[str, Any], ...] = ()  # fingerprints of the other accepted classes
    near: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    require_theta: bool = False
    loose_credit: float = 0.5
    bound_credit: float = 0.5
    assume: tuple[str, ...] = ()


def is_limit(v: Verdict) -> bool:
    """A claim of another class that may be a correct looser bound or a wrong one: a hash cannot tell which."""
    return v.reason == classes.UNDECIDED


class PackComplexityCheck(Check):
    name = "pack_complexity"
    Params = PackComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackComplexityParams = ctx.params  # type: ignore[assignment]
        claims = claims_about(ctx.answer, p.near, p.avoid, foreign_near(ctx))  # the full check's reading of the answer
        fingerprints = (p.fingerprint, *p.alternatives)

        def compare(claim: str, theta: bool) -> Verdict:
            return best(classes.compare(claim, fp, p.assume, theta, p.salt) for fp in fingerprints)

        def undecided(v: Verdict, line: int) -> CheckOutcome:
            return not_checked(ctx, "complexity", f"the bound at line {line} is not the expected class; it may be "
                               "a correct but looser bound (partial credit) or a wrong one, and the pack cannot "
                               "grade loose bounds")

        # the full check's credit ladder, with hashes in place of the reference classes
        others = [lambda claim, theta, o=o: best(classes.compare(claim, fp, o.assume, theta, o.salt)
                                                 for fp in (o.fingerprint, *o.alternatives)) for o in siblings(ctx)]
        return decide(ctx, claims, compare, p.require_theta, p.bound_credit, p.loose_credit, undecided, is_limit,
                      others)


CHECK = PackComplexityCheck
