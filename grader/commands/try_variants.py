"""Right and wrong variants of a question's reference answer, for `grader try --variants` (as STACK tests trees)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.course.rubric import CheckSpec, Question
    from grader.math import nodes as N

RIGHT, WRONG, INCOMPLETE = "right", "wrong", "incomplete"
GRADED_ROLES = ("answer", "claim", "item")  # what the reference answer writes; `steps` checks need a derivation
VARIED_ROLES = ("answer", "claim")  # what decides a question's status: an item only adds partial credit
SPARE_LETTERS = "qzuvw"  # a renamed symbol becomes the first of these the expression does not use


@dataclass(frozen=True)
class Variant:
    """One answer to grade: its name, whether it should be graded right, and its text."""

    name: str
    expect: str  # RIGHT, WRONG or INCOMPLETE (a value left out: `missing` findings, never full marks)
    text: str
    # where a check that decides the status has no reference answer to write, the question cannot be correct:
    # the positions (in the question's checks) of the checks whose verdicts judge the variant instead
    judged_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class Piece:
    """What one check of the question needs written: a line of the reference answer, and its variants."""

    line: str
    variants: tuple[tuple[str, str, str], ...]  # (name, expect, line)


def _sym(name: str) -> N.Sym:
    from grader.math import nodes as N

    return N.Sym(name)


def _rebuild(node: N.Node, change: Callable[[N.Node], N.Node | None]) -> N.Node:
    """The tree with the first node (parents first) that `change` maps to something new replaced."""
    done = False

    def visit(n: Any) -> Any:
        nonlocal done
        if done or not hasattr(n, "__dataclass_fields__"):
            if isinstance(n, tuple):
                return tuple(visit(x) for x in n)
            return n
        new = change(n)
        if new is not None:
            done = True
            return new
        updates = {}
        for f in dataclasses.fields(n):
            value = getattr(n, f.name)
            if isinstance(value, tuple) or hasattr(value, "__dataclass_fields__"):
                new_value = visit(value)
                if new_value != value:
                    updates[f.name] = new_value
        return dataclasses.replace(n, **updates) if updates else n

    return visit(node)  # type: ignore[no-any-return]


def _mutations(expr: N.Node, keep: set[str]) -> Iterator[tuple[str, N.Node]]:
    """Wrong forms of an expression: a sign flipped, a factor dropped, indices swapped, a symbol renamed."""
    from grader.math import nodes as N
    from grader.math.printer import sym_name

    # sign flipped: the first negated term turns positive, or the whole expression is negated
    flipped = _rebuild(expr, lambda n: n.x if isinstance(n, N.Neg) else None)
    yield "sign flipped", flipped if flipped != expr else N.Neg(expr)

    def drop(n: N.Node) -> N.Node | None:
        if isinstance(n, N.Mul) and len(n.factors) > 1:
            rest = n.factors[1:]
            return rest[0] if len(rest) == 1 else N.Mul(rest)
        if isinstance(n, N.Div):
            return n.num
        return None
    dropped = _rebuild(expr, drop)
    if dropped != expr:
        yield "factor dropped", dropped

    def swap(n: N.Node) -> N.Node | None:
        if isinstance(n, N.Sym) and len(n.sub) >= 2 and n.sub[0] != n.sub[1]:
            return dataclasses.replace(n, sub=(n.sub[1], n.sub[0], *n.sub[2:]))
        return None
    swapped = _rebuild(expr, swap)
    subs = [s.sub for s in N.walk(expr) if isinstance(s, N.Sym) and s.sub]
    if swapped == expr and len(set(subs)) >= 2:  # h_{t-1} and x_t: their indices exchanged
        first, second = list(dict.fromkeys(subs))[:2]
        swapped = _rebuild(expr, lambda n: dataclasses.replace(n, sub=second)
                           if isinstance(n, N.Sym) and n.sub == first else None)
    if swapped != expr:
        yield "indices swapped", swapped

    names = [s for s in N.walk(expr) if isinstance(s, N.Sym) and sym_name(s) not in keep]
    used = {sym_name(s) for s in N.walk(expr) if isinstance(s, N.Sym)}
    spare = next((c for c in SPARE_LETTERS if c not in used), None)
    if names and spare:
        old = names[0].name
        yield "symbol renamed", _rebuild(expr, lambda n: dataclasses.replace(n, name=spare)
                                         if isinstance(n, N.Sym) and n.name == old else None)


def _rearranged(expr: N.Node) -> N.Node | None:
    """An equivalent form: the terms of the first sum, or the factors of the first product, in reverse order."""
    from grader.math import nodes as N

    def reverse(n: N.Node) -> N.Node | None:
        if isinstance(n, N.Add) and len(n.terms) > 1 and not isinstance(n.terms[-1], N.Neg):
            return N.Add(tuple(reversed(n.terms)))
        if isinstance(n, N.Mul) and len(n.factors) > 1 and not any(isinstance(f, N.Sym) and f.bold
                                                                    for f in n.factors):
            return N.Mul(tuple(reversed(n.factors)))  # scalars only: a matrix product does not commute
        return None
    out = _rebuild(expr, reverse)
    return out if out != expr else None


def _written(node: N.Node) -> str | None:
    """The node as LaTeX the reader reads back, or None."""
    from grader.math import MathError, parse
    from grader.math.printer import Unprintable, to_latex

    try:
        text = to_latex(node)
        parse(text)
    except (Unprintable, MathError):
        return None
    return text


def _final_answer(prm: dict[str, Any]) -> Piece | None:
    from grader.math import MathError, equivalent, parse

    expected = str(prm["expected"])
    target = prm.get("target")
    target = target[0] if isinstance(target, (list, tuple)) and target else target
    try:
        parsed = parse(expected)
    except MathError:
        return None
    line = f"So ${target} = {expected}$." if target else f"So ${expected}$."
    if target:
        keep, body, lead = {str(target)}, parsed.root, str(target)
    elif parsed.kind == "relation" and parsed.links and parsed.links[0][1] == "=":
        lhs, _, body = parsed.links[0]  # a relation's right side varies
        lead = _written(lhs) or ""
        keep = set()
        if not lead:
            return Piece(line, ())
    else:
        keep, body, lead = set(), parsed.root, ""
    dress: Callable[[str], str] = lambda e: f"So ${lead} = {e}$." if lead else f"So ${e}$."  # noqa: E731
    out: list[tuple[str, str, str]] = []
    if target:
        out.append(("sides swapped", RIGHT, f"So ${expected} = {target}$."))
    moved = _rearranged(body)
    written = _written(moved) if moved is not None else None
    if written:
        out.append(("rearranged", RIGHT, dress(written)))
    reference = _written(body) or expected
    for name, wrong in _mutations(body, keep):
        text = _written(wrong)
        if text is None:
            continue
        # a mutation that happens to keep the value (a symmetric index, a factor of 1) is right, and said so
        same = equivalent(text, reference, prm.get("assume", ())).verdict == "equivalent"
        out.append((name + (" (same value)" if same else ""), RIGHT if same else WRONG, dress(text)))
    return Piece(line, tuple(out))


def _number(prm: dict[str, Any]) -> Piece | None:
    from grader.math import MathError, compare_number, evaluate, parse

    expected = str(prm["expected"])
    try:
        value = Fraction(float(evaluate(parse(expected).root, {}))).limit_denominator(10**6)
    except (MathError, ArithmeticError, TypeError, ValueError):
        return None
    target = prm.get("target")
    near = (prm.get("near") or ("the result",))[0]
    dress: Callable[[str], str] = (lambda v: f"So ${target} = {v}$.") if target else (  # noqa: E731
        lambda v: f"So {near} is ${v}$.")
    out: list[tuple[str, str, str]] = []
    decimal = f"{float(value):.4f}"
    if compare_number(decimal, expected).verdict == "equivalent" and decimal.rstrip("0").rstrip(".") != expected:
        out.append(("as a decimal", RIGHT, dress(decimal)))
    for name, wrong in (("sign flipped", -value), ("off by one", value + 1), ("doubled", 2 * value)):
        if wrong != value:
            text = str(wrong.numerator) if wrong.denominator == 1 else f"\\frac{{{wrong.numerator}}}{{{wrong.denominator}}}"
            out.append((name, WRONG, dress(text)))
    return Piece(dress(expected), tuple(out))


def _complexity(prm: dict[str, Any]) -> Piece | None:
    from grader.math import MathError, compare_complexity, parse
    from grader.math import nodes as N

    expected = str(prm["expected"])
    near = (prm.get("near") or ("time complexity",))[0]
    try:
        root = parse(expected).root
    except MathError:
        return None
    dress: Callable[[str], str] = lambda c: f"Overall, the {near} is ${c}$."  # noqa: E731
    if not isinstance(root, N.Asym):
        return Piece(dress(expected), ())
    out: list[tuple[str, str, str]] = []
    moved = _rearranged(root.body)
    written = _written(dataclasses.replace(root, body=moved)) if moved is not None else None
    if written:
        out.append(("rearranged", RIGHT, dress(written)))
    for name, wrong in _mutations(root.body, set()):
        if name == "sign flipped":
            continue  # a sign inside O() is no error
        text = _written(dataclasses.replace(root, body=wrong))
        if text is None:
            continue
        same = compare_complexity(text, expected, prm.get("assume", ())).verdict == "equivalent"
        out.append((name + (" (same class)" if same else ""), RIGHT if same else WRONG, dress(text)))
    return Piece(dress(expected), tuple(out))


def _constraint(prm: dict[str, Any]) -> Piece | None:
    from grader.checks.constraint import ConstraintParams, breaks, number, symbol_key

    p = ConstraintParams.model_validate(prm)
    if not p.example:
        return None
    given = {symbol_key(n, "given"): number(t, "given") for n, t in p.given.items()}

    def text(values: dict[str, str]) -> str:
        return "We choose " + ", ".join(f"${n} = {v}$" for n, v in values.items()) + "."

    def valid(values: dict[str, str]) -> bool:
        env = {**given, **{symbol_key(n, "example"): number(v, "example") for n, v in values.items()}}
        for name, var in p.variables.items():
            if name not in values and var.default is not None:
                env[symbol_key(name, "default")] = number(var.default, "default")
        return not any(breaks(r, env) for r in p.relations)

    out: list[tuple[str, str, str]] = []
    names = list(p.example)
    for name in names:
        bumped = {**p.example, name: str(int(number(p.example[name], "example")) + 1)}
        out.append((f"{name} plus one", RIGHT if valid(bumped) else WRONG, text(bumped)))
    words = [f"{p.variables[n].words[0]} {v}" if p.variables[n].words else f"${n} = {v}$"
             for n, v in p.example.items()]
    out.append(("in words", RIGHT, "We use a " + ", ".join(words) + "."))
    if len(names) > 1:
        out.append((f"{names[-1]} left out", INCOMPLETE, text({n: p.example[n] for n in names[:-1]})))
    return Piece(text(dict(p.example)), tuple(out))


def _claim_text(entry: Any) -> str | None:
    """How a right answer states one claim entry: a phrase in words, a formula as math; a pattern cannot be written."""
    if isinstance(entry, dict):
        if not isinstance(entry.get("math"), str):
            return None
        # a denominator claim is met by dividing by it
        return f"$\\frac{{1}}{{{entry['math']}}}$" if entry.get("part") == "denominator" else f"${entry['math']}$"
    text = str(entry)
    return None if text.startswith("re:") else text


def _keywords(prm: dict[str, Any]) -> Piece | None:
    every = [_claim_text(x) for x in (prm.get("all") or ())]
    some = [t for t in (_claim_text(x) for x in (prm.get("any") or ())) if t is not None][:1]
    if None in every or (prm.get("any") and not some):
        return None
    written = [t for t in every + some if t is not None]
    if not written:
        return None
    return Piece("In words: " + "; ".join(written) + ".", ())


MAKERS: dict[str, Callable[[dict[str, Any]], Piece | None]] = {
    "final_answer": _final_answer, "number": _number, "complexity": _complexity, "constraint": _constraint,
    "keywords": _keywords,
}


def variants(question: Question) -> tuple[list[Variant], list[str]]:
    """The reference answer and its variants, each varying one check's part; and notes on what has no reference."""
    specs: list[CheckSpec] = [s for s in question.checks if s.role in GRADED_ROLES]
    pieces: list[Piece | None] = []
    notes: list[str] = []
    for i, spec in enumerate(specs, start=1):
        maker = MAKERS.get(spec.kind)
        piece = maker(spec.params) if maker else None
        if piece is None:
            notes.append(f"check {i} ({spec.kind}{': ' + spec.label if spec.label else ''}) has no reference "
                         "answer to write: the variants leave it unanswered")
        pieces.append(piece)
    # the answer's own line last: it is the conclusion, and an item's line about the same quantity (an expanded
    # form) is a step before it, as a student writes them; written after it, the item's form would conclude
    order = sorted((k for k, p in enumerate(pieces) if p is not None), key=lambda k: specs[k].role != "item")
    lines = [pieces[k].line for k in order]  # type: ignore[union-attr]
    if not lines:
        return [], notes
    # a deciding check left unanswered fails every variant: each is judged by the checks it writes instead
    unanswered = any(p is None and specs[k].role in VARIED_ROLES for k, p in enumerate(pieces))
    position = {id(spec): i for i, spec in enumerate(question.checks)}
    written = tuple(position[id(specs[k])] for k in order if specs[k].role in VARIED_ROLES) if unanswered else ()
    if unanswered:
        notes.append("a check that decides the status has no reference answer: each variant is judged by the "
                     "verdicts of the checks it writes, not by the question's status")
    out = [Variant("reference", RIGHT, "\n\n".join(lines), written)]
    for k in order:
        piece = pieces[k]
        if piece is None or specs[k].role not in VARIED_ROLES:
            continue
        for name, expect, line in piece.variants:
            body = [line if j == k else pieces[j].line for j in order]  # type: ignore[union-attr]
            label = f"{name} [check {k + 1}]" if len(lines) > 1 else name
            out.append(Variant(label, expect, "\n\n".join(body), (position[id(specs[k])],) if unanswered else ()))
    return out, notes
