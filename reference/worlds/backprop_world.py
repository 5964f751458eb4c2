"""Backprop through the weight-normalized linear layer and the strided recurrence y_i = a(x_i + x_{i+2}) + b."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: the handout's two layers and a made-up loss; the gradients are only
# computed by torch.autograd for the world's own tests, never written out


def _normalized_linear(s: Scope) -> None:
    n, m = s.n, s.n + 1
    x = np.vstack([s.let("x", float(s.rng.standard_normal()), j) for j in range(1, n + 1)]).reshape(n, 1)
    x = s.let("x", x)
    rows, ys = {}, {}
    for i in range(1, m + 1):
        w = s.let("w", s.vector(), i)
        rows[i] = w
        for j in range(1, n + 1):
            s.let("w", float(w[j - 1, 0]), i, j)
        b = s.let("b", float(s.rng.standard_normal()), i)
        ys[i] = s.let("y", (w.T @ x).item() / float(np.linalg.norm(w)) + b / float(np.linalg.norm(w)), i)
    c = s.rng.standard_normal(m)
    y = np.array([ys[i] for i in range(1, m + 1)])
    s.let("y", y.reshape(m, 1))
    s.let("L", float(c @ y + 0.5 * np.sum(y ** 2) + 0.1 * np.sum(y ** 3)))  # a concrete loss of y
    g = c + y + 0.3 * y ** 2
    for i in range(1, m + 1):
        s.let("g", float(g[i - 1]), i)
    s.let("g", g.reshape(m, 1))
    s.later("reference grads", lambda: _autograd_linear(rows, x, s, c))
    s.free_index("i", range(1, m + 1))
    s.free_index("j", range(1, n + 1))
    s.index_range("i", 1, m)
    s.index_range("j", 1, n)


def _autograd_linear(rows: dict, x: np.ndarray, s: Scope, c: np.ndarray) -> dict[str, np.ndarray]:
    """dL/dW, dL/db, dL/dx by torch.autograd of the reference layer."""
    import torch

    W = torch.tensor(np.hstack([rows[i] for i in sorted(rows)]).T, requires_grad=True)
    b = torch.tensor([s.values[("b", (i,))] for i in sorted(rows)], requires_grad=True)
    xt = torch.tensor(x.ravel(), requires_grad=True)
    y = (W @ xt + b) / torch.linalg.norm(W, dim=1)
    ct = torch.tensor(c)
    loss = ct @ y + 0.5 * (y ** 2).sum() + 0.1 * (y ** 3).sum()
    loss.backward()
    return {"W": W.grad.numpy(), "b": b.grad.numpy(), "x": xt.grad.numpy()}


def _strided(s: Scope) -> None:
    N = s.n + 3
    s.let("N", float(N))
    x = {j: s.let("x", float(s.rng.standard_normal()), j) for j in range(1, N + 1)}
    a, b = s.let("a", s.scalar(0.5, 2.0)), s.let("b", s.scalar(-1.0, 1.0))
    y = {i: s.let("y", a * (x[i] + x[i + 2]) + b, i) for i in range(1, N - 1)}
    c = s.rng.standard_normal(N - 2)
    yv = np.array([y[i] for i in range(1, N - 1)])
    s.let("L", float(c @ yv + 0.5 * np.sum(yv ** 2) + 0.1 * np.sum(yv ** 3)))
    g = c + yv + 0.3 * yv ** 2
    for i in range(1, N - 1):
        s.let("g", float(g[i - 1]), i)
    s.free_index("j", range(1, N + 1))
    s.free_index("i", range(1, N - 1))
    s.index_range("i", 1, N - 2)


normalized_linear = World("backprop-normalized-linear", _normalized_linear,
                          tuple(Draw(seed=120 + k, size=n) for k, n in enumerate((3, 2, 4))),
                          description="y_i = (w_i^T x + b_i)/||w_i||, L = c^T y + |y|^2/2 + 0.1 sum y^3, g = dL/dy")
strided = World("backprop-strided", _strided, tuple(Draw(seed=130 + k, size=n) for k, n in enumerate((3, 4, 5))),
                description="y_i = a (x_i + x_{i+2}) + b for i = 1..N-2, L = c^T y + |y|^2/2 + 0.1 sum y^3")
