"""Reference for the RNN questions: g_t = sigma(h_t), the Jacobian bound, and the reversed condition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("rnn.py")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_g_is_sigma_of_h(activation: str) -> None:
    w = ref.make_world(activation=activation, seed=3)
    sigma, _ = ref.ACTIVATIONS[activation]
    np.testing.assert_allclose(w.g, sigma(w.h), atol=1e-12)


def test_jacobian_matches_finite_differences() -> None:
    w = ref.make_world(T=5, seed=4)
    sigma, _ = ref.ACTIVATIONS["tanh"]

    def hT(h0: np.ndarray) -> np.ndarray:
        h = h0
        for t in range(1, 6):
            h = w.W @ sigma(h) + w.U @ w.x[t] + w.b
        return h

    eps = 1e-6
    fd = np.stack([(hT(w.h[0] + eps * e) - hT(w.h[0] - eps * e)) / (2 * eps) for e in np.eye(len(w.b))], axis=1)
    np.testing.assert_allclose(ref.jacobian_hT_h0(w), fd, atol=1e-6)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_bound_holds_and_vanishes(activation: str) -> None:
    gamma = ref.GAMMA[activation]
    delta = 0.8
    w = ref.make_world(T=25, activation=activation, seed=5, spectral_norm=delta / gamma)
    norm = np.linalg.norm(ref.jacobian_hT_h0(w), 2)
    assert norm <= ref.vanishing_bound(w, gamma) + 1e-12 <= delta ** 25 + 1e-9


def test_reversed_condition_is_not_sufficient() -> None:
    scaled_lambda, norm = ref.saturated_counterexample()
    assert scaled_lambda > 1  # lambda_1(W^T W) > 1/gamma^2 > delta^2/gamma^2 with gamma = 1
    assert norm < 1e-6  # and still the gradient vanishes
