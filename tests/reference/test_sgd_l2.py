"""Reference for SGD + L2 with momentum on g only versus on both: lambda' = (1 - mu) lambda, not (1 + mu) lambda."""

from __future__ import annotations

from pathlib import Path

import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("sgd_l2.py")


def _grads(seed: int):
    noise = torch.randn(50, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    A = torch.tensor([[2.0, 0.3, 0.0], [0.3, 1.0, -0.2], [0.0, -0.2, 0.5]], dtype=torch.float64)

    def grads(t: int, theta: torch.Tensor) -> torch.Tensor:
        return A @ theta + 0.1 * noise[t]

    return grads


def test_recurrences_match_with_derived_parameters() -> None:
    alpha, mu, lam = 0.1, 0.9, 0.05
    a2, m2, l2 = ref.equivalent_params(alpha, mu, lam)
    assert ref.recurrence_coefficients(alpha, mu, lam, "g_only") == ref.recurrence_coefficients(a2, m2, l2, "both")
    assert abs(l2 - (1 - mu) * lam) < 1e-15


def test_trajectories_coincide() -> None:
    alpha, mu, lam = 0.05, 0.8, 0.3
    theta0 = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    a2, m2, l2 = ref.equivalent_params(alpha, mu, lam)
    A = ref.run_g_only(theta0, _grads(0), alpha, mu, lam, 40)
    B = ref.run_both(theta0, _grads(0), a2, m2, l2, 40, v0=ref.matching_initial_buffer(theta0, alpha, lam))
    assert all(torch.allclose(x, y) for x, y in zip(A, B))


def test_solution_set_lambda_is_wrong() -> None:
    alpha, mu, lam = 0.05, 0.8, 0.3
    theta0 = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    a2, m2, l2 = ref.solution_set_params(alpha, mu, lam)
    assert ref.recurrence_coefficients(alpha, mu, lam, "g_only") != ref.recurrence_coefficients(a2, m2, l2, "both")
    A = ref.run_g_only(theta0, _grads(1), alpha, mu, lam, 40)
    for v0 in (None, ref.matching_initial_buffer(theta0, alpha, lam)):
        B = ref.run_both(theta0, _grads(1), a2, m2, l2, 40, v0=v0)
        assert not torch.allclose(A[-1], B[-1])
