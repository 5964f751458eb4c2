"""The sympy jobs that run inside the math worker process (grader/math/worker.py), by name."""

from __future__ import annotations

from typing import Any, Callable

from grader.math import nodes as N
from grader.math.errors import MathError


def simplify_zero(a: N.Node, b: N.Node) -> bool | None:
    """Runs in the worker: is simplify(a - b) zero?"""
    import sympy

    from grader.math.tosympy import to_sympy

    diff = sympy.simplify(to_sympy(a) - to_sympy(b))
    if diff == 0:
        return True
    if diff.is_number and diff != 0:
        return False
    return None


def same_solutions(eqs_a: list[N.Node], eqs_b: list[N.Node], unknowns: list[str]) -> bool | None:
    """Runs in the worker: do the two systems have the same solutions in `unknowns`?"""
    import sympy

    from grader.math.tosympy import to_sympy

    def system(eqs: list[N.Node]) -> list[Any]:
        out = []
        for e in eqs:
            if not isinstance(e, N.Relation) or e.op != "=":
                raise MathError("only equations can be solved")
            out.append(sympy.Eq(to_sympy(e.lhs), to_sympy(e.rhs)))
        return out

    syms = [sympy.Symbol(u) for u in unknowns]
    sa = sympy.solve(system(eqs_a), syms, dict=True)
    sb = sympy.solve(system(eqs_b), syms, dict=True)
    if not sa or not sb or len(sa) != len(sb):
        return None if not sa or not sb else False

    def key(sol: dict[Any, Any]) -> tuple[Any, ...]:
        return tuple(sympy.simplify(sol.get(s, s)) for s in syms)

    ka = [key(s) for s in sa]
    kb = [key(s) for s in sb]
    for x in ka:
        if not any(all(sympy.simplify(p - q) == 0 for p, q in zip(x, y)) for y in kb):
            return False
    return True


# what the worker may run: a name sent over its pipe -> the function called with the payload
JOBS: dict[str, Callable[..., Any]] = {"simplify_zero": simplify_zero, "solve": same_solutions}
