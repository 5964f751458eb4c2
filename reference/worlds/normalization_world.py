"""Batch norm versus weight normalization: w = gamma u/||u||, whitened data, and the gradient with respect to u."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = True  # copied into self-check packs: w, the whitened data, the prompt's W^perp, a made-up loss; mu_y and
# sigma_y are computed as a mean and a standard deviation over the data's points, and the gradient step on u with a
# numerical gradient of the loss, so that no answer of the questions is written out


def _loss(yhat: float, target: float) -> float:
    """A concrete, non-quadratic loss of the normalized output."""
    return 0.5 * (yhat - target) ** 2 + 0.3 * np.sin(yhat)


def _build(s: Scope) -> None:
    n = s.n
    gamma, beta, target = s.scalar(0.5, 2.0), s.scalar(-1.0, 1.0), s.scalar(-1.0, 1.0)
    s.let("gamma", gamma)
    s.let("beta", beta)
    x = s.let("x", s.vector())
    u = s.let("u", s.vector())
    nu = float(np.linalg.norm(u))
    w = s.let("w", gamma * u / nu)
    s.let("y", (u.T @ x).item())
    # E[.] over whitened data x: moment-matched points (mean 0, covariance I exactly)
    pts = moment_matched(n, np.random.default_rng(s.draw.seed + 3))
    ys = np.array([(u.T @ p.reshape(n, 1)).item() for p in pts])  # y = u^T x at each point
    s.let("mu", float(ys.mean()), "y")  # E[y], by its definition
    s.let("sigma", float(np.sqrt(np.mean((ys - ys.mean()) ** 2))), "y")  # sqrt(Var(y)), by its definition
    yhat = s.let("hat y", (w.T @ x).item() + beta)
    loss = s.let("L", _loss(yhat, target))
    s.let("W^perp", np.eye(n) - u @ u.T / nu ** 2)
    s.let("ones", np.ones((n, 1)))
    s.later("reference nabla_u L", lambda: _autograd(u, x, gamma, beta, target))
    # one gradient step on u, for the question on ||u|| growing; the gradient by central differences of the loss
    alpha = s.let("alpha", s.scalar(0.05, 0.5))
    grad_u = _numeric_gradient(lambda v: _loss((gamma * v.T @ x / np.linalg.norm(v)).item() + beta, target), u)
    s.let("u", u, 1)
    s.let("u", u - alpha * grad_u, 2)
    s.let("L", loss, 1)
    s.free_index("t", (1,))
    s.expectation([{("x", ()): p.reshape(n, 1)} for p in pts])


def _numeric_gradient(f: Callable[[np.ndarray], float], at: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The gradient of f at `at` by central differences (error of order h^2)."""
    out = np.zeros_like(at)
    for i in range(at.size):
        step = np.zeros_like(at)
        step.flat[i] = h
        out.flat[i] = (f(at + step) - f(at - step)) / (2 * h)
    return out


def _autograd(u: np.ndarray, x: np.ndarray, gamma: float, beta: float, target: float) -> np.ndarray:
    """grad_u L by torch.autograd of the reference forward pass (the check of the world itself)."""
    import torch

    ut = torch.tensor(u, dtype=torch.float64, requires_grad=True)
    xt = torch.tensor(x, dtype=torch.float64)
    w = gamma * ut / torch.linalg.norm(ut)
    yhat = (w.T @ xt).squeeze() + beta
    loss = 0.5 * (yhat - target) ** 2 + 0.3 * torch.sin(yhat)
    loss.backward()
    return ut.grad.detach().numpy()


weightnorm = World("batchnorm-weightnorm", _build,
                   tuple(Draw(seed=80 + k, size=n) for k, n in enumerate((3, 4, 2))),
                   description="w = gamma u/||u||, yhat = gamma (u^T x - mu_y)/sigma_y + beta = w^T x + beta, "
                               "L = (yhat - c)^2/2 + 0.3 sin(yhat)")
