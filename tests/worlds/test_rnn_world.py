"""The RNN worlds satisfy the facts of the reference solution: g_t = sigma(h_t), the Jacobian and its bound."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from grader.worlds import World
from grader.worlds.world import ACTIVATIONS, Instance


def _values(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, np.ndarray], dict[int, np.ndarray], int]:
    T = inst.scope.T
    W, U, b = inst.value(("W", ())), inst.value(("U", ())), inst.value(("b", ()))
    x = {t: inst.value(("x", (t,))) for t in range(1, T + 1)}
    h = {t: inst.value(("h", (t,))) for t in range(0, T + 1)}
    return W, U, b, x, h, T


def _jacobian(inst: Instance) -> np.ndarray:
    """dh_T/dh_0 as the product of dh_t/dh_{t-1} = W diag(sigma'(h_{t-1}))."""
    W, _, _, _, h, T = _values(inst)
    dsigma = ACTIVATIONS[inst.draw.activation][1]
    J = np.eye(W.shape[0])
    for t in range(1, T + 1):
        J = W @ np.diag(dsigma(h[t - 1]).ravel()) @ J
    return J


def test_g_is_sigma_of_h_in_every_draw(world: Callable[[str], World]) -> None:
    # the induction claim: running g's recurrence from g_0 = sigma(h_0) gives sigma(h_t) at every t
    for inst in world("worlds/rnn_world.py:induction").instances():
        sigma = ACTIVATIONS[inst.draw.activation][0]
        T = inst.scope.T
        for t in range(T + 1):
            np.testing.assert_allclose(inst.value(("g", (t,))), sigma(inst.value(("h", (t,)))), atol=1e-12)


def test_jacobian_matches_finite_differences(world: Callable[[str], World]) -> None:
    for inst in world("worlds/rnn_world.py:vanishing").instances():
        if inst.draw.activation == "relu":
            continue  # not differentiable at 0: finite differences may straddle the kink
        W, U, b, x, h, T = _values(inst)
        sigma = ACTIVATIONS[inst.draw.activation][0]

        def h_T(h0: np.ndarray, W: np.ndarray = W, U: np.ndarray = U, b: np.ndarray = b,
                x: dict[int, np.ndarray] = x, T: int = T, sigma: Callable[[np.ndarray], np.ndarray] = sigma) -> np.ndarray:
            out = h0
            for t in range(1, T + 1):
                out = W @ sigma(out) + U @ x[t] + b
            return out

        eps = 1e-6
        n = W.shape[0]
        h0 = h[0].reshape(-1, 1) if h[0].ndim == 1 else h[0]
        cols = [(h_T(h0 + eps * e.reshape(-1, 1)) - h_T(h0 - eps * e.reshape(-1, 1))).ravel() / (2 * eps) for e in np.eye(n)]
        np.testing.assert_allclose(_jacobian(inst), np.stack(cols, axis=1), atol=1e-6)


def test_bound_holds_and_vanishes(world: Callable[[str], World]) -> None:
    # ||dh_T/dh_0|| <= prod ||W|| ||D sigma|| <= (gamma ||W||)^T <= delta^T under the hypothesis gamma ||W|| < delta < 1
    for inst in world("worlds/rnn_world.py:vanishing").instances():
        W, _, _, _, _, T = _values(inst)
        gamma, delta = inst.value(("gamma", ())), inst.value(("delta", ()))
        assert delta < 1
        bound = (gamma * np.linalg.norm(W, 2)) ** T
        assert np.linalg.norm(_jacobian(inst), 2) <= bound + 1e-12 <= delta ** T + 1e-9


def test_reversed_world_meets_the_reversed_condition(world: Callable[[str], World]) -> None:
    for inst in world("worlds/rnn_world.py:exploding").instances():
        W = inst.value(("W", ()))
        gamma, delta = inst.value(("gamma", ())), inst.value(("delta", ()))
        assert np.linalg.eigvalsh(W.T @ W).max() > delta ** 2 / gamma ** 2


def test_reversed_condition_is_not_sufficient() -> None:
    """lambda_1(W^T W) far above 1/gamma^2 and still ||dh_T/dh_0|| -> 0: tanh saturated by a large bias."""
    rng = np.random.default_rng(1)
    n, T = 3, 30
    W = 3.0 * np.eye(n) + 0.1 * rng.normal(size=(n, n))
    b = 20.0 * np.ones(n)
    h = [20.0 * np.ones(n)]
    J = np.eye(n)
    for _ in range(T):
        J = W @ np.diag(1.0 - np.tanh(h[-1]) ** 2) @ J
        h.append(W @ np.tanh(h[-1]) + b)
    assert np.linalg.eigvalsh(W.T @ W).max() > 1  # gamma = 1 for tanh
    assert np.linalg.norm(J, 2) < 1e-6


@pytest.mark.parametrize("name", ["induction", "vanishing", "exploding"])
def test_draws_cover_a_non_invertible_activation(world: Callable[[str], World], name: str) -> None:
    # ReLU has no inverse: an induction step that needs sigma^{-1} must not be accepted as the proof
    assert "relu" in {inst.draw.activation for inst in world(f"worlds/rnn_world.py:{name}").instances()}
