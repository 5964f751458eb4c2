"""A finite-difference gradient checker: central differences and the relative error against a claimed gradient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GradCheck:
    """The outcome of one comparison: the worst relative error, where it occurred, and whether it passes."""

    max_rel_error: float
    worst_index: tuple[int, ...]
    numeric: np.ndarray
    claimed: np.ndarray
    tolerance: float

    @property
    def ok(self) -> bool:
        return self.max_rel_error <= self.tolerance


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + h e_k) - f(x - h e_k)) / 2h, error O(h^2), of a scalar function of an array."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        keep = flat[k]
        h = step * max(1.0, abs(keep))  # a relative step keeps the rounding error balanced for large entries
        flat[k] = keep + h
        up = float(f(x))
        flat[k] = keep - h
        down = float(f(x))
        flat[k] = keep
        out[k] = (up - down) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """|a - b| / max(|a|, |b|, floor), entrywise: scale-free, and defined where both are zero."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def check_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, claimed: np.ndarray,
                   tolerance: float = 1e-5, step: float = 1e-6) -> GradCheck:
    """Compare a claimed gradient of f at x with central differences."""
    numeric = numeric_gradient(f, x, step)
    claimed = np.asarray(claimed, float).reshape(numeric.shape)
    rel = relative_error(numeric, claimed, floor=max(1e-8, 10 * step ** 2 * float(np.max(np.abs(numeric), initial=0.0))))
    worst = np.unravel_index(int(np.argmax(rel)), rel.shape) if rel.size else ()
    return GradCheck(float(rel.max(initial=0.0)), tuple(int(i) for i in worst), numeric, claimed, tolerance)
