"""The math of one answer: its spans at original lines, split into relation sides the checks compare."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from grader.read.segment import Answer

RELATIONS = ("\\leqslant", "\\geqslant", "\\leq", "\\geq", "\\neq", "\\le", "\\ge", "\\ne", "\\approx",
             "=", "<", ">", "\u2264", "\u2265", "\u2260")
# what separates statements written on one row: `a = 1 \quad \text{and} \quad b = 2`, `a \le b \implies c \le d`
STATEMENT_SEPARATORS = ("\\implies", "\\Rightarrow", "\\Leftrightarrow", "\\iff", "\\Longrightarrow",
                        "\\text{and}", "\\text{ and }", "\\qquad", "\\quad", ",", ";")
EQUALITY = ("=",)
# O( ), and the same bracket sized: O\left( \right), O\big( \big)
ASYMPTOTIC = re.compile(r"(?:\\mathcal\{O\}|\\Theta|\\Omega|\\mathcal O|\\operatorname\{O\}|\\mathrm\{O\}|[O\u0398\u03a9])"
                        r"\s*(?:\\(?:left|[bB]igg?l?)(?![a-zA-Z])\s*)?\(")
PLAIN_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)")


@dataclass(frozen=True)
class Side:
    """One side of a relation (or a bare expression) written in the answer, with its original line."""

    latex: str
    line: int
    index: int  # position of the side in its relation: 0 is the left-most
    of: int  # how many sides that relation has
    relation: str  # the whole relation it belongs to
    ops: tuple[str, ...] = ()  # the relation symbols between its sides, in order (len = of - 1)


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
    """Split at separators outside braces, brackets, \\left...\\right groups and environments."""
    return _split_keep(latex, seps)[0]


def _split_keep(latex: str, seps: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The parts between top-level separators, and the separators themselves."""
    parts, found, depth, start, i = [], [], 0, 0, 0
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
        # a cases or matrix environment is one expression: its rows are not rows of the answer
        if latex.startswith("\\begin{", i) or latex.startswith("\\end{", i):
            depth += 1 if latex[i + 1] == "b" else -1
            close = latex.find("}", i)
            i = close + 1 if close > 0 else i + 1
            continue
        if c == "\\" and i + 1 < len(latex) and not latex[i + 1].isalpha():
            # a control symbol (`\{`, `\;`, `\,`) is never a bracket or a separator, except `\\` when asked
            if not (depth == 0 and latex[i + 1] == "\\" and "\\\\" in seps):
                depth += 1 if latex[i + 1] == "{" else -1 if latex[i + 1] == "}" else 0
                i += 2
                continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0:
            for sep in seps:
                if latex.startswith(sep, i) and not (sep[0] == "\\" and sep[-1].isalpha()
                                                     and latex[i + len(sep):i + len(sep) + 1].isalpha()):
                    parts.append(latex[start:i])
                    found.append(sep)
                    start = i + len(sep)
                    i = start - 1
                    break
        i += 1
    parts.append(latex[start:])
    return parts, found


def statements(row: str) -> list[str]:
    """The statements of one row; a piece without a relation belongs to the statement before it (`a = 1, 2`)."""
    parts, seps = _split_keep(row, STATEMENT_SEPARATORS)
    out: list[str] = []
    for k, part in enumerate(parts):
        has_relation = len(_split_top(part, RELATIONS)) > 1
        if out and not has_relation and seps[k - 1] in (",", ";"):
            out[-1] = out[-1] + seps[k - 1] + part
        elif part.strip():
            out.append(part)
    return [p.strip().rstrip(".,;").strip() for p in out if p.strip().rstrip(".,;").strip()]


def _outside_environments(latex: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text outside `\\begin{...}...\\end{...}` (a cases block keeps its `&`)."""
    out, depth, last = [], 0, 0
    for m in re.finditer(r"\\(begin|end)\{[^}]*\}", latex):
        if m.group(1) == "begin":
            if depth == 0:
                out.append(change(latex[last:m.start()]))
                last = m.start()
            depth += 1
        else:
            depth = max(0, depth - 1)
            if depth == 0:
                out.append(latex[last:m.end()])
                last = m.end()
    out.append(change(latex[last:]) if depth == 0 else latex[last:])
    return "".join(out)


def rows(latex: str) -> list[str]:
    """The rows of an aligned block (`\\\\` separated, `&` removed), or the span itself."""
    body = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split|array|eqnarray\*?)\}(?:\{[^}]*\})?",
                  "", latex)
    body = re.sub(r"\\tag\{[^}]*\}", "", body)
    out = []
    for row in _split_top(body, ("\\\\",)):
        row = _outside_environments(row, lambda text: text.replace("&", " ")).strip().rstrip(".,;")
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
            for statement in statements(row):
                parts, ops = _split_keep(statement, RELATIONS)
                parts = [p.strip() for p in parts]
                if not all(parts):  # `= b` on its own: a continuation the row merge could not join
                    continue
                for k, part in enumerate(parts):
                    out.append(Side(part, span.line, k, len(parts), statement, tuple(ops)))
    return out


SYMBOLS = {"\\leqslant": "<=", "\\leq": "<=", "\\le": "<=", "\u2264": "<=", "<=": "<=",
           "\\geqslant": ">=", "\\geq": ">=", "\\ge": ">=", "\u2265": ">=", ">=": ">=",
           "\\neq": "!=", "\\ne": "!=", "\u2260": "!=", "\\approx": "~", "=": "=", "<": "<", ">": ">"}


def relation_symbol(op: str) -> str:
    """One spelling per relation: `\\leq`, `\\le`, `≤` and `<=` are all `<=`."""
    return SYMBOLS.get(op.strip(), op.strip())


def statements_of(all_sides: list[Side]) -> list[list[Side]]:
    """The sides grouped back into the statements they came from, in reading order."""
    groups: list[list[Side]] = []
    for s in all_sides:
        if s.index == 0 or not groups:
            groups.append([s])
        else:
            groups[-1].append(s)
    return groups


def items(latex: str) -> list[str]:
    """The members of a written list or tuple (`(2.5, 2.583)`, `\\frac83, \\frac{10}3`), or the side itself."""
    body = latex.strip()
    for left, right in ((r"\left(", r"\right)"), (r"\left[", r"\right]"), ("(", ")"), ("[", "]")):
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
