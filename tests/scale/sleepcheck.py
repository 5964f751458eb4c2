"""A test-only check kind `sleep`: takes a set time; hangs, kills its worker or fails when the answer asks it to."""

from __future__ import annotations

import os
import time

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict


class SleepParams(Params):
    seconds: float = 0.0  # time every answer takes
    hang_on: str = "HANG"  # an answer holding this sleeps for an hour
    crash_on: str = "CRASH"  # an answer holding this kills its worker at once
    raise_on: str = "RAISE"  # an answer holding this makes the check itself fail (a stored `error`)


class SleepCheck(Check):
    name = "sleep"
    Params = SleepParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: SleepParams = ctx.params  # type: ignore[assignment]
        if p.crash_on in ctx.answer.text:
            os._exit(9)
        if p.raise_on in ctx.answer.text:
            raise RuntimeError("the sleep check was told to fail")
        time.sleep(3600 if p.hang_on in ctx.answer.text else p.seconds)
        return CheckOutcome(Verdict.PASS, "slept")


CHECK = SleepCheck


def register() -> None:
    """Make `sleep` a known kind in this process (workers forked later inherit it)."""
    from grader import checks

    checks.BUILTIN["sleep"] = "sleepcheck"
