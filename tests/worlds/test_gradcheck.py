"""The finite-difference gradient checker, and the gradient worlds' numeric derivatives against torch.autograd."""

from __future__ import annotations

import numpy as np

from grader.worlds.gradcheck import check_gradient, numeric_gradient, relative_error
from grader.math.parsed import parse
from grader.worlds.evaluate import Env, Evaluator


def test_central_differences_are_second_order() -> None:
    f = lambda x: float(np.sum(np.sin(x)) + x[0] ** 3)
    x = np.array([0.3, -1.2, 2.0])
    exact = np.cos(x) + np.array([3 * x[0] ** 2, 0, 0])
    assert np.max(np.abs(numeric_gradient(f, x) - exact)) < 1e-8


def test_right_gradient_passes_and_wrong_one_fails() -> None:
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    f = lambda x: float(0.5 * x @ A @ x)
    x = np.array([1.0, -2.0])
    assert check_gradient(f, x, A @ x).ok
    bad = check_gradient(f, x, A.T @ x * np.array([1.0, 2.0]))
    assert not bad.ok and bad.worst_index == (1,)


def test_relative_error_is_scale_free_and_defined_at_zero() -> None:
    assert relative_error(np.array([1e6]), np.array([1e6 * (1 + 1e-9)]))[0] < 1e-8
    assert relative_error(np.zeros(2), np.zeros(2)).max() == 0.0


def test_matrix_argument_keeps_its_shape() -> None:
    W = np.arange(6.0).reshape(2, 3)
    g = numeric_gradient(lambda M: float(np.sum(M ** 2)), W)
    assert g.shape == (2, 3) and np.allclose(g, 2 * W, atol=1e-6)


def test_weightnorm_world_gradient_matches_autograd(world) -> None:
    for inst in world("worlds/normalization_world.py:weightnorm").instances():
        numeric = Evaluator(Env(inst)).ev(parse(r"\nabla_{\mathbf{u}} L").root)
        reference = inst.value(("reference nabla_u L", ()))
        assert np.allclose(np.ravel(numeric), np.ravel(reference), rtol=1e-6, atol=1e-8)


def test_normalized_linear_world_gradients_match_autograd(world) -> None:
    for inst in world("worlds/backprop_world.py:normalized_linear").instances():
        ref = inst.value(("reference grads", ()))
        ev = Evaluator(Env(inst))
        for i in range(1, ref["W"].shape[0] + 1):
            got = ev.ev(parse(rf"\frac{{\partial L}}{{\partial w_{i}}}").root)
            assert np.allclose(np.ravel(got), ref["W"][i - 1], rtol=1e-6, atol=1e-8)
        got_x = ev.ev(parse(r"\nabla_{x} L").root)
        assert np.allclose(np.ravel(got_x), ref["x"], rtol=1e-6, atol=1e-8)
