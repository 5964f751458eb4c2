"""Reference for the initialization question: the variance identity, Gaussian and uniform schemes."""

from __future__ import annotations

from pathlib import Path

import math

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("initialization.py")


def test_var_product_identity_by_simulation() -> None:
    gen = torch.Generator().manual_seed(0)
    X = 1.5 + 2.0 * torch.randn(1_000_000, generator=gen, dtype=torch.float64)
    Y = -0.7 + 0.5 * torch.randn(1_000_000, generator=gen, dtype=torch.float64)
    assert float((X * Y).var()) == pytest.approx(ref.var_product(4.0, 1.5, 0.25, -0.7), rel=0.01)


def test_preactivation_moments_formula() -> None:
    assert ref.preactivation_moments(10, 0.5, 0.1, 0.2, 0.0, 1.0) == pytest.approx((0.5, 10 * (0.2 + 0.01)))
    c, mu, s2 = ref.gaussian_linear(64)
    assert ref.preactivation_moments(64, c, mu, s2, 0.0, 1.0) == pytest.approx((0.0, 1.0))


def test_relu_second_moment_by_simulation() -> None:
    a = torch.randn(2_000_000, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert float((torch.relu(a) ** 2).mean()) == pytest.approx(ref.relu_second_moment(), rel=0.01)


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("init", ["gaussian", "uniform"])
def test_schemes_give_zero_mean_unit_variance(relu: bool, init: str) -> None:
    mean, var = ref.simulate(d_in=256, d_out=1024, n=2000, relu=relu, init=init)
    assert abs(float(mean)) < 0.05
    assert float(var) == pytest.approx(1.0, rel=0.06)


def test_uniform_bounds_values() -> None:
    assert ref.uniform_bounds(12, relu=False) == pytest.approx((-0.5, 0.5))  # sqrt(3/12)
    assert ref.uniform_bounds(6, relu=True) == pytest.approx((-1.0, 1.0))  # sqrt(6/6)
    lo, hi = ref.uniform_bounds(7, relu=True)
    assert (hi - lo) ** 2 / 12 == pytest.approx(2 / 7)
    assert math.isclose(lo, -hi)
