"""Elided products `A_{T-1} A_{T-2} \\cdots A_0`: the repeated factor, its shifting indices, the full product."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from grader.math import nodes as N
from grader.math.errors import Unsupported

Pair = tuple[N.Node, N.Node]


def _index_diffs(a: Any, b: Any, in_index: bool, out: list[Pair]) -> bool:
    """Whether a and b are the same but for index items; the differing index items go to `out`."""
    if a == b:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_index_diffs(x, y, in_index, out) for x, y in zip(a, b))
    if not (isinstance(a, N.Node) and isinstance(b, N.Node)):
        return False
    if in_index:
        out.append((a, b))
        return True
    if type(a) is not type(b):
        return False
    for f in dataclasses.fields(a):  # type: ignore[arg-type]
        index = isinstance(a, (N.Sym, N.Func)) and f.name in ("sub", "sup")
        if not _index_diffs(getattr(a, f.name), getattr(b, f.name), index, out):
            return False
    return True


def _linear(node: N.Node) -> tuple[dict[str, float], float] | None:
    """An index expression as (coefficients of its letters, constant): T-1 -> ({T: 1}, -1)."""
    if isinstance(node, N.Num):
        return {}, float(node.value)
    if isinstance(node, N.Sym) and not node.sub and not node.sup:
        return {node.name: 1.0}, 0.0
    if isinstance(node, N.Neg):
        inner = _linear(node.x)
        return None if inner is None else ({k: -v for k, v in inner[0].items()}, -inner[1])
    if isinstance(node, N.Add):
        coefs: dict[str, float] = {}
        const = 0.0
        for term in node.terms:
            part = _linear(term)
            if part is None:
                return None
            for k, v in part[0].items():
                coefs[k] = coefs.get(k, 0.0) + v
            const += part[1]
        return {k: v for k, v in coefs.items() if v}, const
    return None


def _same_letters(a: N.Node, b: N.Node) -> bool:
    """Indices that differ by a constant only (t-1 and t-2, not t-1 and 2)."""
    la, lb = _linear(a), _linear(b)
    return la is not None and lb is not None and la[0] == lb[0]


def _substitute(node: Any, table: Mapping[int, N.Node]) -> Any:
    if isinstance(node, tuple):
        return tuple(_substitute(x, table) for x in node)
    if not isinstance(node, N.Node):
        return node
    if id(node) in table:
        return table[id(node)]
    changes = {f.name: _substitute(getattr(node, f.name), table) for f in dataclasses.fields(node)}  # type: ignore[arg-type]
    return dataclasses.replace(node, **changes)  # type: ignore[type-var]


def expand(factors: tuple[N.Node, ...], value: Callable[[N.Node], Any], limit: int = 64) -> tuple[N.Node, ...]:
    """The factors of `u(k0) u(k0 + s) ... \\cdots u(k_last)` written out; Unsupported when no single
    repeated unit with one constant index step explains what is written."""
    dots = [k for k, f in enumerate(factors) if isinstance(f, N.Dots)]
    if len(dots) != 1:
        raise Unsupported("an ellipsis that is not a single gap in a product")
    before, after = factors[:dots[0]], factors[dots[0] + 1:]
    for size in range(1, len(before) // 2 + 1):
        if len(before) % size or len(after) != size:
            continue
        units = [before[k:k + size] for k in range(0, len(before), size)] + [after]
        first = units[0]
        steps: list[float] = []
        pairs_per_unit: list[list[Pair]] = []
        ok = True
        for n, unit in enumerate(units[1:], start=1):
            pairs: list[Pair] = []
            written = n < len(units) - 1  # units before the gap shift by a constant; the last one is the end
            if not _index_diffs(first, unit, False, pairs) or not pairs \
                    or (written and not all(_same_letters(a, b) for a, b in pairs)):
                ok = False
                break
            pairs_per_unit.append(pairs)
            shifts = {float(value(b)) - float(value(a)) for a, b in pairs}
            if len(shifts) != 1:
                ok = False
                break
            steps.append(shifts.pop())
        if not ok:
            continue
        step = steps[0]
        middle = steps[:-1]
        if step == 0 or any(abs(s - step * (k + 1)) > 1e-9 for k, s in enumerate(middle)):
            continue
        count = steps[-1] / step
        if count < len(middle) or abs(count - round(count)) > 1e-9 or count > limit:
            continue
        starts = [(a, float(value(a))) for a, _ in pairs_per_unit[0]]
        out: list[N.Node] = []
        for k in range(round(count) + 1):
            table = {id(a): _num(v + k * step) for a, v in starts}
            out.extend(_substitute(f, table) for f in first)
        return tuple(out)
    raise Unsupported("an elided product whose pattern is not clear")


def _num(v: float) -> N.Num:
    n = round(v)
    return N.Num(Fraction(n), str(n))
