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
