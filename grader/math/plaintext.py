"""Equations written in prose without delimiters ("N^T possible sequences", "O(TN^2)")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.math.errors import MathError
from grader.math.parsed import parse

# a token that looks like math: has ^, _ or a class O(...)/Θ(...), built from letters, digits and operators
_CANDIDATE = re.compile(
    r"(?<![\w$\\])((?:O|Θ|Ω|\\Theta|\\Omega|\\mathcal\{O\})\([^()\n]{1,80}(?:\([^()\n]{0,40}\)[^()\n]{0,40})*\)"
    r"|[A-Za-zα-ωΑ-Ω0-9]+(?:[\^_](?:\{[^{}\n]{1,30}\}|[A-Za-z0-9*]+))+(?:[A-Za-z0-9]*))")


@dataclass(frozen=True)
class PlainMath:
    """A piece of math found in prose."""

    latex: str
    line: int
    column: int  # 0-based offset in its line


def find_plain_math(text: str, first_line: int = 1) -> list[PlainMath]:
    """Math-looking words outside $...$ that parse; text inside math delimiters is skipped."""
    out: list[PlainMath] = []
    for k, line in enumerate(text.split("\n")):
        masked = _mask_math(line)
        for m in _CANDIDATE.finditer(masked):
            candidate = m.group(1)
            try:
                parse(candidate)
            except (MathError, RecursionError):
                continue
            out.append(PlainMath(candidate, first_line + k, m.start(1)))
    return out


def _mask_math(line: str) -> str:
    """Blank out $...$ spans so their content is not found twice."""
    return re.sub(r"\$[^$]*\$", lambda m: " " * len(m.group(0)), line)
