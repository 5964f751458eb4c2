"""Weight decay versus L2 regularization under SGD, in both sign conventions of the handouts."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = False  # not in self-check packs: lambda = 2 eta gamma (or -2 eta gamma) is the answer


def _build(s: Scope) -> None:
    K = s.T
    sign = s.draw.option("convention", "minus")  # minus: theta - eta grad - lambda theta; plus: ... + lambda theta
    batch = s.draw.option("batch", True)
    eta, gamma = s.scalar(0.05, 0.3), s.scalar(0.05, 0.5)
    lam = 2 * eta * gamma if sign == "minus" else -2 * eta * gamma  # the relation that makes the schemes equal
    for name, value in (("eta", eta), ("gamma", gamma), ("lambda", lam)):
        s.let(name, value)
    m = 4
    s.let("m", float(m))
    xs = {j: s.let("x", s.vector(), j) for j in range(1, max(m, K) + 1)}
    ys = {j: s.let("y", float(s.rng.standard_normal()), j) for j in range(1, max(m, K) + 1)}

    def f(x: np.ndarray, theta: np.ndarray) -> float:
        return float(np.tanh(np.ravel(x) @ np.ravel(theta)))

    def loss(out: float, y: float) -> float:
        return 0.5 * (out - y) ** 2

    def grad(theta: np.ndarray, j: int) -> np.ndarray:
        out = f(xs[j], theta)
        return (out - ys[j]) * (1 - out ** 2) * xs[j]

    def batch_grad(theta: np.ndarray, i: int) -> np.ndarray:
        return sum(grad(theta, j) for j in range(1, m + 1)) / m if batch else grad(theta, i)

    def batch_loss(theta: np.ndarray, i: int) -> float:
        if batch:
            return sum(loss(f(xs[j], theta), ys[j]) for j in range(1, m + 1)) / m
        return loss(f(xs[i], theta), ys[i])

    s.fn("f", f)
    s.fn("L", loss)

    def regularized(ev, args, sub):  # L_reg(f(x, theta), y) = L(f(x, theta), y) + gamma ||theta||^2
        values = [ev.ev(a) for a in args]
        return loss(*values) + gamma * float(np.sum(ev.lookup("theta", (ev.step(),)) ** 2))

    s.fn("L_reg", regularized, raw=True)
    theta = {1: s.let("theta", s.vector(), 1)}
    for i in range(1, K):
        theta[i + 1] = s.let("theta", theta[i] - eta * batch_grad(theta[i], i) - 2 * eta * gamma * theta[i], i + 1)
    # unindexed names mean "at the current step" (theta_t, theta_i, or theta)
    for i in range(1, K + 1):
        s.dynamic("L", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i), i)
        s.dynamic("L", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i)
                  + gamma * float(np.sum(ev.lookup("theta", (i,)) ** 2)), "reg", i)
        s.dynamic("L_reg", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i)
                  + gamma * float(np.sum(ev.lookup("theta", (i,)) ** 2)), i)
    s.current("theta", "theta", ("i", "t"), 1)
    s.dynamic("L", lambda ev: batch_loss(ev.lookup("theta", (ev.step(),)), ev.step()))
    s.dynamic("L", lambda ev: batch_loss(ev.lookup("theta", (ev.step(),)), ev.step())
              + gamma * float(np.sum(ev.lookup("theta", (ev.step(),)) ** 2)), "reg")
    s.superscript_index("theta")
    s.free_index("i", range(1, K))
    s.free_index("t", range(1, K))
    s.index_range("j", 1, m)


def _draws(convention: str, batch: bool) -> tuple[Draw, ...]:
    return tuple(Draw(seed=60 + k, size=n, horizon=4, options=(("convention", convention), ("batch", batch)))
                 for k, n in enumerate((3, 2, 4)))


minus_sample = World("weight-decay-minus-sample", _build, _draws("minus", False),
                     description="theta_{i+1} = theta_i - eta dL_i/dtheta_i - lambda theta_i, lambda = 2 eta gamma")
plus_batch = World("weight-decay-plus-batch", _build, _draws("plus", True),
                   description="theta_{i+1} = theta_i - eta (1/m) d sum_j L_j/dtheta_i + lambda theta_i, lambda = -2 eta gamma")
minus_batch = World("weight-decay-minus-batch", _build, _draws("minus", True),
                    description="the minus convention with a mini-batch mean")
