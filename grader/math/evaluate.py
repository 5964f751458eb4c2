"""Numeric evaluation of AST nodes with numpy, against an environment of symbol keys (see docs/math.md)."""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np

from grader.math import nodes as N
from grader.math import shapes
from grader.math.errors import MathError, Unbound, Unsupported
from grader.math.limitvalue import numeric_limit
from grader.math.limits import DEFAULT_LIMITS
from grader.math.shapes import ShapeError, Undefined
from grader.math.printer import sym_name, to_text


RANGE_KEY = "__range__"  # env entry: (lo, hi) of an index that a \sum_j or \max_i gives no bounds for

_BUILTINS: dict[str, Callable[[Any], Any]] = {
    "log": np.log, "ln": np.log, "lg": np.log10, "exp": np.exp, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "sqrt": np.sqrt, "arctan": np.arctan,
    "arcsin": np.arcsin, "arccos": np.arccos, "floor": np.floor, "ceil": np.ceil,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0),
    "ReLU": lambda x: np.maximum(x, 0), "sgn": np.sign, "sign": np.sign,
}

_scalar = shapes.scalar
is_array = shapes.is_array
mul = shapes.mul
add = shapes.add
norm = shapes.norm


def power(base: Any, exp: Any) -> Any:
    """shapes.power, where an undefined value (0^{-1}) is NaN: a random point where it occurs is dropped."""
    try:
        return shapes.power(base, exp)
    except Undefined:
        return float("nan")


class Evaluator:
    """Evaluates nodes in an environment; `opaque` (equivalence only) gives uninterpreted nodes a value."""

    def __init__(self, env: Mapping[str, Any], opaque: Callable[["Evaluator", N.Node], Any] | None = None) -> None:
        self.env = env
        self.local: dict[str, Any] = {}  # bound variables of sums, maxima, derivatives
        self.opaque = opaque
        self.used_opaque: set[str] = set()

    # ------------------------------------------------------------------ keys
    def index_text(self, item: N.Node) -> str:
        """An index item as key text: its integer value when it has one, else its LaTeX."""
        if isinstance(item, N.Label):
            return item.text
        if isinstance(item, N.TupleN):
            return "(" + ",".join(self.index_text(i) for i in item.items) + ")"
        if isinstance(item, N.Range):
            return f"{self.index_text(item.lo)}:{self.index_text(item.hi)}"
        if isinstance(item, N.Sym) and (len(item.name) > 1 and item.name not in self.local) and not item.sub:
            if item.name not in self.env and item.name not in self.local:
                return to_text(item)
        try:
            value = _scalar(self.ev(item))
        except MathError:
            return to_text(item)
        if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
            return str(int(value))
        return to_text(item)

    def key(self, node: N.Sym | N.Func) -> str:
        """The environment key of a symbol: name, primes, evaluated index, label superscript."""
        out = sym_name(node)
        if node.sub:
            out += "_" + ",".join(self.index_text(s) for s in node.sub)
        if node.sup:
            out += "^" + ",".join(self.index_text(s) for s in node.sup)
        return out

    def lookup(self, key: str, fallback: str | None = None) -> Any:
        if key in self.local:
            return self.local[key]
        try:
            return self.env[key]
        except KeyError:
            pass
        if fallback is not None and fallback != key:
            if fallback in self.local:
                return self.local[fallback]
            try:
                return self.env[fallback]
            except KeyError:
                pass
        raise Unbound(key)

    # ------------------------------------------------------------------ evaluation
    def ev(self, node: N.Node) -> Any:
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is None:
            return self.unsupported(node, f"{type(node).__name__} has no numeric value")
        return method(node)

    def unsupported(self, node: N.Node, reason: str) -> Any:
        if self.opaque is not None:
            self.used_opaque.add(type(node).__name__)
            return self.opaque(self, node)
        raise Unsupported(reason)

    def ev_Num(self, node: N.Num) -> Any:
        v = node.value
        if node.bold and v == 1:  # \mathbf 1: the ones vector, as in worlds (an indicator 1[..] is read as 1)
            return shapes.ones(shapes.SIZE)
        return int(v) if v.denominator == 1 else float(v)

    def ev_Const(self, node: N.Const) -> Any:
        return {"pi": math.pi, "e": math.e, "inf": math.inf}[node.name]

    def ev_Sym(self, node: N.Sym) -> Any:
        key = self.key(node)
        fallback = sym_name(node) + ("_" + ",".join(to_text(s) for s in node.sub) if node.sub else "") + (
            "^" + ",".join(to_text(s) for s in node.sup) if node.sup else "")
        return self.lookup(key, fallback)

    def ev_Label(self, node: N.Label) -> Any:
        return self.lookup(node.text)

    def ev_Add(self, node: N.Add) -> Any:
        total = self.ev(node.terms[0])
        for term in node.terms[1:]:
            total = add(total, self.ev(term))
        return total

    def ev_Neg(self, node: N.Neg) -> Any:
        return -_scalar(self.ev(node.x))

    def ev_Mul(self, node: N.Mul) -> Any:
        out = self.ev(node.factors[0])
        for f in node.factors[1:]:
            out = mul(out, self.ev(f))
        return out

    def ev_Hadamard(self, node: N.Hadamard) -> Any:
        return shapes.hadamard_of(node.a, self.ev(node.a), node.b, self.ev(node.b))

    def ev_Div(self, node: N.Div) -> Any:
        try:
            return shapes.divide(self.ev(node.num), self.ev(node.den))
        except Undefined:
            return float("nan")  # x/0: undefined, the point is dropped

    def ev_Pow(self, node: N.Pow) -> Any:
        if isinstance(node.base, N.Sym):
            # a superscript bound by the world as an index: \theta^{t} with "theta^5" in the env
            try:
                e = _scalar(self.ev(node.exp))
                if isinstance(e, (int, float, np.integer, np.floating)) and float(e).is_integer():
                    key = self.key(node.base) + "^" + str(int(e))
                    if key in self.local or (self.opaque is None and key in self.env):
                        return self.lookup(key)
            except MathError:
                pass
        return power(self.ev(node.base), self.ev(node.exp))

    def ev_Transpose(self, node: N.Transpose) -> Any:
        return shapes.transpose(self.ev(node.x))

    def ev_PowT(self, node: N.PowT) -> Any:
        v = _scalar(self.ev(node.x))
        if is_array(v):
            return shapes.transpose(v)
        return power(v, self.lookup("T"))

    def ev_Func(self, node: N.Func) -> Any:
        args = [self.ev(a) for a in node.args]
        name = sym_name(N.Sym(node.name, accent=node.accent))
        if node.name in _BUILTINS and not node.sub and not node.primes and not node.jacobian:
            if len(args) != 1:
                raise MathError(f"\\{node.name} takes one argument")
            builtin = _BUILTINS[node.name]
            if node.inverse:
                return self.unsupported(node, f"inverse of {node.name}")
            return builtin(_scalar(args[0]))
        if node.name in ("det", "tr", "diag", "softmax") and len(args) == 1 and not node.primes:
            cols = any(isinstance(s, (N.Sym, N.Label)) and to_text(s) in ("col", "column", "0") for s in node.sub)
            return _matrix_builtin(node.name, _scalar(args[0]), axis=0 if cols else -1)
        if node.name == "lambda" and len(args) == 1 and is_array(_scalar(args[0])) and len(node.sub) == 1:
            return _eigenvalue(_scalar(args[0]), node.sub[0])
        key = self.key(node)
        fn = self._function(node, key, name)
        if fn is None:
            raise Unbound(key, f"unbound function {key!r}")
        try:
            value = fn(*args)
        except MathError:
            raise
        except (TypeError, ValueError) as exc:
            raise MathError(f"cannot apply {key}: {exc}") from exc
        if shapes.is_derivative(node) and shapes.is_vector(_scalar(args[0])):
            return shapes.differential(value)  # sigma'(h) of a vector: the Jacobian diag(sigma'(h))
        return value

    def _function(self, node: N.Func, key: str, name: str) -> Callable[..., Any] | None:
        base_key = key[:len(key) - node.primes] if node.primes else key
        bare = name.rstrip("'")
        prefix = "D" if node.jacobian else ""
        suffix = "^{-1}" if node.inverse else ""
        if not hasattr(self.env, "make_function"):
            for k in (prefix + key + suffix, prefix + name + "'" * node.primes + suffix):
                if k in self.local or k in self.env:
                    return self.lookup(k)
        base = None
        maker = getattr(self.env, "make_function", None)
        if maker is not None:  # a random environment: one random function per name
            base = maker(base_key)
        else:
            for k in (base_key, bare):
                if k in self.local or k in self.env:
                    base = self.lookup(k)
                    break
        if base is None:
            return None
        order = node.primes + (1 if node.jacobian else 0)
        if node.inverse:
            inv = getattr(base, "inverse", None)
            return inv if inv is not None else None
        if order == 0:
            return base
        deriv = getattr(base, "derivative", None)
        d = deriv(order) if deriv is not None else _numeric_derivative(base, order)
        if node.jacobian:
            return lambda x: _jacobian_diag(d(x), x)
        return d

    def ev_Norm(self, node: N.Norm) -> Any:
        sub: int | float | str | None = None
        if node.sub is not None:
            if isinstance(node.sub, N.Num):
                sub = int(node.sub.value)
            elif isinstance(node.sub, (N.Sym, N.Label)) and to_text(node.sub) == "F":
                sub = "F"
            elif isinstance(node.sub, N.Const) and node.sub.name == "inf":
                sub = np.inf
        return norm(self.ev(node.x), sub)

    def ev_Abs(self, node: N.Abs) -> Any:
        return np.abs(_scalar(self.ev(node.x)))

    def _bound_range(self, var: N.Node, lower: N.Node | None, upper: N.Node | None) -> tuple[str, range]:
        if not isinstance(var, N.Sym):
            raise Unsupported("a sum over something that is not a variable")
        key = self.key(var)
        if lower is None or upper is None:
            lo_hi = self.env.get(RANGE_KEY) if hasattr(self.env, "get") else None
            if lo_hi is None:
                raise Unsupported(f"the range of {key} is not given")
            lo, hi = lo_hi
        else:
            lo, hi = _scalar(self.ev(lower)), _scalar(self.ev(upper))
        if not all(isinstance(v, (int, float, np.integer, np.floating)) and float(v).is_integer() for v in (lo, hi)):
            raise Unsupported("sum bounds are not integers")
        lo, hi = int(lo), int(hi)
        if hi - lo + 1 > DEFAULT_LIMITS.max_sum_terms:
            raise Unsupported(f"a sum of {hi - lo + 1} terms is over the limit")
        return key, range(lo, hi + 1)

    def _with(self, key: str, value: Any, node: N.Node) -> Any:
        saved = self.local.get(key, _MISSING)
        self.local[key] = value
        try:
            return self.ev(node)
        finally:
            if saved is _MISSING:
                del self.local[key]
            else:
                self.local[key] = saved

    def ev_BigOp(self, node: N.BigOp) -> Any:
        var, lower, upper = node.var, node.lower, node.upper
        if node.cond is not None:
            span = set_range(node.cond)
            if span is None:
                return self.unsupported(node, "a sum over a condition")
            var, lower, upper = span
        if var is None:
            return self.unsupported(node, "a sum over a condition")
        key, rng = self._bound_range(var, lower, upper)
        if node.kind == "sum":
            total: Any = 0
            for k in rng:
                total = add(total, self._with(key, k, node.body))
            return total
        out: Any = 1
        for k in rng:
            out = mul(out, self._with(key, k, node.body))
        return out

    def ev_Extremum(self, node: N.Extremum) -> Any:
        under, lower, upper = node.under, None, None
        span = set_range(under)
        if span is not None:
            under, lower, upper = span
        if not isinstance(under, N.Sym):
            if node.under is None and isinstance(node.body, (N.SetN, N.TupleN)):  # \max(x, 0), \max\{a, b\}
                vals = [_scalar(self.ev(i)) for i in node.body.items]
                if node.kind in ("max", "sup"):
                    return max(vals)
                if node.kind in ("min", "inf"):
                    return min(vals)
            return self.unsupported(node, "a maximum over a set that is not an index range")
        key, rng = self._bound_range(under, lower, upper)
        vals = [(_scalar(self._with(key, k, node.body)), k) for k in rng]
        if any(is_array(v) for v, _ in vals):
            return self.unsupported(node, "a maximum of vectors")
        if node.kind in ("max", "sup"):
            return max(v for v, _ in vals)
        if node.kind in ("min", "inf"):
            return min(v for v, _ in vals)
        if node.kind == "argmax":
            return max(vals)[1]
        if node.kind == "argmin":
            return min(vals)[1]
        return self.unsupported(node, node.kind)

    def ev_Deriv(self, node: N.Deriv) -> Any:
        if len(node.wrt) != 1 or node.order != 1 or not isinstance(node.wrt[0], N.Sym):
            return self.unsupported(node, "a higher or mixed derivative")
        if isinstance(node.num, N.Sym) or not _mentions(node.num, node.wrt[0]):
            dkey = f"d{to_text(node.num)}/d{to_text(node.wrt[0])}"
            if dkey in self.env:
                return self.env[dkey]
            if isinstance(node.num, N.Sym):
                return self.unsupported(node, f"the derivative {dkey} is not given")
        return self._finite_difference(node.num, node.wrt[0])

    def ev_Grad(self, node: N.Grad) -> Any:
        if node.wrt is None or not isinstance(node.wrt, N.Sym) or node.order != 1 or node.accent:
            return self.unsupported(node, "a gradient without its variable")
        if isinstance(node.body, N.Sym) or not _mentions(node.body, node.wrt):
            gkey = f"grad_{to_text(node.wrt)} {to_text(node.body)}"
            if gkey in self.env:
                return self.env[gkey]
            return self.unsupported(node, f"the gradient {gkey} is not given")
        return self._finite_difference(node.body, node.wrt, gradient=True)

    def _finite_difference(self, body: N.Node, var: N.Sym, gradient: bool = False) -> Any:
        key = self.key(var)
        x0 = _scalar(self.ev(var))
        h = 1e-6
        if not is_array(x0):
            x0 = float(x0)
            hi = self._with(key, x0 + h, body)
            lo = self._with(key, x0 - h, body)
            return (_scalar(hi) - _scalar(lo)) / (2 * h)
        flat = np.asarray(x0, dtype=float).ravel()
        cols = []
        for j in range(flat.size):
            e = np.zeros_like(flat)
            e[j] = h
            hi = np.asarray(self._with(key, (flat + e).reshape(x0.shape), body), dtype=float).ravel()
            lo = np.asarray(self._with(key, (flat - e).reshape(x0.shape), body), dtype=float).ravel()
            cols.append((hi - lo) / (2 * h))
        jac = np.stack(cols, axis=1)  # d out_i / d x_j
        if jac.shape[0] == 1:
            return jac.reshape(x0.shape) if gradient or True else jac
        return jac

    def ev_Expect(self, node: N.Expect) -> Any:
        key = f"{node.kind}[{to_text(node.body)}]"
        if not getattr(self.env, "random", False) and key in self.env:
            return self.env[key]
        if node.kind not in ("E", "Var"):
            return self.unsupported(node, f"{node.kind}[...] is not given")
        draws = self._draws(node)
        if draws is None:  # nothing random inside: E[c] = c, Var[c] = 0
            value = self.ev(node.body)
            return value if node.kind == "E" else 0 * _scalar(value)
        values = [_scalar(ev.ev(node.body)) for ev in draws]
        mean = _mean(values)
        if node.kind == "E":
            return mean
        if is_array(mean):  # Var of a vector: its covariance matrix
            return _mean([mul(v, shapes.transpose(v)) for v in values]) - mul(mean, shapes.transpose(mean))
        return _mean([v * v for v in values]) - mean * mean

    def _draws(self, node: N.Expect) -> list[Evaluator] | None:
        """Evaluators at draws of the expectation's random names, in a random environment (equivalence): the
        names under `\\mathbb E_{x}` or, without one, those used only inside expectations; None when none is."""
        env = self.env
        draw_env = getattr(env, "draw_env", None)  # a random environment (grader.math.randenv.LazyEnv)
        if draw_env is None:
            return None
        inside = {sym_name(n) for n in N.walk(node.body) if isinstance(n, N.Sym)} - set(self.local)
        if node.sub is not None:
            under = node.sub.lhs if isinstance(node.sub, N.Relation) else node.sub
            names = {sym_name(n) for n in N.walk(under) if isinstance(n, N.Sym)} & inside
        else:
            types = env.types  # type: ignore[attr-defined]
            names = inside - types.outside_expect - types.ints
        if not names:
            return None
        out = []
        for draw in range(EXPECT_DRAWS):
            ev = Evaluator(draw_env(names, draw), self.opaque)
            ev.local = dict(self.local)
            out.append(ev)
        return out

    def ev_Inner(self, node: N.Inner) -> Any:
        a, b = _scalar(self.ev(node.a)), _scalar(self.ev(node.b))
        if is_array(a) and is_array(b):
            if a.shape != b.shape:
                raise ShapeError("inner product of different shapes")
            return float(np.vdot(a, b))
        return mul(a, b)

    def ev_Relation(self, node: N.Relation) -> Any:
        a, b = _scalar(self.ev(node.lhs)), _scalar(self.ev(node.rhs))
        if is_array(a) or is_array(b):
            return self.unsupported(node, "a comparison of vectors")
        ops = {"=": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
        if node.op not in ops:
            return self.unsupported(node, f"relation {node.op}")
        return 1.0 if ops[node.op] else 0.0  # Iverson bracket [j = i]

    def ev_Cases(self, node: N.Cases) -> Any:
        """The first branch whose condition holds; a branch without a condition ("otherwise") is the default."""
        default: N.Node | None = None
        for value, cond in node.branches:
            if cond is None or isinstance(cond, N.Label):
                if default is None:
                    default = value
                continue
            if self._holds(cond):
                return self.ev(value)
        if default is None:
            return self.unsupported(node, "no branch of the cases holds")
        return self.ev(default)

    def _holds(self, cond: N.Node) -> bool:
        if isinstance(cond, N.TupleN):
            return all(self._holds(c) for c in cond.items)
        if isinstance(cond, N.Chain):
            return all(self._holds(N.Relation(a, op, b)) for a, op, b in cond.links)
        if isinstance(cond, N.Relation):
            if cond.op in ("in", "notin") and isinstance(cond.rhs, N.SetN):
                x = _scalar(self.ev(cond.lhs))
                inside = any(_scalar(self.ev(i)) == x for i in cond.rhs.items if not isinstance(i, N.Dots))
                return inside == (cond.op == "in")
            a, b = _scalar(self.ev(cond.lhs)), _scalar(self.ev(cond.rhs))
            if is_array(a) or is_array(b):
                raise Unsupported("a condition on vectors")
            ops = {"=": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
            if cond.op not in ops:
                raise Unsupported(f"a condition with {cond.op}")
            return bool(ops[cond.op])
        raise Unsupported("a condition that is not a comparison")

    def ev_Matrix(self, node: N.Matrix) -> Any:
        rows = [[_scalar(self.ev(c)) for c in r] for r in node.rows]
        if any(is_array(c) for r in rows for c in r):
            return self.unsupported(node, "a block matrix")
        return np.array(rows, dtype=float)

    def ev_Index(self, node: N.Index) -> Any:
        base = _scalar(self.ev(node.base))
        idx = [_scalar(self.ev(i)) for i in node.items]
        if not is_array(base) or not all(isinstance(i, (int, np.integer)) for i in idx):
            return self.unsupported(node, "an element of something that is not a matrix")
        try:
            return base[tuple(int(i) - 1 for i in idx)]
        except IndexError as exc:
            raise MathError(f"index out of range: {exc}") from exc

    def ev_Factorial(self, node: N.Factorial) -> Any:
        v = _scalar(self.ev(node.x))
        if is_array(v) or v < 0 or v > 170:
            return self.unsupported(node, "factorial out of range")
        return math.gamma(float(v) + 1)

    def ev_Lim(self, node: N.Lim) -> Any:
        """The limit's numeric value where it settles (limitvalue); else an opaque value (equivalence)."""
        if not isinstance(node.var, N.Sym):
            return self.unsupported(node, "a limit over something that is not a variable")
        try:
            to = _scalar(self.ev(node.to))
        except MathError:
            return self.unsupported(node, "a limit point without a value")
        if is_array(to) or not isinstance(to, (int, float, np.integer, np.floating)):
            return self.unsupported(node, "a limit point that is not a number")
        key = self.key(node.var)
        try:
            return numeric_limit(lambda x: self._with(key, x, node.body), float(to))
        except Unsupported as exc:
            return self.unsupported(node, str(exc))

    def ev_Dots(self, node: N.Dots) -> Any:
        return self.unsupported(node, "an elided part (\\cdots)")


_MISSING = object()
EXPECT_DRAWS = 16  # draws of an expectation's random names: E[x^2] and E[x]^2 differ at every point


def _mean(values: list[Any]) -> Any:
    total: Any = values[0]
    for v in values[1:]:
        total = add(total, v)
    return total / len(values)


def _mentions(node: N.Node, var: N.Node) -> bool:
    return any(n == var for n in N.walk(node))


def _numeric_derivative(fn: Callable[..., Any], order: int) -> Callable[[Any], Any]:
    h = 1e-4 if order > 1 else 1e-6

    def d(x: Any) -> Any:
        x = np.asarray(x, dtype=float) if is_array(x) else x
        if order == 1:
            return (fn(x + h) - fn(x - h)) / (2 * h)
        return (fn(x + h) - 2 * fn(x) + fn(x - h)) / (h * h)

    return d


def _jacobian_diag(dvalue: Any, x: Any) -> Any:
    """D\\sigma(x) of an element-wise function at a vector x is diag(\\sigma'(x))."""
    x = _scalar(x)
    if is_array(x) and (x.ndim == 1 or x.shape[1] == 1):
        return np.diag(np.asarray(dvalue).ravel())
    return dvalue


def _eigenvalue(m: Any, which: N.Node) -> Any:
    """\\lambda_1(A): the largest eigenvalue (\\lambda_k the k-th largest, \\lambda_{\\min} the smallest)."""
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ShapeError("an eigenvalue of a matrix that is not square")
    values = sorted(np.linalg.eigvals(m).real, reverse=True)
    text = to_text(which)
    if text in ("max",):
        return values[0]
    if text in ("min",):
        return values[-1]
    if isinstance(which, N.Num) and 1 <= int(which.value) <= len(values):
        return values[int(which.value) - 1]
    raise Unsupported(f"eigenvalue {text}")


def _matrix_builtin(name: str, v: Any, axis: int = -1) -> Any:
    if name == "det":
        return float(np.linalg.det(v)) if is_array(v) else v
    if name == "tr":
        return float(np.trace(v)) if is_array(v) else v
    if name == "diag":
        if is_array(v) and (v.ndim == 1 or min(v.shape) == 1):
            return np.diag(v.ravel())
        return np.diag(np.diag(v)) if is_array(v) else v
    if is_array(v):  # softmax along rows (or columns: softmax_col)
        m = np.exp(v - v.max(axis=axis, keepdims=True))
        return m / m.sum(axis=axis, keepdims=True)
    return 1.0


def set_range(under: N.Node | None) -> tuple[N.Node, N.Node, N.Node] | None:
    """`i \\in \\{1, \\dots, N\\}` under a max or sum: (i, 1, N); None for anything else."""
    if not (isinstance(under, N.Relation) and under.op == "in" and isinstance(under.rhs, N.SetN)):
        return None
    items = under.rhs.items
    if len(items) == 3 and isinstance(items[1], N.Dots) and not any(isinstance(i, N.Dots) for i in (items[0], items[2])):
        return under.lhs, items[0], items[2]
    if len(items) == 4 and isinstance(items[2], N.Dots) and isinstance(items[0], N.Num) and isinstance(items[1], N.Num) \
            and items[1].value == items[0].value + 1:
        return under.lhs, items[0], items[3]
    return None


def evaluate(node: N.Node, env: Mapping[str, Any]) -> Any:
    """Evaluate a node; raises Unbound for a symbol the env lacks, Unsupported for e.g. `\\cdots`."""
    with np.errstate(all="ignore"):
        return Evaluator(env).ev(node)
