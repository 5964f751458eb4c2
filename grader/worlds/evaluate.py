"""Numeric evaluation of the math layer's AST inside one world instance (symbols bound by name and index)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from grader.math import nodes as N
from grader.math import shapes
from grader.math.errors import MathError, Unbound, Unsupported
from grader.math.limitvalue import numeric_limit
from grader.math.shapes import ShapeError
from grader.worlds import ellipsis
from grader.worlds.world import Dynamic, Instance, Key, WorldFunction

FD_STEP = 1e-6
MAX_ENUM = 4096  # assignments a \max_{w_{1:t-1}} may enumerate


ShapeMismatch = ShapeError  # operands whose shapes do not fit: the step is not checked, never called false


@dataclass(frozen=True)
class Choices:
    """The values of a `cases` block whose conditions hold: a link must hold for each of them."""

    values: tuple[Any, ...]


@dataclass
class Env:
    """Where one evaluation happens: the instance, free-index values, bound variables, student definitions."""

    inst: Instance
    free: dict[str, int] = field(default_factory=dict)
    bound: dict[Key, Any] = field(default_factory=dict)
    defs: dict[Key, Any] = field(default_factory=dict)
    plain_t: bool = False  # the statement writes `^T`: on a scalar that is a power of T (the parser may say transpose)
    # maxima, expectations (and, in steps, sides) already evaluated, keyed by what they depend on beyond the
    # instance and `defs`: one memo may serve every Env of one instance with the same `defs`
    memo: dict[Any, Any] = field(default_factory=dict)

    def with_inst(self, inst: Instance) -> Env:
        return Env(inst, self.free, self.bound, self.defs, self.plain_t)

    def context(self, exclude: Any = ()) -> tuple[Any, ...]:
        """What a memoised value depends on besides its node: free indices, bound variables, the `^T` reading."""
        return (tuple(sorted(self.free.items())), self.plain_t,
                tuple(sorted((k, v) for k, v in self.bound.items() if k not in exclude)))

    def node_key(self, node: N.Node) -> NodeKey:
        """`node` as a memo key, equal for equal trees, its hash computed once per node object and memo."""
        ref = ("node", id(node))
        known = self.memo.get(ref)
        if known is None or known.node is not node:  # the memo holds the node, so its id is not reused meanwhile
            known = self.memo[ref] = NodeKey(node)
        return known


class NodeKey:
    """A node as a dictionary key: a tree's hash walks the whole tree, so it is computed once and kept."""

    __slots__ = ("node", "hash")

    def __init__(self, node: N.Node) -> None:
        self.node = node
        self.hash = hash(node)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeKey) and (self.node is other.node or
                                               (self.hash == other.hash and self.node == other.node))


def sym_base(name: str, accent: str = "", primes: int = 0) -> str:
    return (f"{accent} {name}" if accent else name) + "'" * primes


def label_text(node: N.Node) -> str | None:
    """A superscript or subscript used as a name part (perp, *, dropout, reg, row), or None."""
    if isinstance(node, N.Label):
        return node.text.strip()
    if isinstance(node, N.Sym) and not node.sup:
        base = sym_base(node.name, node.accent, node.primes)
        if not node.sub:
            return base
        parts = [label_text(x) for x in node.sub]
        return None if None in parts else base + "_" + "".join(p for p in parts if p is not None)
    if isinstance(node, N.Num):
        return node.text
    if isinstance(node, N.TupleN) and len(node.items) == 1:
        inner = label_text(node.items[0])
        return f"({inner})" if inner is not None else None
    return None


def as_array(v: Any) -> Any:
    if type(v) is float:  # the common case, first
        return v
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return float(v.reshape(()))
        return v.astype(float) if v.dtype != float else v
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def is_arr(v: Any) -> bool:
    return isinstance(v, np.ndarray) and v.size > 1


def as_int(v: Any) -> int:
    if type(v) is float and math.isfinite(v):  # the common case, first
        r = round(v)
        if abs(v - r) < 1e-9:
            return r
        raise Unbound("index", "an index is not an integer")
    if not isinstance(v, (int, float, np.integer, np.floating, np.ndarray)):
        raise Unbound("index", "an index is not a number")
    v = as_array(v)
    if isinstance(v, float) and math.isfinite(v) and abs(v - round(v)) < 1e-9:
        return round(v)
    raise Unbound("index", "an index is not an integer")


def mul(a: Any, b: Any) -> Any:
    return as_array(shapes.mul(as_array(a), as_array(b)))


def add(a: Any, b: Any) -> Any:
    return as_array(shapes.add(as_array(a), as_array(b)))


def transpose(v: Any) -> Any:
    return as_array(shapes.transpose(as_array(v)))


def norm(v: Any, sub: str | None = None) -> float:
    order: int | str | None = 2 if sub == "2" else ("F" if sub == "F" else None)
    return float(shapes.norm(as_array(v), order))


def power(base: Any, exp: Any) -> Any:
    """shapes.power: M^{-1} the inverse, g_t^2 element-wise; an undefined value (0^{-1}) is not checked."""
    return as_array(shapes.power(as_array(base), as_array(exp)))


def _strip_dots(node: N.Node) -> N.Node:
    """`\\dots N-2` in a range condition reads as N-2."""
    if isinstance(node, N.Mul):
        kept = tuple(f for f in node.factors if not isinstance(f, N.Dots))
        return kept[0] if len(kept) == 1 else N.Mul(kept)
    if isinstance(node, N.Add):
        return N.Add(tuple(_strip_dots(t) for t in node.terms))
    return node


BUILTIN: dict[str, Callable[[Any], Any]] = {
    "exp": np.exp, "log": np.log, "ln": np.log, "sqrt": np.sqrt, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0.0),
    "ReLU": lambda x: np.maximum(x, 0.0),
}


def _largest_eigenvalue(m: Any) -> float:
    m = as_array(m)
    if not is_arr(m):
        return float(m)
    return float(np.max(np.linalg.eigvalsh((m + m.T) / 2)))


LAMBDA_1 = WorldFunction(_largest_eigenvalue)  # \lambda_1 W^T W written without parentheses


def _diagonal(v: Any) -> Any:
    v = as_array(v)
    if is_arr(v) and v.ndim == 2 and v.shape[0] == v.shape[1] and np.allclose(v, np.diag(np.diag(v))):
        return np.diag(v).reshape(-1, 1)
    return v


def _no_meaning(_ev: Evaluator, node: N.Node) -> Any:
    raise Unsupported(f"{type(node).__name__} has no numeric meaning here")


_METHODS: dict[type, Callable[[Evaluator, N.Node], Any]] = {}


class Evaluator:
    """Evaluates nodes in an Env; raises Unbound/Unsupported/ShapeMismatch for what the world cannot give."""

    def __init__(self, env: Env) -> None:
        self.env = env

    # ---------------------------------------------------------------- keys and lookups
    def name_of(self, sym: N.Sym) -> str:
        return self.alias(sym_base(sym.name, sym.accent, sym.primes) if sym.accent or sym.primes else sym.name)

    def alias(self, name: str) -> str:
        """The world's name for a name as the student writes it (the check's aliases)."""
        aliases = self.env.inst.scope.aliases
        return aliases.get(name, name) if aliases else name

    def index_of(self, items: tuple[N.Node, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, N.TupleN):
                out.extend(self.index_of(item.items))
                continue
            try:
                out.append(as_int(self.ev(item)))
            except MathError:
                text = label_text(item)
                if text is None:
                    raise
                labels = self.env.inst.scope.labels
                out.append(labels.get(text, text))
        if len(out) > 1 and all(isinstance(x, str) for x in out):
            return ("".join(out),)  # L_{reg} arrives as the letters r, e, g
        return tuple(out)

    def lookup(self, name: str, index: tuple[Any, ...]) -> Any:
        env, key = self.env, (name, index)
        if key in env.bound:
            return env.bound[key]
        if not index and name in env.free:
            return float(env.free[name])
        if key in env.defs:
            return env.defs[key]
        inst = env.inst
        if inst.has(key):
            value = inst.value(key)
            return value.fn(self) if isinstance(value, Dynamic) else value
        if not index and name in inst.scope.step_alias:
            value = inst.value(self.step_key(name))
            return value.fn(self) if isinstance(value, Dynamic) else value
        raise Unbound(f"{name}_{index}" if index else name)

    def step(self, names: tuple[str, ...] = ("t", "i"), default: int = 1) -> int:
        """The current value of the first free index bound among `names` (for Dynamic values)."""
        for n in names:
            if n in self.env.free:
                return self.env.free[n]
        return default

    def step_key(self, name: str) -> Key:
        target, names, default = self.env.inst.scope.step_alias[name]
        for n in names:
            if n in self.env.free:
                return (target, (self.env.free[n],))
        return (target, (default,))

    def key_of(self, node: N.Node) -> Key:
        """The world key a symbol (or a superscript-indexed one: theta^t) names."""
        if isinstance(node, N.Pow) and isinstance(node.base, N.Sym):
            name = self.name_of(node.base)
            lab = label_text(node.exp)
            if lab is not None and self.env.inst.has((f"{name}^{lab}", self.index_of(node.base.sub))):
                return (f"{name}^{lab}", self.index_of(node.base.sub))
            if name in self.env.inst.scope.sup_indexed:
                return (name, self.index_of((node.exp,)))
        if isinstance(node, N.Sym):
            name = self.name_of(node)
            if node.sup:
                lab = label_text(node.sup[0])
                if lab is not None and self.env.inst.has((f"{name}^{lab}", self.index_of(node.sub))):
                    return (f"{name}^{lab}", self.index_of(node.sub))
                return (name, self.index_of(node.sup + node.sub))
            if not node.sub and name in self.env.inst.scope.step_alias and name not in self.env.free:
                return self.step_key(name)
            return (name, self.index_of(node.sub))
        raise Unsupported("not a symbol")

    # ---------------------------------------------------------------- evaluation
    def ev(self, node: N.Node) -> Any:
        kind = type(node)
        method = _METHODS.get(kind)
        if method is None:  # the ev_<Node> method of each node class, looked up once (a hot path)
            method = _METHODS[kind] = getattr(Evaluator, "ev_" + kind.__name__, _no_meaning)
        return method(self, node)

    def ev_Num(self, node: N.Num) -> Any:
        if node.bold and node.value == 1:  # \mathbf{1}: the ones vector of the world (its own, or of size n)
            if self.env.inst.has(("ones", ())):
                return self.env.inst.value(("ones", ()))
            return shapes.ones(self.env.inst.scope.n)
        value = node.value
        return value.numerator / value.denominator  # float(Fraction) does this, through two more calls

    def ev_Const(self, node: N.Const) -> Any:
        return {"pi": math.pi, "e": math.e, "inf": math.inf}[node.name]

    def ev_Sym(self, node: N.Sym) -> Any:
        if node.name in ("0", "1") and node.bold:
            return float(node.name)
        return self.symbol(*self.key_of(node))

    def symbol(self, name: str, index: tuple[Any, ...]) -> Any:
        """The value of the symbol the key names, as ev_Sym gives it: bound, defined, the world's value, or
        the identity, a world function, lambda_1 where none of those is."""
        try:
            return self.lookup(name, index)
        except Unbound:
            if name == "I" and not index:
                return np.eye(self.env.inst.draw.size)
            if name in self.env.inst.scope.funcs:
                return self.env.inst.scope.funcs[name]
            if name == "lambda" and index == (1,):
                return LAMBDA_1
            raise

    def ev_Label(self, node: N.Label) -> Any:
        labels = self.env.inst.scope.labels
        if node.text.strip() in labels:
            return float(labels[node.text.strip()])
        raise Unbound(node.text)

    def ev_Add(self, node: N.Add) -> Any:
        out: Any = 0.0
        for t in node.terms:
            out = add(out, self.ev(t))
        return out

    def ev_Neg(self, node: N.Neg) -> Any:
        return as_array(-as_array(self.ev(node.x)))

    def ev_Mul(self, node: N.Mul) -> Any:
        aliases = self.env.inst.scope.aliases
        if aliases:  # a declared name of several letters (`lr: eta`) that the parser read as a product
            words = tuple(sorted((w for w in aliases if shapes.is_word(w)), key=lambda w: (-len(w), w)))
            joined = shapes.join_words(node, words) if words else node
            if joined is not node:
                return self.ev(joined)
        factors = node.factors
        if any(isinstance(f, N.Dots) for f in factors):
            factors = ellipsis.expand(factors, self.ev)  # W D(h_{T-1}) W D(h_{T-2}) \cdots W D(h_0)
        out: Any = 1.0
        for k, f in enumerate(factors):
            v = self.ev(f)
            if callable(getattr(v, "fn", None)):
                # a function name followed by its argument without parentheses: sigma h_t, lambda_1 W^T W
                rest = factors[k + 1:]
                if not rest:
                    raise Unsupported("a function without argument")
                arg = rest[0] if len(rest) == 1 else N.Mul(rest)
                return mul(out, self.apply(v, (arg,), ()))
            out = mul(out, v)
        return out

    def ev_Hadamard(self, node: N.Hadamard) -> Any:
        a, b = as_array(self.ev(node.a)), as_array(self.ev(node.b))
        return as_array(shapes.hadamard_of(node.a, a, node.b, b))

    def ev_Div(self, node: N.Div) -> Any:
        return as_array(shapes.divide(as_array(self.ev(node.num)), as_array(self.ev(node.den))))

    def ev_Pow(self, node: N.Pow) -> Any:
        if isinstance(node.base, N.Sym):
            try:
                name, index = self.key_of(node)
            except MathError:
                name, index = "", ()
            if name and (name != self.name_of(node.base) or name in self.env.inst.scope.sup_indexed):
                return self.lookup(name, index)
        return power(self.ev(node.base), self.ev(node.exp))

    def ev_Transpose(self, node: N.Transpose) -> Any:
        v = self.ev(node.x)
        if self.env.plain_t and not is_arr(as_array(v)) and "T" in self.env.free:
            return power(v, float(self.env.free["T"]))
        return transpose(v)

    def ev_PowT(self, node: N.PowT) -> Any:
        v = as_array(self.ev(node.x))
        if is_arr(v):
            return transpose(v)
        return power(v, self.lookup("T", ()))

    def ev_Norm(self, node: N.Norm) -> Any:
        sub = label_text(node.sub) if node.sub is not None else None
        if sub not in (None, "2", "F"):
            raise Unsupported(f"norm {sub}")
        return norm(self.ev(node.x), sub)

    def ev_Abs(self, node: N.Abs) -> Any:
        return as_array(np.abs(as_array(self.ev(node.x))))

    def ev_Lim(self, node: N.Lim) -> Any:
        """A limit's numeric value in this instance (grader/math/limitvalue.py: the same as in equivalence)."""
        if not isinstance(node.var, N.Sym):
            raise Unsupported("a limit over something that is not a variable")
        to = as_array(self.ev(node.to))
        if is_arr(to):
            raise Unsupported("a limit point that is not a number")
        key = (self.name_of(node.var), self.index_of(node.var.sub))
        return as_array(numeric_limit(lambda x: self.with_bound({key: float(x)}).ev(node.body), float(to)))

    def ev_Asym(self, node: N.Asym) -> Any:
        raise Unsupported(f"an {node.kind}(.) term holds only in a limit, not at one point")

    def ev_Inner(self, node: N.Inner) -> Any:
        a, b = as_array(self.ev(node.a)), as_array(self.ev(node.b))
        if is_arr(a) and is_arr(b):
            if a.size != b.size:
                raise ShapeMismatch("inner product of different sizes")
            return float(np.dot(a.ravel(), b.ravel()))
        return as_array(a * b)

    def ev_Relation(self, node: N.Relation) -> Any:
        """A relation used as a value: the Iverson bracket [j = i]."""
        a, b = as_array(self.ev(node.lhs)), as_array(self.ev(node.rhs))
        if is_arr(a) or is_arr(b):
            raise Unsupported("a relation between arrays used as a value")
        ops = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}
        if node.op not in ops:
            raise Unsupported(f"relation {node.op} as a value")
        return 1.0 if ops[node.op] else 0.0

    def ev_Matrix(self, node: N.Matrix) -> Any:
        rows = [[as_array(self.ev(x)) for x in row] for row in node.rows]
        if any(is_arr(x) for row in rows for x in row):
            raise Unsupported("block matrix")
        return np.array(rows, dtype=float)

    def ev_Cases(self, node: N.Cases) -> Any:
        chosen, fallback = [], None
        for value, cond in node.branches:
            if cond is None or (isinstance(cond, N.Label) and "otherwise" in cond.text):
                fallback = value
                continue
            if self.condition(cond):
                chosen.append(self.ev(value))
        if not chosen and fallback is not None:
            chosen.append(self.ev(fallback))
        if not chosen:
            raise Unsupported("no case applies")
        return chosen[0] if len(chosen) == 1 else Choices(tuple(chosen))

    def condition(self, cond: N.Node) -> bool:
        if isinstance(cond, N.TupleN) and cond.items and isinstance(cond.items[0], N.Relation) \
                and cond.items[0].op == "=" and any(isinstance(x, N.Dots) for x in N.walk(cond)):
            # `j = 2, \dots, N-2`: membership in an integer range
            first = cond.items[0]
            lo = as_int(self.ev(first.rhs))
            hi = as_int(self.ev(_strip_dots(cond.items[-1])))
            v = as_int(self.ev(first.lhs))
            return lo <= v <= hi
        if isinstance(cond, N.Relation):
            return bool(self.ev_Relation(cond))
        if isinstance(cond, N.Chain):
            return all(self.ev_Relation(N.Relation(a, op, b)) for a, op, b in cond.links)
        raise Unsupported("condition not understood")

    # ---------------------------------------------------------------- functions
    def ev_Func(self, node: N.Func) -> Any:
        name = sym_base(node.name, node.accent, node.primes)
        if node.jacobian:
            name = "D" + name
        if node.inverse:
            name += "^-1"
        scope = self.env.inst.scope
        name = scope.aliases.get(name, name)
        if node.sub:
            try:
                label = self.index_of(node.sub)
            except MathError:
                label = ()
            if len(label) == 1 and isinstance(label[0], str) and f"{name}_{label[0]}" in scope.funcs:
                return self.apply(scope.funcs[f"{name}_{label[0]}"], node.args, ())
        if name in scope.funcs:
            return self.apply(scope.funcs[name], node.args, node.sub)
        if node.name in BUILTIN and not node.sub and not node.primes and not node.inverse:
            return as_array(BUILTIN[node.name](as_array(self.ev(self.one_arg(node)))))
        if node.name == "diag" and len(node.args) == 1:
            v = as_array(self.ev(node.args[0]))
            if is_arr(v) and (v.ndim == 1 or min(v.shape) == 1):
                return np.diag(v.ravel())
            if is_arr(v):
                return np.diag(np.diag(v))
            return v
        if node.name == "softmax":
            return self.softmax(node)
        if node.name in ("max", "min") and len(node.args) > 1:
            vals = [as_array(self.ev(a)) for a in node.args]
            return (max if node.name == "max" else min)(vals)
        if node.name == "lambda" and node.sub and label_text(node.sub[0]) == "1":
            m = as_array(self.ev(self.one_arg(node)))
            if not is_arr(m):
                return m
            return float(np.max(np.linalg.eigvalsh((m + m.T) / 2)))
        if node.name in ("tr", "det"):
            m = as_array(self.ev(self.one_arg(node)))
            return float(np.trace(m) if node.name == "tr" else np.linalg.det(m))
        if len(node.args) > 1 and all(isinstance(a, N.Sym) for a in node.args):
            # L(u, gamma, beta): the value L written with what it depends on
            return self.ev(N.Sym(node.name, node.bold, node.sub, node.sup, node.primes, node.accent))
        # a letter followed by a bracket is a product when the world binds it to a value: mu(1 - alpha lambda)
        if len(node.args) == 1 and not node.primes and not node.inverse and not node.jacobian:
            try:
                value = self.ev(N.Sym(node.name, node.bold, node.sub, node.sup, 0, node.accent))
            except Unbound:
                raise Unbound(name) from None
            if callable(getattr(value, "fn", None)):
                return self.apply(value, node.args, ())
            return mul(value, self.ev(node.args[0]))
        raise Unbound(name)

    def one_arg(self, node: N.Func) -> N.Node:
        if len(node.args) != 1:
            raise Unsupported(f"{node.name} with {len(node.args)} arguments")
        return node.args[0]

    def apply(self, fn: Any, args: tuple[N.Node, ...], sub: tuple[N.Node, ...]) -> Any:
        if fn.raw:
            return fn.fn(self, args, sub)
        flat: list[N.Node] = []
        for a in args:
            flat.extend((a.a, a.b) if isinstance(a, N.Cond) else (a,))
        values = [as_array(self.ev(a)) for a in flat]
        if sub:
            values = list(self.index_of(sub)) + values
        return as_array(fn.fn(*values))

    def softmax(self, node: N.Func) -> Any:
        axis_name = label_text(node.sub[0]) if node.sub else "row"
        x = as_array(self.ev(self.one_arg(node)))
        if not is_arr(x):
            return 1.0
        axis = 1 if axis_name in ("row", "rows", "r") else 0
        if x.ndim == 1 or min(x.shape) == 1:
            e = np.exp(x - x.max())
            return e / e.sum()
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    # ---------------------------------------------------------------- bound variables
    def binders(self, under: N.Node) -> list[tuple[Key, list[int]]]:
        """What \\max_{under} or \\sum_{under} binds: i; w_{t-1}; w_{1:t-1} (several positions)."""
        items = under.items if isinstance(under, N.TupleN) else (under,)
        out: list[tuple[Key, list[int]]] = []
        for item in items:
            if isinstance(item, N.Relation) and item.op == "in":
                item = item.lhs
            if not isinstance(item, N.Sym):
                raise Unsupported("a bound variable that is not a symbol")
            name = self.name_of(item)
            values = self.range_of(name)
            if item.sub and isinstance(item.sub[0], N.Range):
                lo, hi = as_int(self.ev(item.sub[0].lo)), as_int(self.ev(item.sub[0].hi))
                out.extend(((name, (k,)), values) for k in range(lo, hi + 1))
            else:
                out.append(((name, self.index_of(item.sub)), values))
        return out

    def range_of(self, name: str) -> list[int]:
        scope = self.env.inst.scope
        if name in scope.ranges:
            lo, hi = scope.ranges[name]
            return list(range(lo, hi + 1))
        raise Unbound(name, f"no range for the bound variable {name}")

    def with_bound(self, bindings: dict[Key, Any]) -> Evaluator:
        bound = dict(self.env.bound)
        bound.update(bindings)
        return Evaluator(Env(self.env.inst, self.env.free, bound, self.env.defs, self.env.plain_t, self.env.memo))

    def ev_BigOp(self, node: N.BigOp) -> Any:
        if node.var is None or node.cond is not None:
            raise Unsupported("a sum without a plain index")
        name = self.name_of(node.var) if isinstance(node.var, N.Sym) else None
        if name is None:
            raise Unsupported("sum variable")
        if node.lower is not None and node.upper is not None:
            lo, hi = as_int(self.ev(node.lower)), as_int(self.ev(node.upper))
            values = list(range(lo, hi + 1))
        elif node.lower is None and node.upper is None:
            values = self.range_of(name)
        else:
            raise Unsupported("a sum with one bound")
        if len(values) > 200:
            raise Unsupported("too many terms")
        terms = [self.with_bound({(name, ()): float(v)}).ev(node.body) for v in values]
        if node.kind == "sum":
            out: Any = 0.0
            for t in terms:
                out = add(out, t)
            return out
        if all(not is_arr(as_array(t)) for t in terms):
            return float(np.prod([as_array(t) for t in terms])) if terms else 1.0
        out = 1.0
        for t in reversed(terms):  # a product of Jacobians runs from the last step down (chain rule)
            out = mul(out, t)
        return out

    def ev_Extremum(self, node: N.Extremum) -> Any:
        if node.under is None:
            if isinstance(node.body, N.SetN):
                vals = [as_array(self.ev(x)) for x in node.body.items]
                return (max if node.kind == "max" else min)(vals)
            raise Unsupported(f"{node.kind} without a variable")
        if node.kind not in ("max", "min", "argmax", "argmin"):
            raise Unsupported(node.kind)
        binders = self.binders(node.under)
        rebound = {k for k, _ in binders}
        memo_key = (self.env.node_key(node), self.env.context(rebound))  # by value: one max, several statements
        if memo_key in self.env.memo:
            return self.env.memo[memo_key]
        value = self._extremum(node, binders)
        self.env.memo[memo_key] = value
        return value

    def _extremum(self, node: N.Extremum, binders: list[tuple[Key, list[int]]]) -> Any:
        combos = 1
        for _, vals in binders:
            combos *= len(vals)
        if combos > MAX_ENUM:
            raise Unsupported("too many assignments to enumerate")
        best_val: Any = None
        best_arg: tuple[Any, ...] = ()
        keys = [k for k, _ in binders]
        for assignment in itertools.product(*[vals for _, vals in binders]):
            v = as_array(self.with_bound({k: float(a) for k, a in zip(keys, assignment)}).ev(node.body))
            if is_arr(v):
                raise Unsupported("max of an array")
            better = best_val is None or (v > best_val if node.kind in ("max", "argmax") else v < best_val)
            if better:
                best_val, best_arg = v, assignment
        if best_val is None:
            raise Unsupported("empty max")
        if node.kind in ("argmax", "argmin"):
            if len(keys) != 1:
                raise Unsupported("argmax over several variables")
            return float(best_arg[0])
        return best_val

    # ---------------------------------------------------------------- expectations
    def ev_Expect(self, node: N.Expect) -> Any:
        samples = self.env.inst.scope.samples
        if not samples:
            raise Unbound("E", "this world has no randomness for E[.]")

        def mean(body: N.Node) -> Any:
            key = ("E", self.env.node_key(body), self.env.context())
            if key in self.env.memo:
                return self.env.memo[key]
            out: Any = 0.0
            for w, inst in self.env.inst.sample_instances():
                out = add(out, mul(w, Evaluator(self.env.with_inst(inst)).ev(body)))
            self.env.memo[key] = out
            return out

        if node.kind == "E":
            return mean(node.body)
        if node.kind == "Var":
            m = as_array(mean(node.body))
            if is_arr(m):
                second = mean(N.Mul((node.body, N.Transpose(node.body))))
                return add(second, -mul(m, transpose(m)))
            return add(mean(N.Pow(node.body, N.Num(Fraction(2), "2"))), -m * m)
        raise Unsupported(node.kind)

    # ---------------------------------------------------------------- derivatives
    def ev_Deriv(self, node: N.Deriv) -> Any:
        if node.order != 1 or len(node.wrt) != 1:
            raise Unsupported("higher-order derivative")
        return self.jacobian(node.num, node.wrt[0], layout="numerator")

    def ev_Grad(self, node: N.Grad) -> Any:
        if node.order != 1 or node.wrt is None:
            raise Unsupported("gradient without variable")
        return self.jacobian(node.body, node.wrt, layout="gradient")

    def jacobian(self, num: N.Node, wrt: N.Node, layout: str) -> Any:
        key = self.key_of(wrt)
        inst = self.env.inst
        if not inst.has(key) or key in self.env.bound:
            raise Unbound(key[0], f"the world cannot vary {key[0]}")
        x0 = as_array(self.lookup(*key))
        shape = np.shape(x0)
        size = int(np.size(x0))
        columns = []
        for k in range(size):
            e = np.zeros(size)
            e[k] = FD_STEP
            delta = e.reshape(shape) if shape else float(e[0])
            plus = Evaluator(self.env.with_inst(inst.rebuilt({key: ("add", delta)}))).ev(num)
            minus = Evaluator(self.env.with_inst(inst.rebuilt({key: ("add", -delta if shape else -float(e[0]))}))).ev(num)
            if isinstance(plus, Choices) or isinstance(minus, Choices):
                raise Unsupported("derivative of cases")
            if isinstance(num, N.Func) and (num.primes or num.jacobian):
                plus, minus = _diagonal(plus), _diagonal(minus)  # d sigma'(z)/dx: sigma' read elementwise
            columns.append((np.asarray(as_array(plus), float) - np.asarray(as_array(minus), float)) / (2 * FD_STEP))
        first = columns[0]
        if np.size(first) == 1:  # scalar numerator: the gradient, shaped like the variable
            g = np.array([float(np.reshape(c, ())) for c in columns]).reshape(shape) if shape else float(columns[0])
            if layout == "numerator" and isinstance(g, np.ndarray) and g.ndim == 2 and g.shape[1] == 1:
                return as_array(g.T)  # d(scalar)/d(vector) is a row in numerator layout
            return as_array(g)
        if size == 1:
            return as_array(first)
        jac = np.stack([np.ravel(c) for c in columns], axis=1)  # (numerator size, variable size)
        return jac.T if layout == "gradient" else jac
