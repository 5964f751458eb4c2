"""Backprop exercises: finite-difference gradient checks, the weight-normalized linear layer, the strided recurrence."""

from __future__ import annotations

from typing import Any, Callable

# --- 1. gradient verification ------------------------------------------------------------------------------------


def forward_difference_error(loss: Callable[[Any], Any], grad: Any, w: Any, dw: Any) -> float:
    """|L(w + dw) - L(w) - <J, dw>|: o(eps) for a differentiable L, eps = ||dw|| (O(eps^2) when L is C^2)."""
    return abs(float(loss(w + dw) - loss(w) - grad @ dw))


def central_difference_error(loss: Callable[[Any], Any], grad: Any, w: Any, dw: Any) -> float:
    """|(L(w + dw) - L(w - dw))/2 - <J, dw>|: o(eps^2) for a twice differentiable L (O(eps^3) when C^3)."""
    return abs(float(0.5 * (loss(w + dw) - loss(w - dw)) - grad @ dw))


def check_gradient(loss: Callable[[Any], Any], grad: Any, w: Any, eps: float = 1e-5, trials: int = 5,
                   seed: int = 0) -> float:
    """Largest relative error of <J, dw> against central differences over random directions of length eps."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    worst = 0.0
    for _ in range(trials):
        d = torch.randn(w.shape, generator=gen, dtype=w.dtype)
        d = eps * d / torch.linalg.vector_norm(d)
        fd = 0.5 * (loss(w + d) - loss(w - d))
        an = grad @ d
        worst = max(worst, abs(float(fd - an)) / max(abs(float(fd)), abs(float(an)), 1e-300))
    return worst


# --- 2. weight-normalized linear layer y_i = (w_i^T x + b_i) / ||w_i|| ---------------------------------------------


def weightnorm_forward(W: Any, b: Any, x: Any) -> Any:
    """y with y_i = (w_i^T x + b_i) / ||w_i||; W holds the w_i as rows (m x n)."""
    import torch

    return (W @ x + b) / torch.linalg.vector_norm(W, dim=1)


def weightnorm_backward(W: Any, b: Any, x: Any, g: Any) -> tuple[Any, Any, Any]:
    """(dL/dW, dL/db, dL/dx) given g = dL/dy:

    dL/db_i = g_i / ||w_i||
    dL/dx   = sum_i g_i w_i / ||w_i||
    dL/dw_i = g_i ( x / ||w_i|| - (w_i^T x + b_i) w_i / ||w_i||^3 )   (no sum over i: y_j does not depend on w_i)
    """
    import torch

    norms = torch.linalg.vector_norm(W, dim=1)
    pre = W @ x + b
    grad_b = g / norms
    grad_x = W.T @ (g / norms)
    grad_W = (g / norms)[:, None] * x[None, :] - (g * pre / norms**3)[:, None] * W
    return grad_W, grad_b, grad_x


# --- 3. strided recurrence y_i = a (x_i + x_{i+2}) + b, i = 1..N-2 ------------------------------------------------


def strided_forward(a: Any, b: Any, x: Any) -> Any:
    return a * (x[:-2] + x[2:]) + b


def strided_backward(a: Any, b: Any, x: Any, g: Any) -> tuple[Any, Any, Any]:
    """(dL/da, dL/db, dL/dx) given g = dL/dy (length N-2), with 1-based j:

    dL/db = sum_i g_i,  dL/da = sum_i g_i (x_i + x_{i+2}),
    dL/dx_j = a g_j for j = 1, 2;  a (g_j + g_{j-2}) for 3 <= j <= N-2;  a g_{j-2} for j = N-1, N.
    """
    import torch

    grad_x = torch.zeros_like(x)
    grad_x[:-2] += a * g
    grad_x[2:] += a * g
    return (g * (x[:-2] + x[2:])).sum(), g.sum(), grad_x


def strided_grad_x_cases(a: float, g: list[float], n: int) -> list[float]:
    """dL/dx_j by the three cases above, written out index by index (1-based j), as a plain list."""
    out = []
    for j in range(1, n + 1):
        if j <= 2:
            out.append(a * g[j - 1])
        elif j <= n - 2:
            out.append(a * (g[j - 1] + g[j - 3]))
        else:
            out.append(a * g[j - 3])
    return out


def solution_set_case_values(a: float, g: list[float], n: int) -> dict[int, list[float | None]]:
    """The backprop solution set's eq. (19), every case whose range holds j: `j <= 2`, `j = 2..N-2`, `j >= N-2`.

    Its ranges overlap at j = 2 (where the middle case needs the undefined g_0: None) and at j = N-2 (where the last
    case gives a g_{N-4}, not the right a (g_{N-2} + g_{N-4})): the cases contradict each other, so the formula is
    wrong as written. Kept here so a test shows it and the rubric does not accept it.
    """
    def gi(k: int) -> float | None:
        return g[k - 1] if 1 <= k <= n - 2 else None

    out: dict[int, list[float | None]] = {}
    for j in range(1, n + 1):
        vals: list[float | None] = []
        if j <= 2:
            vals.append(a * g[j - 1])
        if 2 <= j <= n - 2:
            vals.append(None if gi(j) is None or gi(j - 2) is None else a * (gi(j) + gi(j - 2)))
        if j >= n - 2:
            vals.append(None if gi(j - 2) is None else a * gi(j - 2))
        out[j] = vals
    return out
