"""The statements of an answer: every relation link of its math, at its original line, prose conditions marked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from grader.math import nodes as N
from grader.math.errors import MathError
from grader.math.parsed import parse, statement_links
from grader.math.spans import find_spans

CHECKED_OPS = frozenset({"=", "<", "<=", ">", ">=", "approx"})
RELATION_START = re.compile(r"^\s*&?\s*(=|<|>|\\le|\\ge|\\leq|\\geq|\\approx|\\leqslant|\\geqslant|\u2264|\u2265)")
# words that make the math after them in the same sentence a hypothesis or a condition, not a claim
CONDITIONAL = re.compile(r"\b(if|iff|such that|suppose|supposing|assume|assuming|let|whenever|when|unless|"
                         r"given that|for some|provided|we want|want to|need to show|to show|prove that|"
                         r"show that)\b", re.IGNORECASE)
CONSEQUENCE = re.compile(r"\b(then|we get|we have|we obtain|so|hence|thus|therefore|which gives|gives)\b",
                         re.IGNORECASE)
# words that make a formula written right after them a special case or a choice, not a claim: "no regularization
# at $p = 1$", "with $u = w$ it is ...", "for $t = 1$", "taking $\\mu = 0$" (also the formulas joined to it by
# "and", "or" or a comma: "with $E[h] = 0$ and $Var(h) = 1$"); elsewhere in a sentence these words say nothing
SPECIAL_CASE = re.compile(r"\b(with|for|at|taking|setting|choosing|picking|in the case|in the limit)\s*"
                          r"(?:\$[^$]*\$\s*(?:,|\band\b|\bor\b)\s*)*(?:\$|\\\()?$", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?:[.;:!?](?:\s|$)|\n\s*\n)")


@dataclass(frozen=True)
class Link:
    """One relation a statement asserts: `lhs op rhs`, checked on its own."""

    lhs: N.Node
    op: str
    rhs: N.Node


@dataclass(frozen=True)
class Statement:
    """A row of math (or an inline formula) with its links and the original line it sits on."""

    latex: str
    line: int
    links: tuple[Link, ...]
    conditional: bool = False  # in prose as a hypothesis ("if $x > 0$"): read, never reported false
    unparsed: str = ""  # the parser's reason when the row could not be read


def _prepare(latex: str) -> str:
    """Spellings the parser reads differently from the course: W^\\perp, stacked relations."""
    latex = re.sub(r"\^\s*\{?\\perp\}?", r"^{\\text{perp}}", latex)
    latex = re.sub(r"\\(?:stackrel|overset)\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\{(=|<|>|\\leq?|\\geq?)\}", r"\1", latex)
    return _drop_underbraces(latex)


def _drop_underbraces(latex: str) -> str:
    """`\\underbrace{x}_{\\text{note}}` reads as x."""
    while True:
        start = latex.find("\\underbrace{")
        if start < 0:
            return latex
        i, depth = start + len("\\underbrace"), 0
        while i < len(latex):
            depth += {"{": 1, "}": -1}.get(latex[i], 0)
            if depth == 0:
                break
            i += 1
        body, rest = latex[start + len("\\underbrace{"):i], latex[i + 1:]
        note = re.match(r"\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\S)", rest)
        latex = latex[:start] + "{" + body + "}" + (rest[note.end():] if note else rest)


def split_rows(latex: str) -> list[tuple[str, int]]:
    """Rows of an aligned block split at top-level `\\\\`, with the newline count before each row."""
    body = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split|eqnarray\*?)\}", " ", latex)
    rows, depth, start, i = [], 0, 0, 0
    env_depth = 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            env_depth += 1
        elif body.startswith("\\end{", i):
            env_depth -= 1
        c = body[i]
        if c == "\\" and body.startswith("\\\\", i) and depth == 0 and env_depth == 0:
            rows.append((body[start:i], body.count("\n", 0, start)))
            start = i + 2
            i += 2
            continue
        if c == "\\" and i + 1 < len(body) and body[i + 1] in "{}":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    rows.append((body[start:], body.count("\n", 0, start)))
    # a row's line is where its first character is, not where the previous row break ended
    return [(r, n + r[:len(r) - len(r.lstrip())].count("\n")) for r, n in rows if r.strip()]


def _drop_alignment(row: str) -> str:
    """Remove the `&` of an aligned row, keeping those of a nested cases/matrix environment."""
    out, depth, i = [], 0, 0
    while i < len(row):
        if row.startswith("\\begin{", i):
            depth += 1
        elif row.startswith("\\end{", i):
            depth -= 1
        c = row[i]
        if c == "\\" and i + 1 < len(row):
            out.append(row[i:i + 2])
            i += 2
            continue
        out.append(" " if c == "&" and depth == 0 else c)
        i += 1
    return "".join(out)


def _links(node: N.Node) -> list[Link]:
    return [Link(a, op, b) for a, op, b in statement_links(node)]


def _conditional_before(text: str, start: int) -> tuple[bool, bool]:
    """Whether the sentence holding position `start` states a hypothesis before the formula, and whether the
    formula comes right after a word that makes a special case of it ("at $p = 1$", "with $u = w$")."""
    head = text[:start]
    cut = 0
    for m in SENTENCE_END.finditer(head):
        cut = m.end()
    clause = head[cut:]
    last_if = max((m.end() for m in CONDITIONAL.finditer(clause)), default=-1)
    last_then = max((m.end() for m in CONSEQUENCE.finditer(clause)), default=-1)
    return last_if > last_then, bool(SPECIAL_CASE.search(clause))


def _setting(links: Sequence[Link]) -> bool:
    """`p = 1`, `u = w`, `2\\gamma\\eta = \\lambda`, `E[h] = 0`: a relation with a bare symbol or number on a side
    names a case; "for $\\partial h_{t-1}/\\partial h_{t-2} = W\\sigma'(h_{t-2})$" is still a claim."""
    def bare(node: N.Node) -> bool:
        node = node.x if isinstance(node, N.Neg) else node
        return isinstance(node, N.Num) or (isinstance(node, N.Sym) and not node.sub)
    return bool(links) and all(bare(link.lhs) or bare(link.rhs) for link in links)


def _span_starts(text: str, latex: str, after: int) -> int:
    pos = text.find(latex, after)
    return pos if pos >= 0 else after


def statements(lines: Sequence[str], line_numbers: Sequence[int]) -> list[Statement]:
    """Every statement of an answer given as its lines and their original 1-based numbers."""
    text = "\n".join(lines)
    out: list[Statement] = []
    cursor = 0

    def original(k: int) -> int:
        k = min(max(k, 1), len(line_numbers)) if line_numbers else k
        return line_numbers[k - 1] if line_numbers else k

    for span in find_spans(text, first_line=1):
        pos = _span_starts(text, span.latex, cursor)
        cursor = pos + len(span.latex)
        hypothesis, special = _conditional_before(text, pos) if not span.display else (False, False)
        latex = _prepare(span.latex)
        seen: set[tuple[N.Node, str, N.Node]] = set()
        previous = ""
        for row, offset in split_rows(latex) if span.display else [(latex, 0)]:
            line = original(span.line + offset)
            body = _drop_alignment(row).strip().rstrip(".,;")
            if previous and RELATION_START.match(row):
                body = previous + " " + body  # `&= c` continues the row above
            try:
                parsed = parse(body)
            except MathError as exc:
                out.append(Statement(row.strip(), line, (), hypothesis or special, unparsed=str(exc)))
                previous = ""
                continue
            previous = body
            fresh = []
            for link in (lk for st in parsed.statements for lk in _links(st)):
                key = (link.lhs, link.op, link.rhs)
                if key in seen:
                    continue
                seen.add(key)
                fresh.append(link)
            if fresh:
                conditional = hypothesis or (special and _setting(fresh))
                out.append(Statement(row.strip(), line, tuple(fresh), conditional))
    return out
