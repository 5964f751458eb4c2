"""Reference for the backprop exercises: finite-difference orders, weight-normalized linear, strided recurrence."""

from __future__ import annotations

from pathlib import Path

import math

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("backprop.py")


def _loss(w: torch.Tensor) -> torch.Tensor:
    return torch.sin(w).sum() + (w**2).prod() + torch.exp(0.3 * w).sum()


def _grad(w: torch.Tensor) -> torch.Tensor:
    w = w.clone().requires_grad_(True)
    _loss(w).backward()
    return w.grad.detach()


def test_forward_difference_error_is_first_order_small_central_second_order() -> None:
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(3, generator=gen, dtype=torch.float64)
    d = torch.randn(3, generator=gen, dtype=torch.float64)
    d = d / torch.linalg.vector_norm(d)
    J = _grad(w)
    fwd = [ref.forward_difference_error(_loss, J, w, eps * d) for eps in (1e-2, 1e-3)]
    cen = [ref.central_difference_error(_loss, J, w, eps * d) for eps in (1e-2, 1e-3)]
    # error / eps -> 0 (o(eps)); forward error shrinks ~eps^2, central ~eps^3 for a smooth loss
    assert fwd[1] / 1e-3 < fwd[0] / 1e-2
    assert math.log10(fwd[0] / fwd[1]) == pytest.approx(2, abs=0.2)
    assert math.log10(cen[0] / cen[1]) == pytest.approx(3, abs=0.2)
    assert cen[1] < 1e-3 * fwd[1]


def test_central_check_tolerates_a_larger_step_than_forward() -> None:
    # the point of 1.b: for the same step the central error is far smaller, so a larger eps (less round-off) works
    w = torch.tensor([0.4, -0.7, 1.1], dtype=torch.float64)
    J = _grad(w)
    d = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)
    d = d / torch.linalg.vector_norm(d)
    for eps in (1e-2, 1e-3):
        assert ref.central_difference_error(_loss, J, w, eps * d) < 0.1 * ref.forward_difference_error(_loss, J, w, eps * d)


def test_check_gradient_tool_accepts_right_and_rejects_wrong_gradient() -> None:
    w = torch.tensor([0.2, 0.5, -0.3], dtype=torch.float64)
    assert ref.check_gradient(_loss, _grad(w), w) < 1e-7
    assert ref.check_gradient(_loss, 1.01 * _grad(w), w) > 1e-3


@pytest.mark.parametrize("seed", range(3))
def test_weightnorm_backward_matches_autograd(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    m, n = 4, 5
    W = torch.randn(m, n, generator=gen, dtype=torch.float64).requires_grad_(True)
    b = torch.randn(m, generator=gen, dtype=torch.float64).requires_grad_(True)
    x = torch.randn(n, generator=gen, dtype=torch.float64).requires_grad_(True)
    g = torch.randn(m, generator=gen, dtype=torch.float64)
    (ref.weightnorm_forward(W, b, x) @ g).backward()
    gW, gb, gx = ref.weightnorm_backward(W.detach(), b.detach(), x.detach(), g)
    assert torch.allclose(gW, W.grad) and torch.allclose(gb, b.grad) and torch.allclose(gx, x.grad)
    # the solution set's eq. (15) sums the rows over i: every row becomes the same vector, which is wrong
    summed = gW.sum(dim=0, keepdim=True).expand_as(gW)
    assert not torch.allclose(summed, W.grad)


@pytest.mark.parametrize("n", [5, 6, 9])
def test_strided_backward_matches_autograd_and_cases(n: int) -> None:
    gen = torch.Generator().manual_seed(n)
    x = torch.randn(n, generator=gen, dtype=torch.float64).requires_grad_(True)
    a = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
    g = torch.randn(n - 2, generator=gen, dtype=torch.float64)
    (ref.strided_forward(a, b, x) @ g).backward()
    ga, gb, gx = ref.strided_backward(a.detach(), b.detach(), x.detach(), g)
    assert torch.allclose(ga, a.grad) and torch.allclose(gb, b.grad) and torch.allclose(gx, x.grad)
    cases = ref.strided_grad_x_cases(1.7, g.tolist(), n)
    assert torch.allclose(torch.tensor(cases, dtype=torch.float64), x.grad)


def test_solution_set_eq19_cases_contradict_at_the_boundaries() -> None:
    n, a = 7, 2.0
    g = [1.0, 2.0, 3.0, 4.0, 5.0]
    vals = ref.solution_set_case_values(a, g, n)
    right = ref.strided_grad_x_cases(a, g, n)
    assert vals[2] == [a * g[1], None]  # the middle case needs g_0 at j = 2
    assert len(vals[n - 2]) == 2 and vals[n - 2][0] == right[n - 3] and vals[n - 2][1] != right[n - 3]
