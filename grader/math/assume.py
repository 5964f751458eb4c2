"""Plain-text assumptions ("delta >= 0", "0 <= delta < 1", "n >> d") parsed into bounds and orders."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Sequence

from grader.math.errors import MathError

_TOKEN = re.compile(r"\s*(>>|<<|>=|<=|!=|=>|==|[<>=≥≤≫≪≠]|-?\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9_']*)")
_OPS = {"≥": ">=", "≤": "<=", "≫": ">>", "≪": "<<", "≠": "!=", "==": "=", "=>": ">="}
_WORDS_INT = {"integer", "int", "natural"}


@dataclass(frozen=True)
class Assumptions:
    """Bounds per symbol name and asymptotic orders (big, small) from `n >> d`."""

    lower: tuple[tuple[str, float, bool], ...] = ()  # (name, bound, strict)
    upper: tuple[tuple[str, float, bool], ...] = ()
    orders: tuple[tuple[str, str], ...] = ()  # (big, small): big >> small
    integers: frozenset[str] = field(default_factory=frozenset)
    nonzero: frozenset[str] = field(default_factory=frozenset)
    texts: tuple[str, ...] = ()
    relations: tuple[tuple[str, str, str], ...] = ()  # between two names: ("j", "<=", "N")

    def bounds(self, name: str) -> tuple[float, float, bool]:
        lo, hi = -math.inf, math.inf
        for n, b, strict in self.lower:
            if n == name:
                lo = max(lo, b + (1e-9 if strict else 0.0))
        for n, b, strict in self.upper:
            if n == name:
                hi = min(hi, b - (1e-9 if strict else 0.0))
        return lo, hi, name in self.integers

    def holds(self, values: dict[str, float]) -> bool:
        for n, b, strict in self.lower:
            v = values.get(n)
            if isinstance(v, (int, float)) and (v < b or (strict and v == b)):
                return False
        for n, b, strict in self.upper:
            v = values.get(n)
            if isinstance(v, (int, float)) and (v > b or (strict and v == b)):
                return False
        for left, op, right in self.relations:
            x, y = values.get(left), values.get(right)
            if not (isinstance(x, (int, float)) and isinstance(y, (int, float))):
                continue
            if not {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "=": x == y, "!=": x != y}.get(op, True):
                return False
        return True


def _greek_name(word: str) -> str:
    return "epsilon" if word == "varepsilon" else word


def assumptions(texts: Sequence[str]) -> Assumptions:
    """Parse plain-text assumptions; raises MathError naming the text that cannot be read."""
    lower: list[tuple[str, float, bool]] = []
    upper: list[tuple[str, float, bool]] = []
    orders: list[tuple[str, str]] = []
    ints: set[str] = set()
    nonzero: set[str] = set()
    relations: list[tuple[str, str, str]] = []
    for text in texts:
        if "\\" in text:
            raise MathError(f"assumption {text!r}: write it in plain text, without backslashes")
        parts = [p for p in re.split(r"\s*(?:,|\band\b)\s*", text.strip()) if p]
        for part in parts:
            words = part.split()
            if len(words) >= 2 and words[-1].lower() in _WORDS_INT:
                ints.update(w.strip(",") for w in words[:-1] if w not in ("is", "are"))
                continue
            toks = _tokenize(part)
            if len(toks) < 3 or len(toks) % 2 == 0:
                raise MathError(f"assumption {part!r}: expected a comparison like 'delta >= 0'")
            for k in range(0, len(toks) - 2, 2):
                a, op, b = toks[k], _OPS.get(toks[k + 1], toks[k + 1]), toks[k + 2]
                if _num(a) is None and _num(b) is None and op in ("<", "<=", ">", ">=", "=", "!="):
                    relations.append((_greek_name(a), op, _greek_name(b)))  # j <= N: checked at each point
                    continue
                _one(a, op, b, lower, upper, orders, nonzero, part)
    return Assumptions(tuple(lower), tuple(upper), tuple(orders), frozenset(ints), frozenset(nonzero),
                       tuple(texts), tuple(relations))


def _tokenize(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise MathError(f"assumption {text!r}: cannot read {text[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _num(tok: str) -> float | None:
    try:
        return float(tok)
    except ValueError:
        return None


def _one(a: str, op: str, b: str, lower: list, upper: list, orders: list, nonzero: set, text: str) -> None:
    if op in (">>", "<<"):
        big, small = (a, b) if op == ">>" else (b, a)
        orders.append((_greek_name(big), _greek_name(small)))
        return
    na, nb = _num(a), _num(b)
    if op == "!=":
        if na is None and nb == 0:
            nonzero.add(_greek_name(a))
        return
    if na is None and nb is not None:
        name, bound, flip = _greek_name(a), nb, False
    elif nb is None and na is not None:
        name, bound, flip = _greek_name(b), na, True
    else:
        if na is None and nb is None and op in (">", ">="):
            orders.append((_greek_name(a), _greek_name(b))) if False else None
            return
        raise MathError(f"assumption {text!r}: compare a name with a number")
    if op == "=":
        lower.append((name, bound, False))
        upper.append((name, bound, False))
        return
    if flip:
        op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}[op]
    strict = op in (">", "<")
    if op in (">", ">="):
        lower.append((name, bound, strict))
    elif op in ("<", "<="):
        upper.append((name, bound, strict))
    else:
        raise MathError(f"assumption {text!r}: unknown comparison {op!r}")
