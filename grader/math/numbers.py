"""Numbers compared with the tolerance printed: 2.58 matches 31/12, 2.5 does not match 2.75."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from grader.math import nodes as N
from grader.math.errors import MathError
from grader.math.limits import DEFAULT_LIMITS
from grader.math.parser import const_value
from grader.math.parsed import parse
from grader.math.verdict import Verdict, different, equivalent_, unknown

_PLAIN = re.compile(r"^\s*([-+−]?)\s*(\d+(?:\.\d*)?|\.\d+)(?:\s*(?:[eE]([+-]?\d+)|\\times\s*10\^\{?([+-−]?\d+)\}?|"
                    r"\\cdot\s*10\^\{?([+-−]?\d+)\}?))?\s*(\\?%)?\s*\.?\s*$")


_READ: dict[str, tuple[Fraction, Fraction | None] | MathError] = {}  # a pure function of the text, asked often
T = TypeVar("T")


def _remembered(cache: dict[Any, Any], key: Hashable, limit: int, compute: Callable[[], T]) -> T:
    """compute(), or what it gave (a value or its MathError) when `key` was asked before; the cache is emptied
    past `limit` entries, so a long class cannot grow it without bound."""
    known = cache.get(key)
    if known is None:
        try:
            known = compute()
        except MathError as exc:
            known = exc
        if len(cache) > limit:
            cache.clear()
        cache[key] = known
    if isinstance(known, MathError):
        raise known.with_traceback(None)  # a fresh traceback, not one growing with each reuse
    result: T = known
    return result


def read_number(text: str) -> tuple[Fraction, Fraction | None]:
    """(value, half of the last printed unit) of a number as written; None when exact (an integer, a fraction)."""
    return _remembered(_READ, text, 8192, lambda: _read_number(text))


def _read_number(text: str) -> tuple[Fraction, Fraction | None]:
    s = text.strip().strip("$").strip()
    if len(s) > 200:
        raise MathError(f"a number of {len(s)} characters is over the limit")
    m = _PLAIN.match(s)
    if m:
        sign, digits, e1, e2, e3, pct = m.groups()
        exp = int((e1 or e2 or e3 or "0").replace("−", "-"))
        if abs(exp) > 300 or len(digits) > DEFAULT_LIMITS.max_number_digits:
            raise MathError(f"the number {text[:20]!r} is out of range")
        try:
            dec = Decimal(digits)
        except InvalidOperation as exc:
            raise MathError(f"cannot read the number {text!r}") from exc
        value = Fraction(dec) * Fraction(10) ** exp
        if pct:
            value /= 100
            exp -= 2
        if sign in ("-", "−"):
            value = -value
        if "." in digits:
            decimals = len(digits.split(".")[1])
            half = Fraction(1, 2) * Fraction(10) ** (exp - decimals)
            return value, half
        if e1 or e2 or e3:  # 3e-4 is printed to one significant digit
            return value, Fraction(1, 2) * Fraction(10) ** exp
        return value, None
    parsed = parse(s)
    node = parsed.root
    if parsed.kind != "expr":
        raise MathError(f"{text!r} is not a number")
    exact = _exact(node)
    if exact is None:
        v = const_value(node)
        if v is None:
            raise MathError(f"{text!r} is not a number")
        return Fraction(v), Fraction(1, 10**12)
    return exact, _printed_half(node)


def _printed_half(node: N.Node) -> Fraction | None:
    halves = []
    for n in N.walk(node):
        if isinstance(n, N.Num) and "." in n.text:
            halves.append(Fraction(1, 2) * Fraction(1, 10 ** len(n.text.split(".")[1])))
    return max(halves) if halves else None


def _exact(node: N.Node) -> Fraction | None:
    if isinstance(node, N.Num):
        return node.value
    if isinstance(node, N.Neg):
        v = _exact(node.x)
        return None if v is None else -v
    if isinstance(node, N.Div):
        a, b = _exact(node.num), _exact(node.den)
        return None if a is None or b is None or b == 0 else a / b
    if isinstance(node, N.Mul):
        out = Fraction(1)
        for f in node.factors:
            v = _exact(f)
            if v is None:
                return None
            out *= v
        return out
    if isinstance(node, N.Add):
        vals = [_exact(t) for t in node.terms]
        known = [v for v in vals if v is not None]
        return sum(known, Fraction(0)) if len(known) == len(vals) else None
    if isinstance(node, N.Pow):
        b, e = _exact(node.base), _exact(node.exp)
        if b is None or e is None or e.denominator != 1 or abs(e) > 64 or (b == 0 and e < 0):
            return None
        return b ** int(e)
    return None


def _fmt(x: Fraction) -> str:
    f = float(x)
    return f"{f:.6g}"


def _reference(reference: str | float | int | Fraction) -> tuple[Fraction, Fraction | None, str]:
    if isinstance(reference, Fraction):
        return reference, None, str(reference)
    if isinstance(reference, bool):
        raise MathError("a reference number cannot be a bool")
    if isinstance(reference, int):
        return Fraction(reference), None, str(reference)
    if isinstance(reference, float):
        text = repr(reference)
        value, half = read_number(text)
        return value, half, text
    value, half = read_number(reference)
    return value, half, reference.strip()


_REFERENCES: dict[tuple[type, Any], tuple[Fraction, Fraction | None, str, str, Fraction] | MathError] = {}


def _reference_facts(reference: str | float | int | Fraction) -> tuple[Fraction, Fraction | None, str, str, Fraction]:
    """_reference(reference), its value as shown and the hair of slack: one reference meets many candidates."""
    def facts() -> tuple[Fraction, Fraction | None, str, str, Fraction]:
        value, half, text = _reference(reference)
        return value, half, text, _fmt(value), Fraction(1, 10**12) * max(Fraction(1), abs(value))

    # keyed by type too: 1, 1.0 and True are equal keys
    return _remembered(_REFERENCES, (type(reference), reference), 1024, facts)


def compare_number(student: str, reference: str | float) -> Verdict:
    """Equal within half a unit of the last digit printed by the less precise side."""
    try:
        return _compare_number(student, reference)
    except (MathError, OverflowError, ValueError, ZeroDivisionError, RecursionError) as exc:
        return unknown(f"cannot compare the numbers: {exc}")


def _compare_number(student: str, reference: str | float) -> Verdict:
    try:
        s_value, s_half = read_number(student)
    except MathError as exc:
        return unknown(f"cannot read the student's number: {exc}")
    try:
        r_value, r_half, r_text, r_shown, hair = _reference_facts(reference)
    except MathError as exc:
        return unknown(f"cannot read the reference number: {exc}")
    halves = [h for h in (s_half, r_half) if h is not None]
    tol = max(halves) if halves else Fraction(0)
    diff = abs(s_value - r_value)
    # a hair of slack so 0.125 printed as 0.13 or 0.12 both pass, and binary floats do not bite
    slack = tol * Fraction(1001, 1000) + hair
    shown = f"{student.strip()} vs {r_text} = {r_shown}"
    if tol == 0:
        if diff <= hair:
            return equivalent_(f"{shown}: equal")
        return different(f"{shown}: differ by {_fmt(diff)} (both exact)")
    if diff <= slack:
        return equivalent_(f"{shown}: within {_fmt(tol)} (the precision printed)")
    return different(f"{shown}: differ by {_fmt(diff)}, more than {_fmt(tol)} (the precision printed)")


# a size stated as a product of one number per dimension: `13 \times 13`, `13x13`, `13 × 13 × 13`
_TIMES = r"(?:\\times(?![a-zA-Z])|\u00d7|(?<=[\d\s])[xX](?=[\s\d]))"
_FACTORS = re.compile(rf"^\s*(\d+)(?:\s*{_TIMES}\s*(\d+)){{1,2}}\s*\.?\s*$")


def equal_factors(text: str) -> str | None:
    """The one factor of a product of equal whole numbers (`13 \\times 13` gives `13`), else None: the usual
    way of writing a spatial size, read per side when a single number is asked for."""
    s = text.strip().strip("$").strip()
    if len(s) > 60 or not _FACTORS.match(s):
        return None
    factors = re.findall(r"\d+", s)
    if len(set(factors)) != 1 or int(factors[0]) == 0:
        return None
    return factors[0]
