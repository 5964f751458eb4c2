"""Reference for attention: D^-1 A V, separable rows, random features, and how the costs scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("attention.py")


def _qkv(n: int, d: int, seed: int = 0, scale: float = 0.3):
    rng = np.random.default_rng(seed)
    return [scale * rng.normal(size=(n, d)) for _ in range(3)]


def test_dav_is_standard_attention() -> None:
    Q, K, V = _qkv(40, 5)
    np.testing.assert_allclose(ref.attention_dav(Q, K, V), ref.attention_std(Q, K, V), atol=1e-12)


def test_separable_rows_are_distributions_and_order_does_not_matter() -> None:
    Q, K, V = _qkv(30, 4, seed=1, scale=2.0)
    W = ref.separable_weights(Q, K)
    assert (W >= 0).all()
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    np.testing.assert_allclose(ref.attention_separable(Q, K, V), W @ V, atol=1e-12)
    assert np.linalg.matrix_rank(W) <= 4  # rank <= d: less expressive than softmax(QK^T)


def test_gaussian_identity_by_monte_carlo() -> None:
    rng = np.random.default_rng(2)
    q, k = 0.4 * rng.normal(size=3), 0.4 * rng.normal(size=3)
    x = rng.normal(size=(400_000, 3))
    estimate = np.exp(-q @ q / 2) * np.mean(np.exp(x @ q) * np.exp(x @ k)) * np.exp(-k @ k / 2)
    assert estimate == pytest.approx(np.exp(q @ k), rel=0.01)


def test_random_features_are_positive_and_converge() -> None:
    Q, K, V = _qkv(20, 3, seed=3)
    omegas = np.random.default_rng(4).normal(size=(50, 3))
    assert (ref.positive_random_features(Q, omegas) > 0).all()
    exact = ref.attention_std(Q, K, V)
    errors = [np.mean([np.abs(ref.attention_approx(Q, K, V, m, seed=s) - exact).mean() for s in range(5)])
              for m in (10, 1000, 100_000)]
    assert errors[0] > errors[1] > errors[2]


def test_cost_scaling_matches_the_stated_classes() -> None:
    # doubling n: standard x4 (Θ(n^2 d)), separable and approx x2 (Θ(n d^2), Θ(n m d))
    assert ref.flops_std(2000, 16) / ref.flops_std(1000, 16) == 4
    assert ref.flops_separable(2000, 16) / ref.flops_separable(1000, 16) == 2
    assert ref.flops_approx(2000, 16, 32) / ref.flops_approx(1000, 16, 32) == 2


FEATURE_MAP = ("Sampling $\\omega_i$ iid from $\\mathcal{N}(0, I)$, the feature map\n\n"
               "$$f(x) = \\frac{1}{\\sqrt{m}} %s \\left[\\exp(\\omega_1^\\top x), \\dots, \\exp(\\omega_m^\\top x)\\right]$$")


@pytest.mark.parametrize(("factor", "found"), [
    ("\\exp\\left(-\\frac{\\|\\mathbf{x}\\|^2}{2}\\right)", True), ("e^{-\\|x\\|_2^2/2}", True),
    ("\\exp(-\\frac{1}{2}x^\\top x)", True),
    ("\\exp(-\\|x\\|^2)", False), ("\\exp(-\\|x\\|^2/4)", False), ("\\exp(\\|x\\|^2/2)", False),
])
def test_the_feature_maps_gaussian_factor_is_checked_up_to_equivalence(factor: str, found: bool) -> None:
    from grader.commands.try_ import _grade

    course = Course(Path(__file__).resolve().parents[2])
    q = course.rubric("attention").assignment.question("3.4")
    r = _grade(q, FEATURE_MAP % factor, course, 60.0)
    missed = [f.message for f in r.findings if "a positive feature map" in f.message and "not found" in f.message]
    assert bool(missed) is not found, [f.message for f in r.findings]
