"""`final_answer.decide`: the verdict from candidate results and a comparator, whatever the comparator is."""

from __future__ import annotations

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.final_answer import FinalAnswerParams, decide
from grader.math.verdict import Verdict as MathVerdict, different, equivalent_, unknown
from grader.read.reading import Side
from grader.read.segment import Answer


def ctx(target: str | None = "x") -> CheckContext:
    params = FinalAnswerParams(expected="1", target=target)
    return CheckContext(question=None, answer=Answer("1", ("a", "b", "c"), (10, 11, 12)),  # type: ignore[arg-type]
                        params=params, course=None, document=None, seed=0, timeout=1.0,  # type: ignore[arg-type]
                        label="the result")


def sides(*latex: str) -> list[Side]:
    return [Side(t, 10 + k, 1, 2, f"x = {t}") for k, t in enumerate(latex)]


def table(verdicts: dict[tuple[str, str], MathVerdict]):  # type: ignore[no-untyped-def]
    """A comparator that looks each (result, form) up, `different` where not listed."""
    return lambda latex, form: verdicts.get((latex, form), different("not listed"))


def test_no_candidates_is_unknown_and_says_what_was_missing() -> None:
    out = decide(ctx(), [], ["r"], table({}))
    assert out.verdict is Verdict.UNKNOWN and "no statement about the asked quantity" in out.reason
    assert "no math" in decide(ctx(target=None), [], ["r"], table({})).reason


def test_an_earlier_equivalent_result_counts_and_names_its_line() -> None:
    out = decide(ctx(), sides("a", "b"), ["r", "alt"], table({("a", "alt"): equivalent_("same")}))
    assert (out.verdict, out.details) == (Verdict.PASS, {"line": 10})


def test_a_result_matching_no_form_fails_at_the_last_statement() -> None:
    out = decide(ctx(), sides("a", "b"), ["r"], table({("a", "r"): unknown("cannot read")}))
    assert out.verdict is Verdict.FAIL and "line 11" in out.findings[0].message


def test_unknown_everywhere_is_unknown_with_the_first_reason() -> None:
    out = decide(ctx(), sides("a"), ["r"], table({("a", "r"): unknown("cannot read it")}))
    assert out.verdict is Verdict.UNKNOWN and out.reason == "the result: could not compare (line 10: cannot read it)"


def test_the_comparators_limits_go_to_undecided() -> None:
    seen: list[str | None] = []

    def undecided(why: str | None) -> CheckOutcome:
        seen.append(why)
        return CheckOutcome(Verdict.REVIEW, "open")

    limited = table({("a", "r"): unknown("LIMIT here")})
    out = decide(ctx(), sides("a"), ["r"], limited, undecided, lambda reason: "LIMIT" in reason)
    assert out.verdict is Verdict.REVIEW and seen == ["line 10: LIMIT here"]
    # without a limit among the reasons the answer itself is unreadable: undecided is not asked
    assert decide(ctx(), sides("a"), ["r"], limited, undecided).verdict is Verdict.UNKNOWN
    # a form the comparator does not hold: no match among the held ones is not a failure
    assert decide(ctx(), sides("a"), ["r", None], table({}), undecided).verdict is Verdict.REVIEW
    assert seen[-1] is None
    assert decide(ctx(), sides("a"), ["r", None], table({})).verdict is Verdict.FAIL
