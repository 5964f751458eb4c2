"""Tests of grader.read.evidence: phrases as words, course patterns, and LaTeX that differs only in how it looks."""

from __future__ import annotations

import pytest

from grader.read.evidence import find
from grader.read.segment import Answer

BIAS = r"re:\\frac\s*\{[^{}]*(\{[^{}]*\}[^{}]*)*\}\s*\{\s*\(?\s*1\s*-\s*\\beta\s*\^\s*\{?\s*t\s*\}?\s*\)?\s*\}"
EXPECT = r"re:(\\mathbb\{e\}|\be)\s*(\[|\\left\[)\s*\\?(mathbf\{|boldsymbol\{)?r"


def _answer(*lines: str) -> Answer:
    return Answer("1", tuple(lines), tuple(range(10, 10 + len(lines))))


def test_phrases_match_whole_words_with_endings_and_emphasis() -> None:
    answer = _answer("nothing here", "The gradient *vanishes* quickly.")
    hit = find(answer, "vanish*")
    assert hit is not None and (hit.line, hit.text) == (11, "vanishes")
    assert find(answer, "van") is None


@pytest.mark.parametrize("written", [
    r"$\hat v_t = \frac{v_t}{1-\beta^t}$",
    r"$\hat v_t = \dfrac{v_t}{1-\beta^t}$",
    r"$\hat v_t = \tfrac{v_t}{1-\beta^{t}}$",
    r"$\hat v_t = \dfrac{v_t}{\left(1-\beta^t\right)}$",
    r"$\displaystyle\hat v_t = \frac{v_t}{1 - \beta^{\,t}}$",
])
def test_a_pattern_finds_the_formula_however_it_is_typeset(written: str) -> None:
    assert find(_answer(written), BIAS) is not None


@pytest.mark.parametrize("written", [r"$\mathbb{E}[r]$", r"$\mathbb{E}\left[r\right]$", r"$\mathbb{E}\Bigl[\boldsymbol{r}\Bigr]$",
                                     r"$\mathbb{E}\bigg[ \bm{r} \bigg]$"])
def test_sizing_and_bold_commands_are_read_through(written: str) -> None:
    assert find(_answer(written), EXPECT) is not None


def test_other_formulas_and_other_commands_stay_as_they_are() -> None:
    assert find(_answer(r"$\hat v_t = \frac{v_t}{1-\beta}$"), BIAS) is None
    assert find(_answer(r"$x \leftarrow y$"), r"re:\\leftarrow") is not None  # not \left: kept
    assert find(_answer(r"$\bigcup_i A_i$"), r"re:\\bigcup_i") is not None  # not a sizing command: kept


def test_unicode_math_is_read_as_the_commands_patterns_are_written_in() -> None:
    answer = _answer("so the bias is removed by v_t/(1 − β^t)", "and the error tends → 0 as ε ≤ 1")
    assert find(answer, r"re:1\s*-\s*\\beta\s*\^\s*t") is not None
    assert find(answer, r"re:\\varepsilon\s*\\leq") is not None  # ε is \varepsilon, as the math reader has it
    assert find(answer, r"re:→\s*0") is not None  # a pattern written in Unicode still finds it as written
    assert find(_answer("αt"), r"re:\\alpha\s+t") is not None and find(_answer("αt"), r"re:\\alphat") is None


@pytest.mark.parametrize("written", [r"$\|\mathbf{u}\|_2$", r"$\lVert \mathbf{u} \rVert_2$", r"$\left\|\mathbf{u}\right\|_2$",
                                     r"$\Vert\mathbf{u}\Vert_2$"])
def test_norm_bars_however_they_are_set(written: str) -> None:
    assert find(_answer(written), r"re:\\\|\s*\\mathbf\{u\}\s*\\\|\s*_\s*2") is not None


# ---------------------------------------------------------------- phrases as words: forms, negation, edges

@pytest.mark.parametrize("written", ["the gradients vanish", "it vanishes", "it vanished", "vanishing gradients"])
def test_a_word_matches_its_plural_and_verb_forms(written: str) -> None:
    assert find(_answer(written), "vanish") is not None
    assert find(_answer(written), "vanishes") is not None  # the rubric may write any form


@pytest.mark.parametrize("written", ["it does not vanish", "it no longer vanishes", "it doesn't vanish",
                                     "it never vanishes", "they cannot vanish"])
def test_a_negated_phrase_is_not_found(written: str) -> None:
    assert find(_answer(written), "vanish") is None
    assert find(_answer(written), "not vanish") is not None  # the denial itself is what `not vanish` asks


def test_negation_is_read_in_its_own_clause_only() -> None:
    assert find(_answer("it is not small, but the gradient vanishes"), "vanish") is not None
    assert find(_answer("it isn't unbiased"), "unbiased") is None
    assert find(_answer("it is not unbiased"), "isn't unbiased") is not None
    assert find(_answer("the estimate is unbiased"), "not unbiased") is None


def test_a_word_never_matches_inside_another() -> None:
    assert find(_answer("softmax attention"), "soft") is None
    assert find(_answer("a soft assignment"), "soft") is not None
    assert find(_answer("softmax attention"), "soft*") is not None  # a written `*` asks for any ending


def test_course_patterns_are_matched_as_written() -> None:
    assert find(_answer("it does not vanish"), r"re:\bvanish") is not None


# ---------------------------------------------------------------- formulas by meaning

def _sides(*lines: str):  # type: ignore[no-untyped-def]
    from grader.read.reading import Reading

    return Reading(_answer(*lines)).sides


def test_a_formula_is_found_in_any_equivalent_form_and_says_where() -> None:
    from grader.read.evidence import find_math

    sides = _sides("We correct the bias:", r"$$\hat{\mathbf v}_t = \mathbf v_t (1-\beta^t)^{-1}$$")
    hit = find_math(sides, r"\frac{\mathbf v_t}{1-\beta^t}")
    assert hit is not None and hit.line == 11 and hit.text == r"\mathbf v_t (1-\beta^t)^{-1}"
    assert find_math(sides, r"\frac{\mathbf v_t}{1+\beta^t}") is None


def test_a_formula_inside_a_longer_expression_is_found() -> None:
    from grader.read.evidence import find_math

    sides = _sides(r"$\theta_{t+1} = \theta_t - \alpha \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}$")
    assert find_math(sides, r"\epsilon + \sqrt{\hat v_t}") is not None  # a denominator
    assert find_math(sides, r"\sqrt{\hat v_t}") is not None  # an argument's root
    assert find_math(sides, r"\sqrt{\hat m_t}") is None


def test_the_answers_own_names_through_aliases_and_relations_as_relations() -> None:
    from grader.read.evidence import find_math

    sides = _sides(r"$\hat v_t = \frac{v_t}{1-\beta_2^t}$")
    assert find_math(sides, r"\frac{v_t}{1-\beta^t}") is None
    assert find_math(sides, r"\frac{v_t}{1-\beta^t}", aliases={r"\beta_2": r"\beta"}) is not None
    assert find_math(_sides(r"$\beta = -\alpha$"), r"\alpha = -\beta") is not None
    assert find_math(_sides(r"$\beta = \alpha$"), r"\alpha = -\beta") is None


def test_assumptions_are_used() -> None:
    from grader.read.evidence import find_math

    sides = _sides(r"$y = \sqrt{x^2}$")
    assert find_math(sides, "x") is None  # √(x²) is |x|, not x
    assert find_math(sides, r"|x|") is not None
    assert find_math(_sides(r"$y = |x| + 1$"), "x + 1", ("x >= 0",)) is not None


@pytest.mark.parametrize("written", ["whether or not it vanishes, we bound it", "it not only vanishes but fast"])
def test_turns_of_phrase_that_deny_nothing(written: str) -> None:
    assert find(_answer(written), "vanish") is not None
