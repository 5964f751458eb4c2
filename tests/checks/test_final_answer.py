"""`final_answer.decide`: the verdict from candidate results and a comparator, whatever the comparator is."""

from __future__ import annotations

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.final_answer import FinalAnswerCheck, FinalAnswerParams, decide
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


def test_the_conclusion_decides_and_a_right_step_before_a_wrong_one_is_named() -> None:
    # issue 16: a right form followed by a different final one is judged by the final one, naming both lines
    out = decide(ctx(), sides("a", "b"), ["r", "alt"], table({("a", "alt"): equivalent_("same")}))
    assert (out.verdict, out.details) == (Verdict.FAIL, {"line": 11, "earlier": 10})
    assert "line 11" in out.findings[0].message and "line 10" in out.findings[0].message
    # a wrong step before a right conclusion is a step
    out = decide(ctx(), sides("a", "b"), ["r"], table({("b", "r"): equivalent_("same")}))
    assert (out.verdict, out.details) == (Verdict.PASS, {"line": 11})


def test_an_unreadable_conclusion_after_a_right_form_keeps_the_right_form() -> None:
    out = decide(ctx(), sides("a", "b"), ["r"], table({("a", "r"): equivalent_("same"), ("b", "r"): unknown("odd")}))
    assert out.verdict is Verdict.PASS and "line 11 could not be read" in out.findings[0].message


def test_without_a_target_any_stated_relation_counts() -> None:
    out = decide(ctx(target=None), sides("a", "b"), ["r"], table({("a", "r"): equivalent_("same")}))
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


# ---------------------------------------------------------------- the whole check on written answers
def grade(text: str, expected: str, target: str | None = "x", **more: object) -> CheckOutcome:
    lines = tuple(text.split("\n"))
    params = FinalAnswerParams.model_validate({"expected": expected, "target": target, **more})
    context = CheckContext(question=None, answer=Answer("1", lines, tuple(range(1, len(lines) + 1))),  # type: ignore[arg-type]
                           params=params, course=None, document=None, seed=0, timeout=5.0,  # type: ignore[arg-type]
                           label="the result")
    return FinalAnswerCheck().run(context)


def test_a_wrong_final_statement_after_a_right_one_fails_naming_both_lines() -> None:
    out = grade("We get $x = 2a + 2$.\n\nSimplifying, $x = 2a + 1$.", "2a + 2")
    assert out.verdict is Verdict.FAIL
    assert "line 3" in out.findings[0].message and "line 1" in out.findings[0].message


def test_restating_the_result_in_another_form_is_no_contradiction() -> None:
    out = grade("So $x = 2(a + 1)$.\n\nThe answer is $x = 2a + 2$.\n\nTherefore $x = 2 + 2a$.", "2a + 2")
    assert out.verdict is Verdict.PASS


def test_a_special_case_after_the_general_result_is_not_the_conclusion() -> None:
    for text in ("So $x = 2a + 2$. In particular, for $a = 0$, $x = 2$.",
                 "So $x = 2a + 2$.\n\nFor $a = 1$ we get $x = 4$.",
                 "So $x = 2a + 2$, and as $a \\to \\infty$, $x = \\infty$."):
        assert grade(text, "2a + 2").verdict is Verdict.PASS, text
    # the special case alone is what the answer says: judged as written
    assert grade("For $a = 1$ we get $x = 4$.", "2a + 2").verdict is Verdict.FAIL


def test_two_different_answers_each_marked_as_the_answer_go_to_review() -> None:
    out = grade("The answer is $x = 2a + 2$.\n\nSome more work.\n\nThe final answer is $\\boxed{x = 2a + 1}$.",
                "2a + 2")
    assert out.verdict is Verdict.REVIEW and out.fraction == 0.5
    assert "lines 1 and 5" in out.findings[0].message
    # "so" opens a step as often as a result: the last one decides, no review
    assert grade("So $x = 2a + 1$.\n\nSo $x = 2a + 2$.", "2a + 2").verdict is Verdict.PASS
    # the marked answer outranks a later unmarked statement
    assert grade("Overall, $x = 2a + 2$.\n\nCheck: $x = 3$ at $a = 1$... no, $x = 5$.", "2a + 2").verdict \
        is Verdict.PASS


def test_any_side_of_a_chain_states_the_target() -> None:
    assert grade("$$2a + 2 = 2(a + 1) = x$$", "2a + 2").verdict is Verdict.PASS


def test_a_relation_linear_in_the_target_is_solved_for_it() -> None:
    momentum = "\\alpha\\Delta\\theta_{t-1} - \\epsilon g_t"
    for text in ("$-\\Delta\\theta_t = \\alpha(-\\Delta\\theta_{t-1}) + \\epsilon g_t$",
                 "$2\\Delta\\theta_t - 2\\alpha\\Delta\\theta_{t-1} = -2\\epsilon g_t$",
                 "$\\epsilon g_t = \\alpha\\Delta\\theta_{t-1} - \\Delta\\theta_t$"):
        out = grade(text, momentum, "\\Delta\\theta_t")
        assert out.verdict is Verdict.PASS, text
        assert "accepted: solved for \\Delta\\theta_t from line 1" in out.findings[0].message
    # solving never makes a wrong rule right
    assert grade("$-\\Delta\\theta_t = \\alpha\\Delta\\theta_{t-1} + \\epsilon g_t$", momentum,
                 "\\Delta\\theta_t").verdict is Verdict.FAIL
    # not linear in the target: not read as a statement of it
    assert grade("$x^2 = 4a^2$", "2a").verdict is Verdict.UNKNOWN


def test_a_relation_beside_the_target_written_directly_is_about_its_own_symbol() -> None:
    out = grade("So $x = \\sqrt{3}$ and $y = -x$.", "\\sqrt{3}")
    assert out.verdict is Verdict.PASS


def test_definitions_stated_in_the_answer_are_substituted() -> None:
    out = grade("So $w = \\frac{1}{1 + \\lambda}$ where $\\lambda = \\frac{1-p}{p}$.", "p", "w")
    assert out.verdict is Verdict.PASS and "substituted" in out.findings[0].message
    out = grade("Let $c = 1 - \\beta^t$. Then $x = c g$.", "(1 - \\beta^t) g")
    assert out.verdict is Verdict.PASS
    # "for $t = 1$" is a case, not a definition: not substituted
    assert grade("For $t = 1$, $x = (1 - \\beta^t) g$ holds.\n\nSo $x = (1-\\beta) g$.",
                 "(1 - \\beta^t) g").verdict is Verdict.FAIL


def test_declared_aliases_are_applied_and_said() -> None:
    out = grade("So $y = 2x + 1$.", "2X + 1", "y", aliases={"x": "X"})
    assert out.verdict is Verdict.PASS and "x read as X" in out.findings[0].message
    assert grade("So $y = 2x + 1$.", "2X + 1", "y").verdict is Verdict.FAIL


def test_each_link_of_a_chain_is_a_relation_without_a_target() -> None:
    out = grade("$$w^* = p w = p \\cdot 3$$", "w^* = p w", None)
    assert out.verdict is Verdict.PASS and "link of the chain" in out.findings[0].message


def test_an_alias_that_is_not_math_is_refused_at_load_time() -> None:
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError, match="alias 'x'"):
        FinalAnswerParams.model_validate({"expected": "X", "aliases": {"x": "\\frac{"}})


def test_a_definition_is_substituted_into_a_whole_relation_too() -> None:
    out = grade("We need $\\epsilon < c$ where $c = \\frac{2}{L}$.", "\\epsilon < \\frac{2}{L}", None)
    assert out.verdict is Verdict.PASS and "substituted" in out.findings[0].message


def test_a_relation_after_with_that_names_the_target_negated_is_solved_for_it() -> None:
    # "with $-\lambda = ...$" names a case as "with $\lambda = ...$" does: the value stated, not a hypothesis
    out = grade("So the two are identical with $-\\lambda = 2\\eta\\gamma$.", "-2\\eta\\gamma", "\\lambda")
    assert out.verdict is Verdict.PASS and "solved for \\lambda" in out.findings[0].message
    assert grade("So the two are identical with $-\\lambda = -2\\eta\\gamma$.", "-2\\eta\\gamma",
                 "\\lambda").verdict is Verdict.FAIL
    # a hypothesis still states nothing
    assert grade("If $-\\lambda = 2\\eta\\gamma$ the schemes agree.", "-2\\eta\\gamma",
                 "\\lambda").verdict is Verdict.UNKNOWN


def test_a_symbol_named_with_write_or_for_the_is_substituted() -> None:
    out = grade("Writing $\\eta = \\epsilon$ for the step size, $$x = f - \\eta g$$", "f - \\epsilon g")
    assert out.verdict is Verdict.PASS and "\\eta = \\epsilon (line 1) substituted" in out.findings[0].message
    out = grade("Write $\\mathbf{m} = \\mathbb{E}[\\mathbf{g}]$ for the true mean. Then $$x = (1-\\beta^t)\\mathbf{m}$$",
                "(1-\\beta^t)\\mathbb{E}[\\mathbf{g}]")
    assert out.verdict is Verdict.PASS and "substituted" in out.findings[0].message
    out = grade("We get $x = 2a b$, with $b$ the rate. Call $b = c$.", "2 a c")
    assert out.verdict is Verdict.PASS


def test_a_definition_never_turns_a_wrong_answer_right() -> None:
    # the asked quantity introduced with "write" is the answer itself, judged as such
    out = grade("Write $\\lambda = -2\\eta\\gamma$.", "2\\eta\\gamma", "\\lambda")
    assert out.verdict is Verdict.FAIL and "substituted" not in out.findings[0].message
    # a rubric symbol "defined" by the student is not replaced: the answer keeps its own meaning
    out = grade("Write $\\gamma = \\frac{1}{2}$. So $\\lambda = \\eta$.", "2\\eta\\gamma", "\\lambda")
    assert out.verdict is Verdict.FAIL
    out = grade("Write $\\gamma = 2 k$. So $\\lambda = \\eta\\gamma$.", "2\\eta\\gamma", "\\lambda")
    assert out.verdict is Verdict.FAIL


def test_only_definitions_of_new_symbols_are_kept() -> None:
    from grader.checks.final_answer import new_definitions
    from grader.math import parse

    eta, eps, lam = (parse(t).root for t in ("\\eta", "\\epsilon", "\\lambda"))
    defs = [(eta, eps, 1, "\\eta = \\epsilon"), (eps, eta, 1, "\\eta = \\epsilon"), (lam, eta, 2, "\\lambda = \\eta")]
    assert new_definitions(defs, ("\\lambda", "f - \\epsilon g")) == [defs[0]]
    # both symbols new: one reading per formula, the left one
    assert new_definitions(defs[:2], ("x",)) == [defs[0]]




def test_a_target_written_with_other_spacing_or_in_unicode_is_found() -> None:
    kl = "\\log\\frac{s}{r} - \\frac{1}{2}"
    assert grade("$\\mathrm{KL}(p \\,\\|\\, q) = \\log\\frac{s}{r} - \\frac{1}{2}$", kl,
                 target="\\mathrm{KL}(p\\|q)").verdict is Verdict.PASS
    assert grade("$\\mathrm{KL}(p \\,\\|\\, q) = \\log\\frac{r}{s} - \\frac{1}{2}$", kl,
                 target="\\mathrm{KL}(p\\|q)").verdict is Verdict.FAIL
    ridge = "(X^\\top X + \\lambda I)^{-1} X^\\top y"
    assert grade("$w^* = (X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y$", ridge, target="w^*").verdict is Verdict.PASS
    assert grade("$w* = (X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y$", ridge, target="w^*").verdict is Verdict.PASS
    assert grade("$w* = (X\u1d40X + \u03bbI)X\u1d40y$", ridge, target="w^*").verdict is Verdict.FAIL


def test_a_definition_by_an_operator_name_is_substituted_and_read_back() -> None:
    expected = "\\operatorname{softmax}(\\mathbf z) - \\mathbf y"
    for name in ("\\operatorname{softmax}", "\\mathrm{softmax}", "softmax"):
        right = f"$\\nabla_{{z}} L = s - y$ where $s = {name}(z)$"
        assert grade(right, expected, target="\\nabla_{z} L").verdict is Verdict.PASS, name
    wrong = "$\\nabla_{z} L = s + y$ where $s = \\operatorname{softmax}(z)$"
    assert grade(wrong, expected, target="\\nabla_{z} L").verdict is Verdict.FAIL


def test_a_plain_text_write_up_states_its_result_without_delimiters() -> None:
    ridge = "(X^\\top X + \\lambda I)^{-1} X^\\top y"
    assert grade("w* = (X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y", ridge, target="w^*").verdict is Verdict.PASS
    assert grade("w* = (X\u1d40X)\u207b\u00b9X\u1d40y", ridge, target="w^*").verdict is Verdict.FAIL
    expected = "\\operatorname{softmax}(z) - y"
    assert grade("With p = softmax(z) and one-hot y, g = p - y.", expected, target="g").verdict is Verdict.PASS
    assert grade("With p = softmax(z) and one-hot y, g = y - p.", expected, target="g").verdict is Verdict.FAIL
