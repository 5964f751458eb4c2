"""Expression fingerprints: the reference's values at the seeded points of `equivalent`, and the student's there.

`grader.math.equivalence` compares two formulas by evaluating both at seeded random points (LazyEnv seeds,
vector mode then square-matrix mode, positive values past the first points, spread magnitudes for
inequalities). A pack stores the reference's side of that sampling -- each value scrambled -- and replays the
same comparison with the student's formula evaluated live, so `grader check --pack` reaches the verdict
`equivalent()` would reach, except where the full comparison needs the reference itself (noted per case).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.math import nodes as N
from grader.math.assume import assumptions as read_assumptions
from grader.math.equivalence import (
    EVAL_ERRORS,
    MODES,
    SYMMETRIC,
    TIME_BUDGET_S,
    Ctx,
    Inconclusive,
    ShapesDiffer,
    difference,
    difference_verdict,
    finite,
    is_asymptotic,
    normal_relation,
    overall,
    pair_values,
    plain_number,
    point,
    read_formula,
    sample_with,
    sampling,
    seeds,
    value_at,
    values_verdict,
)
from grader.math.errors import MathError
from grader.math.evaluate import Evaluator, ShapeError, is_array
from grader.math.parsed import parse
from grader.math.printer import op_text, sym_name
from grader.math.randenv import LazyEnv, Types, infer_types
from grader.math.shapes import EMPTY, Notation
from grader.math.verdict import Verdict, different, equivalent_, unknown
from grader.pack import numbers
from grader.pack.hashing import digest, scramble

CONTAINERS = (N.SetN, N.Matrix, N.TupleN)


class Unfingerprintable(Exception):
    """A reference whose form the pack cannot replay (systems, chains, sets, matrices, O-classes)."""


# ---------------------------------------------------------------------- stored values
def _encode(v: Any, salt: str, tag: str) -> Any:
    if is_array(v):
        arr = np.real(np.asarray(v, dtype=complex)).astype(float)
        data = scramble(salt, tag, struct.pack(f"<{arr.size}d", *arr.ravel()))
        return {"shape": list(arr.shape), "x": data.hex()}
    return scramble(salt, tag, struct.pack("<d", float(np.real(complex(v))))).hex()


def _decode(entry: Any, salt: str, tag: str) -> Any:
    if isinstance(entry, str):
        return struct.unpack("<d", scramble(salt, tag, bytes.fromhex(entry)))[0]
    if "e" in entry:
        if entry["e"] == "shape":
            raise ShapeError("the reference's shapes do not fit at this point")
        if entry["e"] == "nonfinite":
            return None
        raise MathError("the reference has no value at this point")
    raw = scramble(salt, tag, bytes.fromhex(entry["x"]))
    flat = struct.unpack(f"<{len(raw) // 8}d", raw)
    return np.array(flat, dtype=float).reshape(entry["shape"])


def _values(node: N.Node, types: Types, facts: Any, points: int, spread: bool, salt: str, tag: str
            ) -> tuple[dict[str, list[Any]], bool]:
    """The node's value at every seed `sample` may visit, per mode; and whether an elision (\\cdots) was used."""
    out: dict[str, list[Any]] = {}
    dots = False
    for mode in MODES:
        entries: list[Any] = []
        for seed in seeds(points):
            _, ev = point(seed, types, facts, mode, points, spread)
            try:
                value = value_at(ev, node)
            except ShapeError:
                entries.append({"e": "shape"})
                continue
            except (MathError, *EVAL_ERRORS):
                entries.append({"e": "error"})
                continue
            dots = dots or "Dots" in ev.used_opaque
            entries.append(_encode(value, salt, f"{tag}/{mode}/{seed}") if finite(value) else {"e": "nonfinite"})
        out[mode] = entries
    return out, dots


def _symbol_names(root: N.Node) -> set[str]:
    return {sym_name(n) for n in N.walk(root) if isinstance(n, N.Sym)}


# ---------------------------------------------------------------------- building
def fingerprint(latex: str, assume: Sequence[str], salt: str, tag: str, notation: Notation = EMPTY
                ) -> dict[str, Any]:
    """Everything the pack needs to replay `equivalent(student, latex, assume, notation)`; raises Unfingerprintable.

    The rubric's `symbols:` (declared shapes, aliases) is stored with it: the values were sampled under it."""
    try:
        facts = read_assumptions(assume)
        parsed = parse(latex)
    except MathError as exc:
        raise Unfingerprintable(f"the reference cannot be read: {exc}") from None
    root = notation.apply(parsed.root)
    if is_asymptotic(parsed):
        raise Unfingerprintable("an O/Θ/Ω class inside a final answer")
    fp: dict[str, Any] = {"plain": plain_number(parsed), "dot": "." in latex, "tag": tag}
    if notation:
        fp["notation"] = {"shapes": dict(notation.shapes), "aliases": dict(notation.aliases)}
    try:
        fp["number"] = numbers.fingerprint(latex, salt)
    except MathError:
        pass
    if isinstance(root, N.Relation) and normal_relation(root.lhs, root.op, root.rhs)[1] in ("=", "<", "<="):
        lb, op, xb = normal_relation(root.lhs, root.op, root.rhs)
        fp.update(form="relation", op=op, pair=digest(salt, "tree", repr((lb, xb))),
                  swapped=digest(salt, "tree", repr((xb, lb))))
        parts = {"diff": (difference(xb, lb), op)}
        if op == "=":
            parts["rhs"] = (xb, "=")
    elif isinstance(root, (N.Relation, N.Chain, N.System, *CONTAINERS)):
        raise Unfingerprintable(f"a reference of the form {type(root).__name__} cannot be fingerprinted")
    else:
        fp.update(form="expr", tree=digest(salt, "tree", repr(root)), node=type(root).__name__)
        parts = {"value": (root, "=")}
    # x^T reads as a transpose only when T is not a number elsewhere: the student's formula may decide that,
    # so a reference that depends on it is stored both ways
    alone = infer_types([root], notation)
    with_t = infer_types([root, N.Sym("T")], notation)
    fp["variants"] = {"as_is": _variant(root, alone, facts, parts, salt, f"{tag}/a")}
    if not alone.power_t and alone.arrays != with_t.arrays:
        fp["variants"]["t_plain"] = _variant(root, with_t, facts, parts, salt, f"{tag}/t")
    return fp


def _variant(root: N.Node, types: Types, facts: Any, parts: dict[str, tuple[N.Node, str]], salt: str,
             tag: str) -> dict[str, Any]:
    """The reference's symbols (hashed, by type) and stored values under one reading of its notation."""
    names = _symbol_names(root)
    out: dict[str, Any] = {
        "symbols": {"array": sorted(digest(salt, "sym", n) for n in names if n in types.arrays),
                    "bold": sorted(digest(salt, "sym", n) for n in names if n in types.bold),
                    "int": sorted(digest(salt, "sym", n) for n in names if n in types.ints),
                    "any": sorted(digest(salt, "sym", n) for n in names)},
        "t_plain": types.power_t, "tag": tag, "dots": False}
    for name, (node, op) in parts.items():  # each stored at the points a comparison by `op` samples
        out[name], dots = _values(node, types, facts, *sampling(op), salt, f"{tag}/{name}")
        out["dots"] = out["dots"] or dots
    return out


# ---------------------------------------------------------------------- comparing
def _differ(env: LazyEnv, student: Any, reference: Any) -> str:
    return "differs from the reference at a random point"  # the reference's value there is not shown


def _somewhere(env: LazyEnv) -> str:
    return "a random point"


class _Replay:
    """One comparison of a student's formula with one fingerprint."""

    def __init__(self, fp: dict[str, Any], variant: dict[str, Any], ctx: Ctx, salt: str):
        self.fp, self.variant, self.ctx, self.salt = fp, variant, ctx, salt

    def sample(self, student: N.Node, stored: str) -> list[tuple[LazyEnv, list[Any]]]:
        """`equivalence.sample([student, reference])` with the reference's values read from the pack."""
        points, spread = sampling(self.fp.get("op") if stored == "diff" else None)
        self.ctx.dots = self.ctx.dots or bool(self.variant["dots"])
        tag = f"{self.variant['tag']}/{stored}"

        def at(env: LazyEnv, ev: Evaluator, seed: int) -> list[Any]:
            mode = self.ctx.mode
            return pair_values(lambda: ev.ev(student),
                               lambda: _decode(self.variant[stored][mode][seed], self.salt, f"{tag}/{mode}/{seed}"))
        return sample_with(self.ctx, at, points, spread)

    def exprs(self, student: N.Node, stored: str = "value") -> Verdict:
        if stored == "value" and digest(self.salt, "tree", repr(student)) == self.fp["tree"]:
            return equivalent_("identical after parsing")
        return values_verdict(self.sample(student, stored), self.ctx, _differ)

    def relation(self, la: N.Node, opa: str, xa: N.Node) -> Verdict:
        la, opa, xa = normal_relation(la, opa, xa)
        opb = self.fp["op"]
        if opa != opb:
            return different(f"different relations: {op_text(opa)} vs the reference's")
        pair = digest(self.salt, "tree", repr((la, xa)))
        if pair == self.fp["pair"] or (opa in SYMMETRIC and pair == self.fp["swapped"]):
            return equivalent_("identical after parsing" if pair == self.fp["pair"] else "the same with sides swapped")
        return self.by_difference(la, opa, xa)

    def by_difference(self, la: N.Node, op: str, xa: N.Node) -> Verdict:
        """`equivalence`'s comparison by difference of sides, the reference's difference read from the pack."""
        pts = self.sample(difference(xa, la), "diff")
        v = difference_verdict(pts, op, self.ctx, _somewhere)
        if v is not None:
            return v
        if op in ("<", "<="):
            # agreeing at random points does not make two bounds equal (ε < a/b vs ε < 2a/b); the full check
            # compares the boundaries, which needs the reference itself
            return unknown(f"the inequalities hold at the same {len(pts)} random points, but the pack cannot "
                           "compare where their bounds lie")
        return unknown("the equations are not multiples of each other; the pack cannot compare their solutions")

    def statement(self, a: N.Node) -> Verdict:
        """`compare_statements(student, reference)` for a reference that is an expression or one relation."""
        if isinstance(a, N.System):
            if len(a.items) != 1:
                return different("the answer states several things where one is expected")
            v = self.statement(a.items[0])
            return v if v.verdict == "equivalent" else unknown("the pack cannot solve systems of equations")
        if self.fp["form"] == "relation":
            if isinstance(a, N.Chain):
                ra = overall(a)
                if ra is None:
                    return unknown("a chain with mixed relations against a single relation")
                v = self.relation(*ra)
                return Verdict(v.verdict, f"end to end: {v.reason}")
            if isinstance(a, N.Relation):
                return self.relation(a.lhs, a.op, a.rhs)
            if self.fp["op"] != "=":
                return different("an expression against a relation")
            v = self.exprs(a, "rhs")
            return Verdict(v.verdict, f"right side of the equation: {v.reason}")
        if isinstance(a, N.Relation):
            if a.op != "=":
                return different(f"a relation ({op_text(a.op)}) against an expression")
            v = self.exprs(a.rhs)
            return Verdict(v.verdict, f"right side of the equation: {v.reason}")
        if isinstance(a, CONTAINERS):
            return different(f"a {type(a).__name__} against a {self.fp['node']}")
        return self.exprs(a)


def _types(student: N.Node, fp: dict[str, Any], salt: str, notation: Notation = EMPTY
           ) -> tuple[Types, dict[str, Any]] | None:
    """The types `infer_types([student, reference])` would give and the reference's stored reading that goes
    with them; None where the student's notation would change how the reference itself is evaluated."""
    alone = infer_types([student], notation)
    variants = fp["variants"]
    variant = variants["t_plain"] if alone.power_t and "t_plain" in variants else variants["as_is"]
    syms = {k: set(v) for k, v in variant["symbols"].items()}
    names = {n: digest(salt, "sym", n) for n in _symbol_names(student)}
    shared = {n for n, h in names.items() if h in syms["any"]}
    # stand-ins that make inference see the reference's use of the shared names and of a plain T
    # (bold where the reference writes it bold: a bold name keeps its shape in every mode, a transposed one not)
    bold = syms.get("bold", set())
    proxies: list[N.Node] = [N.Sym(n, bold=True) if names[n] in bold else N.Transpose(N.Sym(n))
                             for n in shared if names[n] in syms["array"]]
    proxies += [N.Sym("x", sub=(N.Sym(n),)) for n in shared if names[n] in syms["int"]]
    if variant["t_plain"]:
        proxies.append(N.Sym("T"))
    types = infer_types([student, *proxies], notation)
    for n in shared:
        if (n in types.arrays) != (names[n] in syms["array"]) or (n in types.ints) != (names[n] in syms["int"]):
            return None
        if "bold" in syms and (n in types.bold) != (names[n] in bold) and n not in notation.shapes:
            return None  # bold in one and not the other: the shape in square mode differs
    return types, variant


def compare(student: str, fp: dict[str, Any], assume: Sequence[str], salt: str) -> Verdict:
    """`equivalent(student, reference, assume)` with the reference known only by its fingerprint."""
    try:
        facts = read_assumptions(assume)
    except MathError as exc:
        return unknown(f"cannot read the assumptions: {exc}")
    pa = read_formula(student, "first")
    if isinstance(pa, Verdict):
        return pa
    if is_asymptotic(pa):
        return unknown("the pack cannot compare an O/Θ/Ω class with this answer")
    stored = fp.get("notation") or {}
    notation = Notation(stored.get("shapes", {}), stored.get("aliases", {}))
    student_root = notation.apply(pa.root)
    if (plain_number(pa) or fp["plain"]) and ("." in student or fp["dot"]) and "number" in fp:
        v = numbers.compare(student, fp["number"], salt)
        if v.verdict != "unknown":
            return v
    typed = _types(student_root, fp, salt, notation)
    if typed is None:
        return unknown("the pack cannot compare this notation (it changes how the reference is evaluated)")
    types, variant = typed
    ctx = Ctx(types, facts, time.monotonic() + TIME_BUDGET_S)
    try:
        return _Replay(fp, variant, ctx, salt).statement(student_root)
    except ShapesDiffer as exc:
        return different(str(exc))
    except Inconclusive as exc:
        return unknown(f"{exc}; the pack cannot try the symbolic fallback")
    except MathError as exc:
        return unknown(str(exc))
    except EVAL_ERRORS as exc:
        return unknown(f"cannot evaluate: {type(exc).__name__}: {exc}")
