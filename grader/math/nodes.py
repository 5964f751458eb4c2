"""The AST of a math span: frozen, hashable nodes with deep-learning meaning (bold, index, transpose)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Iterator, Union


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


class Node:
    """Base of every AST node; subclasses are frozen dataclasses."""

    def children(self) -> Iterator["Node"]:
        names = _FIELD_NAMES.get(type(self))
        if names is None:  # dataclasses.fields() is slow on the evaluation's hot path: once per class
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        for name in names:
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Node):
                        yield item
                    elif isinstance(item, tuple):
                        yield from (x for x in item if isinstance(x, Node))


@dataclass(frozen=True)
class Num(Node):
    value: Fraction
    text: str  # as written, for the printed precision ("2.58")
    bold: bool = False  # \mathbf{0}, \mathbf{1}


@dataclass(frozen=True)
class Const(Node):
    name: str  # "pi", "e", "inf"


@dataclass(frozen=True)
class Sym(Node):
    """A symbol; its identity is name + font weight + index + label superscript + primes + accent."""

    name: str  # Latin letter(s) as written, Greek by command name ("gamma", "Gamma")
    bold: bool = False
    sub: tuple[Node, ...] = ()  # index items: h_{t-1} -> (t-1,), w_{ij} -> (i, j)
    sup: tuple[Node, ...] = ()  # label superscripts: \theta^{(i)} -> ((i),), W^Q, w^*
    primes: int = 0
    accent: str = ""  # "hat", "tilde", "bar", "dot", ...


@dataclass(frozen=True)
class Label(Node):
    """Free text used as a name or an index label (\\text{reg}, (i), *)."""

    text: str


@dataclass(frozen=True)
class Add(Node):
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Neg(Node):
    x: Node


@dataclass(frozen=True)
class Mul(Node):
    """An ordered product: bold factors do not commute."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Hadamard(Node):
    a: Node
    b: Node


@dataclass(frozen=True)
class Div(Node):
    num: Node
    den: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True)
class Transpose(Node):
    x: Node


@dataclass(frozen=True)
class PowT(Node):
    """`x^T` on a non-bold base: a transpose when x is a vector, else the power x**T."""

    x: Node


@dataclass(frozen=True)
class Func(Node):
    """A function application: \\sigma(x), f(x, y), \\delta_t(j), \\sigma'(x), D\\sigma(x), \\log x."""

    name: str
    args: tuple[Node, ...]
    sub: tuple[Node, ...] = ()
    sup: tuple[Node, ...] = ()
    primes: int = 0
    jacobian: bool = False  # D\sigma(x)
    inverse: bool = False  # \sigma^{-1}(x)
    accent: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Norm(Node):
    x: Node
    sub: Node | None = None  # \|x\|_2


@dataclass(frozen=True)
class Abs(Node):
    x: Node


@dataclass(frozen=True)
class BigOp(Node):
    """\\sum / \\prod over a bound variable, with optional bounds or a condition."""

    kind: str  # "sum" | "prod"
    var: Node | None
    lower: Node | None
    upper: Node | None
    body: Node
    cond: Node | None = None


@dataclass(frozen=True)
class Extremum(Node):
    kind: str  # "max" | "min" | "argmax" | "argmin" | "sup" | "inf"
    under: Node | None  # the subscript: i, w_{1:t-1}, x: \|x\|=1
    body: Node


@dataclass(frozen=True)
class Lim(Node):
    var: Node
    to: Node
    body: Node


@dataclass(frozen=True)
class Deriv(Node):
    """\\frac{\\partial num}{\\partial wrt} (kind "partial") or \\frac{d num}{d wrt} (kind "d")."""

    num: Node
    wrt: tuple[Node, ...]
    kind: str = "partial"
    order: int = 1


@dataclass(frozen=True)
class Grad(Node):
    """\\nabla_{wrt} body; order 2 for \\nabla^2."""

    wrt: Node | None
    body: Node
    order: int = 1
    accent: str = ""


@dataclass(frozen=True)
class Expect(Node):
    """\\mathbb{E}[x], \\mathbb{E}_{x \\sim p}[x], Var[x]."""

    kind: str  # "E" | "Var" | "Cov"
    body: Node
    sub: Node | None = None


@dataclass(frozen=True)
class Inner(Node):
    a: Node
    b: Node


@dataclass(frozen=True)
class Cond(Node):
    """`a | b` inside a function's arguments: p(w_t | w_{t-1})."""

    a: Node
    b: Node


@dataclass(frozen=True)
class Range(Node):
    """`a:b` in an index (w_{1:t-1})."""

    lo: Node
    hi: Node


@dataclass(frozen=True)
class TupleN(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class SetN(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Matrix(Node):
    rows: tuple[tuple[Node, ...], ...]
    kind: str = "pmatrix"


@dataclass(frozen=True)
class Cases(Node):
    branches: tuple[tuple[Node, Node | None], ...]  # (value, condition)


@dataclass(frozen=True)
class Asym(Node):
    """An asymptotic class O(.), Theta(.), Omega(.), o(.)."""

    kind: str  # "O" | "Theta" | "Omega" | "o" | "omega"
    body: Node


@dataclass(frozen=True)
class Dots(Node):
    """\\dots / \\cdots: an elided part; never evaluable."""


@dataclass(frozen=True)
class Accent(Node):
    """An accent over something that is not a symbol (\\hat{\\nabla})."""

    kind: str
    x: Node


@dataclass(frozen=True)
class Index(Node):
    """An element of a bracketed expression: [\\mathbf{P}]_{i,j}."""

    base: Node
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Integral(Node):
    lower: Node | None
    upper: Node | None
    body: Node


@dataclass(frozen=True)
class Factorial(Node):
    x: Node


@dataclass(frozen=True)
class SetSym(Node):
    """A named set or space: \\mathbb{R}^{n \\times n}, \\mathcal{N}(0, I) is a Func instead."""

    name: str
    sup: Node | None = None


@dataclass(frozen=True)
class Relation(Node):
    lhs: Node
    op: str  # "=", "!=", "<", ">", "<=", ">=", "approx", "propto", "->", "<-", "in", "<<", ">>", "sim", ":"
    rhs: Node


@dataclass(frozen=True)
class Chain(Node):
    """a = b = c <= d: `items` has one more entry than `ops`."""

    items: tuple[Node, ...]
    ops: tuple[str, ...]

    @property
    def links(self) -> tuple[tuple[Node, str, Node], ...]:
        return tuple((self.items[i], op, self.items[i + 1]) for i, op in enumerate(self.ops))


@dataclass(frozen=True)
class System(Node):
    """Several statements (equations, chains, expressions) written together; `joins` say how."""

    items: tuple[Node, ...]
    joins: tuple[str, ...] = ()  # between items: "," | "and" | "implies" | "row"
    # (start, end) character offsets of each item in the parsed LaTeX (after strip()); end is where the next
    # token (separator, row break, \end) begins. Not part of equality, hash or repr: only a source position.
    spans: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False, hash=False)


Expr = Union[Node]

RELATION_OPS = ("=", "!=", "<", ">", "<=", ">=", "approx", "propto", "->", "<-", "in", "notin",
                "<<", ">>", "sim", ":", "equiv", "subset", "iff")


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(n.children())))
