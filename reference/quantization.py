"""1-bit stochastic gradient quantization: send g~ in {0,1}^n and a, b; the server uses a g~ + b."""

from __future__ import annotations

from typing import Any


def probabilities(g: Any, a: float, b: float) -> Any:
    """P(g~_i = 1) = (g_i - b) / a, which makes E[a g~_i + b] = g_i; valid (in [0, 1]) iff b <= g_i <= a + b."""
    return (g - b) / a


def feasible(g: Any, a: float, b: float) -> bool:
    """a > 0 and b <= min_i g_i and a + b >= max_i g_i: exactly when every probability lies in [0, 1]."""
    return a > 0 and float(b) <= float(g.min()) and float(a + b) >= float(g.max())


def quantize(g: Any, a: float, b: float, generator: Any = None) -> Any:
    """One random draw of g~ (as 0/1 floats)."""
    import torch

    p = probabilities(g, a, b)
    return (torch.rand(g.shape, generator=generator, dtype=g.dtype) < p).to(g.dtype)


def variance(g: Any, a: float, b: float) -> Any:
    """Per-coordinate variance of a g~ + b: a^2 p (1 - p) = (g_i - b)(a + b - g_i)."""
    return (g - b) * (a + b - g)


def min_variance_ab(g: Any) -> tuple[float, float]:
    """The (a, b) minimising every coordinate's variance at once: b = min_i g_i, a = max_i g_i - min_i g_i."""
    lo, hi = float(g.min()), float(g.max())
    return hi - lo, lo
