"""Reference for weight decay versus L2: the sign of lambda in each handout, and Adam's uneven decay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("weight_decay.py")


@pytest.mark.parametrize("handout,expected_sign", [("decoding-2021", -1), ("attention", +1)])
def test_lambda_sign_per_handout(handout: str, expected_sign: int) -> None:
    eta, gamma = 0.1, 0.3
    sign = ref.DECAY_SIGN[handout]
    lam = ref.lambda_for_l2(eta, gamma, sign)
    assert lam == pytest.approx(expected_sign * 2 * eta * gamma)
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    np.testing.assert_allclose(ref.sgd_weight_decay_step(theta, grad, eta, lam, sign), ref.sgd_l2_step(theta, grad, eta, gamma))
    # the other handout's lambda is wrong here
    assert not np.allclose(ref.sgd_weight_decay_step(theta, grad, eta, -lam, sign), ref.sgd_l2_step(theta, grad, eta, gamma))


def test_adam_l2_decays_small_gradient_weights_more() -> None:
    small, large = ref.relative_decay("l2")
    assert small > 5 * large


def test_decoupled_decay_is_even() -> None:
    small, large = ref.relative_decay("decoupled")
    assert small == pytest.approx(large, rel=0.1)
