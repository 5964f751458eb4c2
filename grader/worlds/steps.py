"""Step checking: each link of each statement evaluated in every draw of a world; false links become findings."""

from __future__ import annotations

import itertools
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.math import nodes as N
from grader.math.errors import MathError
from grader.math.printer import to_text
from grader.worlds.evaluate import Choices, Env, Evaluator, as_array, is_arr
from grader.read.reading import CHECKED_OPS, Link, Statement
from grader.worlds.world import Instance, Key, World

MAX_COMBOS = 8  # free-index assignments tried per statement and draw


@dataclass(frozen=True)
class LinkResult:
    """What the worlds said about one link: held, failed (with the values seen) or could not be evaluated."""

    status: str  # "held" | "false" | "skipped"
    left: Any = None
    right: Any = None
    where: str = ""  # free-index values and draw of the failure
    reason: str = ""  # why it was skipped


@dataclass(frozen=True)
class StepVerdict:
    """One statement's outcome: false links (with their line), or held, or skipped."""

    statement: Statement
    results: tuple[LinkResult, ...]
    variant_only: str = ""  # set when the statement holds only under a rule the surrounding lines do not use

    @property
    def false(self) -> bool:
        return bool(self.variant_only) or any(r.status == "false" for r in self.results)

    @property
    def evaluated(self) -> bool:
        return any(r.status != "skipped" for r in self.results)


@dataclass
class StepReport:
    """All statements of one answer with counts: seen, evaluated, skipped, false."""

    verdicts: list[StepVerdict] = field(default_factory=list)
    skipped_reasons: Counter = field(default_factory=Counter)

    @property
    def seen(self) -> int:
        return len(self.verdicts)

    @property
    def evaluated(self) -> int:
        return sum(1 for v in self.verdicts if v.evaluated and not v.statement.conditional)

    @property
    def false(self) -> list[StepVerdict]:
        return [v for v in self.verdicts if v.false]

    @property
    def skipped(self) -> int:
        return self.seen - self.evaluated


def fmt(v: Any) -> str:
    v = as_array(v)
    if isinstance(v, Choices):
        return " / ".join(fmt(x) for x in v.values)
    if is_arr(v):
        flat = np.ravel(v)
        shown = ", ".join(f"{x:.3g}" for x in flat[:4])
        return f"[{shown}{', ...' if flat.size > 4 else ''}]"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _decimals(node: N.Node) -> list[int]:
    return [len(n.text.split(".")[1]) for n in N.walk(node) if isinstance(n, N.Num) and "." in n.text]


def printed_precision(link: Link) -> tuple[int, bool] | None:
    """Decimals that set the tolerance, and whether rounded inputs feed the computation.

    A side that is a bare number (`= 2.58`) is a rounded result: its decimals decide. Otherwise the most precise
    number written decides. None when no decimal number is written."""
    sides = (link.lhs, link.rhs)
    decimals = [_decimals(side) for side in sides]  # each side walked once
    bare = [k for k, side in enumerate(sides)
            if isinstance(side, N.Num) or (isinstance(side, N.Neg) and isinstance(side.x, N.Num))]
    rounded_inputs = any(decimals[k] for k in range(2) if k not in bare)
    if bare:
        found = [d for k in bare for d in decimals[k]]
        if found:
            return min(found), rounded_inputs
    every = decimals[0] + decimals[1]
    return (max(every), rounded_inputs) if every else None


def holds(left: Any, right: Any, op: str, rtol: float, printed: tuple[int, bool] | None) -> bool:
    """The relation with a floating-point tolerance; printed decimals widen it to the rounding shown."""
    if isinstance(left, Choices):
        return all(holds(x, right, op, rtol, printed) for x in left.values)
    if isinstance(right, Choices):
        return all(holds(left, x, op, rtol, printed) for x in right.values)
    left, right = as_array(left), as_array(right)
    if type(left) is float and type(right) is float:  # two numbers, the common case: the same test without numpy
        return _holds_numbers(left, right, op, rtol, printed)
    a = np.asarray(left, float)
    b = np.asarray(right, float)
    if (a.size > 1 and a.ndim == 2 and min(a.shape) > 1 and b.size == 1) or \
            (b.size > 1 and b.ndim == 2 and min(b.shape) > 1 and a.size == 1):
        raise MathError("a number against a matrix: the notation reads vectors as rows")
    if a.size > 1 and b.size > 1:
        if a.size != b.size:
            raise MathError("sides of different sizes")
        if a.shape != b.shape:
            if min(a.shape) == 1 and min(b.shape) == 1:
                a, b = a.ravel(), b.ravel()  # a row and a column vector: the notation varies
            else:
                raise MathError("sides of different shapes")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        if a.shape != b.shape:
            raise MathError("a side is not finite")
        keep = np.isfinite(a) & np.isfinite(b)  # sigma^{-1} outside its range: judge the entries it gives
        if not keep.any():
            raise MathError("a side is not finite")
        a, b = a[keep], b[keep]
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-12)
    tol = rtol * max(scale, 1.0) + 1e-10
    if printed is not None:
        decimals_shown, rounded_inputs = printed
        # one unit in the last printed place, and half a percent when rounded numbers were computed with
        tol = max(tol, 1.2 * 10.0 ** (-decimals_shown) + (0.005 * scale if rounded_inputs else 0.0))
    if op in ("=", "approx"):
        return bool(np.all(np.abs(a - b) <= tol * (50 if op == "approx" else 1)))
    if op in ("<=", "<"):
        return bool(np.all(a <= b + tol))
    if op in (">=", ">"):
        return bool(np.all(a + tol >= b))
    raise MathError(f"relation {op} is not checked")


@dataclass(frozen=True)
class LinkFacts:
    """What a link's tree says whatever the instance, read in one walk (a link is evaluated in every draw)."""

    named: tuple[str, ...]  # in order: a bare symbol's name, or "T" for a transpose (x^T on a scalar: x**T)
    syms: tuple[tuple[str, bool], ...]  # every symbol: (name, has a subscript)
    printed: tuple[int, bool] | None  # printed_precision(link)


def link_facts(link: Link) -> LinkFacts:
    named: list[str] = []
    syms: list[tuple[str, bool]] = []
    for node in itertools.chain(N.walk(link.lhs), N.walk(link.rhs)):
        if isinstance(node, N.Sym):
            syms.append((node.name, bool(node.sub)))
            if not node.sub and not node.sup:
                named.append(node.name)
        elif isinstance(node, (N.PowT, N.Transpose)):
            named.append("T")
    return LinkFacts(tuple(named), tuple(syms), printed_precision(link))


def _holds_numbers(a: float, b: float, op: str, rtol: float, printed: tuple[int, bool] | None) -> bool:
    """`holds` for two floats, step for step as on arrays of one element."""
    if not (math.isfinite(a) and math.isfinite(b)):
        raise MathError("a side is not finite")
    scale = max(abs(a), abs(b), 1e-12)
    tol = rtol * max(scale, 1.0) + 1e-10
    if printed is not None:
        decimals_shown, rounded_inputs = printed
        tol = max(tol, 1.2 * 10.0 ** (-decimals_shown) + (0.005 * scale if rounded_inputs else 0.0))
    if op in ("=", "approx"):
        return abs(a - b) <= tol * (50 if op == "approx" else 1)
    if op in ("<=", "<"):
        return a <= b + tol
    if op in (">=", ">"):
        return a + tol >= b
    raise MathError(f"relation {op} is not checked")


def free_names(link: Link, inst: Instance, facts: LinkFacts | None = None) -> list[str]:
    """The free indices of the instance the link uses, in order of appearance."""
    free = inst.scope.free
    names: list[str] = []
    for name in (facts or link_facts(link)).named:
        if name in free and name not in names:
            names.append(name)
    return names


def _index_range(link: Link, inst: Instance, facts: LinkFacts | None = None) -> bool:
    """`1 \\le i \\le t`, `t > 0`: a statement about free indices only says where they range."""
    syms = (facts or link_facts(link)).syms
    return bool(syms) and all(name in inst.scope.free and not sub for name, sub in syms)


def combos(names: list[str], inst: Instance) -> list[dict[str, int]]:
    pools = [inst.scope.free[n] for n in names]
    every = [dict(zip(names, c)) for c in itertools.product(*pools)]
    if len(every) <= MAX_COMBOS:
        return every
    step = len(every) / MAX_COMBOS
    return [every[int(k * step)] for k in range(MAX_COMBOS)]


def _chooses(link: Link, inst: Instance) -> bool:
    """`v'^0 = ...`: a side that is exactly a quantity the world marks as the student's choice."""
    for side in (link.lhs, link.rhs):
        if not isinstance(side, (N.Sym, N.Pow)):
            continue
        try:
            key = Evaluator(Env(inst, {}, {}, {})).key_of(side)
        except Exception:  # noqa: BLE001, S112 - an index the world cannot read: not a choice it knows
            continue
        if key in inst.scope.choices:
            return True
    return False


PLAIN_T = re.compile(r"\^\s*\{?\s*T\b")


def _side(ev: Evaluator, node: N.Node) -> Any:
    """The value of one side, memoised in the Env's memo (a chain's middle side, a line's right side written
    again as the next line's left side); an error is remembered and raised again."""
    key = ("side", ev.env.node_key(node), ev.env.context())
    memo = ev.env.memo
    if key not in memo:
        try:
            memo[key] = (True, ev.ev(node))
        except Exception as exc:  # noqa: BLE001 - the caller decides what an error means
            memo[key] = (False, exc)
    ok, value = memo[key]
    if not ok:
        raise value.with_traceback(None)  # a fresh traceback, not one growing with each reuse
    return value


def evaluate_link(link: Link, inst: Instance, defs: dict[Key, Any], rtol: float, plain_t: bool = False,
                  memo: dict[Any, Any] | None = None, facts: LinkFacts | None = None) -> LinkResult:
    """One link in one instance, at each assignment of its free indices. `memo` (one per instance and `defs`)
    keeps values between the links of one check; `facts` is link_facts(link), when already read."""
    if link.op not in CHECKED_OPS:
        return LinkResult("skipped", reason=f"relation {link.op}")
    facts = facts or link_facts(link)
    if _index_range(link, inst, facts):
        return LinkResult("skipped", reason="a range of an index")
    if inst.scope.choices and _chooses(link, inst):
        return LinkResult("skipped", reason="a choice the question leaves open")
    names = free_names(link, inst, facts)
    printed = facts.printed
    any_held, reason = False, ""
    for free in combos(names, inst) if names else [{}]:
        ev = Evaluator(Env(inst, free, {}, defs, plain_t, {} if memo is None else memo))
        try:
            with np.errstate(all="ignore"):
                left, right = _side(ev, link.lhs), _side(ev, link.rhs)
            ok = holds(left, right, link.op, rtol, printed)
        except Exception as exc:  # noqa: BLE001 - what a world cannot evaluate is skipped, never reported false
            reason = str(exc)[:80] or type(exc).__name__
            continue
        if not ok and "t" in free and "T" in free:
            # students write t for the horizon T in one side of a statement: read it so before calling it false
            same = dict(free, t=free["T"])
            try:
                tev = Evaluator(Env(inst, same, {}, defs, plain_t, ev.env.memo))
                ok = holds(_side(tev, link.lhs), _side(tev, link.rhs), link.op, rtol, printed)
            except Exception:  # noqa: BLE001, S112 - that reading does not evaluate: undecided here, not false
                continue
        if not ok and inst.scope.solutions:
            # an equation in a free argument (x) may be the one being solved: try it at the solution
            solved = dict(defs)
            solved.update(inst.scope.solutions)
            try:
                sev = Evaluator(Env(inst, free, {}, solved, plain_t))
                ok = holds(sev.ev(link.lhs), sev.ev(link.rhs), link.op, rtol, printed)
            except Exception:  # noqa: BLE001, S110 - the solution binding did not apply
                pass
        if not ok:
            where = ", ".join(f"{k} = {v}" for k, v in free.items())
            return LinkResult("false", left, right, where, "")
        any_held = True
    return LinkResult("held") if any_held else LinkResult("skipped", reason=reason or "not evaluable")


def learn_definitions(stmts: Sequence[Statement], inst: Instance, rtol: float,
                      known: dict[Key, Any] | None = None) -> dict[Key, Any]:
    """`s = \\gamma/\\|u\\|`, `W^* = I - ...`: a bare symbol the world does not know, defined by the student.

    `known` are definitions the statements may use (those of answers the question builds on); a statement here
    that defines one of them again replaces it, and two definitions here that disagree define nothing."""
    defs: dict[Key, Any] = dict(known or {})
    own: set[Key] = set()
    dropped: set[Key] = set()
    for st in stmts:  # a hypothesis defines too: "with $s = \gamma/\|u\|$", "let $z = W x$"
        for link in st.links:
            if link.op != "=" or not isinstance(link.lhs, (N.Sym, N.Pow)):
                continue
            try:
                ev = Evaluator(Env(inst, {}, {}, defs))
                key = ev.key_of(link.lhs)
                if inst.has(key) or key[0] in inst.scope.free or key[0] in inst.scope.step_alias:
                    continue
                value = ev.ev(link.rhs)
            except Exception:  # noqa: BLE001, S112 - not a definition the world can evaluate
                continue
            if isinstance(value, Choices):
                continue
            if key in own:
                try:
                    same = holds(defs[key], value, "=", rtol, None)
                except MathError:
                    same = False
                if not same:
                    dropped.add(key)
                continue
            defs[key] = value
            own.add(key)
    for key in dropped:
        defs.pop(key, None)
    return defs


def check(stmts: Sequence[Statement], world: World, draws: int | None = None, rtol: float | None = None,
          aliases: dict[str, str] | None = None, deadline: float | None = None,
          builds_on: Sequence[Sequence[Statement]] = ()) -> StepReport:
    """Evaluate every statement in every draw (and every variant) of the world.

    Definitions come from `stmts` only, and from the answers in `builds_on` (statements of the answers the
    question builds on, in order: a later one's definition replaces an earlier one's); those are not checked.
    Past `deadline` (a `time.monotonic()` value) the remaining statements are skipped, never failed."""
    rtol = world.tolerance if rtol is None else rtol
    instances = world.instances(draws)
    for inst in instances:
        inst.scope.aliases.update(aliases or {})
    variants = sorted({inst.draw.option("variant", "") for inst in instances})
    defs = {id(inst): _definitions(stmts, builds_on, inst, rtol) for inst in instances}
    memos: dict[int, dict[Any, Any]] = {id(inst): {} for inst in instances}  # each instance with its defs
    report = StepReport()
    truth: list[set[str] | None] = []  # variants where each statement holds (None: not evaluated)
    for st in stmts:
        if deadline is not None and time.monotonic() > deadline:
            report.skipped_reasons["time limit"] += 1
            report.verdicts.append(StepVerdict(st, tuple(LinkResult("skipped", reason="time limit")
                                                         for _ in st.links)))
            truth.append(None)
            continue
        per_variant: dict[str, list[LinkResult]] = {v: [] for v in variants}
        plain_t = bool(PLAIN_T.search(st.latex))
        facts = [link_facts(link) if link.op in CHECKED_OPS else None for link in st.links]
        for inst in instances:
            for link, fact in zip(st.links, facts):
                per_variant[inst.draw.option("variant", "")].append(
                    evaluate_link(link, inst, defs[id(inst)], rtol, plain_t, memos[id(inst)], fact))
        ok_variants = {v for v, rs in per_variant.items()
                       if rs and any(r.status == "held" for r in rs) and not any(r.status == "false" for r in rs)}
        evaluated = any(r.status != "skipped" for rs in per_variant.values() for r in rs)
        if len(variants) > 1 and ok_variants:
            results = tuple(next(r for r in per_variant[v] if r.status == "held") for v in sorted(ok_variants))
        else:
            results = tuple(r for v in variants for r in per_variant[v])
        truth.append(ok_variants if evaluated and not st.conditional else None)
        for v in variants:
            for r in per_variant[v]:
                if r.status == "skipped":
                    report.skipped_reasons[r.reason] += 1
        if st.conditional:
            results = tuple(LinkResult("skipped", reason="a hypothesis in prose") for _ in results)
        report.verdicts.append(StepVerdict(st, results))
    if len(variants) > 1:
        _isolated(report, truth, set(variants))
    return report


def _definitions(stmts: Sequence[Statement], builds_on: Sequence[Sequence[Statement]], inst: Instance,
                 rtol: float) -> dict[Key, Any]:
    """The answer's definitions over those of the answers it builds on, each answer learnt on its own."""
    known: dict[Key, Any] = {}
    for earlier in builds_on:
        known = learn_definitions(earlier, inst, rtol, known)
    return learn_definitions(stmts, inst, rtol, known)


def _isolated(report: StepReport, truth: list[set[str] | None], every: set[str]) -> None:
    """A statement that holds only under the rule the lines around it are not about is a false step too
    (the running-average derivation suddenly writing the momentum update)."""
    marks = [(k, t) for k, t in enumerate(truth) if t is not None and t and t != every]
    for pos, (k, t) in enumerate(marks):
        before = marks[pos - 1][1] if pos > 0 else None
        after = [m[1] for m in marks[pos + 1:pos + 4]]
        if before is None or not after:
            continue
        votes = Counter(v for s in after for v in s)
        top = max(votes.values())
        majority = {v for v, c in votes.items() if c == top}
        if not (t & before) and not (t & majority) and (before & majority):
            verdict = report.verdicts[k]
            report.verdicts[k] = StepVerdict(verdict.statement, verdict.results,
                                             variant_only=", ".join(sorted(t)))


def message(verdict: StepVerdict, world: World) -> str:
    """The finding's text: the link that fails and the values seen, never a reference answer."""
    if verdict.variant_only:
        return (f"this step holds only for the {verdict.variant_only.replace('_', ' ')} rule, "
                f"not for the one the surrounding lines use")
    for link, r in zip(_links_for(verdict), verdict.results):
        if r.status == "false":
            at = f" at {r.where}" if r.where else ""
            text = plain(to_text(link.lhs)) + f" {link.op} " + plain(to_text(link.rhs))
            if len(text) > 90:
                text = text[:87] + "..."
            return f"this step does not hold: left {fmt(r.left)}, right {fmt(r.right)}{at} ({text})"
    return "this step does not hold"


_WRAPPERS = ("\\mathbf", "\\mathrm", "\\text", "\\operatorname", "\\boldsymbol", "\\mathcal", "\\mathbb")
_SYMBOLS = {"\\|": "\u2016", "\\top": "T", "\\odot": "\u2299", "\\cdot": "\u00b7", "\\le": "\u2264", "\\leq": "\u2264", "\\geq": "\u2265",
            "\\ge": "\u2265", "\\infty": "\u221e", "\\partial": "\u2202", "\\nabla": "\u2207",
            "\\sum": "\u2211", "\\prod": "\u220f"}


def _group(text: str, i: int) -> int:
    """The index just past the brace group opening at text[i] (or i when there is none)."""
    if i >= len(text) or text[i] != "{":
        return i
    depth = 0
    for k in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[k], 0)
        if depth == 0:
            return k + 1
    return i


def plain(text: str) -> str:
    """A formula of a message as plain text (reports show messages as text, not as math):
    `\\|\\mathbf{W}\\|` reads ‖W‖, `\\frac{a}{b}` reads (a)/(b), other commands lose their backslash."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("\\frac{", i):
            a_end = _group(text, i + 5)
            b_end = _group(text, a_end)
            if b_end > a_end:
                out.append(f"({plain(text[i + 6:a_end - 1])})/({plain(text[a_end + 1:b_end - 1])})")
                i = b_end
                continue
        wrapper = next((w for w in _WRAPPERS if text.startswith(w + "{", i)), None)
        if wrapper:
            end = _group(text, i + len(wrapper))
            if end > i + len(wrapper):
                out.append(plain(text[i + len(wrapper) + 1:end - 1]))
                i = end
                continue
        symbol = next((k for k in _SYMBOLS if text.startswith(k, i)
                       and not (k[1:].isalpha() and text[i + len(k):i + len(k) + 1].isalpha())), None)
        if symbol:
            out.append(_SYMBOLS[symbol])
            i += len(symbol)
            continue
        if text[i] == "\\" and text[i + 1:i + 2].isalpha():
            i += 1  # \sigma reads sigma
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _links_for(verdict: StepVerdict) -> list[Link]:
    links = list(verdict.statement.links)
    if not links:
        return []
    repeat = max(1, math.ceil(len(verdict.results) / len(links)))
    return (links * repeat)[:len(verdict.results)]
