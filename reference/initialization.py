"""Initialization of a_t = W h_{t-1} + b so that pre-activations have mean 0 and variance 1.

With W_ij ~ (mu, sigma^2) i.i.d., b = c 1, and d = d^{(t-1)} inputs that are uncorrelated and independent of W:
    E[a_i] = d mu E[h] + c,
    Var(a_i) = d (sigma^2 Var(h) + sigma^2 E[h]^2 + mu^2 Var(h))      (Var(XY) = VarX VarY + VarX EY^2 + VarY EX^2).
Linear case (E[h] = 0, Var(h) = 1): c = 0, mu = 0, sigma^2 = 1/d (any mu, sigma with d (sigma^2 + mu^2) = 1 also works).
ReLU case (a_{t-1} symmetric, mean 0, variance 1): E[h^2] = Var(a)/2 = 1/2; c = 0, mu = 0, sigma^2 = 2/d (He/Kaiming).
Uniform(alpha, beta): mean (alpha + beta)/2, variance (beta - alpha)^2 / 12, so alpha = -beta and
    beta = sqrt(3/d) (linear case), beta = sqrt(6/d) (ReLU case).
"""

from __future__ import annotations

import math
from typing import Any


def var_product(var_x: float, mean_x: float, var_y: float, mean_y: float) -> float:
    """Var(XY) for independent X, Y."""
    return var_x * var_y + var_x * mean_y**2 + var_y * mean_x**2


def preactivation_moments(d: int, c: float, mu: float, sigma2: float, mean_h: float, var_h: float) -> tuple[float, float]:
    """(E[a_i], Var(a_i)) for uncorrelated inputs h_j independent of W."""
    return d * mu * mean_h + c, d * (sigma2 * var_h + sigma2 * mean_h**2 + mu**2 * var_h)


def gaussian_linear(d: int) -> tuple[float, float, float]:
    """(c, mu, sigma^2) for the linear case."""
    return 0.0, 0.0, 1.0 / d


def relu_second_moment() -> float:
    """E[ReLU(a)^2] for a symmetric a with variance 1."""
    return 0.5


def gaussian_relu(d: int) -> tuple[float, float, float]:
    """(c, mu, sigma^2) for the ReLU case: He / Kaiming initialization."""
    return 0.0, 0.0, 2.0 / d


def uniform_bounds(d: int, relu: bool) -> tuple[float, float]:
    """(alpha, beta) of Uniform(alpha, beta) with mean 0 and variance 1/d (linear) or 2/d (ReLU)."""
    beta = math.sqrt((6.0 if relu else 3.0) / d)
    return -beta, beta


def simulate(d_in: int, d_out: int, n: int, relu: bool, init: str, seed: int = 0) -> tuple[Any, Any]:
    """Empirical (mean, variance) of a_t over units and samples, for inputs as the question assumes.

    `init` is "gaussian" or "uniform" with the rubric's values; the tests check mean ~ 0 and variance ~ 1.
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    if relu:
        a_prev = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
        h = torch.relu(a_prev)
    else:
        h = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
    if init == "gaussian":
        c, mu, s2 = gaussian_relu(d_in) if relu else gaussian_linear(d_in)
        W = mu + math.sqrt(s2) * torch.randn(d_out, d_in, generator=gen, dtype=torch.float64)
    else:
        lo, hi = uniform_bounds(d_in, relu)
        c = 0.0
        W = lo + (hi - lo) * torch.rand(d_out, d_in, generator=gen, dtype=torch.float64)
    a = h @ W.T + c
    return a.mean(), a.var()
