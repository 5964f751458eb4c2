"""The `number` check: a size written as a product of equal factors is read per side (and says so), an arbitrary
product is not; a plain-text write-up's number is read from its prose, conservatively; the pack decides the same."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.number import NumberCheck, NumberParams
from grader.pack import numbers as pack_numbers
from grader.pack.kinds.number import PackNumberCheck, PackNumberParams
from grader.read.segment import Answer


def context(text: str, params: Any, label: str = "the output size") -> CheckContext:
    lines = tuple(text.split("\n"))
    answer = Answer("1", lines, tuple(range(10, 10 + len(lines))))
    return CheckContext(question=None, answer=answer, params=params, course=None,  # type: ignore[arg-type]
                        document=None, seed=0, timeout=5.0, label=label)  # type: ignore[arg-type]


def run(text: str, expected: str = "13", label: str = "the output size", **more: Any) -> CheckOutcome:
    params = NumberParams.model_validate({"expected": expected, **more})
    return NumberCheck().run(context(text, params, label))


def run_pack(text: str, expected: str = "13", label: str = "the output size") -> CheckOutcome:
    params = PackNumberParams.model_validate({"salt": "s", "fingerprint": pack_numbers.fingerprint(expected, "s")})
    return PackNumberCheck().run(context(text, params, label))


@pytest.mark.parametrize("text", [
    "So the output is $13 \\times 13$.",
    "The output size is $13\\times13$",
    "$H_{out} = 13 \\times 13$",
    "$13 \\times 13 \\times 13$",
    "$13 \u00d7 13$",
])
def test_a_size_of_equal_factors_is_read_per_side_and_says_so(text: str) -> None:
    out = run(text)
    assert out.verdict is Verdict.PASS, out.reason
    assert "read as 13 per side" in out.findings[-1].message
    assert run_pack(text).verdict is Verdict.PASS


@pytest.mark.parametrize("text", [
    "$13 \\times 2$",  # an arbitrary product is not a size of 13
    "$2 \\times 13$",
    "$13 \\times 13 = 169$",  # the student states 169
    "$12 \\times 12$",
])
def test_an_arbitrary_or_wrong_product_is_not_accepted(text: str) -> None:
    out = run(text)
    assert out.verdict is Verdict.FAIL, out.reason
    assert run_pack(text).verdict is Verdict.FAIL


def test_a_product_asked_as_its_value_still_passes_as_the_product() -> None:
    out = run("$13 \\times 13$", expected="169")
    assert out.verdict is Verdict.PASS and "per side" not in out.findings[-1].message
    assert run("$6 \\times 6$", expected="6").verdict is Verdict.PASS


@pytest.mark.parametrize("text,expected", [
    ("The output size is 13.", "13"),
    ("Output size: 13", "13"),
    ("After the convolution the spatial size is 13 pixels.", "13"),
    ("The result equals 12.5%.", "0.125"),
    ("The size after pooling is 6 x 6.", "6"),
    ("The size after pooling is 6 by 6.", "6"),
])
def test_a_number_in_prose_is_read_when_no_math_states_one(text: str, expected: str) -> None:
    out = run(text, expected=expected)
    assert out.verdict is Verdict.PASS, out.reason
    assert "read from the text" in out.findings[-1].message
    assert run_pack(text, expected=expected).verdict is Verdict.PASS


def test_a_wrong_number_in_prose_fails_and_says_where_it_was_read() -> None:
    out = run("Using the formula, the output size is 14.")
    assert out.verdict is Verdict.FAIL
    assert "line 10" in out.findings[-1].message and "read from the text" in out.findings[-1].message


@pytest.mark.parametrize("text", [
    "See equation (13).",  # a bracketed label
    "2.1 Output size",  # a question label
    "1. Compute the output size",  # a list number
    "This follows the paper of 2013.",  # a year
    "We use a kernel of 13, then pool.",  # not near the end of a sentence
    "The answer is on line 13.",  # a line number
    "The value is 2.1.3.",  # a dotted label
])
def test_prose_that_only_mentions_numbers_gives_no_candidate(text: str) -> None:
    out = run(text)
    assert out.verdict is Verdict.UNKNOWN, out.reason
    assert "no numeric result" in out.findings[-1].message


def test_the_labels_words_pick_the_quantity_over_other_statements() -> None:
    text = "The stride is 2.\nThe output size is 13.\nThe batch is 64."
    out = run(text)
    assert out.verdict is Verdict.PASS and "line 11" in out.findings[-1].message
    # without the label's words every "is" counts, and the last stated value is the one judged
    assert run("The stride is 2.\nThe result is 14.", label="").verdict is Verdict.FAIL


def test_math_candidates_win_over_prose() -> None:
    # the math states 14: the prose 13 is not read, so the answer is judged on its math
    assert run("The output size is 13, so $n = 14$.").verdict is Verdict.FAIL


# ---------------------------------------------------------------- the conclusion decides where the quantity is known
def test_the_last_value_of_the_target_decides_and_names_a_right_earlier_one() -> None:
    out = run("First $H = 13$.\n\nCorrecting the padding, $H = 14$.", target="H")
    assert out.verdict is Verdict.FAIL and "line 12" in out.findings[0].message and "line 10" in out.findings[0].message
    assert run("First $H = 14$.\n\nCorrecting the padding, $H = 13$.", target="H").verdict is Verdict.PASS
    # the values of one line are one statement: a list or a chain, any of them may be the one asked
    assert run("$H = 13 = \\frac{26}{2}$ and also $H = 12 + 1$", target="H").verdict is Verdict.PASS


def test_two_different_values_each_marked_as_the_answer_go_to_review() -> None:
    out = run("The answer is $H = 13$.\n\nMore.\n\nThe final answer is $H = 14$.", target="H")
    assert (out.verdict, out.fraction) == (Verdict.REVIEW, 0.5)


def test_without_a_target_or_words_any_value_counts() -> None:
    assert run("$H = 13$.\n\n$W = 14$.").verdict is Verdict.PASS


def test_another_check_of_the_question_claims_its_own_value() -> None:
    from grader.course.rubric import CheckSpec

    # each on its own line: the best beam's check would conclude from the second line without its sibling
    text = "The best beam is a, blue with log-likelihood $-9.3$.\n\nThe second is a, red with log-likelihood $-9.4$."
    specs = [CheckSpec(kind="number", label=label, params={"expected": value, "near": ["likelihood"]})
             for label, value in (("best", "-9.3"), ("second", "-9.4"))]

    class Question:
        checks = specs

    for spec in specs:
        ctx = context(text, NumberParams.model_validate(spec.params), spec.label)
        ctx = CheckContext(question=Question(), answer=ctx.answer, params=ctx.params, course=None,  # type: ignore[arg-type]
                           document=None, seed=0, timeout=5.0, label=spec.label)  # type: ignore[arg-type]
        assert NumberCheck().run(ctx).verdict is Verdict.PASS, spec.label


def test_a_definition_stated_in_the_answer_is_substituted_into_the_value() -> None:
    out = run("The size is $$s = \\frac{n - 3}{2} + 1$$ where $n = 27$.", "13", target="s")
    assert out.verdict is Verdict.PASS and "n = 27 (line 10) substituted" in out.findings[0].message
    assert run("The size is $$s = \\frac{n - 3}{2} + 1$$ where $n = 29$.", "13", target="s").verdict is Verdict.FAIL
    # the asked quantity is never a definition: "let $s = 12$" is the (wrong) answer
    assert run("Let $s = 12$.", "13", target="s").verdict is Verdict.FAIL
    # values said in words are read as math too
    assert run("So $s$ is thirteen... no: $s$ equals two.", "2", target="s").verdict is Verdict.PASS




@pytest.mark.parametrize("text, verdict", [
    ("Output size $= 12$.", Verdict.PASS),
    ("Output size $= 13$.", Verdict.FAIL),
    ("The output is $H = \\lfloor 23/2 \\rfloor + 1$ $= 12$.", Verdict.PASS),
])
def test_a_value_after_a_bare_relation_is_read(text: str, verdict: Verdict) -> None:
    assert run(text, expected="12", near=["output", "size"]).verdict is verdict


ADAM = [("corrected first moment", "\\hat{m}_2", "58/19"), ("corrected second moment", "\\hat{v}_2", "19996/1999")]


@pytest.mark.parametrize("text, right", [
    ("m\u2082 = 0.58 and v\u2082 = 0.019996.\nm\u0302\u2082 = 0.58 / (1 \u2212 0.9\u00b2) = 3.05\n"
     "v\u0302\u2082 = 0.019996 / (1 \u2212 0.999\u00b2) = 10.003", (True, True)),
    ("m\u0302\u2082 = 3.05\nv\u0302\u2082 = 10.003", (True, True)),
    ("v\u0302\u2082 = 10.003\nm\u0302\u2082 = 3.05", (True, True)),
    ("m\u0302\u2082 = 3.05\nv\u0302\u2082 = 3.05", (True, False)),
    ("m\u0302\u2082 = 10.003\nv\u0302\u2082 = 10.003", (False, True)),
    ("The corrected first moment is 3.05 and the corrected second moment is 10.003.", (True, True)),
    ("The corrected second moment is 10.003, the corrected first moment is 3.05.", (True, True)),
    ("The corrected first moment is 3.06 and the corrected second moment is 10.003.", (False, True)),
])
def test_plain_text_values_are_read_for_their_own_target_or_label(text: str, right: tuple[bool, bool]) -> None:
    for (label, target, expected), ok in zip(ADAM, right):
        out = run(text, expected=expected, label=label, target=target)
        assert out.verdict is (Verdict.PASS if ok else Verdict.FAIL), (label, out.reason)
