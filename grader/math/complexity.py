"""Asymptotic classes O/Θ/Ω as canonical sets of dominant terms (powers, logs, exponentials of variables)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from grader.math import nodes as N
from grader.math.assume import Assumptions, assumptions as read_assumptions
from grader.math.errors import MathError
from grader.math.parsed import parse
from grader.math.printer import to_text
from grader.math.verdict import Verdict, different, equivalent_, unknown

MAX_TERMS = 64
KIND_NAMES = {"O": "O", "Theta": "Θ", "Omega": "Ω", "o": "o", "omega": "ω"}

# the reason's ending when neither class bounds the other (O(N^2) vs O(NT)): each holds in its own regime
INCOMPARABLE = "the classes are not comparable"


@dataclass(frozen=True)
class Term:
    """One product of powers: var^p, log(var)^q, base^(exponent) factors; coefficients are dropped."""

    poly: tuple[tuple[str, Fraction], ...] = ()
    logs: tuple[tuple[str, Fraction], ...] = ()
    exps: tuple[tuple[str, str], ...] = ()  # (base, exponent text) with multiplicity by repetition

    def times(self, other: "Term") -> "Term":
        return Term(_merge(self.poly, other.poly), _merge(self.logs, other.logs), tuple(sorted(self.exps + other.exps)))

    def power(self, k: Fraction) -> "Term":
        if self.exps and (k.denominator != 1 or k < 0):
            raise MathError("a fractional power of an exponential")
        return Term(tuple((v, p * k) for v, p in self.poly), tuple((v, p * k) for v, p in self.logs),
                    tuple(sorted(self.exps * int(k))) if self.exps else ())

    def text(self) -> str:
        parts = []
        for v, p in self.poly:
            parts.append(v if p == 1 else f"{v}^{{{p}}}")
        for v, p in self.logs:
            parts.append(f"\\log {v}" if p == 1 else f"\\log^{{{p}}} {v}")
        for base, exp in self.exps:
            parts.append(f"{base}^{{{exp}}}")
        return " ".join(parts) or "1"


def _merge(a: tuple[tuple[str, Fraction], ...], b: tuple[tuple[str, Fraction], ...]) -> tuple[tuple[str, Fraction], ...]:
    out: dict[str, Fraction] = dict(a)
    for v, p in b:
        out[v] = out.get(v, Fraction(0)) + p
    return tuple(sorted((v, p) for v, p in out.items() if p != 0))


def _const(node: N.Node) -> Fraction | None:
    if isinstance(node, N.Num):
        return node.value
    if isinstance(node, N.Neg):
        v = _const(node.x)
        return None if v is None else -v
    if isinstance(node, N.Div):
        a, b = _const(node.num), _const(node.den)
        return None if a is None or b is None or b == 0 else a / b
    if isinstance(node, N.Mul):
        out = Fraction(1)
        for f in node.factors:
            v = _const(f)
            if v is None:
                return None
            out *= v
        return out
    if isinstance(node, N.Add):
        vals = [_const(t) for t in node.terms]
        known = [v for v in vals if v is not None]
        return sum(known, Fraction(0)) if len(known) == len(vals) else None
    return None


def _var(node: N.Sym) -> str:
    return to_text(N.Sym(node.name, False, node.sub, node.sup, node.primes, node.accent))


def terms_of(node: N.Node) -> list[Term]:
    """The expression as a sum of terms (coefficients and signs dropped)."""
    c = _const(node)
    if c is not None:
        return [Term()]
    if isinstance(node, N.Asym):
        return terms_of(node.body)
    if isinstance(node, N.Sym):
        return [Term(poly=((_var(node), Fraction(1)),))]
    if isinstance(node, N.Neg):
        return terms_of(node.x)
    if isinstance(node, N.Add):
        out: list[Term] = []
        for t in node.terms:
            out.extend(terms_of(t))
        return _cap(out)
    if isinstance(node, N.Mul):
        acc = [Term()]
        for f in node.factors:
            acc = _cap([a.times(b) for a in acc for b in terms_of(f)])
        return acc
    if isinstance(node, N.Div):
        den = terms_of(node.den)
        if len(den) != 1:
            raise MathError("division by a sum inside an asymptotic class")
        inv = den[0].power(Fraction(-1))
        return [a.times(inv) for a in terms_of(node.num)]
    if isinstance(node, (N.Pow,)):
        k = _const(node.exp)
        if k is not None:
            base = terms_of(node.base)
            if len(base) == 1:
                return [base[0].power(k)]
            if k.denominator == 1 and 0 < k <= 4:
                acc = [Term()]
                for _ in range(int(k)):
                    acc = _cap([a.times(b) for a in acc for b in base])
                return acc
            # (a + b)^k with fractional k is of the order of the largest term to that power
            return [b.power(k) for b in base]
        return _exponential(node.base, node.exp)
    if isinstance(node, N.PowT):
        return _exponential(node.x, N.Sym("T"))
    if isinstance(node, N.Func) and node.name in ("log", "ln", "lg") and len(node.args) == 1:
        return _log(node.args[0])
    if isinstance(node, N.Pow) and isinstance(node.base, N.Func):
        pass
    if isinstance(node, N.Func) and node.name == "sqrt" and len(node.args) == 1:
        return terms_of(N.Pow(node.args[0], N.Num(Fraction(1, 2), "1/2")))
    if isinstance(node, N.Func) and node.name == "exp" and len(node.args) == 1:
        return _exponential(N.Const("e"), node.args[0])
    if isinstance(node, N.TupleN) and len(node.items) == 1:
        return terms_of(node.items[0])
    raise MathError(f"cannot read {to_text(node)} as a growth rate")


def _cap(terms: list[Term]) -> list[Term]:
    if len(terms) > MAX_TERMS:
        raise MathError("too many terms in an asymptotic class")
    return terms


def _log(arg: N.Node) -> list[Term]:
    """log of a product is a sum of logs; log of a sum is of the order of the log of its variables."""
    out: list[Term] = []
    seen: set[str] = set()
    for t in terms_of(arg):
        for v, p in t.poly:
            if p > 0 and v not in seen:
                seen.add(v)
                out.append(Term(logs=((v, Fraction(1)),)))
        for base, exp in t.exps:
            for et in terms_of(parse(exp).root):
                lt = Term(logs=((base, Fraction(1)),)) if not _is_number(base) else Term()
                key = et.times(lt)
                if key not in out:
                    out.append(key)
    return out or [Term()]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return text in ("e",)


def _exponential(base: N.Node, exp: N.Node) -> list[Term]:
    if isinstance(base, N.Const):
        base_text = base.name
    elif _const(base) is not None:
        base_text = str(_const(base))
    elif isinstance(base, N.Sym):
        base_text = _var(base)
    else:
        raise MathError(f"cannot read {to_text(base)}^{{{to_text(exp)}}} as a growth rate")
    # N^{T+1} = N * N^T: the constant part of the exponent is a polynomial factor
    const_part = Fraction(0)
    rest: list[N.Node] = []
    for t in (exp.terms if isinstance(exp, N.Add) else (exp,)):
        c = _const(t)
        if c is not None:
            const_part += c
        else:
            rest.append(t)
    if not rest:
        return [Term(poly=((base_text, const_part),))] if not _is_number(base_text) else [Term()]
    rest_node = rest[0] if len(rest) == 1 else N.Add(tuple(rest))
    exp_text = " + ".join(sorted(t.text() for t in terms_of(rest_node)))
    head = Term(exps=((base_text, exp_text),))
    if const_part and not _is_number(base_text):
        head = head.times(Term(poly=((base_text, const_part),)))
    return [head]


# ---------------------------------------------------------------------- dominance
def _lex_ge(poly: Fraction, log: Fraction) -> bool:
    return poly > 0 or (poly == 0 and log >= 0)


def dominates(a: Term, b: Term, facts: Assumptions) -> bool:
    """b = O(a) as all variables grow (respecting `big >> small`)."""
    ea = list(a.exps)
    for x in b.exps:
        if x in ea:
            ea.remove(x)
        else:
            return False
    if ea:  # a has an exponential factor b lacks
        return True
    dp = dict(_merge(a.poly, tuple((v, -p) for v, p in b.poly)))
    dl = dict(_merge(a.logs, tuple((v, -p) for v, p in b.logs)))
    names = sorted(set(dp) | set(dl))
    smalls: dict[str, list[str]] = {}
    for big, small in facts.orders:
        smalls.setdefault(big, []).append(small)
    small_set = {s for ss in smalls.values() for s in ss}
    for v in names:
        if v in small_set:
            continue
        group = [s for s in smalls.get(v, []) if s in dp or s in dl]
        if not group:
            if not _lex_ge(dp.get(v, Fraction(0)), dl.get(v, Fraction(0))):
                return False
            continue
        for mask in range(1 << len(group)):
            merged_p = dp.get(v, Fraction(0))
            merged_l = dl.get(v, Fraction(0))
            rest = []
            for k, s in enumerate(group):
                if mask >> k & 1:  # s grows like v
                    merged_p += dp.get(s, Fraction(0))
                    merged_l += dl.get(s, Fraction(0))
                else:
                    rest.append(s)
            if merged_p > 0:
                continue
            if not _lex_ge(merged_p, merged_l) or not all(
                    _lex_ge(dp.get(s, Fraction(0)), dl.get(s, Fraction(0))) for s in rest):
                return False
    for s in small_set:  # small variables whose big one does not appear
        if s in names and not any(big in names for big, sm in facts.orders if sm == s):
            if not _lex_ge(dp.get(s, Fraction(0)), dl.get(s, Fraction(0))):
                return False
    return True


def reduce_terms(terms: list[Term], facts: Assumptions) -> list[Term]:
    """The dominant terms only, sorted."""
    unique = sorted(set(terms), key=lambda t: t.text())
    keep: list[Term] = []
    for t in unique:
        if any(o != t and dominates(o, t, facts) and not dominates(t, o, facts) for o in unique):
            continue
        if any(dominates(o, t, facts) and dominates(t, o, facts) and o.text() < t.text() for o in keep):
            continue
        keep.append(t)
    return keep


@dataclass(frozen=True)
class AsymClass:
    kind: str
    terms: tuple[Term, ...]

    def text(self) -> str:
        body = " + ".join(t.text() for t in self.terms)
        return f"{KIND_NAMES.get(self.kind, self.kind)}({body})"


def read_class(text: str, facts: Assumptions) -> AsymClass:
    parsed = parse(text)
    node = parsed.root
    if isinstance(node, N.System):
        candidates = [s for s in node.items if any(isinstance(n, N.Asym) for n in N.walk(s))]
        if not candidates:
            raise MathError("no O, Θ or Ω class found")
        node = candidates[-1]
    if isinstance(node, (N.Relation, N.Chain)):
        items = [node.lhs, node.rhs] if isinstance(node, N.Relation) else list(node.items)
        with_class = [i for i in items if any(isinstance(n, N.Asym) for n in N.walk(i))]
        node = with_class[-1] if with_class else items[-1]
    kinds = [n.kind for n in N.walk(node) if isinstance(n, N.Asym)]
    kind = kinds[0] if kinds else "Theta"
    return AsymClass(kind, tuple(reduce_terms(terms_of(node), facts)))


def _le(a: AsymClass, b: AsymClass, facts: Assumptions) -> bool:
    """Every term of a is O(some term of b)."""
    return all(any(dominates(tb, ta, facts) for tb in b.terms) for ta in a.terms)


def compare_complexity(student: str, reference: str, assume: Sequence[str] = (),
                       require_theta: bool = False) -> Verdict:
    """Same class, wrong class, or a correct but loose bound (verdict "different", tight=False)."""
    try:
        facts = read_assumptions(assume)
    except MathError as exc:
        return unknown(f"cannot read the assumptions: {exc}")
    try:
        s = read_class(student, facts)
    except MathError as exc:
        return unknown(f"cannot read the student's class: {exc}")
    except RecursionError:
        return unknown("cannot read the student's class: nested too deeply")
    try:
        r = read_class(reference, facts)
    except MathError as exc:
        return unknown(f"cannot read the reference class: {exc}")
    except RecursionError:
        return unknown("cannot read the reference class: nested too deeply")
    below, above = _le(s, r, facts), _le(r, s, facts)
    shown = f"{s.text()} vs {r.text()}"
    if below and above:
        if require_theta and s.kind != "Theta" and r.kind == "Theta":
            return different(f"{shown}: the right growth, but {KIND_NAMES[s.kind]} is only a bound and Θ is asked",
                             tight=True)
        if s.kind in ("o", "omega"):
            return different(f"{shown}: a strict bound {KIND_NAMES[s.kind]} excludes the class itself")
        return equivalent_(f"{shown}: same class", tight=True)
    if above and not below:  # student's class is larger
        if s.kind in ("O", "o"):
            return different(f"{shown}: a correct but loose upper bound", tight=False)
        return different(f"{shown}: grows faster than the reference")
    if below and not above:  # student's class is smaller
        if s.kind in ("Omega", "omega"):
            return different(f"{shown}: a correct but loose lower bound", tight=False)
        return different(f"{shown}: grows slower than the reference")
    return different(f"{shown}: {INCOMPARABLE}")
