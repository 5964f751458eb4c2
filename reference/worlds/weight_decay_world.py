"""Weight decay versus L2 regularization under SGD, in both sign conventions of the handouts."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: the two schemes as the handouts state them; the L2 scheme's step takes
# a numerical gradient of the penalty, and lambda is found by matching the two updates, so the answer is not written


def _numeric_gradient(f, at: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """The gradient of f at `at` by central differences (exact for a square, up to rounding)."""
    out = np.zeros_like(at, dtype=float)
    for k in range(at.size):
        step = np.zeros_like(at, dtype=float)
        step.flat[k] = h
        out.flat[k] = (f(at + step) - f(at - step)) / (2 * h)
    return out


def _build(s: Scope) -> None:
    K = s.T
    sign = s.draw.option("convention", "minus")  # minus: theta - eta grad - lambda theta; plus: ... + lambda theta
    batch = s.draw.option("batch", True)
    eta, gamma = s.scalar(0.05, 0.3), s.scalar(0.05, 0.5)

    def penalty(theta: np.ndarray) -> float:  # the L2 term of the handouts' regularized loss
        return gamma * float(np.sum(theta ** 2))

    # lambda: the weight decay that makes the modified update the L2 scheme's step, matched at theta = 1 with no data
    decay = eta * _numeric_gradient(penalty, np.ones((1, 1))).item()
    lam = decay if sign == "minus" else -decay
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
        return loss(*values) + penalty(ev.lookup("theta", (ev.step(),)))

    s.fn("L_reg", regularized, raw=True)
    theta = {1: s.let("theta", s.vector(), 1)}
    for i in range(1, K):
        # the L2 scheme: standard SGD on the regularized loss
        step = batch_grad(theta[i], i) + _numeric_gradient(penalty, theta[i])
        theta[i + 1] = s.let("theta", theta[i] - eta * step, i + 1)
    # unindexed names mean "at the current step" (theta_t, theta_i, or theta)
    for i in range(1, K + 1):
        s.dynamic("L", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i), i)
        s.dynamic("L", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i)
                  + penalty(ev.lookup("theta", (i,))), "reg", i)
        s.dynamic("L_reg", lambda ev, i=i: batch_loss(ev.lookup("theta", (i,)), i)
                  + penalty(ev.lookup("theta", (i,))), i)
    s.current("theta", "theta", ("i", "t"), 1)
    s.dynamic("L", lambda ev: batch_loss(ev.lookup("theta", (ev.step(),)), ev.step()))
    s.dynamic("L", lambda ev: batch_loss(ev.lookup("theta", (ev.step(),)), ev.step())
              + penalty(ev.lookup("theta", (ev.step(),))), "reg")
    s.superscript_index("theta")
    s.free_index("i", range(1, K))
    s.free_index("t", range(1, K))
    s.index_range("j", 1, m)


def _draws(convention: str, batch: bool) -> tuple[Draw, ...]:
    return tuple(Draw(seed=60 + k, size=n, horizon=4, options=(("convention", convention), ("batch", batch)))
                 for k, n in enumerate((3, 2, 4)))


minus_sample = World("weight-decay-minus-sample", _build, _draws("minus", False),
                     description="theta_{i+1} = theta_i - eta dL_i/dtheta_i - lambda theta_i, one sample")
plus_batch = World("weight-decay-plus-batch", _build, _draws("plus", True),
                   description="theta_{i+1} = theta_i - eta (1/m) d sum_j L_j/dtheta_i + lambda theta_i, a mini-batch")
minus_batch = World("weight-decay-minus-batch", _build, _draws("minus", True),
                    description="the minus convention with a mini-batch mean")
