"""Reference for dropout versus L2 in linear regression."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("dropout.py")


def _data(seed: int, n: int, d: int):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, d, generator=gen, dtype=torch.float64), torch.randn(n, generator=gen, dtype=torch.float64),
            torch.randn(d, generator=gen, dtype=torch.float64))


@pytest.mark.parametrize("p", [0.3, 0.5, 0.9])
def test_expected_loss_closed_form_is_exact(p: float) -> None:
    X, y, w = _data(0, 3, 3)  # 2^9 masks, enumerated exactly
    assert float(ref.expected_loss_exact(X, y, w, p)) == pytest.approx(float(ref.expected_loss_closed_form(X, y, w, p)))


@pytest.mark.parametrize("p", [0.2, 0.6, 0.95])
def test_minimiser_zeroes_the_autograd_gradient(p: float) -> None:
    X, y, _ = _data(1, 12, 4)
    w = ref.w_dropout(X, y, p).clone().requires_grad_(True)
    ref.expected_loss_closed_form(X, y, w, p).backward()
    assert torch.allclose(w.grad, torch.zeros(4, dtype=torch.float64), atol=1e-9)
    # and p w = (X^T X + lambda Gamma^2)^{-1} X^T y with lambda = (1-p)/p
    G = ref.gamma(X)
    rhs = torch.linalg.solve(X.T @ X + (1 - p) / p * G @ G, X.T @ y)
    assert torch.allclose(p * w.detach(), rhs)


def test_lambda_decreases_with_keep_probability() -> None:
    lams = [ref.lambda_dropout(p) for p in (0.1, 0.5, 0.9, 1.0)]
    assert lams == sorted(lams, reverse=True) and lams[-1] == 0


def test_ridge_solution() -> None:
    X, y, _ = _data(2, 10, 3)
    w = ref.w_l2(X, y, 0.7).clone().requires_grad_(True)
    (((y - X @ w) ** 2).sum() + 0.7 * (w**2).sum()).backward()
    assert torch.allclose(w.grad, torch.zeros(3, dtype=torch.float64), atol=1e-9)
