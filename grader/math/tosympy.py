"""Build sympy objects from the AST programmatically (never from text), for the commutative scalar subset."""

from __future__ import annotations

from typing import Any

import sympy

from grader.math import nodes as N
from grader.math.errors import MathError, Unsupported
from grader.math.limits import DEFAULT_LIMITS
from grader.math.printer import to_text

_FUNCS = {"log": sympy.log, "ln": sympy.log, "exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos,
          "tan": sympy.tan, "tanh": sympy.tanh, "sqrt": sympy.sqrt}


def to_sympy(node: N.Node, positive: frozenset[str] = frozenset()) -> Any:
    """A sympy expression for a scalar node; bold symbols, transposes and the like raise Unsupported."""
    t = lambda n: to_sympy(n, positive)  # noqa: E731
    if isinstance(node, N.Num):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, N.Const):
        return {"pi": sympy.pi, "e": sympy.E, "inf": sympy.oo}[node.name]
    if isinstance(node, N.Sym):
        if node.bold:
            raise Unsupported("bold symbols do not commute")
        name = to_text(node)
        return sympy.Symbol(name, positive=True) if node.name in positive else sympy.Symbol(name)
    if isinstance(node, N.Add):
        return sympy.Add(*[t(x) for x in node.terms])
    if isinstance(node, N.Neg):
        return sympy.Mul(-1, t(node.x))
    if isinstance(node, N.Mul):
        return sympy.Mul(*[t(x) for x in node.factors])
    if isinstance(node, N.Div):
        return sympy.Mul(t(node.num), sympy.Pow(t(node.den), -1))
    if isinstance(node, N.Pow):
        exp = t(node.exp)
        if exp.is_number and abs(float(exp)) > DEFAULT_LIMITS.max_exponent:
            raise MathError("exponent over the limit")
        base = t(node.base)
        if base.is_number and exp.is_number and abs(float(exp)) * max(1.0, float(abs(sympy.log(abs(base) + 1)))) > 4000:
            raise MathError("number too large")
        return sympy.Pow(base, exp)
    if isinstance(node, N.Func) and node.name in _FUNCS and len(node.args) == 1 and not node.sub \
            and not node.primes and not node.inverse:
        return _FUNCS[node.name](t(node.args[0]))
    if isinstance(node, N.Abs):
        return sympy.Abs(t(node.x))
    if isinstance(node, N.Func) and not node.bold:
        fn = sympy.Function(node.name + "'" * node.primes)
        return fn(*[t(a) for a in node.args])
    raise Unsupported(f"{type(node).__name__} has no sympy form here")
