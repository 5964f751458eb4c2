"""`pack_number`: the number check with the reference known only by hashes of its acceptable printings."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome
from grader.checks.number import NumberCheck, siblings
from grader.pack import numbers
from grader.pack.kinds.base import PackParams


class PackNumberParams(PackParams):
    target: str | None = None
    near: tuple[str, ...] = ()
    fingerprint: dict[str, Any]


class PackNumberCheck(Check):
    name = "pack_number"
    Params = PackNumberParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackNumberParams = ctx.params  # type: ignore[assignment]
        full = NumberCheck()  # the full check's reading and verdicts, with hashes in place of the reference
        others = [lambda c, o=o: numbers.compare(c, o.fingerprint, o.salt) for o in siblings(ctx)]
        return full.decide(ctx, full.candidates(ctx, p),  # type: ignore[arg-type]
                           lambda c: numbers.compare(c, p.fingerprint, p.salt), others)


CHECK = PackNumberCheck
