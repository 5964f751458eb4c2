"""Reference for the Taylor / gradient-descent / Newton questions."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("taylor_newton.py")


def _problem(seed: int, definite: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    A = torch.randn(4, 4, generator=gen, dtype=torch.float64)
    H = A @ A.T + 0.5 * torch.eye(4, dtype=torch.float64) if definite else A + A.T
    return torch.randn(4, generator=gen, dtype=torch.float64), torch.randn(4, generator=gen, dtype=torch.float64), H


@pytest.mark.parametrize("seed", range(4))
def test_model_after_step_closed_form(seed: int) -> None:
    x0, g, H = _problem(seed, definite=False)
    f_hat = ref.taylor_model(1.5, g, H, x0)
    for eps in (0.01, 0.3, 2.0):
        assert float(f_hat(x0 - eps * g)) == pytest.approx(float(ref.model_after_gd_step(1.5, g, H, eps)))


@pytest.mark.parametrize("seed", range(20))
def test_decrease_condition_case_by_case(seed: int) -> None:
    x0, g, H = _problem(seed, definite=seed % 2 == 0)
    for eps in (1e-3, 0.1, 0.5, 1.0, 3.0, 10.0):
        assert ref.step_decreases(g, H, eps) == (float(ref.decrease(g, H, eps)) < 0)
    if float(g @ H @ g) > 0:
        eps_star = ref.best_step(g, H)
        assert float(ref.decrease(g, H, eps_star)) < float(ref.decrease(g, H, 0.9 * eps_star))
        assert float(ref.decrease(g, H, eps_star)) < float(ref.decrease(g, H, 1.1 * eps_star))


def test_negative_curvature_every_step_decreases() -> None:
    g = torch.tensor([1.0, 0.0], dtype=torch.float64)
    H = torch.tensor([[-2.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    assert all(ref.step_decreases(g, H, eps) for eps in (0.1, 1.0, 100.0))
    # the bound 2 g^T g / g^T H g is negative here: "eps < bound" would (wrongly) say no step works
    assert 2 * float(g @ g) / float(g @ H @ g) < 0


@pytest.mark.parametrize("seed", range(4))
def test_newton_step_is_stationary_point_of_model(seed: int) -> None:
    x0, g, H = _problem(seed, definite=True)
    x = ref.newton_step(x0, g, H)
    assert torch.allclose(ref.model_gradient(g, H, x0, x), torch.zeros(4, dtype=torch.float64), atol=1e-10)
    # and autograd agrees that the model's gradient is g + H (x - x0)
    y = x0.clone().add_(0.3).requires_grad_(True)
    ref.taylor_model(0.0, g, H, x0)(y).backward()
    assert torch.allclose(y.grad, ref.model_gradient(g, H, x0, y.detach()))
