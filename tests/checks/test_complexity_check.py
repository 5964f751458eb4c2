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


# ---------------------------------------------------------------- the conclusion decides, on written answers
def grade(text: str, expected: str = "O(T N^2)", **more: object) -> CheckOutcome:
    from grader.checks.complexity import ComplexityCheck

    lines = tuple(text.split("\n"))
    params = ComplexityParams.model_validate({"expected": expected, "near": ["time"], "avoid": ["space", "memory"],
                                             **more})
    ctx = CheckContext(question=None, answer=Answer("1", lines, tuple(range(1, len(lines) + 1))),  # type: ignore[arg-type]
                       params=params, course=None, document=None, seed=0, timeout=5.0,  # type: ignore[arg-type]
                       label="time")
    return ComplexityCheck().run(ctx)


def test_an_intermediate_right_class_does_not_rescue_a_looser_conclusion() -> None:
    # issue 16's case: the forward pass is O(TN^2), but the overall time concluded is O(TN^3)
    text = ("- Forward pass: the time complexity would be $O(N + N) \\times O(TN) = O(TN^2)$\n"
            "- Backward pass: $O(NT)$\n\n"
            "So the overall time complexity would be $O(N) + O(TN^2) + O(NT) = O(TN^3)$")
    out = grade(text)
    assert (out.verdict, out.fraction) == (Verdict.PASS, 0.5)
    assert "line 4" in out.findings[0].message and "line 1 was right" in out.findings[0].message
    right = grade(text.replace("= O(TN^3)$", "= O(TN^2)$"))
    assert (right.verdict, right.fraction) == (Verdict.PASS, None)


def test_a_wrong_conclusion_after_a_right_class_fails_naming_both() -> None:
    out = grade("The time for one step is $O(TN^2)$ in total... no.\n\nSo the time complexity is $O(N^2)$.")
    assert out.verdict is Verdict.FAIL and "line 3" in out.findings[0].message and "line 1" in out.findings[0].message


def test_comparisons_and_asides_on_the_line_are_not_the_claim() -> None:
    assert grade("It takes time $O(TN^2)$ instead of $O(TN^T)$.").verdict is Verdict.PASS
    assert grade("It takes time $O(TN^2)$ (the scores alone take $O(TN)$).").verdict is Verdict.PASS
    assert grade("It takes time $O(TN^2)$, compared to $O(N^T)$ for enumeration.").verdict is Verdict.PASS


def test_two_different_overall_classes_go_to_review() -> None:
    out = grade("Overall the time is $O(TN^2)$.\n\nMore notes.\n\nOverall the time is $O(N^2)$.")
    assert (out.verdict, out.fraction) == (Verdict.REVIEW, 0.5)
    assert "lines 1 and 5" in out.findings[0].message


def test_an_incomparable_conclusion_after_the_right_class_keeps_it_and_says_so() -> None:
    # O(N^2) holds only when N >= T: the right class was shown, the conclusion is named
    out = grade("The tables take time $O(TN)$ in total.\n\nSo the overall time is $O(N^2)$ as $N \\ge T$.",
                expected="O(T N)")
    assert out.verdict is Verdict.PASS and out.fraction is None
    assert any("not comparable" in f.message and f.line == 3 for f in out.findings)


def test_a_claim_introduced_by_an_avoided_pattern_in_its_own_sentence_is_left_out() -> None:
    text = "The time complexity is $O(TN^2)$. The space is $O(TN)$. Enumerating all sequences takes $O(TN^T)$ time."
    assert grade(text, avoid=["space", "re:\\benumerat\\w*"]).verdict is Verdict.PASS


def test_a_bare_growth_is_a_theta_class_and_a_relation_without_one_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    p = ComplexityParams.model_validate({"expected": "n^2 d", "alternatives": ["O(n^3)", "n d"]})
    assert (p.expected, p.alternatives) == ("\\Theta(n^2 d)", ("O(n^3)", "\\Theta(n d)"))
    assert ComplexityParams.model_validate({"expected": "O(T N^2)"}).expected == "O(T N^2)"
    for bad, words in [("T = n^2 d", "names no O"), ("\\frac{", "cannot read")]:
        with pytest.raises(ValidationError, match=words):
            ComplexityParams.model_validate({"expected": bad})


def test_a_bare_growth_grades_as_its_theta_class() -> None:
    from grader.math.complexity import compare_complexity

    # grading has always read a bare growth as Θ: writing it out changes no verdict
    for student in ("\\Theta(n^2 d)", "O(n^2 d)", "O(n^3 d)", "\\Theta(n d)"):
        assert compare_complexity(student, "n^2 d").verdict == compare_complexity(student, "\\Theta(n^2 d)").verdict




def pair(text: str, checks: list[tuple[str, str, list[str]]]) -> dict[str, Verdict]:
    """Each of a question's complexity checks (label, expected, near words, no `avoid`) run on `text`."""
    from grader.checks.complexity import ComplexityCheck
    from grader.course.rubric import CheckSpec

    specs = [CheckSpec(kind="complexity", label=label, params={"expected": expected, "near": near})
             for label, expected, near in checks]

    class Question:
        checks = specs

    lines = tuple(text.split("\n"))
    out = {}
    for spec in specs:
        ctx = CheckContext(question=Question(), answer=Answer("1", lines, tuple(range(1, len(lines) + 1))),  # type: ignore[arg-type]
                           params=ComplexityParams.model_validate(spec.params), course=None,  # type: ignore[arg-type]
                           document=None, seed=0, timeout=5.0, label=spec.label)  # type: ignore[arg-type]
        out[spec.label] = ComplexityCheck().run(ctx).verdict
    return out


TIME_MEMORY = [("time", "\\Theta(n^2 d)", ["time", "operations"]), ("memory", "\\Theta(n^2 + nd)", ["memory", "space"])]
FORWARD_BACKWARD = [("forward", "O(T N^2)", ["forward"]), ("backward", "O(T N)", ["backward"])]


def test_claims_sharing_a_line_belong_to_the_sentence_that_names_their_check() -> None:
    for text in ("The time is $\\Theta(n^2 d)$. The memory is $\\Theta(n^2 + nd)$.",
                 "The memory is $\\Theta(n^2 + nd)$; the time is $\\Theta(n^2 d)$.",
                 "The time is $\\Theta(n^2 d)$ and the memory is $\\Theta(n^2 + nd)$.",
                 "Time: $\\Theta(n^2 d)$. Memory: $\\Theta(n^2 + nd)$."):
        assert pair(text, TIME_MEMORY) == {"time": Verdict.PASS, "memory": Verdict.PASS}, text
    # a wrong class in one sentence fails that check only
    assert pair("The time is $\\Theta(n^2 d)$. The memory is $\\Theta(n d)$.", TIME_MEMORY) == {
        "time": Verdict.PASS, "memory": Verdict.FAIL}
    assert pair("The forward pass costs $O(TN^2)$. The backward pass costs $O(TN)$.", FORWARD_BACKWARD) == {
        "forward": Verdict.PASS, "backward": Verdict.PASS}
    assert pair("The forward pass costs $O(TN^2)$. The backward pass costs $O(N)$.", FORWARD_BACKWARD) == {
        "forward": Verdict.PASS, "backward": Verdict.FAIL}


def test_a_sentence_without_any_checks_words_still_takes_its_lines_words() -> None:
    # "in total" names no check: the claim is still the time's, from the line's earlier words
    assert pair("The time per step is $\\Theta(n d)$; in total $\\Theta(n^2 d)$.", TIME_MEMORY)["time"] is Verdict.PASS
