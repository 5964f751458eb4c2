"""Bounded symbolic fallbacks: equality by simplification and systems compared by their solutions."""

from __future__ import annotations

from typing import Sequence

from grader.math import nodes as N
from grader.math.assume import Assumptions
from grader.math.limits import DEFAULT_LIMITS
from grader.math.verdict import Verdict, different, equivalent_, unknown


def symbolic_equal(a: N.Node, b: N.Node) -> Verdict | None:
    """simplify(a - b) in the bounded worker; None when sympy cannot say."""
    from grader.math import worker

    if not _scalar_only(a) or not _scalar_only(b):
        return None
    status, result = worker.run("simplify_zero", (a, b), DEFAULT_LIMITS.sympy_timeout_s)
    if status == "timeout":
        return unknown(result)
    if status != "ok" or result is None:
        return None
    return equivalent_("equal by symbolic simplification") if result else different("simplification leaves a non-zero constant")


def compare_by_solving(ia: Sequence[N.Node], ib: Sequence[N.Node], assume: Assumptions) -> Verdict | None:
    """Systems of equations matched by their solutions for the symbols that stand alone on a side."""
    from grader.math import worker
    from grader.math.printer import to_text

    eqs = [e for e in list(ia) + list(ib) if isinstance(e, N.Relation) and e.op == "="]
    if len(eqs) != len(ia) + len(ib):
        return None
    if not all(_scalar_only(e) for e in eqs):
        return None
    unknowns: list[str] = []
    for e in eqs:
        for side in (e.lhs, e.rhs):
            if isinstance(side, N.Sym) and to_text(side) not in unknowns:
                unknowns.append(to_text(side))
    if not unknowns or len(unknowns) > 6:
        return None
    status, result = worker.run("solve", (list(ia), list(ib), unknowns), DEFAULT_LIMITS.sympy_timeout_s)
    if status != "ok" or result is None:
        return None
    names = ", ".join(unknowns)
    if result:
        return equivalent_(f"same solutions for {names}")
    return different(f"different solutions for {names}")


def _scalar_only(node: N.Node) -> bool:
    for n in N.walk(node):
        if isinstance(n, N.Sym) and n.bold:
            return False
        if isinstance(n, (N.Transpose, N.PowT, N.Norm, N.Deriv, N.Grad, N.BigOp, N.Extremum, N.Dots, N.Matrix,
                          N.Expect, N.Cases, N.Integral, N.Inner, N.Cond, N.Index, N.Lim)):
            return False
    return True
