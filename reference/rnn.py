"""RNN gradients: the two recurrences, the induction g_t = sigma(h_t), and the vanishing-gradient bound.

Reference for bank topic `rnn` (decoding-2021 Q1, attention Q1, optreg-2020 Q5, newton Q1):

- induction step: if g_{t-1} = sigma(h_{t-1}) then
      h_t = W sigma(h_{t-1}) + U x_t + b = W g_{t-1} + U x_t + b,  so  sigma(h_t) = sigma(W g_{t-1} + U x_t + b) = g_t.
  No inverse of sigma is needed (ReLU is not invertible and the statement still holds).
- vanishing bound: dh_t/dh_{t-1} = W D sigma(h_{t-1}) with D sigma = diag(sigma'(h_{t-1})), so
      ||dh_T/dh_0|| <= prod_t ||W|| ||D sigma(h_{t-1})|| <= (gamma ||W||)^T = (gamma^2 lambda_1(W^T W))^{T/2} <= delta^T -> 0.
- reversed condition (lambda_1(W^T W) > delta^2/gamma^2): the bound no longer goes to 0, so gradients *may*
  explode.  Necessary (if ||dh_T/dh_0|| grows without bound then gamma ||W|| > 1 > delta), not sufficient:
  the bound is only an upper bound; a saturated activation (sigma' ~ 0 where the trajectory lives) or
  inputs outside the dominant direction of W still make the gradient vanish.  `saturated_counterexample`
  builds such a case.

numpy only; the worlds of issue 4 can build on `World`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Activation = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]  # (sigma, sigma')

ACTIVATIONS: dict[str, Activation] = {
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float)),  # not invertible
}
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}  # sup |sigma'|


@dataclass(frozen=True)
class World:
    """A random instance of every object of the RNN questions, both recurrences run forward."""

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    x: np.ndarray  # x[t] for t = 1..T (x[0] unused)
    h: np.ndarray  # h[t] = W sigma(h[t-1]) + U x[t] + b
    g: np.ndarray  # g[t] = sigma(W g[t-1] + U x[t] + b), g[0] = sigma(h[0])
    activation: str


def make_world(T: int = 8, n: int = 4, k: int = 3, activation: str = "tanh", seed: int = 0,
               spectral_norm: float | None = None) -> World:
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n, n))
    if spectral_norm is not None:
        W *= spectral_norm / np.linalg.norm(W, 2)
    U, b = rng.normal(size=(n, k)), rng.normal(size=n)
    x = rng.normal(size=(T + 1, k))
    sigma, _ = ACTIVATIONS[activation]
    h = np.zeros((T + 1, n))
    g = np.zeros((T + 1, n))
    h[0] = rng.normal(size=n)
    g[0] = sigma(h[0])
    for t in range(1, T + 1):
        h[t] = W @ sigma(h[t - 1]) + U @ x[t] + b
        g[t] = sigma(W @ g[t - 1] + U @ x[t] + b)
    return World(W, U, b, x, h, g, activation)


def jacobian_hT_h0(world: World) -> np.ndarray:
    """dh_T/dh_0 = prod_t W diag(sigma'(h_{t-1})), newest factor on the left."""
    _, dsigma = ACTIVATIONS[world.activation]
    J = np.eye(world.W.shape[0])
    for t in range(1, len(world.h)):
        J = world.W @ np.diag(dsigma(world.h[t - 1])) @ J
    return J


def vanishing_bound(world: World, gamma: float) -> float:
    """(gamma ||W||)^T = (gamma^2 lambda_1(W^T W))^{T/2}, the bound of 1.2."""
    T = len(world.h) - 1
    lam1 = float(np.linalg.eigvalsh(world.W.T @ world.W).max())
    return float((gamma ** 2 * lam1) ** (T / 2))


def saturated_counterexample(T: int = 30, n: int = 3, seed: int = 1) -> tuple[float, float]:
    """lambda_1(W^T W) far above 1/gamma^2, yet ||dh_T/dh_0|| -> 0: tanh saturated by a large bias.

    Returns (gamma^2 lambda_1(W^T W), ||dh_T/dh_0||): the first > 1, the second tiny.
    """
    rng = np.random.default_rng(seed)
    W = 3.0 * np.eye(n) + 0.1 * rng.normal(size=(n, n))
    U, b = np.zeros((n, 1)), 20.0 * np.ones(n)
    h = np.zeros((T + 1, n))
    h[0] = 20.0 * np.ones(n)
    for t in range(1, T + 1):
        h[t] = W @ np.tanh(h[t - 1]) + b
    world = World(W, U, b, np.zeros((T + 1, 1)), h, np.tanh(h), "tanh")
    lam1 = float(np.linalg.eigvalsh(W.T @ W).max())
    return lam1, float(np.linalg.norm(jacobian_hT_h0(world), 2))
