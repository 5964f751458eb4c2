"""`pack_unavailable`: a check the pack cannot run at all (code correctness, private worlds, regex-only claims)."""

from __future__ import annotations

from grader.checks.base import Check, CheckContext, CheckOutcome, Params
from grader.pack.kinds.base import not_checked


class UnavailableParams(Params):
    kind: str  # the kind of the real check
    why: str  # why the pack cannot run it, in words for a student


class UnavailableCheck(Check):
    name = "pack_unavailable"
    Params = UnavailableParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: UnavailableParams = ctx.params  # type: ignore[assignment]
        return not_checked(ctx, p.kind, p.why)


CHECK = UnavailableCheck
