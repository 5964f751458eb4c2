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


# ---------------------------------------------------------------- notation and words in order

def _rows(*lines: str) -> list[tuple[tuple[str, ...], int]]:
    from grader.read.evidence import readings

    return [(readings(text), 10 + k) for k, text in enumerate(lines)]


@pytest.mark.parametrize(("notation", "written"), [
    (r"\nabla^2", r"the Hessian $\nabla^{2} f(\mathbf w)$"),
    (r"\nabla^2", r"$\nabla ^ 2 L$"),
    (r"\hat v", r"$\hat{\boldsymbol{v}}_t$"),
    (r"\to 0", r"$x_t \longrightarrow 0$"),
    (r"\to 0", "so h_t → 0 as t grows"),
    (r"\ge 0", r"$a_{ij} \geq 0$"),
    (r"\sum", "∑_j a_ij = 1"),
    (r"2\gamma", r"$-2\gamma\theta$"),
    (r"2\gamma", "theta - eta * 2gamma theta"),
    ("m \\ll n", "when m ≪ n"),
    ("o(", r"the remainder is $\mathcal{o}(\|\delta w\|)$"),
    ("a_t", r"store $a_{t}(j)$"),
])
def test_notation_is_found_however_it_is_typeset(notation: str, written: str) -> None:
    from grader.read.evidence import find_notation

    hit = find_notation(_rows("nothing", written), notation)
    assert hit is not None and hit.line == 11


@pytest.mark.parametrize(("notation", "written"), [
    ("a_t", "the data_t array"),  # letters are whole runs
    ("o(", "two (2) steps"),
    (r"2\gamma", r"$12\gamma$"),
    (r"\to 0", r"$x \to 1$"),
    (r"\nabla^2", r"$\nabla f$"),
    (r"\lim_", "the limit is taken"),
])
def test_notation_is_not_found_in_other_notation(notation: str, written: str) -> None:
    from grader.read.evidence import find_notation

    assert find_notation(_rows(written), notation) is None


def test_a_notation_hit_shows_the_students_text_with_its_braces_closed() -> None:
    from grader.read.evidence import find_notation

    hit = find_notation(_rows(r"$\hat{\mathbf{v}}_t$"), r"\hat v")
    assert hit is not None and hit.text == r"\hat{\mathbf{v}}"
    hit = find_notation(_rows(r"with $\mathbb{E}[R_{kj}] = p$"), "E[r")
    assert hit is not None and hit.text == r"\mathbb{e}[r"  # the dropped decoration is shown with its symbol


@pytest.mark.parametrize(("claim", "written", "found"), [
    ({"words": ["the", "green", "rectangle"]}, r"$\text{the} \to \text{green} \to \text{rectangles}$", True),
    ({"words": ["the", "green", "rectangle"]}, "the big green rectangle", False),
    ({"words": ["the", "green", "rectangle"]}, "the rectangle is green", False),
    ({"words": ["small", "more"], "within": 4}, "small weights are regularized much more", True),
    ({"words": ["small", "more"], "within": 2}, "small weights are regularized much more", False),
    ({"words": ["small", "more"], "within": 9}, "small weights. They are regularized more", False),  # two sentences
    ({"words": ["small", "more"], "within": 9}, "weights of 0.5 are small and decay more", True),  # a decimal point
    ({"words": ["regulariz*", "strong*"], "within": 1}, "regularized more strongly", True),
])
def test_words_in_order(claim: dict[str, object], written: str, found: bool) -> None:
    from grader.read.evidence import WordsClaim, find_words

    assert (find_words(_rows(written), WordsClaim.model_validate(claim)) is not None) is found


@pytest.mark.parametrize(("entry", "message"), [
    ({"notation": "  "}, "empty notation"),
    ({"notation": "arg max"}, "not notation"),
    ({"notation": r"\a\b\c\d\e\f\g\h\i\j\k\l\m"}, "more than 12"),
    ({"words": ["small"]}, "2 to 8 words"),
    ({"words": ["small", "more than"]}, "not one word"),
    ({"words": ["small", "more"], "within": 99}, "0 to 40"),
    ({"words": ["small", "more"], "near": 3}, "near"),
])
def test_malformed_notation_and_word_claims_are_refused(entry: dict[str, object], message: str) -> None:
    from grader.checks.keywords import KeywordParams

    with pytest.raises(ValueError, match=message):
        KeywordParams.model_validate({"any": [entry]})
