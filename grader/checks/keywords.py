"""The `keywords` check: a claim is present when its phrases occur (any / all), and absent phrases stay absent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity


class KeywordParams(Params):
    any: tuple[str, ...] = ()  # at least one of these phrases
    all: tuple[str, ...] = ()  # every one of these phrases
    none: tuple[str, ...] = ()  # none of these (a known wrong claim)


class Hit(Protocol):
    """Where the answer says a phrase: its line and the student's own words (read-only, as frozen records are)."""

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...


def decide(label: str, found: Sequence[Hit], wrong: Sequence[Hit], missing: int, any_given: bool,
           unseen: tuple[bool, bool, bool] = (False, False, False),
           undecided: Callable[[tuple[Finding, ...]], CheckOutcome] | None = None) -> CheckOutcome:
    """The verdict from what was found: `any` phrases found, how many `all` phrases are missing, `none` phrases
    found. `unseen` says, for any / all / none, that some of its entries could not be looked for (a self-check
    pack lacks patterns); where only those could decide, `undecided(findings)` gives the outcome."""
    findings = [Finding("evidence", f"{label}: found \u201c{m.text}\u201d", m.line, m.line, Severity.INFO)
                for m in found]
    findings += [Finding("claim", f"{label}: the answer states \u201c{m.text}\u201d, which does not hold",
                         m.line, m.line, Severity.WARNING) for m in wrong]
    # True / False where what was looked for decides; None where only an unseen entry could
    any_ok = True if not any_given or found else (None if unseen[0] else False)
    all_ok = False if missing else (None if unseen[1] else True)
    none_ok = False if wrong else (None if unseen[2] else True)
    decided = (any_ok, all_ok, none_ok)
    if False in decided:
        reason = f"{label}: not found in the answer" if not wrong else f"{label}: contradicted by the answer"
        return CheckOutcome(Verdict.FAIL, reason, tuple(findings))
    if None in decided:
        if undecided is not None:
            return undecided(tuple(findings))
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: some of what it looks for could not be looked for",
                            tuple(findings))
    return CheckOutcome(Verdict.PASS, f"{label}: present", tuple(findings))


class KeywordCheck(Check):
    name = "keywords"
    Params = KeywordParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: KeywordParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the expected claim"
        found = [m for m in (ctx.reading.find(pat) for pat in p.any) if m]
        missing_all = [pat for pat in p.all if ctx.reading.find(pat) is None]
        wrong = [m for m in (ctx.reading.find(pat) for pat in p.none) if m]
        return decide(label, found, wrong, len(missing_all), bool(p.any))


CHECK = KeywordCheck
