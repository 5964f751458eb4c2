"""Reference implementations for attention-lab, written from the definitions: correct and deliberately naive."""

from __future__ import annotations

import math

import torch


def softmax_row(x: torch.Tensor) -> torch.Tensor:
    """Each row (last axis) normalised to a probability vector."""
    return torch.softmax(x, dim=-1)


def softmax_col(x: torch.Tensor) -> torch.Tensor:
    """Each column (the sequence axis, -2) normalised to a probability vector."""
    return torch.softmax(x, dim=-2)


def attention_separable(Q: torch.Tensor, K: torch.Tensor, V: torch.Tensor) -> torch.Tensor:
    """softmax_row(Q) softmax_col(K)^T V for each batch element; (B, n, d) -> (B, n, d).

    Materialises the n x n matrix, as the definition reads: Theta(n^2 d) time, Theta(n^2) memory.
    """
    A = softmax_row(Q) @ softmax_col(K).transpose(-1, -2)
    return A @ V


def random_features(X: torch.Tensor, omega: torch.Tensor) -> torch.Tensor:
    """f(x) = exp(omega x - |x|^2 / 2) / sqrt(m), row-wise: (B, n, d), (m, d) -> (B, n, m)."""
    m = omega.shape[0]
    return torch.exp(X @ omega.T - (X * X).sum(dim=-1, keepdim=True) / 2) / math.sqrt(m)


def attention_random_features(Q: torch.Tensor, K: torch.Tensor, V: torch.Tensor, omega: torch.Tensor) -> torch.Tensor:
    """D^{-1} A V with A = f(Q) f(K)^T and D = diag(A 1); (B, n, d) x3, (m, d) -> (B, n, d).

    Materialises A (n x n), as the definition reads.
    """
    A = random_features(Q, omega) @ random_features(K, omega).transpose(-1, -2)
    D = A.sum(dim=-1, keepdim=True)
    return (A @ V) / D  # D^{-1} (A V): the diagonal scaling applied to n x d, not to n x n
