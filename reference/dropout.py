"""Dropout on the inputs of linear regression versus L2: expected loss, its minimiser, the ridge solution.

L(w) = ||y - (X ⊙ R) w||^2 with R_ij ~ Bern(p) i.i.d. (p = probability of keeping a unit). Then

    E[L(w)] = ||y - p X w||^2 + p (1 - p) ||Gamma w||^2,   Gamma = diag(X^T X)^{1/2},
    p w_dropout = (X^T X + lambda_dropout Gamma^2)^{-1} X^T y,   lambda_dropout = (1 - p) / p,
    w_L2 = (X^T X + lambda_L2 I)^{-1} X^T y   for L(w) = ||y - X w||^2 + lambda_L2 ||w||^2.
"""

from __future__ import annotations

from typing import Any


def gamma(X: Any) -> Any:
    """Gamma = diag((X^T X)_ii^{1/2})."""
    import torch

    return torch.diag(torch.sqrt(torch.diagonal(X.T @ X)))


def expected_loss_closed_form(X: Any, y: Any, w: Any, p: float) -> Any:
    G = gamma(X)
    r = y - p * (X @ w)
    return r @ r + p * (1 - p) * (G @ w) @ (G @ w)


def expected_loss_exact(X: Any, y: Any, w: Any, p: float) -> Any:
    """E[L(w)] summed over every mask of a small X exactly (2^(n d) masks), for the tests."""
    import itertools

    import torch

    n, d = X.shape
    total = torch.zeros((), dtype=X.dtype)
    for bits in itertools.product((0, 1), repeat=n * d):
        R = torch.tensor(bits, dtype=X.dtype).reshape(n, d)
        k = int(R.sum())
        prob = p**k * (1 - p) ** (n * d - k)
        r = y - (X * R) @ w
        total = total + prob * (r @ r)
    return total


def lambda_dropout(p: float) -> float:
    """The regularization coefficient of dropout: (1 - p) / p; it grows as p (keep probability) falls."""
    return (1 - p) / p


def w_dropout(X: Any, y: Any, p: float) -> Any:
    """The minimiser of E[L(w)]: w = (X^T X + lambda Gamma^2)^{-1} X^T y / p."""
    import torch

    G = gamma(X)
    return torch.linalg.solve(X.T @ X + lambda_dropout(p) * G @ G, X.T @ y) / p


def w_l2(X: Any, y: Any, lam: float) -> Any:
    """Ridge: the minimiser of ||y - X w||^2 + lam ||w||^2."""
    import torch

    d = X.shape[1]
    return torch.linalg.solve(X.T @ X + lam * torch.eye(d, dtype=X.dtype), X.T @ y)
