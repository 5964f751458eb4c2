"""Bounded symbolic fallbacks (simplification, systems by their solutions) and relations solved for one unknown."""

from __future__ import annotations

from fractions import Fraction
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
    names = ", ".join(unknowns)
    if status != "ok":
        # a solver that ran out of time (a loaded machine) or failed has not shown the systems differ
        return unknown(f"solving both systems for {names} did not finish: {result}")
    if result is None:
        return None
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


class NotLinear(Exception):
    """The relation is not linear in the unknown (or the unknown sits where it cannot be moved)."""


def _holds(node: N.Node, unknown: N.Node) -> bool:
    return any(n == unknown for n in N.walk(node)) or _in_product(node, unknown)


def _in_product(node: N.Node, unknown: N.Node) -> bool:
    """Whether the factors of `unknown` (a product) appear in a row in some product of `node`."""
    if not isinstance(unknown, N.Mul):
        return False
    k = len(unknown.factors)
    return any(isinstance(n, N.Mul) and any(n.factors[i:i + k] == unknown.factors for i in range(len(n.factors)))
               for n in N.walk(node))


def _sum(terms: list[N.Node]) -> N.Node | None:
    return None if not terms else terms[0] if len(terms) == 1 else N.Add(tuple(terms))


def _neg(node: N.Node | None) -> N.Node | None:
    return None if node is None else node.x if isinstance(node, N.Neg) else N.Neg(node)


def _split(node: N.Node, unknown: N.Node) -> tuple[N.Node | None, N.Node | None]:
    """`node` as coefficient × unknown + rest (None for zero); NotLinear where it is not of that form with a
    scalar coefficient that does not hold the unknown."""
    if node == unknown:
        return N.Num(Fraction(1), "1"), None
    if not _holds(node, unknown):
        return None, node
    if isinstance(node, N.Neg):
        a, b = _split(node.x, unknown)
        return _neg(a), _neg(b)
    if isinstance(node, N.Add):
        coefs: list[N.Node] = []
        rest: list[N.Node] = []
        for term in node.terms:
            a, b = _split(term, unknown)
            coefs += [a] if a is not None else []
            rest += [b] if b is not None else []
        return _sum(coefs), _sum(rest)
    if isinstance(node, N.Mul):
        factors = node.factors
        run = unknown.factors if isinstance(unknown, N.Mul) else ()
        for i in range(len(factors) - len(run) + 1) if run else ():
            if factors[i:i + len(run)] == run:  # the unknown written as a run of factors: 2 (\Delta \theta)
                rest_factors = factors[:i] + factors[i + len(run):]
                if any(_holds(f, unknown) for f in rest_factors) or not _scalar_only(_product(rest_factors)):
                    raise NotLinear("the unknown appears twice, or with a matrix or vector coefficient")
                return _product(rest_factors), None
        holding = [i for i, f in enumerate(factors) if _holds(f, unknown)]
        if len(holding) != 1:
            raise NotLinear("the unknown appears twice in a product")
        h = holding[0]
        others = factors[:h] + factors[h + 1:]
        a, b = _split(factors[h], unknown)
        if a is not None and not _scalar_only(_product(others)):
            raise NotLinear("a matrix or vector coefficient")
        coef = None if a is None else _product((*others, a))
        remainder = None if b is None else N.Mul((*factors[:h], b, *factors[h + 1:]))
        return coef, remainder
    if isinstance(node, N.Div) and not _holds(node.den, unknown):
        a, b = _split(node.num, unknown)
        return (None if a is None else N.Div(a, node.den)), (None if b is None else N.Div(b, node.den))
    raise NotLinear(f"the unknown sits inside {type(node).__name__}")


def _product(factors: tuple[N.Node, ...]) -> N.Node:
    factors = tuple(f for f in factors if not (isinstance(f, N.Num) and f.value == 1 and not f.bold))
    return N.Num(Fraction(1), "1") if not factors else factors[0] if len(factors) == 1 else N.Mul(factors)


def solve_linear(lhs: N.Node, rhs: N.Node, unknown: N.Node) -> N.Node | None:
    """`lhs = rhs` solved for `unknown` where it is linear in it with a scalar coefficient (on any side, with any
    sign or factor); None where it is not. The coefficient is not simplified: a zero one leaves a value the
    comparison cannot evaluate, never a wrong one."""
    try:
        a_left, b_left = _split(lhs, unknown)
        a_right, b_right = _split(rhs, unknown)
    except NotLinear:
        return None
    coef = _sum([x for x in (a_left, _neg(a_right)) if x is not None])
    if coef is None or not _scalar_only(coef):
        return None
    value = _sum([x for x in (b_right, _neg(b_left)) if x is not None]) or N.Num(Fraction(0), "0")
    if isinstance(coef, N.Num) and coef.value == 1:
        return value
    if isinstance(coef, N.Neg) and isinstance(coef.x, N.Num) and coef.x.value == 1:
        return _neg(value)
    return N.Div(value, coef)


def substitute(node: N.Node, values: dict[N.Node, N.Node]) -> N.Node:
    """`node` with every subtree that is a key of `values` replaced by its value (definitions, aliases)."""
    import dataclasses

    def visit(n: object) -> object:
        if isinstance(n, tuple):
            return tuple(visit(x) for x in n)
        if not isinstance(n, N.Node):
            return n
        if n in values:
            return values[n]
        updates = {}
        for f in dataclasses.fields(n):  # type: ignore[arg-type]
            value = getattr(n, f.name)
            if isinstance(value, (tuple, N.Node)):
                new = visit(value)
                if new != value:
                    updates[f.name] = new
        return dataclasses.replace(n, **updates) if updates else n  # type: ignore[type-var]

    return visit(node)  # type: ignore[return-value]
