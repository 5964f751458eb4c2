"""A formula the PDF reader could not rebuild sends its answer to review instead of a failing verdict."""

from __future__ import annotations

from types import SimpleNamespace

from grader.checks.base import UNREBUILT, Check, CheckContext, CheckOutcome, Verdict, review_unrebuilt
from grader.read.pdf.rebuild import UNREADABLE


class _Fails(Check):
    name = "always-fails"

    def run(self, ctx: CheckContext) -> CheckOutcome:
        return CheckOutcome(Verdict.FAIL, "the final answer differs")


class _Passes(Check):
    name = "always-passes"

    def run(self, ctx: CheckContext) -> CheckOutcome:
        return CheckOutcome(Verdict.PASS, "right")


def _ctx(text: str) -> CheckContext:
    answer = SimpleNamespace(text=text)
    return CheckContext(question=None, answer=answer, params=None, course=None, document=None,  # type: ignore[arg-type]
                        seed=0, timeout=1.0, reading=object())  # type: ignore[arg-type]


def test_the_marker_is_the_pdf_readers() -> None:
    assert UNREBUILT == UNREADABLE


def test_a_failing_verdict_on_an_unrebuilt_formula_is_a_review() -> None:
    ctx = _ctx(f"so $x = {UNREADABLE} + 1$")
    out = review_unrebuilt(_Fails().run(ctx), ctx)
    assert out.verdict is Verdict.REVIEW
    assert "could not be read from the PDF" in out.reason
    assert out.details["failed_because"] == "the final answer differs"


def test_readable_answers_keep_their_verdicts() -> None:
    readable, unrebuilt = _ctx("so $x = 2$"), _ctx(f"$x = {UNREADABLE}$")
    assert review_unrebuilt(_Fails().run(readable), readable).verdict is Verdict.FAIL
    assert review_unrebuilt(_Passes().run(unrebuilt), unrebuilt).verdict is Verdict.PASS
