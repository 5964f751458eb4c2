"""`evaluate` binds symbols by key (name + evaluated index) — the scheme worlds build on."""

from __future__ import annotations

import numpy as np
import pytest

from grader.math import Unbound, evaluate, parse


def test_indexed_symbols_bind_by_evaluated_index() -> None:
    node = parse(r"\mathbf{h}_{t-2}").root
    h3 = np.array([[1.0], [2.0]])
    assert np.allclose(evaluate(node, {"t": 5, "h_3": h3}), h3)


def test_unbound_names_the_key() -> None:
    with pytest.raises(Unbound) as info:
        evaluate(parse(r"g_{t-1}").root, {"t": 5})
    assert info.value.key == "g_4"


def test_functions_derivatives_and_jacobian() -> None:
    env = {"sigma": np.tanh, "h": np.array([[0.1], [0.2]]), "x": 0.3}
    assert np.isclose(evaluate(parse(r"\sigma'(x)").root, env), 1 - np.tanh(0.3) ** 2, atol=1e-6)
    jac = evaluate(parse(r"D\sigma(\mathbf{h})").root, env)
    assert jac.shape == (2, 2) and np.isclose(jac[1, 1], 1 - np.tanh(0.2) ** 2, atol=1e-6)
    assert np.isclose(evaluate(parse(r"\sigma'(x)").root, {**env, "sigma'": lambda v: 7.0}), 7.0)


def test_labels_primes_accents_and_gradients() -> None:
    env = {"theta^(2)": 1.5, "i": 2, "mu'": 0.25, "hat m_3": 4.0, "t": 3}
    assert evaluate(parse(r"\theta^{(i)}").root, env) == 1.5
    assert evaluate(parse(r"\mu'").root, env) == 0.25
    assert evaluate(parse(r"\hat{\mathbf{m}}_t").root, env) == 4.0
    assert evaluate(parse(r"\nabla_\theta L").root, {"grad_theta L": 2.0}) == 2.0
    assert evaluate(parse(r"\frac{\partial L}{\partial \theta}").root, {"dL/dtheta": 3.0}) == 3.0
    # \theta^{t} is the world's sequence element when it binds "theta^5", else a power
    assert evaluate(parse(r"\theta^{t}").root, {"theta": 2.0, "t": 5, "theta^5": 9.0}) == 9.0
    assert evaluate(parse(r"\theta^{t}").root, {"theta": 2.0, "t": 5}) == 32.0


def test_matrices_do_not_commute_and_norm_is_operator_norm() -> None:
    rng = np.random.default_rng(0)
    w, u = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    assert np.allclose(evaluate(parse(r"\mathbf{W}\mathbf{U}").root, {"W": w, "U": u}), w @ u)
    assert np.isclose(evaluate(parse(r"\|\mathbf{W}\|").root, {"W": w}), np.linalg.norm(w, 2))
    assert np.allclose(evaluate(parse(r"\mathbf{W}^\top").root, {"W": w}), w.T)
    assert np.isclose(evaluate(parse(r"\delta^T").root, {"delta": 0.5, "T": 3}), 0.125)


def test_sums_bind_the_index() -> None:
    env = {"t": 3, "beta": 0.5, "g_1": 1.0, "g_2": 2.0, "g_3": 4.0}
    value = evaluate(parse(r"\sum_{i=1}^t \beta^{t-i} g_i").root, env)
    assert np.isclose(value, 0.25 * 1 + 0.5 * 2 + 4)


def test_each_chain_link_evaluates_alone() -> None:
    p = parse(r"(\delta^2)^{T/2} = \delta^T \le 1")
    env = {"delta": 0.9, "T": 4}
    for lhs, op, rhs in p.links:
        a, b = evaluate(lhs, env), evaluate(rhs, env)
        assert (np.isclose(a, b) if op == "=" else a <= b + 1e-12)


def test_limits_are_evaluated_numerically() -> None:
    from grader.math import Unsupported

    assert evaluate(parse(r"\lim_{k\to\infty} (1 + x/k)^k").root, {"x": 0.5}) == pytest.approx(np.exp(0.5), rel=1e-9)
    assert evaluate(parse(r"\lim_{h\to 0} \frac{(x+h)^2 - x^2}{h}").root, {"x": 1.5}) == pytest.approx(3.0, rel=1e-9)
    with pytest.raises(Unsupported):
        evaluate(parse(r"\lim_{n\to\infty} \sin(n)").root, {})
    with pytest.raises(Unsupported):
        evaluate(parse(r"\lim_{h\to 0} \frac{|h|}{h}").root, {})  # the one-sided limits differ


def test_expectation_tells_second_moment_from_squared_mean() -> None:
    from grader.math import equivalent

    assert equivalent(r"\mathbb E[x^2]", r"\mathbb E[x]^2").verdict == "different"
    assert equivalent(r"\mathbb E[x]^2", r"(\mathbb E[x])^2").verdict == "equivalent"
    assert equivalent(r"\mathbb E_{x}[a x]", r"a\,\mathbb E_{x}[x]").verdict == "equivalent"  # a is not random
    assert equivalent(r"\mathbb E[x] + x", r"2x").verdict == "equivalent"  # x outside E: a constant inside it
