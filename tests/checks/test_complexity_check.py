"""`complexity.decide`: the credit ladder from the claims and a comparator, whatever the comparator is."""

from __future__ import annotations

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.complexity import ComplexityParams, best, decide
from grader.math.verdict import Verdict as MathVerdict, different, equivalent_, unknown
from grader.read.segment import Answer

CTX = CheckContext(question=None, answer=Answer("1", ("x",), (3,)),  # type: ignore[arg-type]
                   params=ComplexityParams(expected="O(n)"), course=None, document=None,  # type: ignore[arg-type]
                   seed=0, timeout=1.0, label="time")


def claims(*texts: str) -> list[tuple[str, int, str]]:
    return [(t, 5 + k, "time is") for k, t in enumerate(texts)]


def by_claim(tight: dict[str, MathVerdict], loose: dict[str, MathVerdict] | None = None):  # type: ignore[no-untyped-def]
    """compare(claim, require_theta): `tight` when Θ is required, `loose` (default: the same) when not."""
    return lambda c, theta: (tight if theta or loose is None else loose).get(c, different("other class"))


def test_the_ladder() -> None:
    assert decide(CTX, [], by_claim({})).verdict is Verdict.UNKNOWN
    right = decide(CTX, claims("a", "b"), by_claim({"b": equivalent_("same", tight=True)}))
    assert right.verdict is Verdict.PASS and right.fraction is None and "line 6" in right.reason
    # the right growth stated as a bound where Θ is asked: the bound credit
    bound = decide(CTX, claims("a"), by_claim({"a": different("only a bound", tight=True)},
                                              {"a": equivalent_("same", tight=True)}),
                   require_theta=True, bound_credit=0.25)
    assert (bound.verdict, bound.fraction) == (Verdict.PASS, 0.25)
    loose = decide(CTX, claims("a"), by_claim({"a": different("loose", tight=False)}), loose_credit=0.75)
    assert (loose.verdict, loose.fraction) == (Verdict.PASS, 0.75)
    assert decide(CTX, claims("a"), by_claim({"a": unknown("unread")})).verdict is Verdict.UNKNOWN
    assert decide(CTX, claims("a"), by_claim({})).verdict is Verdict.FAIL


def test_a_verdict_the_comparator_cannot_grade_goes_to_undecided_before_the_failure() -> None:
    def undecided(v: MathVerdict, line: int) -> CheckOutcome:
        return CheckOutcome(Verdict.REVIEW, f"open at {line}")

    compare = by_claim({"a": different("other"), "b": unknown("LIMIT")})
    out = decide(CTX, claims("a", "b"), compare, undecided=undecided, limit=lambda v: v.reason == "LIMIT")
    assert (out.verdict, out.reason) == (Verdict.REVIEW, "open at 6")
    assert decide(CTX, claims("a", "b"), compare).verdict is Verdict.FAIL
    # a loose bound met first is graded, not left open
    first_loose = by_claim({"a": different("loose", tight=False), "b": unknown("LIMIT")})
    assert decide(CTX, claims("a", "b"), first_loose, undecided=undecided,
                  limit=lambda v: v.reason == "LIMIT").verdict is Verdict.PASS


def test_best_prefers_equivalent_then_loose_then_unknown() -> None:
    eq, lo, un, di = equivalent_("e"), different("l", tight=False), unknown("u"), different("d")
    assert best([di, un, lo, eq]) is eq
    assert best([di, un, lo]) is lo
    assert best([di, un]) is un
