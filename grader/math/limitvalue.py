"""The numeric value of `\\lim_{x \\to a} f(x)`, shared by equivalence and worlds: Richardson extrapolation."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from grader.math.errors import MathError, Unsupported

STEPS = 7  # f at x = a ± h0/2^k (or x = 2^k/h0 towards infinity), k < STEPS
H0_FINITE = 0.125
H0_INFINITE = 1 / 8  # x = 8, 16, ..., 512: integers (a limit over an index reads the same), powers under the cap
RTOL = 1e-8


def _extrapolate(values: list[Any]) -> tuple[Any, float]:
    """Richardson's table for an error in powers of h (h halved each step): the estimate and its change."""
    rows: list[list[Any]] = []
    for k, v in enumerate(values):
        row = [np.asarray(v, dtype=float)]
        for j in range(1, k + 1):
            factor = 2.0 ** j
            row.append((factor * row[j - 1] - rows[k - 1][j - 1]) / (factor - 1))
        rows.append(row)
    best, prev = rows[-1][-1], rows[-2][-2]
    change = float(np.max(np.abs(best - prev)))
    return best, change


def numeric_limit(f: Callable[[float], Any], to: float, side: int = 0) -> Any:
    """lim f(x) as x -> `to` (side +1 from above, -1 from below, 0 both); raises Unsupported when it does not
    settle to a finite value (it diverges, oscillates, or the sides differ): the caller then treats it as opaque."""
    try:
        if math.isinf(to):
            sign = 1.0 if to > 0 else -1.0
            values = [f(sign * (2.0 ** k) / H0_INFINITE) for k in range(STEPS)]
            return _settled(values)
        sides = (1, -1) if side == 0 else (side,)
        found = [_settled([f(to + s * H0_FINITE / 2.0 ** k) for k in range(STEPS)]) for s in sides]
    except (MathError, ArithmeticError, ValueError, TypeError) as exc:
        raise Unsupported(f"a limit that cannot be evaluated ({exc})") from None
    if len(found) == 2 and not _close(found[0], found[1]):
        raise Unsupported("a limit whose one-sided limits differ")
    return found[0]


def _settled(values: list[Any]) -> Any:
    if not all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values):
        raise Unsupported("a limit of a value that is not finite nearby")
    best, change = _extrapolate(values)
    scale = max(1.0, float(np.max(np.abs(best))))
    if change > RTOL * scale or scale > 1e9:
        raise Unsupported("a limit that does not settle numerically")
    return best.item() if best.ndim == 0 else best


def _close(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= RTOL * max(1.0, float(np.max(np.abs(a))))))
