"""Reference for 1-bit stochastic quantization: unbiased, the feasible (a, b), the minimal-variance choice."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("quantization.py")
G = torch.tensor([0.3, -1.2, 2.5, 0.0, 1.1], dtype=torch.float64)


def test_exact_expectation_and_variance_are_unbiased_for_feasible_ab() -> None:
    for a, b in [ref.min_variance_ab(G), (5.0, -2.0), (10.0, -4.0)]:
        assert ref.feasible(G, a, b)
        p = ref.probabilities(G, a, b)
        assert torch.all((p >= 0) & (p <= 1))
        assert torch.allclose(a * p + b, G)  # E[a g~ + b] = a p + b
        assert torch.allclose(ref.variance(G, a, b), a**2 * p * (1 - p))


def test_monte_carlo_mean() -> None:
    a, b = ref.min_variance_ab(G)
    gen = torch.Generator().manual_seed(0)
    draws = torch.stack([a * ref.quantize(G, a, b, gen) + b for _ in range(40_000)])
    assert torch.allclose(draws.mean(0), G, atol=0.05)


def test_min_variance_choice_and_non_uniqueness() -> None:
    a, b = ref.min_variance_ab(G)
    assert (a, b) == pytest.approx((3.7, -1.2))
    best = ref.variance(G, a, b)
    # every other feasible (a, b) on a grid has at least this variance in every coordinate
    for b2 in torch.linspace(-4, -1.2, 15, dtype=torch.float64):
        for top in torch.linspace(2.5, 6, 15, dtype=torch.float64):
            a2 = float(top - b2)
            assert torch.all(ref.variance(G, a2, float(b2)) >= best - 1e-12)
    assert not ref.feasible(G, a, b + 0.1)  # b above min g: a probability leaves [0, 1]
    assert not ref.feasible(G, a - 0.1, b)
