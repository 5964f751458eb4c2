"""`equivalent()`: structural compare first, then evaluation at seeded random points, per kind of statement."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from grader.math import nodes as N
from grader.math.assume import Assumptions, assumptions as read_assumptions
from grader.math.errors import MathError
from grader.math.evaluate import RANGE_KEY, Evaluator, ShapeError, _scalar, is_array, set_range
from grader.math.parsed import Parsed, parse
from grader.math.printer import op_text, to_text
from grader.math.calls import read_euler, read_products
from grader.math.randenv import LazyEnv, Types, infer_types, opaque_value
from grader.math.shapes import EMPTY, Notation, is_zero
from grader.math.verdict import Verdict, different, equivalent_, unknown

POINTS = 6  # random points per comparison
TRUTH_POINTS = 24  # inequalities: truth compared at more points
TIME_BUDGET_S = 1.5
FLIP = {">": "<", ">=": "<=", ">>": "<<"}
SYMMETRIC = {"=", "!=", "approx", "sim", "equiv", "iff"}


@dataclass
class Ctx:
    types: Types
    assume: Assumptions
    deadline: float
    mode: str = "vector"
    dots: bool = False  # an elided part was given a placeholder value
    implied: tuple[N.Node, N.Node] | None = None  # range of an unbounded \\sum_i / \\max_i, from the other side

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise MathError("time limit reached while comparing")


class Inconclusive(MathError):
    """Too few valid random points to decide."""


class OneSided(ShapeError):
    """One formula's shapes fit and the other's do not (`\\mathbf W\\mathbf x` vs `\\mathbf x\\mathbf W`)."""


class ShapesDiffer(MathError):
    """In every reading of the arrays, one formula's shapes do not fit while the other's do: not the same."""


def pair_values(*sides: Callable[[], Any]) -> list[Any]:
    """Each side's value; a ShapeError on some sides only is OneSided (other errors are raised as they come)."""
    values: list[Any] = []
    errors: list[ShapeError] = []
    for side in sides:
        try:
            values.append(side())
        except ShapeError as exc:
            errors.append(exc)
            values.append(None)
    if errors:
        raise errors[0] if len(errors) == len(sides) else OneSided(str(errors[0]))
    return values


def close(a: Any, b: Any) -> bool:
    a, b = _scalar(a), _scalar(b)
    if is_array(a) != is_array(b):
        return is_zero(a) and is_zero(b)  # \mathbf 0 is the zero of whatever shape the other side has
    try:
        a_arr = np.asarray(a, dtype=complex)
        b_arr = np.asarray(b, dtype=complex)
    except (TypeError, ValueError):
        return False
    if a_arr.shape != b_arr.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(a_arr))), float(np.max(np.abs(b_arr))))
    return bool(np.all(np.abs(a_arr - b_arr) <= 1e-7 * scale))


def finite(v: Any) -> bool:
    v = _scalar(v)
    try:
        arr = np.asarray(v, dtype=complex)
    except (TypeError, ValueError):
        return False
    return bool(np.all(np.isfinite(arr))) and bool(np.all(np.abs(arr.imag) < 1e-12)) and np.max(np.abs(arr)) < 1e12


SCALES = (1.0, 3.0, 0.3, 1.0, 6.0, 0.1)  # magnitudes of random values, so x^2 <= 4 meets x = -3
MODES = ("vector", "square")  # how arrays are drawn: vectors first, then square matrices
EVAL_ERRORS = (RecursionError, OverflowError, ZeroDivisionError, ValueError, TypeError, IndexError)


def seeds(points: int = POINTS) -> range:
    """The seeds a comparison at `points` points may visit (points where a side has no value are skipped)."""
    return range(points * 3)


def sampling(op: str | None = None) -> tuple[int, bool]:
    """(points, spread) of a comparison: inequalities compare truth at more points, with spread magnitudes."""
    return (TRUTH_POINTS, True) if op in ("<", "<=") else (POINTS, False)


def point(seed: int, types: Types, assume: Assumptions, mode: str, points: int = POINTS,
          spread: bool = False) -> tuple[LazyEnv, Evaluator]:
    """The seed-th random point of a comparison (positive values past the first `points`), and an evaluator there."""
    scale = SCALES[seed % len(SCALES)] if spread else 1.0
    env = LazyEnv(seed, types, assume, mode, positive=seed >= points, scale=scale)
    return env, Evaluator(env, opaque=opaque_value)


def value_at(ev: Evaluator, node: N.Node) -> Any:
    """The node's value at the evaluator's point, a 1-element array as its scalar; raises as evaluation does."""
    with np.errstate(all="ignore"):
        return _scalar(ev.ev(node))


At = Callable[[LazyEnv, Evaluator, int], list[Any]]  # (point, its evaluator, seed) -> the values compared there


def sample_with(ctx: Ctx, at: At, points: int = POINTS, spread: bool = False) -> list[tuple[LazyEnv, list[Any]]]:
    """The values `at` gives at seeded random points where all are finite; tries vectors, then square matrices.

    `sample` evaluates formulas here; a self-check pack reads the reference's side from its stored values."""
    last_error: MathError | None = None
    one_sided: MathError | None = None
    for mode in MODES:
        ctx.mode = mode
        out: list[tuple[LazyEnv, list[Any]]] = []
        try:
            for seed in seeds(points):
                ctx.check_time()
                env, ev = point(seed, ctx.types, ctx.assume, mode, points, spread)
                with np.errstate(all="ignore"):
                    vals = at(env, ev, seed)
                if ctx.assume.relations and not ctx.assume.holds(env.known):
                    continue  # the point breaks an assumption between names (j <= N)
                if "Dots" in ev.used_opaque:
                    ctx.dots = True
                if all(finite(v) for v in vals):
                    out.append((env, vals))
                if len(out) >= points:
                    break
            if len(out) < max(2, points // 2):
                raise Inconclusive("too few points where both sides have a value (overflow or out of domain)")
            return out
        except ShapeError as exc:
            last_error = exc
            if isinstance(exc, OneSided) and one_sided is None:
                one_sided = exc
            continue
    if one_sided is not None and isinstance(last_error, OneSided):
        raise ShapesDiffer(f"one side's shapes do not fit: {one_sided}")
    raise MathError(f"the shapes do not fit: {last_error}")


def sample(ctx: Ctx, exprs: Sequence[N.Node], points: int = POINTS, spread: bool = False) -> list[tuple[LazyEnv, list[Any]]]:
    """Values of the expressions at seeded random points (same point for all); tries vectors, then square matrices."""
    def at(env: LazyEnv, ev: Evaluator, seed: int) -> list[Any]:
        if ctx.implied is not None:
            _set_range(ev, env, ctx.implied)
        if len(exprs) == 2:
            return pair_values(lambda: ev.ev(exprs[0]), lambda: ev.ev(exprs[1]))
        return [ev.ev(e) for e in exprs]
    return sample_with(ctx, at, points, spread)


def _set_range(ev: Evaluator, env: LazyEnv, implied: tuple[N.Node, N.Node]) -> None:
    try:
        lo, hi = _scalar(ev.ev(implied[0])), _scalar(ev.ev(implied[1]))
    except MathError:
        return
    if all(isinstance(v, (int, float, np.integer, np.floating)) and float(v).is_integer() for v in (lo, hi)):
        env.known[RANGE_KEY] = (int(lo), int(hi))


def _bound_ops(root: N.Node) -> tuple[list[tuple[str, N.Node, N.Node]], list[str], set[str]]:
    """(var name, lo, hi) of the bounded sums and maxima, names of the unbounded ones, all bound names."""
    bounded: list[tuple[str, N.Node, N.Node]] = []
    unbounded: list[str] = []
    names: set[str] = set()
    for n in N.walk(root):
        var = lo = hi = None
        if isinstance(n, N.BigOp):
            var, lo, hi = n.var, n.lower, n.upper
            if n.cond is not None:
                span = set_range(n.cond)
                if span is None:
                    continue
                var, lo, hi = span
        elif isinstance(n, N.Extremum) and n.under is not None and not isinstance(n.body, N.SetN):
            span = set_range(n.under)
            var, lo, hi = span if span is not None else (n.under, None, None)
        else:
            continue
        if not isinstance(var, N.Sym):
            continue
        names.add(var.name)
        if lo is None or hi is None:
            unbounded.append(var.name)
        else:
            bounded.append((var.name, lo, hi))
    return bounded, unbounded, names


def implied_range(roots: Sequence[N.Node]) -> tuple[N.Node, N.Node] | None:
    """The range that an unbounded `\\sum_t` or `\\max_i` takes from a bounded one in the pair (`\\sum_{t=1}^T`).

    None when nothing is unbounded or nothing is bounded; raises MathError when the bounded ones disagree and
    the names do not say which range is meant."""
    bounded: list[tuple[str, N.Node, N.Node]] = []
    unbounded: list[str] = []
    names: set[str] = set()
    for root in roots:
        b, u, nm = _bound_ops(root)
        bounded += b
        unbounded += u
        names |= nm
    if not unbounded or not bounded:
        return None
    usable = [(v, lo, hi) for v, lo, hi in bounded
              if not any(isinstance(m, N.Sym) and m.name in names for part in (lo, hi) for m in N.walk(part))]
    ranges = {(to_text(lo), to_text(hi)): (lo, hi) for _, lo, hi in usable}
    if len(ranges) == 1:
        return next(iter(ranges.values()))
    by_name = {(to_text(lo), to_text(hi)): (lo, hi) for v, lo, hi in usable if v in set(unbounded)}
    if len(by_name) == 1:
        return next(iter(by_name.values()))
    raise MathError("a sum or maximum without its range, and the other side's ranges do not say which is meant")


def _point_text(env: LazyEnv, limit: int = 3) -> str:
    items = []
    for k, v in env.known.items():
        if k.startswith("__") or is_array(v) or v is None:
            continue
        items.append(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}")
    return ", ".join(sorted(items)[:limit]) or "a random point"


def _val_text(v: Any) -> str:
    v = _scalar(v)
    if is_array(v):
        return f"a {'x'.join(map(str, v.shape))} array"
    if isinstance(v, complex):
        v = v.real
    return f"{float(v):.4g}"


# ---------------------------------------------------------------------- expressions
Differ = Callable[[LazyEnv, Any, Any], str]  # (point, one value, the other) -> why the two differ there


def values_verdict(pts: list[tuple[LazyEnv, list[Any]]], ctx: Ctx, differ: Differ) -> Verdict:
    """Two expressions compared by their values at the sampled points (`ctx.dots`: an elided part had a placeholder)."""
    for env, (va, vb) in pts:
        if not close(va, vb):
            if ctx.dots:
                return unknown("the sides differ where an elided part (\\cdots) was given a placeholder")
            return different(differ(env, va, vb))
    return equivalent_(f"equal at {len(pts)} random points")


def _differ(env: LazyEnv, va: Any, vb: Any) -> str:
    return f"differ at {_point_text(env)}: {_val_text(va)} vs {_val_text(vb)}"


def compare_exprs(a: N.Node, b: N.Node, ctx: Ctx) -> Verdict:
    if a == b:
        return equivalent_("identical after parsing")
    return values_verdict(sample(ctx, [a, b]), ctx, _differ)


# ---------------------------------------------------------------------- relations
def normal_relation(lhs: N.Node, op: str, rhs: N.Node) -> tuple[N.Node, str, N.Node]:
    if op in FLIP:
        return rhs, FLIP[op], lhs
    if op == "equiv":
        return lhs, "=", rhs
    return lhs, op, rhs


def difference(lhs: N.Node, rhs: N.Node) -> N.Node:
    return N.Add((lhs, N.Neg(rhs)))


def ratios(fa: Any, fb: Any) -> list[float] | None:
    """fa / fb entry-wise where both are non-zero; None when exactly one of them vanishes somewhere."""
    a = np.atleast_1d(np.asarray(_scalar(fa), dtype=float)).ravel()
    b = np.atleast_1d(np.asarray(_scalar(fb), dtype=float)).ravel()
    if a.shape != b.shape:
        if a.size == 1 and is_zero(a):  # a zero without a shape against an array: the array's zero
            a = np.zeros_like(b)
        elif b.size == 1 and is_zero(b):
            b = np.zeros_like(a)
        else:
            return None
    scale = max(1.0, float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    za = np.abs(a) <= 1e-9 * scale
    zb = np.abs(b) <= 1e-9 * scale
    if np.any(za != zb):
        return None
    return [float(x) for x in (a[~za] / b[~zb])]


def compare_relations(ra: tuple[N.Node, str, N.Node], rb: tuple[N.Node, str, N.Node], ctx: Ctx) -> Verdict:
    la, opa, xa = normal_relation(*ra)
    lb, opb, xb = normal_relation(*rb)
    if opa != opb:
        return different(f"different relations: {op_text(opa)} vs {op_text(opb)}")
    if (la, xa) == (lb, xb) or (opa in SYMMETRIC and (la, xa) == (xb, lb)):
        return equivalent_("identical after parsing" if (la, xa) == (lb, xb) else "the same with sides swapped")
    if opa in ("=", "!=", "<", "<=", "approx"):
        if opa == "approx":
            both = compare_exprs(difference(la, xa), difference(lb, xb), ctx)
            if both.verdict == "equivalent":
                return both
        return _compare_by_difference(la, opa, xa, lb, xb, ctx)
    # relations with no arithmetic meaning (\to, \in, \sim, :): compare side by side
    left = compare_exprs(la, lb, ctx)
    right = compare_exprs(xa, xb, ctx)
    if left.verdict == "equivalent" and right.verdict == "equivalent":
        return equivalent_(f"both sides of {op_text(opa)} match")
    if opa in SYMMETRIC:
        l2, r2 = compare_exprs(la, xb, ctx), compare_exprs(xa, lb, ctx)
        if l2.verdict == "equivalent" and r2.verdict == "equivalent":
            return equivalent_(f"both sides of {op_text(opa)} match (swapped)")
    bad = left if left.verdict != "equivalent" else right
    side = "left" if bad is left else "right"
    return Verdict(bad.verdict, f"{side} sides of {op_text(opa)}: {bad.reason}")


def _compare_by_difference(la: N.Node, op: str, xa: N.Node, lb: N.Node, xb: N.Node, ctx: Ctx) -> Verdict:
    fa = difference(xa, la)  # rhs - lhs: >= 0 for "<=", 0 for "="
    fb = difference(xb, lb)
    pts = sample(ctx, [fa, fb], *sampling(op))
    v = difference_verdict(pts, op, ctx, _point_text)
    if v is not None:
        return v
    if op in ("<", "<="):
        return _compare_boundaries(fa, fb, ctx, len(pts))
    return _compare_zero_sets(fa, fb, ctx)


def difference_verdict(pts: list[tuple[LazyEnv, list[Any]]], op: str, ctx: Ctx,
                       where: Callable[[LazyEnv], str]) -> Verdict | None:
    """Two relations `op` compared by their differences of sides (rhs - lhs) at the sampled points.

    None when the values cannot decide and the formulas themselves are needed: inequalities that hold at the
    same points (their boundaries are compared next), equations that are not multiples (their solutions)."""
    inequality = op in ("<", "<=")
    ratios_: list[float] = []
    consistent = True
    zero_a = zero_b = True
    for env, (va, vb) in pts:
        r = ratios(va, vb)
        if r is None:
            consistent = False
            break
        ratios_.extend(r)
        if np.any(np.abs(np.asarray(_scalar(va), dtype=float)) > 1e-9):
            zero_a = False
        if np.any(np.abs(np.asarray(_scalar(vb), dtype=float)) > 1e-9):
            zero_b = False
    if consistent and zero_a and zero_b:
        return equivalent_("both hold identically")
    if consistent and ratios_ and max(ratios_) - min(ratios_) <= 1e-7 * max(1.0, abs(max(ratios_))):
        k = ratios_[0]
        if not inequality or k > 0:
            how = "the same relation" if abs(k - 1) < 1e-9 else (
                "the same with sides swapped" if abs(k + 1) < 1e-9 else f"the same up to a factor {1 / k:.4g}")
            return equivalent_(how)
        return different("the inequality points the other way")
    if consistent and not inequality and scaled_arrays(pts):
        return equivalent_("the same up to a non-zero scalar factor")
    if inequality:
        strict = op == "<"
        for env, (va, vb) in pts:
            va, vb = _scalar(va), _scalar(vb)
            if is_array(va) or is_array(vb):
                return unknown("an inequality between vectors")
            ta = va > 0 if strict else va >= -1e-12
            tb = vb > 0 if strict else vb >= -1e-12
            if ta != tb:
                if ctx.dots:
                    return unknown("the inequalities differ where an elided part (\\cdots) got a placeholder")
                return different(f"at {where(env)} one holds and the other does not")
        return None
    if ctx.dots:
        return unknown("cannot compare: an elided part (\\cdots) was given a placeholder")
    return None


def _boundary_grid(lo: float, hi: float) -> np.ndarray:
    far = np.geomspace(4.2, 400.0, 40)
    grid = np.unique(np.concatenate([-far[::-1], np.linspace(-4.0, 4.0, 81), far]))
    inside = grid[(grid > lo) & (grid < hi)]
    if lo > -np.inf:
        inside = np.unique(np.concatenate([[lo + 1e-6], inside]))
    if hi < np.inf:
        inside = np.unique(np.concatenate([inside, [hi - 1e-6]]))
    return inside


def _compare_boundaries(fa: N.Node, fb: N.Node, ctx: Ctx, agree: int) -> Verdict:
    """Inequalities that hold at the same random points: do their boundaries (where the sides are equal) match?

    Along each scalar symbol both mention, the other values fixed, the roots of the two differences must be
    the same; a bound off by a factor (`\\epsilon < a/b` vs `\\epsilon < 2a/b`) moves the root. Truth at random
    points alone is not enough: such points rarely fall between the two bounds."""
    names = _shared_scalar_names(fa, fb, ctx)
    found = False
    for var in names:
        lo, hi, _ = ctx.assume.bounds(var)
        grid = _boundary_grid(lo, hi)
        if len(grid) < 3:
            continue
        for seed in range(3):
            ctx.check_time()
            env = LazyEnv(200 + seed, ctx.types, ctx.assume, ctx.mode)
            if ctx.implied is not None:
                _set_range(Evaluator(env, opaque=opaque_value), env, ctx.implied)
            roots_a = _roots(fa, var, env, grid)
            roots_b = _roots(fb, var, env, grid)
            if roots_a is None or roots_b is None:
                break
            found = found or bool(roots_a) or bool(roots_b)
            if not _same_roots(roots_a, roots_b):
                if ctx.dots:
                    return unknown("the boundaries differ where an elided part (\\cdots) got a placeholder")
                return different(f"the boundaries differ: for {var} at {_point_text(env)}: "
                                 f"{_roots_text(roots_a)} vs {_roots_text(roots_b)}")
    if found:
        return equivalent_(f"hold at the same {agree} random points and have the same boundary in "
                           f"{', '.join(names)}")
    return unknown(f"hold at the same {agree} random points, but their boundaries could not be compared")


def _shared_scalar_names(fa: N.Node, fb: N.Node, ctx: Ctx) -> list[str]:
    return sorted({n.name for n in N.walk(fa) if isinstance(n, N.Sym) and not n.sub and not n.bold}
                  & {n.name for n in N.walk(fb) if isinstance(n, N.Sym) and not n.sub and not n.bold}
                  - ctx.types.ints - ctx.types.arrays)


def scaled_arrays(pts: list[tuple[LazyEnv, list[Any]]]) -> bool:
    """Vector equations whose differences are parallel at every point (one scalar factor per point)."""
    for _, (va, vb) in pts:
        va, vb = _scalar(va), _scalar(vb)
        if not (is_array(va) and is_array(vb)):
            return False
        r = ratios(va, vb)
        if not r or len(r) < 2 or max(r) - min(r) > 1e-7 * max(1.0, abs(max(r))) or abs(r[0]) < 1e-9:
            return False
    return True


def _compare_zero_sets(fa: N.Node, fb: N.Node, ctx: Ctx) -> Verdict:
    """Equations that are not multiples of each other: same solutions for a variable, other values fixed?"""
    names = _shared_scalar_names(fa, fb, ctx)
    if not names:
        return different("the two equations are not multiples of each other")
    grid = np.linspace(-4.0, 4.0, 81)
    found = False
    for var in names:
        for seed in range(3):
            ctx.check_time()
            env = LazyEnv(100 + seed, ctx.types, ctx.assume, ctx.mode)
            roots_a = _roots(fa, var, env, grid)
            roots_b = _roots(fb, var, env, grid)
            if roots_a is None or roots_b is None:
                return different("the two equations are not multiples of each other")
            found = found or bool(roots_a)
            if not _same_roots(roots_a, roots_b):
                return different(f"different solutions for {var} at {_point_text(env)}: "
                                 f"{_roots_text(roots_a)} vs {_roots_text(roots_b)}")
    if not found:
        return unknown("the equations are not multiples of each other and have no solutions to compare")
    return equivalent_(f"same solutions for {', '.join(names)}")


def _roots(f: N.Node, var: str, env: LazyEnv, grid: np.ndarray) -> list[float] | None:
    ev = Evaluator(env, opaque=opaque_value)
    vals = []
    with np.errstate(all="ignore"):
        for x in grid:
            ev.local[var] = float(x)
            try:
                v = _scalar(ev.ev(f))
            except MathError:
                return None
            if is_array(v):
                return None
            vals.append(float(np.real(v)) if np.isfinite(v) else np.nan)
    roots: list[float] = []
    for i in range(len(grid) - 1):
        y0, y1 = vals[i], vals[i + 1]
        if np.isnan(y0) or np.isnan(y1):
            continue
        if y0 == 0:
            roots.append(float(grid[i]))
        elif y0 * y1 < 0:
            lo, hi = float(grid[i]), float(grid[i + 1])
            for _ in range(50):
                mid = (lo + hi) / 2
                ev.local[var] = mid
                ym = float(np.real(_scalar(ev.ev(f))))
                if (ym < 0) == (y0 < 0):
                    lo = mid
                else:
                    hi = mid
            # a sign change across a pole is not a root
            ev.local[var] = (lo + hi) / 2
            if abs(float(np.real(_scalar(ev.ev(f))))) < 1e-6:
                roots.append((lo + hi) / 2)
    return roots


def _same_roots(a: list[float], b: list[float]) -> bool:
    def covered(xs: list[float], ys: list[float]) -> bool:
        return all(any(abs(x - y) < 1e-5 * max(1.0, abs(x)) for y in ys) for x in xs)
    return covered(a, b) and covered(b, a)


def _roots_text(roots: list[float]) -> str:
    return "{" + ", ".join(f"{r:.6g}" for r in roots[:4]) + "}" if roots else "none"


# ---------------------------------------------------------------------- statements
def _links(node: N.Node) -> list[tuple[N.Node, str, N.Node]]:
    if isinstance(node, N.Relation):
        return [(node.lhs, node.op, node.rhs)]
    if isinstance(node, N.Chain):
        return list(node.links)
    return []


def overall(node: N.Chain) -> tuple[N.Node, str, N.Node] | None:
    """What a chain says end to end: a = b <= c says a <= c."""
    ops = {normal_relation(N.Dots(), op, N.Dots())[1] for op in node.ops}
    flipped = any(op in FLIP for op in node.ops)
    first, last = node.items[0], node.items[-1]
    if flipped:
        if not all(op in (">", ">=", "=") for op in node.ops):
            return None
        first, last = last, first
    if ops <= {"="}:
        return first, "=", last
    if ops <= {"=", "<="}:
        return first, "<=", last
    if ops <= {"=", "<=", "<"}:
        return first, "<", last
    return None


def compare_statements(a: N.Node, b: N.Node, ctx: Ctx) -> Verdict:
    ka, kb = type(a), type(b)
    if isinstance(a, N.System) or isinstance(b, N.System):
        return compare_systems(a, b, ctx)
    if isinstance(a, N.Chain) and isinstance(b, N.Chain):
        if len(a.ops) == len(b.ops):
            for k, (la, lb) in enumerate(zip(a.links, b.links)):
                v = compare_relations(la, lb, ctx)
                if v.verdict != "equivalent":
                    return Verdict(v.verdict, f"link {k + 1} ({to_text(la[0])} {op_text(la[1])} ...): {v.reason}")
            return equivalent_(f"all {len(a.ops)} links match")
        oa, ob = overall(a), overall(b)
        if oa is None or ob is None:
            return unknown("chains of different lengths with mixed relations")
        v = compare_relations(oa, ob, ctx)
        return Verdict(v.verdict, f"end to end: {v.reason}")
    if isinstance(a, (N.Relation, N.Chain)) and isinstance(b, (N.Relation, N.Chain)):
        ra = _links(a)[0] if isinstance(a, N.Relation) else overall(a)
        rb = _links(b)[0] if isinstance(b, N.Relation) else overall(b)
        if ra is None or rb is None:
            return unknown("a chain with mixed relations against a single relation")
        v = compare_relations(ra, rb, ctx)
        if isinstance(a, N.Chain) or isinstance(b, N.Chain):
            return Verdict(v.verdict, f"end to end: {v.reason}")
        return v
    if isinstance(a, N.Relation) and not isinstance(b, (N.Relation, N.Chain)):
        return _answer_vs_expr(a, b, ctx)
    if isinstance(b, N.Relation) and not isinstance(a, (N.Relation, N.Chain)):
        return _answer_vs_expr(b, a, ctx)
    if isinstance(a, N.SetN) and isinstance(b, N.SetN):
        return compare_sets(a, b, ctx)
    if isinstance(a, N.Matrix) and isinstance(b, N.Matrix):
        return compare_matrices(a, b, ctx)
    if isinstance(a, N.TupleN) and isinstance(b, N.TupleN):
        if len(a.items) != len(b.items):
            return different(f"tuples of {len(a.items)} and {len(b.items)} entries")
        for k, (x, y) in enumerate(zip(a.items, b.items)):
            v = compare_statements(x, y, ctx)
            if v.verdict != "equivalent":
                return Verdict(v.verdict, f"entry {k + 1}: {v.reason}")
        return equivalent_("all entries match")
    if ka in (N.SetN, N.Matrix, N.TupleN) or kb in (N.SetN, N.Matrix, N.TupleN):
        return different(f"a {ka.__name__} against a {kb.__name__}")
    return compare_exprs(a, b, ctx)


def _answer_vs_expr(rel: N.Relation, expr: N.Node, ctx: Ctx) -> Verdict:
    """`x = 2` against `2`: the answer's right side is compared."""
    if rel.op != "=":
        return different(f"a relation ({op_text(rel.op)}) against an expression")
    v = compare_exprs(rel.rhs, expr, ctx)
    return Verdict(v.verdict, f"right side of the equation: {v.reason}")


def compare_sets(a: N.SetN, b: N.SetN, ctx: Ctx) -> Verdict:
    def dedup(items: tuple[N.Node, ...]) -> list[N.Node]:
        out: list[N.Node] = []
        for it in items:
            if not any(compare_statements(it, o, ctx).verdict == "equivalent" for o in out):
                out.append(it)
        return out
    xa, xb = dedup(a.items), dedup(b.items)
    if len(xa) != len(xb):
        return different(f"sets of {len(xa)} and {len(xb)} elements")
    unmatched = list(xb)
    for item in xa:
        hit = next((o for o in unmatched if compare_statements(item, o, ctx).verdict == "equivalent"), None)
        if hit is None:
            return different(f"element {to_text(item)} has no match")
        unmatched.remove(hit)
    return equivalent_(f"same {len(xa)} elements")


def compare_matrices(a: N.Matrix, b: N.Matrix, ctx: Ctx) -> Verdict:
    sa = (len(a.rows), len(a.rows[0]))
    sb = (len(b.rows), len(b.rows[0]))
    if sa != sb:
        return different(f"matrices of shapes {sa[0]}x{sa[1]} and {sb[0]}x{sb[1]}")
    for i, (ra, rb) in enumerate(zip(a.rows, b.rows)):
        for j, (x, y) in enumerate(zip(ra, rb)):
            v = compare_statements(x, y, ctx)
            if v.verdict != "equivalent":
                return Verdict(v.verdict, f"entry ({i + 1},{j + 1}): {v.reason}")
    return equivalent_(f"all {sa[0] * sa[1]} entries match")


def compare_systems(a: N.Node, b: N.Node, ctx: Ctx) -> Verdict:
    ia = list(a.items) if isinstance(a, N.System) else [a]
    ib = list(b.items) if isinstance(b, N.System) else [b]
    unmatched = list(range(len(ib)))
    for x in ia:
        found = None
        for j in unmatched:
            try:
                v = compare_statements(x, ib[j], ctx)
            except MathError:
                continue
            if v.verdict == "equivalent":
                found = j
                break
        if found is None:
            if len(ia) == len(ib):
                from grader.math.solve import compare_by_solving
                solved = compare_by_solving(ia, ib, ctx.assume)
                if solved is not None:
                    return solved
            return different(f"{to_text(x)} has no counterpart")
        unmatched.remove(found)
    if unmatched:
        return different(f"{to_text(ib[unmatched[0]])} has no counterpart")
    return equivalent_(f"all {len(ia)} statements match")


# ---------------------------------------------------------------------- entry point
def is_asymptotic(p: Parsed) -> bool:
    return any(isinstance(n, N.Asym) for n in N.walk(p.root))


def plain_number(p: Parsed) -> bool:
    node = p.root
    if isinstance(node, N.Neg):
        node = node.x
    return isinstance(node, N.Num)


def read_formula(latex: str, which: str) -> Parsed | Verdict:
    """The parsed formula, or an `unknown` verdict saying why `which` formula cannot be read."""
    try:
        return parse(latex)
    except MathError as exc:
        return unknown(f"cannot read the {which} formula: {exc}")
    except RecursionError:
        return unknown(f"cannot read the {which} formula: nested too deeply")


def equivalent(a: str, b: str, assume: Sequence[str] = (), notation: Notation = EMPTY) -> Verdict:
    """Are two LaTeX formulas (expressions, relations, chains, systems, sets, matrices, classes) the same?

    `notation` is the rubric's `symbols:` block: declared shapes, and aliases applied to both formulas."""
    try:
        facts = read_assumptions(assume)
    except MathError as exc:
        return unknown(f"cannot read the assumptions: {exc}")
    pa = read_formula(a, "first")
    if isinstance(pa, Verdict):
        return pa
    pb = read_formula(b, "second")
    if isinstance(pb, Verdict):
        return pb
    if is_asymptotic(pa) or is_asymptotic(pb):
        from grader.math.complexity import compare_complexity
        return compare_complexity(a, b, assume)
    if (plain_number(pa) or plain_number(pb)) and ("." in a or "." in b):
        from grader.math.numbers import compare_number
        try:
            v = compare_number(a, b)
            if v.verdict != "unknown":
                return v
        except MathError:
            pass
    ra, rb = notation.apply(pa.root), notation.apply(pb.root)
    # g(x) is a product when either formula uses g as a value (or the rubric declares it one)
    ra, rb = read_products([ra, rb], notation.shapes)
    # a bare e is Euler's number unless either formula uses e as a variable or the rubric declares it
    ra, rb = read_euler([ra, rb], "e" in notation.shapes or "e" in notation.aliases or "e" in notation.aliases.values())
    types = infer_types([ra, rb], notation)
    ctx = Ctx(types, facts, time.monotonic() + TIME_BUDGET_S)
    try:
        ctx.implied = implied_range([ra, rb]) if ra != rb else None
        return compare_statements(ra, rb, ctx)
    except ShapesDiffer as exc:
        return different(str(exc))
    except Inconclusive as exc:
        from grader.math.solve import symbolic_equal
        fallback = symbolic_equal(ra, rb)
        return fallback if fallback is not None else unknown(str(exc))
    except MathError as exc:
        return unknown(str(exc))
    except EVAL_ERRORS as exc:
        return unknown(f"cannot evaluate: {type(exc).__name__}: {exc}")
