"""Random, seeded environments for equivalence: types inferred from the notation, values made on demand."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from grader.math import nodes as N
from grader.math.assume import Assumptions
from grader.math.evaluate import RANGE_KEY, Evaluator, is_array
from grader.math.printer import sym_name, to_text
from grader.math.shapes import EMPTY, MATRIX, SCALAR, SIZE, VECTOR, Notation, default_shape, rename
from grader.math.vocab import GREEK



@dataclass
class Types:
    """What each symbol name is, from how both sides use it."""

    arrays: set[str] = field(default_factory=set)  # bold, or transposed like a vector
    ints: set[str] = field(default_factory=set)  # indices, sum bounds, bound variables
    power_t: bool = True  # x^T on non-bold x is a power (T is used as a number elsewhere)
    bold: set[str] = field(default_factory=set)  # names written bold: their shape is the notation's, in every mode
    declared: dict[str, str] = field(default_factory=dict)  # shapes a rubric's `symbols:` block declares
    outside_expect: set[str] = field(default_factory=set)  # names used outside any E[.]: constants inside one

    def shape(self, name: str, mode: str) -> tuple[int, int]:
        """The array shape of an array name at a point: declared or bold names keep the notation's shape;
        a name that is an array only by its use (`x^T x`) is a vector first, then a square matrix."""
        kind = self.declared.get(name)
        if kind is None and name in self.bold:
            kind = default_shape(name, True)
        if kind is None:
            last = name.split()[-1] if name.split() else name
            lower = last[:1].islower()
            kind = VECTOR if (mode == "vector" and lower) else MATRIX
        return (SIZE, 1) if kind == VECTOR else (SIZE, SIZE)


def _syms_in_scripts(node: N.Node) -> Iterator[N.Sym]:
    for item in node.children():
        for n in N.walk(item):
            if isinstance(n, N.Sym) and not n.sub and not n.bold:
                yield n


def infer_types(roots: Iterable[N.Node], notation: Notation = EMPTY) -> Types:
    """What each name is, from the notation (bold, transposed, indexed) and the rubric's declared shapes."""
    types = Types(declared={k: v for k, v in notation.shapes.items()})
    roots = list(roots)
    t_plain = False
    powt_bases: list[N.Node] = []
    for root in roots:
        for n in N.walk(root):
            if isinstance(n, N.Sym):
                if n.bold:
                    types.arrays.add(sym_name(n))
                    types.bold.add(sym_name(n))
                for item in n.sub + tuple(s for s in n.sup if isinstance(s, N.TupleN)):
                    for m in N.walk(item):
                        if isinstance(m, N.Sym) and not m.bold and not m.sub:
                            types.ints.add(sym_name(m))
                if n.name == "T" and not n.sub:
                    t_plain = True
            elif isinstance(n, N.Func):
                for item in n.sub:
                    for m in N.walk(item):
                        if isinstance(m, N.Sym) and not m.sub:
                            types.ints.add(sym_name(m))
            elif isinstance(n, N.BigOp):
                for part in (n.var, n.lower, n.upper):
                    if part is not None:
                        for m in N.walk(part):
                            if isinstance(m, N.Sym) and not m.sub:
                                types.ints.add(sym_name(m))
            elif isinstance(n, N.Extremum) and n.under is not None:
                under = n.under
                if isinstance(under, N.Relation) and under.op == "in":
                    for m in N.walk(under.rhs):
                        if isinstance(m, N.Sym) and not m.sub:
                            types.ints.add(sym_name(m))
                    under = under.lhs
                if isinstance(under, N.Sym):
                    types.ints.add(sym_name(under))
            elif isinstance(n, N.Transpose):
                _promote(n.x, types)
            elif isinstance(n, N.PowT):
                powt_bases.append(n.x)
    # x^T is a transpose when x is written like a vector and T is not a number elsewhere
    t_in_powt_only = not t_plain
    types.power_t = not t_in_powt_only
    if t_in_powt_only:
        for base in powt_bases:
            if _latin_base(base) and _vector_like(base):
                _promote(base, types)
    # a symbol right after a transposed vector is a vector too (w^T x)
    for _ in range(3):
        for root in roots:
            for n in N.walk(root):
                if isinstance(n, N.Mul):
                    for a, b in zip(n.factors, n.factors[1:]):
                        if isinstance(a, (N.Transpose, N.PowT)) and _is_array_node(a.x, types) and \
                                isinstance(b, N.Sym) and not b.bold and _latin(b):
                            types.arrays.add(sym_name(b))
    if types.arrays:  # I next to vectors and matrices is the identity
        for root in roots:
            if any(isinstance(n, N.Sym) and n.name == "I" and not n.sub for n in N.walk(root)):
                types.arrays.add("I")
    for root in roots:
        types.outside_expect |= _outside_expectations(root)
    for name, kind in types.declared.items():
        if kind == SCALAR:
            types.arrays.discard(name)
        else:
            types.arrays.add(name)
    types.ints -= types.arrays
    return types


def _outside_expectations(node: N.Node) -> set[str]:
    if isinstance(node, N.Expect):
        return set()
    out = {sym_name(node)} if isinstance(node, N.Sym) else set()
    for child in node.children():
        out |= _outside_expectations(child)
    return out


def _latin(sym: N.Sym) -> bool:
    return sym.name not in GREEK and sym.name.isalpha() and len(sym.name) == 1 and sym.name != "T"


def _latin_base(node: N.Node) -> bool:
    if isinstance(node, N.Sym):
        return _latin(node)
    return any(isinstance(m, N.Sym) and _latin(m) for m in N.walk(node))


def _vector_like(node: N.Node) -> bool:
    """Could `(node)^T` be a transpose? Symbols, their sums, differences and products (`(x_1 - x_0)^T`) can;
    a bracketed scalar expression (`(\\sqrt{1-\\beta})^T`, `(a/b)^T`, `(x^2)^T`) cannot: there ^T is a power."""
    if isinstance(node, N.Sym):
        return True
    if isinstance(node, (N.Transpose, N.PowT)):
        return _vector_like(node.x)
    if isinstance(node, N.Neg):
        return _vector_like(node.x)
    if isinstance(node, N.Add):
        return all(_vector_like(t) for t in node.terms)
    if isinstance(node, N.Mul):
        return all(isinstance(f, N.Num) or _vector_like(f) for f in node.factors) and \
            any(not isinstance(f, N.Num) for f in node.factors)
    return False


def _promote(node: N.Node, types: Types) -> None:
    if isinstance(node, N.Sym):
        if node.name not in GREEK or True:
            types.arrays.add(sym_name(node))
        return
    for m in N.walk(node):
        if isinstance(m, N.Sym) and _latin(m) and not _in_script(node, m):
            types.arrays.add(sym_name(m))


def _in_script(root: N.Node, sym: N.Sym) -> bool:
    for n in N.walk(root):
        if isinstance(n, N.Sym) and n is not sym and any(sym in list(N.walk(s)) for s in n.sub):
            return True
    return False


def _is_array_node(node: N.Node, types: Types) -> bool:
    if isinstance(node, N.Sym):
        return sym_name(node) in types.arrays
    return any(isinstance(m, N.Sym) and sym_name(m) in types.arrays for m in N.walk(node))


def _seed(*parts: Any) -> int:
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode())


class RandomFunction:
    """A smooth, increasing, invertible random function (per name), applied element-wise."""

    def __init__(self, name: str, seed: int) -> None:
        rng = np.random.default_rng(_seed("fn", name, seed))
        self.a, self.b = rng.uniform(0.5, 1.5, size=2)
        self.c = rng.uniform(-0.5, 0.5)
        self.d = rng.uniform(0.2, 0.6)
        self.w = rng.uniform(0.5, 1.5, size=8)

    def __call__(self, *args: Any) -> Any:
        if len(args) == 1 and not isinstance(args[0], tuple):
            x = args[0]
            return self.a * np.tanh(self.b * x + self.c) + self.d * x
        total = 0.0
        prod = 1.0
        for k, x in enumerate(args):
            x = np.asarray(x, dtype=float) if not isinstance(x, (int, float)) else float(x)
            s = float(np.sum(np.tanh(self.w[k % 8] * np.asarray(x) + self.c)))
            total += self.w[(k + 3) % 8] * s
            prod *= s
        return total + 0.3 * prod

    def derivative(self, order: int) -> Any:
        if order == 1:
            return lambda x: self.a * self.b * (1 - np.tanh(self.b * x + self.c) ** 2) + self.d
        h = 1e-4
        first = self.derivative(1)
        return lambda x: (first(x + h) - first(x - h)) / (2 * h)

    def inverse(self, y: Any) -> Any:
        y = np.asarray(y, dtype=float)
        lo = np.full_like(y, -60.0)
        hi = np.full_like(y, 60.0)
        for _ in range(80):  # bisection: f is increasing
            mid = (lo + hi) / 2
            less = self(mid) < y
            lo = np.where(less, mid, lo)
            hi = np.where(less, hi, mid)
        out = (lo + hi) / 2
        return out.item() if out.ndim == 0 else out


class LazyEnv(Mapping[str, Any]):
    """An environment that makes a deterministic random value for any key it is asked for."""

    random = True  # evaluators skip world-only keys (E[...]) in a random environment

    def __init__(self, seed: int, types: Types, assumptions: Assumptions, mode: str = "vector",
                 positive: bool = False, scale: float = 1.0) -> None:
        self.seed = seed
        self.scale = scale
        self.types = types
        self.assume = assumptions
        self.mode = mode
        self.positive = positive
        self.known: dict[str, Any] = {RANGE_KEY: (1, 3)}  # drawn so far (not `values`: that is Mapping's)
        if not types.power_t:
            self.known.setdefault("T", None)
            del self.known["T"]
        self.functions: dict[str, RandomFunction] = {}

    @staticmethod
    def base_name(key: str) -> str:
        for i, ch in enumerate(key):
            if ch in "_^":
                return key[:i]
        return key

    def __getitem__(self, key: str) -> Any:
        if key not in self.known:
            self.known[key] = self.make(key)
        return self.known[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)

    def draw_env(self, names: set[str], draw: int) -> DrawEnv:
        """The `draw`-th draw of an expectation's random `names` at this point (everything else kept)."""
        return DrawEnv(self, names, draw)

    def make_function(self, key: str) -> RandomFunction:
        if key not in self.functions:
            self.functions[key] = RandomFunction(key, 0)  # the same function at every point
        return self.functions[key]

    def _int_related(self, name: str) -> bool:
        """`j <= N` with j an index: N is a count, an integer too."""
        for a, _, b in self.assume.relations:
            if name in (a, b) and ({a, b} - {name}) & self.types.ints:
                return True
        return False

    def make(self, key: str) -> Any:
        name = self.base_name(key)
        rng = np.random.default_rng(_seed(key, self.seed, self.mode, self.positive, self.scale))
        if name in self.types.arrays:
            if name == "I":
                return np.eye(SIZE)
            shape = self.types.shape(name, self.mode)
            if self.positive:
                return rng.uniform(0.5, 1.5, size=shape)
            return rng.uniform(-1.5, 1.5, size=shape)
        lo, hi, integer = self.assume.bounds(key)  # "lambda_max > 0" names the indexed symbol
        if (lo, hi, integer) == (-np.inf, np.inf, False):
            lo, hi, integer = self.assume.bounds(name)
        if (name in self.types.ints and key == name) or integer or self._int_related(name):
            return _int_in(rng, lo, hi)
        if lo > -np.inf or hi < np.inf:
            a = lo if lo > -np.inf else (hi - 2.0)
            b = hi if hi < np.inf else (lo + 2.0)
            if b - a > 2.0:
                b = a + 2.0
            span = b - a
            return float(rng.uniform(a + 0.05 * span, b - 0.05 * span))
        mag = rng.uniform(0.5, 1.5) * self.scale
        if self.positive:
            return float(mag)
        return float(mag if rng.random() < 0.5 else -mag)


class DrawEnv(LazyEnv):
    """One draw of an expectation's random names at a point: those names drawn afresh, all else the point's."""

    def __init__(self, base: LazyEnv, names: set[str], draw: int) -> None:
        super().__init__(base.seed + 7919 * (draw + 1), base.types, base.assume, base.mode, base.positive, base.scale)
        self.base, self.names = base, names
        self.functions = base.functions  # the same function at every draw

    def __getitem__(self, key: str) -> Any:
        if self.base_name(key) in self.names:
            return super().__getitem__(key)
        return self.base[key]


def _int_in(rng: np.random.Generator, lo: float, hi: float) -> int:
    """An integer index or size: 2..7 by default, within the assumed bounds (`N >= 5`, `k <= 3`)."""
    a = 2 if lo == -np.inf else int(np.ceil(lo))
    b = 7 if hi == np.inf else int(np.floor(hi))
    if lo == -np.inf and b < a:
        a = b - 5
    if hi == np.inf and b < a:
        b = a + 5
    if b < a:
        return a
    a, b = (max(a, 2), min(b, 7)) if max(a, 2) <= min(b, 7) else (a, min(b, a + 5))
    return int(rng.integers(a, b + 1))


def opaque_value(ev: Evaluator, node: N.Node) -> Any:
    """A value for a node with no numeric meaning: the same text at the same point gives the same value."""
    bound = ",".join(f"{k}={v}" for k, v in sorted(ev.local.items()) if not is_array(v))
    env = ev.env
    seed = getattr(env, "seed", 0)
    if isinstance(node, N.Lim) and isinstance(node.var, N.Sym):
        node = rename(node, {sym_name(node.var): "limvar"})  # a limit's dummy variable is any name
    rng = np.random.default_rng(_seed("opaque", to_text(node), bound, seed))
    shape: tuple[int, ...] = ()
    if isinstance(node, N.Deriv) and len(node.wrt) == 1:
        try:
            num = ev.__class__(env).ev(node.num) if isinstance(node.num, N.Sym) else None
            wrt = ev.__class__(env).ev(node.wrt[0])
        except Exception:  # noqa: BLE001 - shape guess only
            num, wrt = None, None
        rows = num.shape[0] if is_array(num) else 1
        cols = wrt.shape[0] if is_array(wrt) else 1
        if rows > 1 or cols > 1:
            shape = (rows, cols) if rows > 1 and cols > 1 else ((rows, 1) if rows > 1 else (cols, 1))
    value = rng.uniform(0.5, 1.5, size=shape) if shape else float(rng.uniform(0.5, 1.5))
    return value


def free_symbols(node: N.Node) -> set[str]:
    out: set[str] = set()
    for n in N.walk(node):
        if isinstance(n, N.Sym):
            out.add(sym_name(n))
    return out
