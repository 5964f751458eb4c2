"""Weight decay versus L2 regularization, with SGD and with Adam.

Reference for bank topic `weight_decay` (decoding-2021 Q3, attention Q4, backprop Q5).

The two handouts write the decay step with OPPOSITE signs; read each update rule before writing lambda:

    decoding-2021:  theta_{i+1} = theta_i - eta grad L + lambda theta_i   ->  lambda = -2 eta gamma
    attention:      theta_{i+1} = theta_i - eta grad L - lambda theta_i   ->  lambda = +2 eta gamma

since SGD on L_reg = L + gamma ||theta||_2^2 steps theta - eta grad L - 2 eta gamma theta.

Adam with L2 (one line changes: the gradient g <- (1/m) grad sum_i L + 2 gamma theta) divides the decay term
by sqrt(r_hat) + delta like the rest of the gradient: weights with large gradients (large r_hat) are decayed
less, weights with small gradients more.  Decoupled weight decay (AdamW) subtracts lambda theta after the
adaptive step: every weight shrinks by the same factor relative to its size, whatever its gradient.
`relative_decay` measures this on two weights.
"""

from __future__ import annotations

import numpy as np

DECAY_SIGN = {"decoding-2021": +1, "attention": -1}  # sign of `lambda theta_i` in each handout's update


def lambda_for_l2(eta: float, gamma: float, decay_sign: int) -> float:
    """The lambda that makes the handout's weight-decay step equal SGD on L + gamma ||theta||^2."""
    return -2 * eta * gamma * decay_sign


def sgd_weight_decay_step(theta: np.ndarray, grad: np.ndarray, eta: float, lam: float, decay_sign: int) -> np.ndarray:
    return theta - eta * grad + decay_sign * lam * theta


def sgd_l2_step(theta: np.ndarray, grad: np.ndarray, eta: float, gamma: float) -> np.ndarray:
    return theta - eta * (grad + 2 * gamma * theta)


def adam_run(theta0: np.ndarray, grad_fn, steps: int, eps: float = 1e-3, rho1: float = 0.9, rho2: float = 0.999,
             delta: float = 1e-8, l2_gamma: float = 0.0, decay_lambda: float = 0.0) -> np.ndarray:
    """Adam (Goodfellow et al., Algorithm 8.7) with either an L2 term in the gradient or decoupled decay."""
    theta = theta0.astype(float).copy()
    s = np.zeros_like(theta)
    r = np.zeros_like(theta)
    for t in range(1, steps + 1):
        g = grad_fn(theta) + 2 * l2_gamma * theta  # the one line Adam-L2 changes
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g * g
        s_hat, r_hat = s / (1 - rho1 ** t), r / (1 - rho2 ** t)
        theta = theta - (eps * s_hat / (np.sqrt(r_hat) + delta) + decay_lambda * theta)
    return theta


def relative_decay(scheme: str, steps: int = 200) -> tuple[float, float]:
    """How much a small-gradient and a large-gradient weight shrink relative to their start, under a
    loss whose gradient is a constant (so without regularization neither moves systematically):
    returns (1 - theta_small/theta_small0, 1 - theta_large/theta_large0) after removing the loss's own drift.
    """
    theta0 = np.array([1.0, 1.0])
    scales = np.array([1e-3, 1e1])  # gradient magnitudes: theta_small, theta_large
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(steps, 2))
    it = iter(noise)

    def grad(_theta):
        return scales * next(it)

    kwargs = {"l2": {"l2_gamma": 0.5}, "decoupled": {"decay_lambda": 1e-3}}[scheme]
    with_reg = adam_run(theta0, grad, steps, **kwargs)
    it = iter(noise)
    without = adam_run(theta0, grad, steps)
    shrink = 1 - with_reg / without
    return float(shrink[0]), float(shrink[1])
