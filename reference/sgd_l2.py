"""SGD on L(theta) + lambda/2 ||theta||^2 with momentum on the stochastic gradient only, and on both parts.

Algorithm A (momentum on g only):      v_t = mu v_{t-1} + g_t;            theta_{t+1} = theta_t - alpha (v_t + lambda theta_t)
Algorithm B (momentum on g and g_r):   v'_t = mu' v'_{t-1} + g_t + lambda' theta_t;  theta_{t+1} = theta_t - alpha' v'_t

Eliminating v gives theta_{t+1} = (1 + mu - alpha lambda) theta_t - mu (1 - alpha lambda) theta_{t-1} - alpha g_t for A and
theta_{t+1} = (1 + mu' - alpha' lambda') theta_t - mu' theta_{t-1} - alpha' g_t for B, so they coincide for

    alpha' = alpha,   mu' = mu (1 - alpha lambda),   lambda' = (mu' - mu + alpha lambda) / alpha' = (1 - mu) lambda.

The recurrences agree from the second step on; the first steps agree too when B's buffer starts at
v'_0 = lambda theta_0 / (1 - alpha lambda) instead of 0 (A's starts at 0), see `matching_initial_buffer`.

(The solution set's lambda' = (1 + mu) lambda comes from a sign slip, mu' = mu + mu alpha lambda, in its eq. (34).)
"""

from __future__ import annotations

from typing import Any, Callable


def equivalent_params(alpha: float, mu: float, lam: float) -> tuple[float, float, float]:
    """(alpha', mu', lambda') of algorithm B that reproduces algorithm A."""
    return alpha, mu * (1 - alpha * lam), (1 - mu) * lam


def solution_set_params(alpha: float, mu: float, lam: float) -> tuple[float, float, float]:
    """What the solution set claims (lambda' = (mu + 1) lambda); a test shows its trajectory differs."""
    return alpha, mu * (1 - alpha * lam), (1 + mu) * lam


def run_g_only(theta0: Any, grads: Callable[[int, Any], Any], alpha: float, mu: float, lam: float, steps: int) -> list[Any]:
    """Algorithm A; `grads(t, theta)` is the stochastic gradient of L at step t (fixed noise per t)."""
    theta, v, out = theta0.clone(), theta0 * 0, [theta0.clone()]
    for t in range(steps):
        v = mu * v + grads(t, theta)
        theta = theta - alpha * (v + lam * theta)
        out.append(theta.clone())
    return out


def run_both(theta0: Any, grads: Callable[[int, Any], Any], alpha: float, mu: float, lam: float, steps: int,
             v0: Any = None) -> list[Any]:
    """Algorithm B with parameters (alpha, mu, lam) = (alpha', mu', lambda'), momentum buffer starting at `v0`."""
    theta, out = theta0.clone(), [theta0.clone()]
    v = theta0 * 0 if v0 is None else v0.clone()
    for t in range(steps):
        v = mu * v + grads(t, theta) + lam * theta
        theta = theta - alpha * v
        out.append(theta.clone())
    return out


def matching_initial_buffer(theta0: Any, alpha: float, lam: float) -> Any:
    """B's initial momentum buffer that makes its first step equal A's: mu' v'_0 = (lambda - lambda') theta_0."""
    return lam * theta0 / (1 - alpha * lam)


def recurrence_coefficients(alpha: float, mu: float, lam: float, form: str) -> tuple[float, float, float]:
    """(coefficient of theta_t, of theta_{t-1}, of g_t) in theta_{t+1} for algorithm `form` ("g_only" or "both")."""
    if form == "g_only":
        return 1 + mu - alpha * lam, -mu * (1 - alpha * lam), -alpha
    return 1 + mu - alpha * lam, -mu, -alpha
