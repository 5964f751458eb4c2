r"""Readings that need the whole formula (or pair): `g(...)` a product where `g` is a value, `\mathbf 1[x>0]` an
indicator, a bare `e` Euler's number unless the formula uses `e` as a variable."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any, Iterable, Sequence

from grader.math import nodes as N
from grader.math.vocab import FUNC_LETTERS

# Nodes whose direct operands are values: a letter standing there is a quantity, not a function.
_VALUE_PARENTS = (N.Add, N.Neg, N.Mul, N.Div, N.Hadamard, N.Inner, N.Norm, N.Abs)


def rereadings(root: N.Node) -> tuple[bool, bool, bool]:
    """Which rereadings of a parsed formula can change it: (a bold 1 for `read_indicators`, a call of a
    function-like letter for `read_products`, an `e` for `read_euler`), found in one walk."""
    ones = calls = euler = False
    for n in N.walk(root):
        if isinstance(n, N.Num):
            ones = ones or _is_one(n)
        elif isinstance(n, N.Func):
            calls = calls or n.name in FUNC_LETTERS
        elif isinstance(n, N.Sym):
            euler = euler or n.name == "e"
        elif isinstance(n, N.Const):
            euler = euler or n == N.Const("e")
    return ones, calls, euler


def value_names(roots: Iterable[N.Node]) -> set[str]:
    """Function-like letters (`g`, `h`, `p`, `N`, `\\sigma`...) that these trees use as values: transposed
    (`g^\\top`, `g^T`), bold (`\\mathbf g`), or bare as an operand (`h(1-h)`, `N(N-1)`, `g^\\top H g`).
    A letter under `\\partial`, `\\nabla` or `d` (`\\partial L/\\partial\\theta`) names the function itself."""
    out: set[str] = set()
    for root in roots:
        for n in N.walk(root):
            if isinstance(n, (N.Transpose, N.PowT)):
                _note(n.x, out)
            elif isinstance(n, N.Sym) and n.bold:
                _note(n, out, bold_ok=True)
            elif isinstance(n, N.Mul) and all(_function_letter(f) for f in n.factors):
                continue  # \sigma \circ f, g f: a composition of functions, not values
            elif isinstance(n, _VALUE_PARENTS):
                for child in n.children():
                    _note(child, out)
            elif isinstance(n, N.Pow):
                _note(n.base, out)
    return out


def _function_letter(node: N.Node) -> bool:
    return isinstance(node, N.Sym) and node.name in FUNC_LETTERS and not node.bold and not node.sub \
        and not node.sup and not node.primes


def _note(node: N.Node, out: set[str], bold_ok: bool = False) -> None:
    if isinstance(node, N.Sym) and node.name in FUNC_LETTERS and not node.sub and not node.sup \
            and not node.primes and not node.accent and (bold_ok or not node.bold):
        out.add(node.name)


def read_products(roots: Sequence[N.Node], extra: Iterable[str] = ()) -> list[N.Node]:
    """The trees with `g(x)` read as the product `g x` wherever `g` is used as a value in any of them (or is
    in `extra`: names a rubric declares a scalar, vector or matrix). Calls with primes, an inverse, a
    subscript, a superscript, several arguments or a condition (`p(x|y)`, `f'(x)`, `L(f(x), y)`) stay calls."""
    declared = set(extra)
    if not any(isinstance(n, N.Func) and (n.name in FUNC_LETTERS or n.name in declared)
               for r in roots for n in N.walk(r)):
        return list(roots)  # no call that could be a product (most formulas): skip the rewrite
    names = value_names(roots) | declared
    if not names:
        return list(roots)
    return [_rewrite(r, names) for r in roots]


def _is_one(n: N.Node) -> bool:
    return isinstance(n, N.Num) and n.bold and n.value == 1


def _is_condition(n: N.Node) -> bool:
    if isinstance(n, (N.SetN, N.TupleN)) and len(n.items) == 1:
        n = n.items[0]
    return isinstance(n, (N.Relation, N.Chain))


def read_indicators(node: N.Node) -> N.Node:
    r"""`\mathbf 1[x > 0]`, `\mathbb 1\{x > 0\}`, `\mathbb 1_{x > 0}`: the indicator, the number 1 times the
    Iverson bracket; elsewhere a bold 1 stays the ones vector."""
    if not any(_is_one(n) for n in N.walk(node)):
        return node  # no bold 1 (most formulas): nothing to reread
    def walk(n: N.Node) -> N.Node:
        if isinstance(n, N.Index) and _is_one(n.base) and len(n.items) == 1 and _is_condition(n.items[0]):
            cond = n.items[0].items[0] if isinstance(n.items[0], (N.SetN, N.TupleN)) else n.items[0]
            return N.Mul((N.Num(Fraction(1), "1"), walk(cond)))
        if isinstance(n, N.Mul) and any(_is_one(f) for f in n.factors):
            fs = list(n.factors)
            for i in range(len(fs) - 1):
                if _is_one(fs[i]) and _is_condition(fs[i + 1]):
                    fs[i] = N.Num(Fraction(1), "1")
                    cond = fs[i + 1]
                    fs[i + 1] = cond.items[0] if isinstance(cond, (N.SetN, N.TupleN)) else cond  # {x > 0}: the bracket
            n = N.Mul(tuple(fs))
        return map_children(n, walk)

    return walk(node)


def map_children(n: N.Node, fn: Any) -> N.Node:
    """The node with `fn` applied to each child node; unchanged parts are shared, not copied."""
    def go(value: Any) -> Any:
        if isinstance(value, N.Node):
            return fn(value)
        if isinstance(value, tuple):
            items = tuple(go(v) for v in value)
            return value if all(a is b for a, b in zip(items, value)) else items
        return value

    changes: dict[str, Any] = {}
    for f in dataclasses.fields(n):  # type: ignore[arg-type]
        old = getattr(n, f.name)
        new = go(old)
        if new is not old:
            changes[f.name] = new
    return dataclasses.replace(n, **changes) if changes else n  # type: ignore[type-var]


def _is_product(n: N.Func, names: set[str]) -> bool:
    return (n.name in names and len(n.args) == 1 and not isinstance(n.args[0], N.Cond) and not n.sub
            and not n.sup and not n.primes and not n.jacobian and not n.inverse and not n.accent and not n.bold)


def _rewrite(node: N.Node, names: set[str]) -> N.Node:
    def walk(n: N.Node) -> N.Node:
        if isinstance(n, N.Func) and _is_product(n, names):
            return N.Mul((N.Sym(n.name), walk(n.args[0])))
        # a script after the bracket belongs to the bracket: g (g^T H g)^{-1} is g times the inverse
        if isinstance(n, N.Pow) and isinstance(n.base, N.Func) and _is_product(n.base, names):
            return N.Mul((N.Sym(n.base.name), N.Pow(walk(n.base.args[0]), walk(n.exp))))
        if isinstance(n, (N.Transpose, N.PowT)) and isinstance(n.x, N.Func) and _is_product(n.x, names):
            return N.Mul((N.Sym(n.x.name), type(n)(walk(n.x.args[0]))))
        return map_children(n, walk)

    return walk(node)


def _bare_e(n: N.Node) -> bool:
    return isinstance(n, N.Sym) and n.name == "e" and not n.bold and not n.sub and not n.sup and not n.primes \
        and not n.accent


def _script_items(n: N.Node) -> tuple[N.Node, ...]:
    """The parts of a node that name indices or bound variables."""
    if isinstance(n, (N.Sym, N.Func)):
        return n.sub
    if isinstance(n, N.Index):
        return n.items
    if isinstance(n, N.BigOp):
        return tuple(x for x in (n.var, n.lower) if x is not None)
    if isinstance(n, N.Extremum):
        return (n.under,) if n.under is not None else ()
    if isinstance(n, N.Lim):
        return (n.var,)
    if isinstance(n, N.Deriv):
        return n.wrt
    if isinstance(n, N.Grad):
        return (n.wrt,) if n.wrt is not None else ()
    return ()


def e_is_variable(roots: Iterable[N.Node]) -> bool:
    """Do these trees use `e` as a variable: an index or bound variable (`x_e`, `\\sum_e`, `\\partial e`),
    transposed (`e^\\top e`), primed or accented (`e'`, `\\hat e`)?  A subscripted `e_i` (a basis vector)
    and a bold `\\mathbf e` are other symbols and say nothing about the bare `e`."""
    for root in roots:
        for n in N.walk(root):
            if isinstance(n, (N.Transpose, N.PowT)) and (_bare_e(n.x) or n.x == N.Const("e")):
                return True
            if isinstance(n, N.Sym) and n.name == "e" and not n.bold and not n.sub and (n.primes or n.accent or n.sup):
                return True
            for item in _script_items(n):
                if any(_bare_e(m) for m in N.walk(item)):
                    return True
    return False


def read_euler(roots: Sequence[N.Node], declared: bool = False) -> list[N.Node]:
    """A bare `e` is Euler's number (`\\lim_k (1+1/k)^k = e`), as `e^{x}` always was, unless the trees use `e`
    as a variable or a rubric declares it (`declared`): then every `e`, `e^{x}` included, is the symbol."""
    if not any(n == N.Const("e") or (isinstance(n, N.Sym) and n.name == "e") for r in roots for n in N.walk(r)):
        return list(roots)  # no `e` at all (most formulas): nothing to reread
    if declared or e_is_variable(roots):
        def to_sym(n: N.Node) -> N.Node:
            return N.Sym("e") if n == N.Const("e") else map_children(n, to_sym)
        return [to_sym(r) for r in roots]

    def to_const(n: N.Node) -> N.Node:
        return N.Const("e") if _bare_e(n) else map_children(n, to_const)
    return [to_const(r) for r in roots]
