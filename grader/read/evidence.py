"""Find rubric keywords and phrases in an answer, with the lines where they occur."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from grader.math.lexer import UNICODE, UNICODE_OPS
from grader.read.segment import Answer


@dataclass(frozen=True)
class Match:
    """Where a pattern was found: the original line and the text matched."""

    pattern: str
    line: int
    text: str


# LaTeX that changes how a formula looks, not what it says: a rubric's pattern written for `\frac{a}{b}` or
# `E[x]` must also find `\dfrac{a}{b}` and `E\left[x\right]`
_LOOKS = (
    (re.compile(r"\\(?:left|right)\s*\.(?![0-9])"), ""),  # the invisible delimiter
    (re.compile(r"\\(?:left|right|middle|[bB]igg?[lrm]?)(?![a-zA-Z])\s*"), ""),  # keeps the delimiter
    (re.compile(r"\\[dtc]frac(?![a-zA-Z])"), r"\\frac"),
    (re.compile(r"\\(?:displaystyle|textstyle|scriptstyle)(?![a-zA-Z])\s*"), ""),
    (re.compile(r"\\(?:boldsymbol|bm)\s*\{"), r"\\mathbf{"),
    (re.compile(r"\\([lg]e)qslant(?![a-zA-Z])"), r"\\\1q"),
    (re.compile(r"\\[,;:> ]|\\q?quad(?![a-zA-Z])"), " "),
    (re.compile(r"\\!"), ""),
    (re.compile(r"\\intercal(?![a-zA-Z])|\\mathsf\{T\}"), r"\\top"),  # the transpose, however it is set
    (re.compile(r"\\[lr]?Vert(?![a-zA-Z])\s?"), r"\\|"),  # the norm bars
    (re.compile(r"\\[lr]vert(?![a-zA-Z])\s?"), "|"),
)


# Unicode letters and symbols the math reader knows, spelled as their commands (`αt` -> `\alpha t`)
_UNICODE_MATH = re.compile("([" + "".join(re.escape(c) for c, name in UNICODE.items() if name.isalpha())
                           + "])([A-Za-z])?")


_ASCII_OPS = str.maketrans(UNICODE_OPS)  # the minus sign, dashes, primes


def _spell(m: re.Match[str]) -> str:
    return "\\" + UNICODE[m.group(1)] + (" " + m.group(2) if m.group(2) else "")


def _normalise(text: str) -> str:
    for rx, replacement in _LOOKS:
        text = rx.sub(replacement, text)
    # `\textit{necessary}` and `*necessary*` should read as the word; math stays as written
    text = re.sub(r"\\(?:text|textit|textbf|emph|mathrm|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\*{1,3}([^*\n]+)\*{1,3}", r"\1", text)
    # `_word_` is emphasis only at word edges: `h_{t-1}` and `x_t` keep their underscores
    return re.sub(r"(?<!\w)_{1,3}([^_\n]+)_{1,3}(?!\w)", r"\1", text).lower()


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """`re:...` is a regular expression written by the course; anything else is a phrase matched as words,
    where a word ending in `*` matches any ending (`vanish*` finds "vanishes", "vanishing")."""
    if pattern.startswith("re:"):
        return re.compile(pattern[3:], re.IGNORECASE)
    words = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") and len(w) > 1 else re.escape(w)
             for w in pattern.lower().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def readings(text: str) -> tuple[str, ...]:
    """A line as phrases and patterns are matched against it: as written, and, when it holds Unicode math
    (α, ≤, →, −), also with those spelled as the LaTeX a course's patterns are written in."""
    plain = _normalise(text)
    spelled = _UNICODE_MATH.sub(_spell, text).translate(_ASCII_OPS)
    return (plain,) if spelled == text else (plain, _normalise(spelled))


def find(answer: Answer, pattern: str) -> Match | None:
    """First line of the answer where `pattern` occurs (in any of its readings), or None."""
    return search(((readings(text), number) for text, number in zip(answer.lines, answer.line_numbers)), pattern)


def search(rows: Iterable[tuple[Iterable[str], int]], pattern: str) -> Match | None:
    """The first match of `pattern` in rows of (a line's readings, its line number), or None."""
    rx = compile_pattern(pattern)
    for texts, number in rows:
        for text in texts:
            m = rx.search(text)
            if m:
                return Match(pattern=pattern, line=number, text=m.group(0))
    return None
