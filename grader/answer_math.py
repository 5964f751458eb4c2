"""The math of one answer: its spans at original lines, split into relation sides the checks compare."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.segment import Answer

RELATIONS = ("\\leqslant", "\\geqslant", "\\leq", "\\geq", "\\neq", "\\le", "\\ge", "\\ne", "\\approx",
             "\\implies", "\\Rightarrow", "\\Leftrightarrow", "\\iff", "=", "<", ">", "\u2264", "\u2265", "\u2260")
ASYMPTOTIC = re.compile(r"(?:\\mathcal\{O\}|\\Theta|\\Omega|\\mathcal O|\\operatorname\{O\}|[O\u0398\u03a9])\s*\(")
PLAIN_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)")


@dataclass(frozen=True)
class Side:
    """One side of a relation (or a bare expression) written in the answer, with its original line."""

    latex: str
    line: int
    index: int  # position of the side in its relation: 0 is the left-most
    of: int  # how many sides that relation has
    relation: str  # the whole relation it belongs to


@dataclass(frozen=True)
class Span:
    latex: str
    line: int
    end_line: int
    display: bool


def spans(answer: Answer) -> list[Span]:
    """Every math span of the answer, with lines of the original file."""
    from grader.math import find_spans

    out = []
    for s in find_spans(answer.text, first_line=1):
        line = answer.line_numbers[min(s.line, len(answer.line_numbers)) - 1] if answer.line_numbers else s.line
        end = answer.line_numbers[min(s.end_line, len(answer.line_numbers)) - 1] if answer.line_numbers else s.end_line
        out.append(Span(s.latex, line, end, s.display))
    return out


def _split_top(latex: str, seps: tuple[str, ...]) -> list[str]:
    """Split at separators outside braces, brackets and \\left...\\right groups."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        c = latex[i]
        if latex.startswith("\\left", i) and not latex[i + 5:i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if latex.startswith("\\right", i) and not latex[i + 6:i + 7].isalpha():
            depth -= 1
            i += 6
            continue
        if c == "\\" and i + 1 < len(latex) and latex[i + 1] in "{}":
            i += 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0:
            for sep in seps:
                if latex.startswith(sep, i) and not (sep[0] == "\\" and latex[i + len(sep):i + len(sep) + 1].isalpha()):
                    parts.append(latex[start:i])
                    start = i + len(sep)
                    i = start - 1
                    break
        i += 1
    parts.append(latex[start:])
    return parts


def rows(latex: str) -> list[str]:
    """The rows of an aligned block (`\\\\` separated, `&` removed), or the span itself."""
    body = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split|array|eqnarray\*?)\}(?:\{[^}]*\})?",
                  "", latex)
    body = re.sub(r"\\tag\{[^}]*\}", "", body)
    out = []
    for row in _split_top(body, ("\\\\",)):
        row = row.replace("&", " ").strip().rstrip(".,;")
        if row:
            out.append(row)
    # a row starting with a relation continues the previous one: `a &= b \\ &= c`
    merged: list[str] = []
    for row in out:
        if merged and any(row.startswith(r) for r in RELATIONS):
            merged[-1] = merged[-1] + " " + row
        else:
            merged.append(row)
    return merged


def plain_spans(answer: Answer) -> list[Span]:
    """Math written in prose without delimiters ("N^T possible sequences"), with original lines."""
    from grader.math import find_plain_math

    out = []
    for m in find_plain_math(answer.text, first_line=1):
        line = answer.line_numbers[min(m.line, len(answer.line_numbers)) - 1] if answer.line_numbers else m.line
        out.append(Span(m.latex, line, line, False))
    return out


def sides(answer: Answer) -> list[Side]:
    """Every relation side and bare expression of the answer (delimited math, then prose math), in line order."""
    out: list[Side] = []
    for span in sorted(spans(answer) + plain_spans(answer), key=lambda s: s.line):
        for row in rows(span.latex):
            parts = [p.strip() for p in _split_top(row, RELATIONS)]
            parts = [p for p in parts if p]
            for k, part in enumerate(parts):
                out.append(Side(part, span.line, k, len(parts), row))
    return out


def items(latex: str) -> list[str]:
    """The members of a written list or tuple (`(2.5, 2.583)`, `\frac83, \frac{10}3`), or the side itself."""
    body = latex.strip()
    for left, right in (("\left(", "\right)"), ("\left[", "\right]"), ("(", ")"), ("[", "]")):
        if body.startswith(left) and body.endswith(right):
            inner = body[len(left):-len(right)]
            if len(_split_top(inner, (",",))) > 1:
                body = inner
            break
    parts = [p.strip() for p in _split_top(body, (",", ";")) if p.strip()]
    return parts or [latex]


def same_quantity(a: str, b: str) -> bool:
    """Whether two pieces of LaTeX name the same quantity as written (not merely the same value)."""
    from grader.math import MathError, parse, to_text

    try:
        return to_text(parse(a).root) == to_text(parse(b).root)
    except (MathError, RecursionError):
        return "".join(a.split()) == "".join(b.split())


def asymptotic_claims(answer: Answer) -> list[tuple[str, int, str]]:
    """(claim LaTeX, original line, text before it on that line) for every O/Θ/Ω written in the answer."""
    found: list[tuple[str, int, str]] = []
    for text, number in zip(answer.lines, answer.line_numbers):
        for m in ASYMPTOTIC.finditer(text):
            depth, j = 0, m.end() - 1
            while j < len(text):
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth == 0 and j < len(text):
                claim = text[m.start():j + 1]
                found.append((claim, number, text[:m.start()]))
    return found
