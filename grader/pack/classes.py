"""Complexity fingerprints: a hash of the canonical text of an asymptotic class's dominant terms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grader.math.assume import assumptions as read_assumptions
from grader.math.complexity import KIND_NAMES, AsymClass, read_class
from grader.math.errors import MathError
from grader.math.verdict import Verdict, different, equivalent_, unknown
from grader.pack.hashing import digest

LOOSE_KINDS = ("O", "o", "Omega", "omega")  # bounds that can be correct without being tight
UNDECIDED = "not the reference class, but possibly a correct looser bound: the pack cannot grade loose bounds"


def canonical(cls: AsymClass) -> str:
    """The growth of a class, kind left out: its reduced terms' texts, sorted."""
    return " + ".join(sorted(t.text() for t in cls.terms))


def fingerprint(reference: str, assume: Sequence[str], salt: str) -> dict[str, Any]:
    """Raises MathError when the reference is not a readable class."""
    cls = read_class(reference, read_assumptions(assume))
    return {"kind": cls.kind, "growth": digest(salt, "class", canonical(cls))}


def compare(student: str, fp: dict[str, Any], assume: Sequence[str], require_theta: bool, salt: str) -> Verdict:
    """compare_complexity with the reference known by its hash; a mismatch of a bound-kind claim stays unknown.

    The hash says only "same growth" or "not the same growth": whether a different O-class is a correct but
    loose bound or a wrong one needs the reference's terms, so such a claim is `unknown` with that reason."""
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
        if require_theta and s.kind != "Theta" and fp["kind"] == "Theta":
            return different(f"the right growth, but {KIND_NAMES[s.kind]} is only a bound and Θ is asked", tight=True)
        if s.kind in ("o", "omega"):
            return different(f"a strict bound {KIND_NAMES[s.kind]} excludes the class itself")
        return equivalent_("same class", tight=True)
    if s.kind in LOOSE_KINDS:
        return unknown(UNDECIDED)
    return different("not the reference class")
