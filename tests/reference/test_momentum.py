"""Reference for momentum and the running average: equivalence, unrolled form, bias and its correction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("momentum.py")


@pytest.mark.parametrize("beta,delta", [(0.9, 0.1), (0.5, 2.0), (0.99, 0.01)])
def test_momentum_equals_running_average(beta: float, delta: float) -> None:
    grads = np.random.default_rng(0).normal(size=(30, 3))
    alpha, eps = ref.equivalent_momentum(beta, delta)
    assert (alpha, eps) == pytest.approx((beta, delta * (1 - beta)))
    np.testing.assert_allclose(ref.momentum_updates(grads, alpha, eps), ref.running_average_updates(grads, beta, delta))
    # and another eps does not
    assert not np.allclose(ref.momentum_updates(grads, alpha, 2 * eps), ref.running_average_updates(grads, beta, delta))


def test_unrolled_form() -> None:
    grads = np.random.default_rng(1).normal(size=(12, 2))
    beta = 0.7
    v = np.zeros(2)
    for g in grads:
        v = beta * v + (1 - beta) * g
    np.testing.assert_allclose(ref.unrolled(grads, beta), v)


def test_bias_and_correction() -> None:
    beta, t = 0.9, 5
    mean = np.array([1.0, -2.0])
    grads = mean + np.random.default_rng(2).normal(size=(200_000, t, 2))
    v_t = np.array([ref.unrolled(g, beta) for g in grads[:20_000]]).mean(axis=0)
    np.testing.assert_allclose(v_t, ref.expected_running_average(mean, beta, t), atol=0.02)
    np.testing.assert_allclose(ref.bias_corrected(ref.expected_running_average(mean, beta, t), beta, t), mean)
