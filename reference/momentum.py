"""Momentum and the exponential running average of gradients: equivalence, unrolling, bias and its correction.

Reference for bank topic `momentum` (attention Q2, optreg-2020 Q1, newton Q2). Notation of those handouts:

    momentum:         v_t = alpha v_{t-1} + eps g_t,          Delta theta_t = -v_t
    running average:  v_t = beta v_{t-1} + (1 - beta) g_t,    Delta theta_t = -delta v_t

- recursively: Delta theta_t = alpha Delta theta_{t-1} - eps g_t  and
               Delta theta_t = beta Delta theta_{t-1} - delta (1 - beta) g_t,
  equal for every gradient sequence iff alpha = beta and eps = delta (1 - beta).
- unrolled (v_0 = 0): v_t = sum_{i=1}^t (1 - beta) beta^{t-i} g_i.
- bias: E[v_t] = (1 - beta) sum_{i=1}^t beta^{t-i} E[g] = (1 - beta^t) E[g] != E[g];
  the rescaled v_t / (1 - beta^t) is unbiased (Adam's bias correction).
"""

from __future__ import annotations

import numpy as np


def momentum_updates(grads: np.ndarray, alpha: float, eps: float) -> np.ndarray:
    """Delta theta_t for t = 1..T under SGD with momentum."""
    v = np.zeros_like(grads[0])
    out = []
    for g in grads:
        v = alpha * v + eps * g
        out.append(-v)
    return np.array(out)


def running_average_updates(grads: np.ndarray, beta: float, delta: float) -> np.ndarray:
    """Delta theta_t for t = 1..T under SGD with a running average of the gradient."""
    v = np.zeros_like(grads[0])
    out = []
    for g in grads:
        v = beta * v + (1 - beta) * g
        out.append(-delta * v)
    return np.array(out)


def equivalent_momentum(beta: float, delta: float) -> tuple[float, float]:
    """(alpha, eps) that make momentum equal to the running average with (beta, delta)."""
    return beta, delta * (1 - beta)


def unrolled(grads: np.ndarray, beta: float) -> np.ndarray:
    """v_t = sum_{i=1}^t (1 - beta) beta^{t-i} g_i, for the last t = len(grads)."""
    t = len(grads)
    weights = (1 - beta) * beta ** (t - np.arange(1, t + 1))
    return np.tensordot(weights, grads, axes=1)


def expected_running_average(mean_g: np.ndarray, beta: float, t: int) -> np.ndarray:
    """E[v_t] = (1 - beta^t) E[g] for a stationary gradient distribution."""
    return (1 - beta ** t) * mean_g


def bias_corrected(v_t: np.ndarray, beta: float, t: int) -> np.ndarray:
    """v_t / (1 - beta^t), unbiased for E[g]."""
    return v_t / (1 - beta ** t)
