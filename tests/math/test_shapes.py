"""One table of notation cases run through every path -- equivalence, a world's evaluation, a pack fingerprint --
asserting the three agree on the shape and on the value (grader/math/shapes.py gives the notation one meaning)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.math import equivalent
from grader.math.assume import assumptions
from grader.math.equivalence import point, value_at
from grader.math.errors import MathError
from grader.math.parsed import parse
from grader.math.randenv import infer_types
from grader.math.shapes import (
    EMPTY, MATRIX, SCALAR, VECTOR, Notation, NotationError, ShapeError, Undefined, default_shape, power, rename,
)
from grader.pack import points
from grader.worlds import Draw, Scope, World
from grader.worlds.evaluate import Env, Evaluator
from grader.worlds.steps import holds

EQUAL, DIFFER, NO_FIT, UNDEFINED = "equal", "differ", "no fit", "undefined"

# (student's expression, the reference, the shape of the student's value, how the two relate)
TABLE: list[tuple[str, str, str | None, str]] = [
    (r"(\mathbf I - \mathbf u\mathbf u^\top/\|\mathbf u\|^2)\mathbf u", r"\mathbf 0", VECTOR, EQUAL),
    (r"(\mathbf I - \mathbf u\mathbf u^\top)\mathbf u", r"\mathbf 0", VECTOR, DIFFER),
    (r"\mathbf u^\top \mathbf v", r"\mathbf v^\top \mathbf u", SCALAR, EQUAL),
    (r"\mathbf u \mathbf v^\top", r"\mathbf v \mathbf u^\top", MATRIX, DIFFER),
    (r"\mathbf u \mathbf v^\top \mathbf w", r"(\mathbf v^\top \mathbf w)\mathbf u", VECTOR, EQUAL),
    (r"\mathbf A^{-1}\mathbf A\mathbf u", r"\mathbf u", VECTOR, EQUAL),
    (r"(\mathbf A\mathbf B)^{-1}", r"\mathbf B^{-1}\mathbf A^{-1}", MATRIX, EQUAL),
    (r"(\mathbf A\mathbf B)^{-1}", r"\mathbf A^{-1}\mathbf B^{-1}", MATRIX, DIFFER),
    (r"(\mathbf A\mathbf B)^\top", r"\mathbf B^\top\mathbf A^\top", MATRIX, EQUAL),
    (r"\mathbf A^2", r"\mathbf A\mathbf A", MATRIX, EQUAL),
    (r"\|\mathbf u\|^2", r"\mathbf u^\top\mathbf u", SCALAR, EQUAL),
    (r"\frac{a}{\mathbf u^\top\mathbf u}\mathbf u", r"a\mathbf u/\|\mathbf u\|^2", VECTOR, EQUAL),
    (r"\frac{a}{\mathbf u^2 + 1} \odot \mathbf v", r"a\frac{\mathbf v}{\mathbf u^2 + 1}", VECTOR, EQUAL),
    (r"\frac{\mathbf v}{\mathbf A}", r"\mathbf A^{-1}\mathbf v", None, NO_FIT),
    (r"\mathbf u^\top\mathbf A\mathbf v", r"\mathbf v^\top\mathbf A\mathbf u", SCALAR, DIFFER),
    (r"\mathbf u \mathbf A", r"\mathbf A \mathbf u", None, NO_FIT),
    (r"\mathbf u \mathbf v", r"\mathbf u^\top \mathbf v", None, NO_FIT),
    (r"\mathbf W\sigma'(\mathbf h)", r"\mathbf W D\sigma(\mathbf h)", MATRIX, EQUAL),
    (r"\sigma'(\mathbf h)\odot\boldsymbol\delta", r"\operatorname{diag}(\sigma'(\mathbf h))\boldsymbol\delta", VECTOR, EQUAL),
    (r"\sigma'(\mathbf h)\odot\boldsymbol\delta", r"\mathbf W\boldsymbol\delta", VECTOR, DIFFER),
    (r"\mathbb E[x^2]", r"\mathbb E[x]^2", SCALAR, DIFFER),
    (r"\mathbb E[x^2] - \mathbb E[x]^2", r"\operatorname{Var}[x]", SCALAR, EQUAL),
    (r"\lim_{k\to\infty} (1 + a/k)^k", r"\exp(a)", SCALAR, EQUAL),
    (r"\lim_{k\to\infty} (1 + a/k)^k", r"\lim_{m\to\infty} (1 + a/m)^m", SCALAR, EQUAL),
    (r"\lim_{k\to\infty} (1 + a/k)^k", r"\exp(2a)", SCALAR, DIFFER),
    (r"a + 0^{-1}", r"a", None, UNDEFINED),
    (r"\mathbf 1^\top \mathbf u", r"\mathbf u^\top \mathbf 1", SCALAR, EQUAL),  # the ones vector: a sum
    (r"\mathbf 1^\top \mathbf u", r"\mathbf u^\top \mathbf u", SCALAR, DIFFER),
    (r"\mathbb 1^\top \mathbf u", r"\mathbf 1^\top \mathbf u", SCALAR, EQUAL),
    (r"\mathbf 1\mathbf 1^\top \mathbf u", r"(\mathbf 1^\top\mathbf u)\mathbf 1", VECTOR, EQUAL),
    (r"\mathbf 1\mathbf 1^\top", r"\mathbf I", MATRIX, DIFFER),
    (r"(\mathbf 1^\top \mathbf u)^2", r"\mathbf u^\top \mathbf 1 \mathbf 1^\top \mathbf u", SCALAR, EQUAL),
    (r"\mathbb 1[a > 0] x", r"\mathbf 1\{a > 0\} x", SCALAR, EQUAL),  # before a condition: the indicator
]

VERDICT = {EQUAL: "equivalent", DIFFER: "different", NO_FIT: "different", UNDEFINED: "unknown"}


def _build(s: Scope) -> None:
    """Every name of the table, with the notation's shapes: vectors n x 1, invertible matrices n x n."""
    n = s.n
    for name in ("u", "v", "w", "h", "delta"):
        s.let(name, s.vector())
    for name in ("A", "B", "W"):
        s.let(name, s.matrix() + 2.0 * np.eye(n))
    s.let("x", 0.6)
    s.let("a", 0.7)
    s.activation()
    s.expectation([{("x", ()): 0.2}, {("x", ()): 1.4}, {("x", ()): -0.5}])


WORLD = World("notation table", _build, (Draw(seed=3, size=3), Draw(seed=4, size=4, activation="relu")))


def _shape(v: Any) -> str:
    arr = np.asarray(v, dtype=float)
    if arr.size == 1:
        return SCALAR
    return VECTOR if arr.ndim == 1 or min(arr.shape) == 1 else MATRIX


def _world_outcome(student: str, reference: str) -> tuple[str | None, str]:
    """(the student's shape, how the sides relate) in every instance of the world; one answer for all."""
    seen: set[tuple[str | None, str]] = set()
    for inst in WORLD.instances():
        ev = Evaluator(Env(inst))
        try:
            with np.errstate(all="ignore"):
                left = ev.ev(parse(student).root)
        except ShapeError:
            seen.add((None, NO_FIT))
            continue
        except Undefined:
            seen.add((None, UNDEFINED))
            continue
        right = ev.ev(parse(reference).root)
        seen.add((_shape(left), EQUAL if holds(left, right, "=", 1e-6, None) else DIFFER))
    assert len(seen) == 1, seen
    return seen.pop()


def _equivalence_shape(student: str, reference: str) -> str | None:
    a, b = parse(student).root, parse(reference).root
    _, ev = point(0, infer_types([a, b]), assumptions([]), "vector")
    try:
        return _shape(value_at(ev, a))
    except ShapeError:
        return None


@pytest.mark.parametrize("student,reference,shape,relation", TABLE, ids=[f"{i:02d}" for i in range(len(TABLE))])
def test_every_path_agrees(student: str, reference: str, shape: str | None, relation: str) -> None:
    verdict = equivalent(student, reference)
    fp = points.fingerprint(reference, (), "salt", "t")
    packed = points.compare(student, fp, (), "salt")
    assert _world_outcome(student, reference) == (shape, relation)
    if relation == UNDEFINED:  # never the same as a defined value; the symbolic fallback may call it different
        assert verdict.verdict != "equivalent" and packed.verdict != "equivalent"
        return
    assert verdict.verdict == VERDICT[relation], f"equivalence: {verdict}"
    assert _equivalence_shape(student, reference) == shape
    assert packed.verdict == VERDICT[relation], f"pack: {packed}"


# ---------------------------------------------------------------------- the rubric's `symbols:` block
NOTATION = Notation.read({"x": "vector", "W": "matrix", "g": r"\gamma"})


@pytest.mark.parametrize("student,reference,declared,plain", [
    ("W x", "x W", "different", "equivalent"),  # declared a matrix and a vector, the product does not commute
    ("x^T x", r"\|x\|^2", "equivalent", "equivalent"),
    ("x x^T", r"\|x\|^2", "different", "different"),
    (r"\gamma^2 + 1", "g^2 + 1", "equivalent", "different"),  # the student's g is the rubric's gamma
])
def test_symbols_block_reaches_equivalence_and_pack(student: str, reference: str, declared: str, plain: str) -> None:
    assert equivalent(student, reference, (), NOTATION).verdict == declared
    assert equivalent(student, reference).verdict == plain
    fp = points.fingerprint(reference, (), "salt", "t", NOTATION)
    assert points.compare(student, fp, (), "salt").verdict == declared
    # undeclared, a student's x^T may change how the reference's x is read, which the pack cannot replay
    undeclared = points.compare(student, points.fingerprint(reference, (), "salt", "t"), (), "salt")
    assert undeclared.verdict == plain or "the pack cannot" in undeclared.reason


def test_symbols_block_aliases_reach_the_world() -> None:
    from grader.read.reading import statements
    from grader.worlds import steps

    def extract(text: str, line: int) -> Any:
        return statements([text], [line])

    def build(s: Scope) -> None:
        s.let("gamma", 0.5)

    world = World("alias", build, (Draw(seed=1),))
    stmts = extract(r"$g^2 = 0.25$", 1)
    report = steps.check(stmts, world, aliases=dict(NOTATION.aliases))
    assert report.evaluated == 1 and not report.false
    wrong = steps.check(extract(r"$g^2 = 0.75$", 1), world, aliases=dict(NOTATION.aliases))
    assert len(wrong.false) == 1


def test_default_shapes_follow_the_notation() -> None:
    assert default_shape("x", True) == VECTOR
    assert default_shape("theta", True) == VECTOR
    assert default_shape("Sigma", True) == MATRIX
    assert default_shape("W", True) == MATRIX
    assert default_shape("x", False) == SCALAR
    assert NOTATION.shape_of("x", False) == VECTOR
    assert EMPTY.shape_of("x", False) == SCALAR


@pytest.mark.parametrize("spec,field", [
    ({"x": "vectr"}, "x"),  # neither a shape nor a symbol: "vectr" reads as a product of letters
    ({"x": 3}, "x"),
    ({"x + y": "vector"}, "x + y"),
    ({"x": "x"}, "x"),
    ({"a": "b", "b": "c"}, "a"),
    ({r"\frac{": "vector"}, r"\frac{"),
])
def test_malformed_declarations_name_their_entry(spec: dict[str, Any], field: str) -> None:
    with pytest.raises(NotationError) as err:
        Notation.read(spec)
    assert err.value.field == field


def test_rename_keeps_what_it_does_not_name() -> None:
    root = parse(r"x^2 + \sigma'(x) + y_x").root
    renamed = rename(root, {"x": "X"})
    assert renamed == parse(r"X^2 + \sigma'(X) + y_X").root
    assert rename(root, {"z": "Z"}) is root


def test_undefined_values() -> None:
    with pytest.raises(Undefined):
        power(0, -1)
    with pytest.raises(Undefined):
        power(np.zeros((3, 3)), -1)
    with pytest.raises(MathError):
        power(np.eye(3), np.ones((3, 1)))


# ---------------------------------------------------------------------- declared names of several letters
WORDS = Notation.read({"lr": r"\eta", "bs": "scalar"})


@pytest.mark.parametrize("student,reference,declared", [
    (r"lr\, g", r"\eta g", "equivalent"),
    (r"\mathrm{lr}\, g", r"\eta g", "equivalent"),
    (r"\text{lr}\, g", r"\eta g", "equivalent"),
    (r"2 lr_t g_t", r"2\eta_t g_t", "equivalent"),
    (r"lr^2", r"\eta^2", "equivalent"),
    (r"lr\, g", r"2\eta g", "different"),
])
def test_declared_words_are_one_symbol(student: str, reference: str, declared: str) -> None:
    assert equivalent(student, reference, (), WORDS).verdict == declared
    assert equivalent(student, reference).verdict == "different"  # undeclared: l times r
    fp = points.fingerprint(reference, (), "salt", "t", WORDS)
    assert points.compare(student, fp, (), "salt").verdict == declared


def test_declared_words_reach_the_world() -> None:
    from grader.read.reading import statements
    from grader.worlds import steps

    def build(s: Scope) -> None:
        s.let("eta", 0.5)
        s.let("g", 2.0)

    world = World("words", build, (Draw(seed=1),))
    for text, false in ((r"$lr\, g = 1$", 0), (r"$\mathrm{lr}\, g = 1$", 0), (r"$lr\, g = 2$", 1)):
        report = steps.check(statements([text], [1]), world, aliases=dict(WORDS.aliases))
        assert report.evaluated == 1 and len(report.false) == false, text


def test_word_declarations() -> None:
    assert WORDS.words() == ("bs", "lr")
    assert Notation.read({r"\mathrm{lr}": "scalar"}).shapes == {"lr": "scalar"}
    assert Notation.read({"eta": "scalar"}).words() == ()  # the Greek letter, never spelt out of e, t, a
    assert Notation.read({"lr": "eta"}).aliases == {"lr": "eta"}
    with pytest.raises(NotationError, match="did you mean 'matrix'"):
        Notation.read({"W": "matrx"})
