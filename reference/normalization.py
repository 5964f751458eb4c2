"""Normalization: batch/layer/instance statistics of the handout tensor (torch), weight norm vs batch norm, grad wrt u."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

# The handout's tensor (decoding-2021 4.1, optreg-2020 4.1): batch 4 x channels 2 x features 3.
HANDOUT_TENSOR: tuple[tuple[tuple[int, ...], ...], ...] = (
    ((1, 3, 2), (1, 2, 3)),
    ((3, 3, 2), (2, 4, 4)),
    ((4, 2, 2), (1, 2, 4)),
    ((3, 3, 2), (3, 3, 2)),
)

# Which dimensions each technique averages over, for a (batch N, channels C, features L) tensor.
# Batch norm: per channel over (N, L), as torch.nn.BatchNorm1d does for (N, C, L) input.
# Layer norm: per sample over (C, L). Instance norm: per sample and channel over L.
REDUCE_DIMS: dict[str, tuple[int, ...]] = {"batch": (0, 2), "layer": (1, 2), "instance": (2,)}


def statistics(tensor: Any = None, technique: str = "batch") -> tuple[Any, Any]:
    """(mean, biased variance) of `tensor` (default: the handout's) for one technique, as float64 torch tensors.

    The variance is the biased one (divide by the count), the one the normalization layers use to normalize.
    """
    import torch

    x = torch.tensor(HANDOUT_TENSOR if tensor is None else tensor, dtype=torch.float64)
    dims = REDUCE_DIMS[technique]
    mean = x.mean(dim=dims)
    var = x.var(dim=dims, unbiased=False)
    return mean, var


def exact_statistics() -> dict[str, tuple[list[Any], list[Any]]]:
    """The handout's six tensors as exact fractions, computed without torch (the tests check both agree)."""
    x = HANDOUT_TENSOR
    n, c, length = len(x), len(x[0]), len(x[0][0])

    def stats(values: list[int]) -> tuple[Fraction, Fraction]:
        m = Fraction(sum(values), len(values))
        return m, sum((Fraction(v) - m) ** 2 for v in values) / len(values)

    batch = [stats([x[i][ch][f] for i in range(n) for f in range(length)]) for ch in range(c)]
    layer = [stats([x[i][ch][f] for ch in range(c) for f in range(length)]) for i in range(n)]
    inst = [[stats(list(x[i][ch])) for ch in range(c)] for i in range(n)]
    return {
        "batch": ([m for m, _ in batch], [v for _, v in batch]),
        "layer": ([m for m, _ in layer], [v for _, v in layer]),
        "instance": ([[m for m, _ in row] for row in inst], [[v for _, v in row] for row in inst]),
    }


# Closed forms used by the rubrics (normalization.stats), as exact fractions:
#   mu_batch = [5/2, 31/12]            sigma2_batch = [7/12, 155/144]
#   mu_layer = [2, 3, 5/2, 8/3]        sigma2_layer = [2/3, 2/3, 5/4, 2/9]
#   mu_instance = [[2, 2], [8/3, 10/3], [8/3, 7/3], [8/3, 8/3]]
#   sigma2_instance = [[2/3, 2/3], [2/9, 8/9], [8/9, 14/9], [2/9, 2/9]]


def batch_norm_preactivation(u: Any, gamma: float, beta: float, n_samples: int = 200_000, seed: int = 0) -> tuple[Any, Any]:
    """(batch-normalized u^T x, w^T x + beta) on the same whitened, centred sample x, with w = gamma u / ||u||.

    With population statistics E[x] = 0, Var(x) = I the two agree exactly; on a finite sample they agree up to
    sampling error, which is what the tests measure.
    """
    import torch

    g = torch.Generator().manual_seed(seed)
    d = u.shape[0]
    x = torch.randn(n_samples, d, generator=g, dtype=torch.float64)
    y = x @ u
    bn = gamma * (y - 0.0) / torch.linalg.vector_norm(u) + beta  # population mean 0, std ||u||
    w = gamma * u / torch.linalg.vector_norm(u)
    return bn, x @ w + beta


def grad_u_closed_form(u: Any, gamma: float, grad_w: Any) -> Any:
    """grad_u L = s W_perp grad_w L with s = gamma / ||u|| and W_perp = I - u u^T / ||u||^2."""
    import torch

    norm = torch.linalg.vector_norm(u)
    w_perp = torch.eye(u.shape[0], dtype=u.dtype) - torch.outer(u, u) / norm**2
    return (gamma / norm) * (w_perp @ grad_w)


def grad_u_autograd(u: Any, gamma: float, loss_of_w: Any) -> tuple[Any, Any]:
    """(grad_u L, grad_w L) by torch.autograd for the loss L(w(u)) with w = gamma u / ||u||."""
    import torch

    u = u.detach().clone().requires_grad_(True)
    w = gamma * u / torch.linalg.vector_norm(u)
    w.retain_grad()
    loss = loss_of_w(w)
    loss.backward()
    return u.grad.detach(), w.grad.detach()


def gd_step_norm_growth(u: Any, gamma: float, grad_w: Any, lr: float) -> tuple[float, float]:
    """(||u_t||^2, ||u_{t+1}||^2) for one gradient step on u: the norm never decreases (grad_u L is orthogonal to u)."""

    step = grad_u_closed_form(u, gamma, grad_w)
    u_next = u - lr * step
    return float(u @ u), float(u_next @ u_next)
