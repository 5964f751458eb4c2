"""One meaning for the notation's shapes and arithmetic, shared by equivalence, worlds and the self-check pack.

A bold lowercase symbol is a column vector, a bold uppercase one a matrix, a plain one a scalar, unless a
rubric's `symbols:` block declares otherwise (`x: vector`) or maps a student's name to the rubric's (`x: X`).
Products are matrix products (a vector times a vector does not fit), `M^{-1}` of a square matrix is its inverse,
`0^{-1}` is undefined; both evaluators call the operations here so they cannot give the notation two meanings.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping, TypeGuard

import numpy as np

from grader.math import nodes as N
from grader.math.calls import map_children
from grader.math.errors import MathError, Unsupported
from grader.math.limits import DEFAULT_LIMITS
from grader.math.vocab import GREEK, PLAIN_WORDS

SCALAR, VECTOR, MATRIX = "scalar", "vector", "matrix"
SHAPES = (SCALAR, VECTOR, MATRIX)


class ShapeError(MathError):
    """Operands whose shapes do not fit (a vector times a vector, a vector plus a matrix)."""


class Undefined(Unsupported):
    """A value the notation leaves undefined: `0^{-1}`, a singular matrix's inverse, `(-1)^{1/2}`."""


class NotationError(ValueError):
    """A malformed `symbols:` declaration; `field` names the entry."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


SIZE = 3  # equivalence's vectors are 3x1 and matrices 3x3: small, but enough to break commutativity


def ones(n: int) -> np.ndarray:
    """`\\mathbf 1` (`\\mathbb 1`): the column vector of ones, in equivalence (n = SIZE) and in a world (its n)."""
    return np.ones((n, 1))


# ---------------------------------------------------------------------- the shape of a name
def default_shape(name: str, bold: bool) -> str:
    """The shape the notation alone gives: bold lowercase (Latin or Greek) a vector, bold uppercase a matrix."""
    if not bold:
        return SCALAR
    last = name.split()[-1] if name.split() else name
    if last in ("0", "1"):
        return VECTOR
    first = last[:1]
    return VECTOR if first.islower() or (last in GREEK and first.islower()) else MATRIX


@dataclass(frozen=True)
class Notation:
    """A rubric's `symbols:` block read: declared shapes by name and the student's names for the rubric's."""

    shapes: Mapping[str, str] = field(default_factory=dict)  # "x" -> "vector"
    aliases: Mapping[str, str] = field(default_factory=dict)  # the student's "x" -> the rubric's "X"

    def __bool__(self) -> bool:
        return bool(self.shapes) or bool(self.aliases)

    def shape_of(self, name: str, bold: bool) -> str:
        """A declared shape wins over the notation's default."""
        return self.shapes.get(name) or default_shape(name, bold)

    def key(self) -> str:
        """A stable text of the declaration (a pack stores it with the values it was sampled under)."""
        parts = sorted(f"{k}:{v}" for k, v in self.shapes.items()) + sorted(f"{k}>{v}" for k, v in self.aliases.items())
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16] if parts else ""

    def words(self) -> tuple[str, ...]:
        """Declared names of several letters (`lr`), longest first: `lr` in a formula is then one symbol."""
        names = set(self.shapes) | set(self.aliases) | set(self.aliases.values())
        return tuple(sorted((n for n in names if is_word(n)), key=lambda n: (-len(n), n)))

    def apply(self, node: N.Node) -> N.Node:
        """The node with declared words joined (`l r` -> `lr`) and the student's aliased names replaced by the
        rubric's."""
        words = self.words()
        if words:
            node = join_words(node, words)
        return rename(node, dict(self.aliases)) if self.aliases else node

    @classmethod
    def read(cls, spec: Mapping[str, Any] | None) -> Notation:
        """A `symbols:` mapping (name -> scalar | vector | matrix | another name); raises NotationError."""
        if not spec:
            return EMPTY
        if not isinstance(spec, Mapping):
            raise NotationError("", "write symbols as a mapping, e.g. {x: vector, W: matrix, g: gamma}")
        shapes: dict[str, str] = {}
        aliases: dict[str, str] = {}
        for raw_key, raw_value in spec.items():
            where = str(raw_key)
            name = symbol_name(raw_key, where)
            if not isinstance(raw_value, str) or not raw_value.strip():
                raise NotationError(where, f"give a shape ({', '.join(SHAPES)}) or the rubric's name for "
                                           f"{where!r}, not {raw_value!r}")
            value = raw_value.strip()
            if value in SHAPES:
                shapes[name] = value
                continue
            close = difflib.get_close_matches(value, SHAPES, n=1, cutoff=0.7)
            if close and is_word(value):  # vectr: a misspelt shape, not the rubric's name for the symbol
                raise NotationError(where, f"{value!r} is not a shape: did you mean {close[0]!r}?")
            target = symbol_name(value, where)
            if target == name:
                raise NotationError(where, f"{where!r} is declared an alias of itself")
            aliases[name] = target
        for name, target in aliases.items():
            if target in aliases:
                raise NotationError(name, f"{name!r} is an alias of {target!r}, itself an alias: name the final symbol")
        return cls(shapes, aliases)


EMPTY = Notation()


def is_word(name: str) -> bool:
    """A name of several Latin letters that the parser would read as a product (`lr`, `bs`), not a Greek letter."""
    return len(name) > 1 and name.isascii() and name.isalpha() and name not in GREEK and name not in PLAIN_WORDS


def _letter(n: N.Node) -> str | None:
    """The letter of a plain one-letter symbol (scripts allowed: they belong to the joined word)."""
    if isinstance(n, N.Sym) and len(n.name) == 1 and not n.bold and not n.accent:
        return n.name
    return None


def _plain_letter(n: N.Node) -> str | None:
    if isinstance(n, N.Sym) and not n.sub and not n.sup and not n.primes:
        return _letter(n)
    return None


def _join_last(word: str, last: N.Node) -> N.Node | None:
    """The word with the scripts of its last letter: `l r_t` -> `lr_t`, `l r^2` -> `lr^2`, `l r^\\top`."""
    if isinstance(last, N.Sym) and _letter(last) is not None:
        return N.Sym(word, False, last.sub, last.sup, last.primes)
    if isinstance(last, N.Pow):
        base = _join_last(word, last.base)
        return None if base is None else N.Pow(base, last.exp)
    if isinstance(last, (N.Transpose, N.PowT)):
        inner = _join_last(word, last.x)
        return None if inner is None else type(last)(inner)
    return None


def join_words(node: N.Node, words: tuple[str, ...]) -> N.Node:
    """`lr` (read as the product `l r`) joined into the declared name `lr`, in every product of the tree."""
    def walk(n: N.Node) -> N.Node:
        n = map_children(n, walk)
        if not isinstance(n, N.Mul):
            return n
        factors = list(n.factors)
        out: list[N.Node] = []
        i = 0
        while i < len(factors):
            joined = None
            for w in words:
                k = len(w)
                if i + k <= len(factors) and all(_plain_letter(f) == c for f, c in zip(factors[i:i + k - 1], w)):
                    last = factors[i + k - 1]
                    inner = last
                    while isinstance(inner, (N.Pow, N.Transpose, N.PowT)):
                        inner = inner.base if isinstance(inner, N.Pow) else inner.x
                    if _letter(inner) == w[-1]:
                        joined = _join_last(w, last)
                        if joined is not None:
                            i += k
                            break
            if joined is None:
                joined = factors[i]
                i += 1
            out.append(joined)
        if len(out) == len(factors):
            return n
        return out[0] if len(out) == 1 else N.Mul(tuple(out))

    return walk(node)


def symbol_name(text: Any, where: str) -> str:
    """The symbol name a declaration's `x`, `\\mathbf{x}`, `\\theta` or `\\hat{m}` stands for."""
    from grader.math.parsed import parse
    from grader.math.printer import sym_name

    if not isinstance(text, str) or not text.strip():
        raise NotationError(where, f"{text!r} is not a symbol")
    try:
        root = parse(text.strip()).root
    except MathError as exc:
        raise NotationError(where, f"{text!r} cannot be read: {exc}") from None
    if text.strip() in GREEK:  # eta written without its backslash in YAML: the Greek letter
        return text.strip()
    if is_word(text.strip()):  # lr: a declared name of several letters, which the parser reads as l times r
        return text.strip()
    if isinstance(root, N.Sym) and is_word(root.name) and not root.sub and not root.sup:
        return root.name  # \mathrm{lr}, \text{lr}
    if isinstance(root, N.Num) and root.bold:
        raise NotationError(where, f"{text!r} is a constant, not a symbol")
    if not isinstance(root, N.Sym) or root.sub or root.sup:
        raise NotationError(where, f"{text!r} is not a single symbol (write a name such as x, W or \\theta)")
    return sym_name(root)


def rename(node: N.Node, names: Mapping[str, str]) -> N.Node:
    """The tree with symbols (and functions) named in `names` renamed; the rest is shared, not copied."""
    from grader.math.printer import sym_name

    def walk(n: N.Node) -> N.Node:
        n = map_children(n, walk)
        if isinstance(n, (N.Sym, N.Func)) and sym_name(n) in names:
            name, accent, primes = _split_name(names[sym_name(n)], n.primes)
            n = dataclasses.replace(n, name=name, accent=accent, primes=primes)  # type: ignore[type-var]
        return n

    return walk(node)


def _split_name(full: str, primes: int) -> tuple[str, str, int]:
    """"hat m" -> ("m", "hat", 0); "sigma'" -> ("sigma", "", 1): a sym_name taken apart again."""
    bare = full.rstrip("'")
    own = len(full) - len(bare)
    accent, _, name = bare.rpartition(" ")
    return name, accent, own if own else primes


# ---------------------------------------------------------------------- values
def scalar(v: Any) -> Any:
    """A one-element array as its number; everything else unchanged."""
    if isinstance(v, np.ndarray) and v.size == 1:
        return v.reshape(()).item()
    return v


def is_array(v: Any) -> TypeGuard[np.ndarray]:
    return isinstance(v, np.ndarray) and v.ndim >= 1 and v.size > 1


def column(v: np.ndarray) -> np.ndarray:
    return v if v.ndim == 2 else v.reshape(-1, 1)


def is_vector(v: Any) -> bool:
    return is_array(v) and (v.ndim == 1 or min(v.shape) == 1)


def is_zero(v: Any, scale: float = 1.0) -> bool:
    """A zero of any shape: `\\mathbf 0` is the zero of whatever shape its context has."""
    v = scalar(v)
    try:
        arr = np.asarray(v, dtype=complex)
    except (TypeError, ValueError):
        return False
    return bool(arr.size) and bool(np.all(np.abs(arr) <= 1e-9 * max(scale, 1.0)))


def mul(a: Any, b: Any) -> Any:
    """A product: scalars scale; arrays multiply as matrices (a 1-D array is a column) and must fit."""
    a, b = scalar(a), scalar(b)
    if is_array(a) and is_array(b):
        a2, b2 = column(a), column(b)
        if a2.shape[1] == b2.shape[0]:
            return scalar(a2 @ b2)
        raise ShapeError(f"shapes {a2.shape} and {b2.shape} do not multiply")
    return a * b


def add(a: Any, b: Any) -> Any:
    """A sum: arrays of one shape add; a row and a column of one length add as the notation varies."""
    a, b = scalar(a), scalar(b)
    if is_array(a) and is_array(b) and a.shape != b.shape:
        if a.size == b.size and is_vector(a) and is_vector(b):
            return a.reshape(b.shape) + b
        raise ShapeError(f"shapes {a.shape} and {b.shape} do not add")
    return a + b


def hadamard(a: Any, b: Any) -> Any:
    a, b = scalar(a), scalar(b)
    if is_array(a) and is_array(b) and a.shape != b.shape:
        if a.size == b.size and is_vector(a) and is_vector(b):
            return a.reshape(b.shape) * b
        raise ShapeError("an element-wise product of different shapes")
    return a * b


def divide(num: Any, den: Any) -> Any:
    """A quotient: by a non-zero scalar, or element-wise by a vector (Adam's m / (sqrt(v) + eps), eta / sqrt(v))."""
    num, den = scalar(num), scalar(den)
    if is_array(den):
        if is_vector(den) and not is_array(num):
            return num / den
        if is_vector(num) and is_vector(den) and num.size == den.size:
            return scalar(num.reshape(den.shape) / den)
        raise ShapeError("a division by an array")
    if isinstance(den, (int, float, np.integer, np.floating)) and den == 0:
        raise Undefined("a division by zero")
    if isinstance(num, (int, np.integer)) and isinstance(den, (int, np.integer)):
        return num / den
    return num / den


def power(base: Any, exp: Any) -> Any:
    """A power: integer powers of a square matrix (M^{-1} its inverse), M^{1/2} of a symmetric one; element-wise
    on a vector (g_t^2); undefined for 0 to a negative power and a negative number to a fractional one."""
    base, exp = scalar(base), scalar(exp)
    if is_array(exp):
        raise ShapeError("an exponent is an array")
    if isinstance(exp, complex) or isinstance(base, complex):
        raise Unsupported("a complex power")
    if abs(float(exp)) > DEFAULT_LIMITS.max_exponent:
        raise Unsupported("exponent too large")
    if is_array(base):
        if base.ndim == 2 and base.shape[0] == base.shape[1] and min(base.shape) > 1:
            if float(exp).is_integer():
                e = int(exp)
                if abs(e) > 64:
                    raise Unsupported("matrix power too large")
                try:
                    return np.linalg.matrix_power(base, e)
                except np.linalg.LinAlgError:
                    raise Undefined("the inverse of a singular matrix") from None
            if float(exp) == 0.5:
                w, v = np.linalg.eigh((base + base.T) / 2)
                return v @ np.diag(np.sqrt(np.maximum(w, 0))) @ v.T
            raise Unsupported("a fractional power of a matrix")
        return np.power(base.astype(float), float(exp))  # element-wise, as students mean g_t^2
    if not isinstance(base, (int, float, np.integer, np.floating)):
        return base ** exp
    if base < 0 and not float(exp).is_integer():
        raise Undefined("a negative number to a fractional power")
    if base == 0 and exp < 0:
        raise Undefined("0 to a negative power")
    try:
        return float(base) ** float(exp) if (exp < 0 or isinstance(base, float) or isinstance(exp, float)) \
            else base ** exp
    except (ZeroDivisionError, OverflowError):
        raise Undefined("a power out of range") from None


def transpose(v: Any) -> Any:
    """The transpose; a 1-D array is a column, so its transpose is a row; a scalar is its own transpose."""
    v = scalar(v)
    if is_array(v):
        return v.T if v.ndim == 2 else v.reshape(1, -1)
    return v


def norm(v: Any, sub: int | float | str | None = None) -> Any:
    """|x| of a number; the 2-norm (or the subscript's) of a vector; the L2 operator norm (or Frobenius) of a matrix."""
    v = scalar(v)
    if not is_array(v):
        return abs(v)
    if is_vector(v):
        order = 2 if sub in (None, 2) else sub
        return float(np.linalg.norm(v.ravel(), ord=None if order == "F" else order))  # type: ignore[arg-type]
    if sub == "F":
        return float(np.linalg.norm(v, "fro"))
    return float(np.linalg.norm(v, ord=2 if sub in (None, 2) else sub))  # type: ignore[arg-type]


def differential(v: Any) -> Any:
    """sigma'(h) of a vector h is the differential D sigma(h) = diag(sigma'(h)), a matrix (as in the worlds)."""
    v = scalar(v)
    if is_vector(v):
        return np.diag(np.asarray(v, dtype=float).ravel())
    return v


def elementwise(v: Any) -> Any:
    """A diagonal matrix read back as the vector of its diagonal: sigma'(h) inside `\\odot` is element-wise."""
    v = scalar(v)
    if is_array(v) and v.ndim == 2 and v.shape[0] == v.shape[1] and np.allclose(v, np.diag(np.diag(v))):
        return np.diag(v).reshape(-1, 1)
    return v


def is_derivative(node: N.Node) -> bool:
    """sigma'(h): the derivative of a one-argument function, the differential diag(sigma'(h)) at a vector."""
    return isinstance(node, N.Func) and node.primes > 0 and not node.jacobian and len(node.args) == 1


def hadamard_of(a_node: N.Node, a: Any, b_node: N.Node, b: Any) -> Any:
    """`a \\odot b`, where a derivative's differential (a diagonal matrix) next to a vector is its diagonal."""
    a, b = scalar(a), scalar(b)
    if is_derivative(a_node) and is_vector(b):
        a = elementwise(a)
    if is_derivative(b_node) and is_vector(a):
        b = elementwise(b)
    return hadamard(a, b)
