"""Number fingerprints: hashes of every printed value that the tolerance of its printed precision accepts."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from grader.math.errors import MathError
from grader.math.numbers import read_number
from grader.math.verdict import Verdict, different, equivalent_, unknown
from grader.pack.hashing import digest

SIG_DIGITS = 12  # finest printing the pack holds hashes for (significant digits of the reference)
SLACK = Fraction(1001, 1000)  # the same hair of slack as grader.math.numbers.compare_number
TINY = Fraction(1, 10**12)


def canonical(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _magnitude(value: Fraction) -> int:
    return math.floor(math.log10(abs(value))) if value else 0


def fingerprint(reference: str, salt: str) -> dict[str, Any]:
    """Hashes for `reference` (LaTeX or decimal); raises MathError when it is not a number.

    `grids[d]` holds the values printed with `d` decimals (negative: tens, hundreds) within the tolerance of
    that printing; only positions at least as coarse as the reference's own printed precision are needed.
    """
    value, half = read_number(reference)
    e = _magnitude(value)
    grids: dict[str, list[str]] = {}
    for d in range(-(e + 2), SIG_DIGITS - e):
        q = Fraction(10) ** -d
        if half is not None and q / 2 < half:
            break  # finer printings are compared through the reference's own grid (see compare)
        tol = max(q / 2, half or Fraction(0))
        slack = tol * SLACK + TINY * max(Fraction(1), abs(value))
        lo = math.ceil((value - slack) / q)
        hi = math.floor((value + slack) / q)
        grids[str(d)] = sorted(digest(salt, "num", canonical(k * q)) for k in range(lo, hi + 1))
    return {"exact": digest(salt, "num", canonical(value)), "precision": None if half is None else canonical(half),
            "grids": grids}


def _decimals(half: Fraction) -> int | None:
    """d such that half = 10^-d / 2, or None when the tolerance is not half a printed unit."""
    q = half * 2
    d = -round(math.log10(q))
    return d if Fraction(10) ** -d == q else None


def compare(student: str, fp: dict[str, Any], salt: str) -> Verdict:
    """compare_number(student, reference) with the reference known only by its fingerprint."""
    try:
        s_value, s_half = read_number(student)
    except MathError as exc:
        return unknown(f"cannot read the student's number: {exc}")
    r_half = Fraction(fp["precision"]) if fp.get("precision") else None
    halves = [h for h in (s_half, r_half) if h is not None]
    tol = max(halves) if halves else Fraction(0)
    if tol == 0:
        same = digest(salt, "num", canonical(s_value)) == fp["exact"]
        return equivalent_("equal") if same else different("not the reference value")
    if r_half is not None and r_half >= tol:
        # the reference is printed no finer than the student: it is the value on its own grid near the student's
        q = r_half * 2
        slack = tol * SLACK + TINY * max(Fraction(1), abs(s_value))
        lo, hi = math.ceil((s_value - slack) / q), math.floor((s_value + slack) / q)
        hit = any(digest(salt, "num", canonical(k * q)) == fp["exact"] for k in range(lo, hi + 1))
        return equivalent_("within the precision printed") if hit else different("not within the precision printed")
    assert s_half is not None
    d = _decimals(s_half)
    if d is None or (s_value / (s_half * 2)).denominator != 1:
        return unknown("the pack can only compare a number as printed (digits), not a computed expression")
    grid = fp["grids"].get(str(d))
    if grid is None:
        return unknown("printed to more digits than the pack compares; round it")
    if digest(salt, "num", canonical(s_value)) in grid:
        return equivalent_("within the precision printed")
    return different("not within the precision printed")
