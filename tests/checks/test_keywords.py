"""`keywords.decide`: found / missing / contradicted, and entries that could not be looked for stay open."""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.base import CheckOutcome, Verdict
from grader.checks.keywords import decide
from grader.grading.results import Finding


@dataclass(frozen=True)
class Hit:
    line: int
    text: str


def test_decided_cases() -> None:
    assert decide("c", [Hit(2, "x")], [], 0, True).verdict is Verdict.PASS
    assert decide("c", [], [], 0, False).verdict is Verdict.PASS  # no `any` list: nothing to find
    assert decide("c", [], [], 0, True).reason == "c: not found in the answer"
    assert decide("c", [Hit(2, "x")], [], 1, True).verdict is Verdict.FAIL
    contradicted = decide("c", [Hit(2, "x")], [Hit(4, "y")], 0, True)
    assert contradicted.reason == "c: contradicted by the answer"
    assert [f.line for f in contradicted.findings] == [2, 4]


def test_open_entries_are_undecided_unless_something_else_decides() -> None:
    def undecided(findings: tuple[Finding, ...]) -> CheckOutcome:
        return CheckOutcome(Verdict.REVIEW, "open", findings)

    assert decide("c", [], [], 0, True, (True, False, False), undecided).verdict is Verdict.REVIEW
    # found: the open `any` entries cannot change it; an open `none` entry could
    assert decide("c", [Hit(1, "x")], [], 0, True, (True, False, False), undecided).verdict is Verdict.PASS
    assert decide("c", [Hit(1, "x")], [], 0, True, (False, False, True), undecided).verdict is Verdict.REVIEW
    # a missing `all` phrase fails whatever is open
    assert decide("c", [Hit(1, "x")], [], 1, True, (True, True, True), undecided).verdict is Verdict.FAIL
    # open with no one to ask: unknown, never a pass
    assert decide("c", [], [], 0, True, (True, False, False)).verdict is Verdict.UNKNOWN
