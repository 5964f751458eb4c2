"""The scale benchmark's `busy` check for stand-in rubrics: burns a fixed amount of CPU per write-up, then passes."""

from __future__ import annotations

import time

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict


class BusyParams(Params):
    cpu_s: float = 0.5


class BusyCheck(Check):
    """Burns `cpu_s` seconds of CPU (not wall time), standing in for the math layer of a rubric not yet written."""

    name = "busy"
    Params = BusyParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        end = time.process_time() + ctx.params.cpu_s  # type: ignore[attr-defined]
        x = 0
        while time.process_time() < end:
            x = (x * 31 + 7) % 1000003
        return CheckOutcome(Verdict.PASS, "busy")


CHECK = BusyCheck
