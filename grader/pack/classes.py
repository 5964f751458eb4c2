"""Complexity fingerprints: a hash of the canonical text of an asymptotic class's dominant terms, and its terms with
every name hashed (scrambled), so that a different class can still be compared by growth without being shown."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from grader.math.assume import Assumptions
from grader.math.assume import assumptions as read_assumptions
from grader.math.complexity import KIND_NAMES, AsymClass, Term, dominates, read_class
from grader.math.errors import MathError
from grader.math.verdict import Verdict, different, equivalent_, unknown
from grader.pack.hashing import digest, scramble

LOOSE_KINDS = ("O", "o", "Omega", "omega")  # bounds that can be correct without being tight
UNDECIDED = "not the reference class, but possibly a correct looser bound: the pack cannot grade loose bounds"


def canonical(cls: AsymClass) -> str:
    """The growth of a class, kind left out: its reduced terms' texts, sorted."""
    return " + ".join(sorted(t.text() for t in cls.terms))


def _hashed(term: Term, salt: str) -> Term:
    """The term with its variable names (and exponential factors' texts) replaced by their salted hashes: dominance
    only compares names for equality, so it gives the same answer on hashed terms."""
    def name(text: str) -> str:
        return digest(salt, "var", text)

    return Term(tuple(sorted((name(v), p) for v, p in term.poly)), tuple(sorted((name(v), p) for v, p in term.logs)),
                tuple(sorted((name(b), name(e)) for b, e in term.exps)))


def _hashed_facts(facts: Assumptions, salt: str) -> Assumptions:
    return dataclasses.replace(facts, orders=tuple((digest(salt, "var", a), digest(salt, "var", b))
                                                   for a, b in facts.orders))


def _pack_terms(terms: Sequence[Term], salt: str) -> str:
    rows = [{"poly": [[v, str(p)] for v, p in t.poly], "logs": [[v, str(p)] for v, p in t.logs],
             "exps": [list(e) for e in t.exps]} for t in (_hashed(t, salt) for t in terms)]
    return scramble(salt, "class-terms", json.dumps(rows, sort_keys=True).encode()).hex()


def _unpack_terms(entry: str, salt: str) -> tuple[Term, ...]:
    rows = json.loads(scramble(salt, "class-terms", bytes.fromhex(entry)).decode())
    return tuple(Term(tuple((v, Fraction(p)) for v, p in r["poly"]), tuple((v, Fraction(p)) for v, p in r["logs"]),
                      tuple((b, e) for b, e in r["exps"])) for r in rows)


def fingerprint(reference: str, assume: Sequence[str], salt: str) -> dict[str, Any]:
    """Raises MathError when the reference is not a readable class."""
    cls = read_class(reference, read_assumptions(assume))
    return {"kind": cls.kind, "growth": digest(salt, "class", canonical(cls)), "terms": _pack_terms(cls.terms, salt)}


def _le(a: Sequence[Term], b: Sequence[Term], facts: Assumptions) -> bool:
    """Every term of a is O(some term of b), as grader.math.complexity compares classes."""
    return all(any(dominates(tb, ta, facts) for tb in b) for ta in a)


def _by_growth(s: AsymClass, fp: dict[str, Any], facts: Assumptions, salt: str) -> Verdict:
    """A claim of another class than the reference's, compared by growth on hashed names (as compare_complexity
    does on the plain ones); the reference's terms are never shown, so the reasons name only the student's class."""
    try:
        ref = _unpack_terms(fp["terms"], salt)
    except (KeyError, ValueError, TypeError):  # a pack built before terms were stored, or a damaged entry
        return unknown(UNDECIDED)
    mine, hfacts = tuple(_hashed(t, salt) for t in s.terms), _hashed_facts(facts, salt)
    below, above = _le(mine, ref, hfacts), _le(ref, mine, hfacts)
    shown = s.text()
    if below and above:
        return equivalent_(f"{shown}: same growth as the reference", tight=True)
    if above:
        if s.kind in ("O", "o"):
            return different(f"{shown}: a correct but loose upper bound", tight=False)
        return different(f"{shown}: grows faster than the reference")
    if below:
        if s.kind in ("Omega", "omega"):
            return different(f"{shown}: a correct but loose lower bound", tight=False)
        return different(f"{shown}: grows slower than the reference")
    return different(f"{shown}: not comparable with the reference")


def compare(student: str, fp: dict[str, Any], assume: Sequence[str], require_theta: bool, salt: str) -> Verdict:
    """compare_complexity with the reference known by its fingerprint.

    The hash says "same class"; another class is compared by growth with the reference's terms under hashed
    names, which tells a correct but loose O-bound from a wrong one. Only a pack without those terms (built
    before they were stored) leaves such a bound `unknown`, with that reason."""
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
    if digest(salt, "class", canonical(s)) == fp["growth"]:
        return compare_same(s, fp, require_theta)
    verdict = _by_growth(s, fp, facts, salt)
    if verdict.verdict == "equivalent":  # the same growth written with other dominant terms: as a match
        return compare_same(s, fp, require_theta)
    if verdict.verdict == "unknown" and s.kind not in LOOSE_KINDS:
        return different("not the reference class")  # a Θ claim of another class is wrong either way
    return verdict


def compare_same(s: AsymClass, fp: dict[str, Any], require_theta: bool) -> Verdict:
    """The verdict of a claim with the reference's growth."""
    if require_theta and s.kind != "Theta" and fp["kind"] == "Theta":
        return different(f"the right growth, but {KIND_NAMES[s.kind]} is only a bound and Θ is asked", tight=True)
    if s.kind in ("o", "omega"):
        return different(f"a strict bound {KIND_NAMES[s.kind]} excludes the class itself")
    return equivalent_("same class", tight=True)
