"""Adam with L2 regularization: moments, bias corrections and the update, in the book's and Kingma's names."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: the handouts' moments, bias corrections and update as stated; g is
# the gradient of the regularized objective taken by central differences, so no line of the algorithm is written
# out with its penalty term


def _numeric_gradient(f: Callable[[np.ndarray], float], at: np.ndarray, h: float = 0.5) -> np.ndarray:
    """The gradient of f at `at` by central differences (exact for this world's losses, up to rounding)."""
    out = np.zeros_like(at, dtype=float)
    for k in range(at.size):
        step = np.zeros_like(at, dtype=float)
        step.flat[k] = h
        out.flat[k] = (f(at + step) - f(at - step)) / (2 * h)
    return out


def _build(s: Scope) -> None:
    n, t = s.n, 3
    rho1, rho2 = s.scalar(0.5, 0.95), s.scalar(0.6, 0.99)
    eps, delta, gamma = s.scalar(0.01, 0.2), s.scalar(1e-3, 0.1), s.scalar(0.05, 0.5)
    A, target = s.matrix(n + 1, n), s.vector(n + 1)
    theta = s.let("theta", s.vector(), t)

    def loss(th: np.ndarray) -> float:  # a made-up loss: half a squared residual
        return float(0.5 * np.sum((A @ th - target) ** 2))

    def objective(th: np.ndarray) -> float:  # the loss plus this world's penalty, gamma/2 times the squared norm
        return loss(th) + 0.5 * gamma * float(np.sum(th ** 2))

    s.let("L", loss(theta))
    s.let("nabla L", _numeric_gradient(loss, theta))
    g = s.let("g", _numeric_gradient(objective, theta), t)
    s.let("g", g)
    s.let("h", g)
    first, second = s.vector(scale=0.3), np.abs(s.vector(scale=0.3))  # s_{t-1}, r_{t-1}
    kingma = s.draw.option("form") == "kingma"  # eta the step and epsilon the stabilizer, as in Kingma & Ba
    for name, value in (("epsilon", delta if kingma else eps), ("delta", delta), ("gamma", gamma), ("eta", eps)):
        s.let(name, value)
    s.let("rho", rho1, 1)
    s.let("rho", rho2, 2)
    s.let("beta", rho1, 1)
    s.let("beta", rho2, 2)
    # book names: s, r are the previous moments on the right of the update, s_hat, r_hat the corrected ones
    s.let("s", first)
    s.let("r", second)
    s_new, r_new = rho1 * first + (1 - rho1) * g, rho2 * second + (1 - rho2) * g * g
    s_hat, r_hat = s_new / (1 - rho1 ** t), r_new / (1 - rho2 ** t)
    s.let("hat s", s_hat)
    s.let("hat r", r_hat)
    # Kingma's names: m_t, v_t and their corrections
    s.let("m", first, t - 1)
    s.let("v", second, t - 1)
    s.let("m", s_new, t)
    s.let("v", r_new, t)
    s.let("hat m", s_hat, t)
    s.let("hat v", r_hat, t)
    # the handout writes s_hat / sqrt(r_hat + delta); Kingma & Ba m_hat / (sqrt(v_hat) + epsilon)
    update = s_hat / (np.sqrt(r_hat) + delta) if kingma else s_hat / np.sqrt(r_hat + delta)
    s.let("Delta theta", -eps * update)
    s.let("theta", theta - eps * update, t + 1)
    s.free_index("t", (t,))


model = World("adam-l2", _build, tuple(Draw(seed=200 + k, size=n) for k, n in enumerate((3, 2, 4))),
              description="g the gradient of the penalized objective, s/r the previous moments, rho_1 and rho_2, at step t = 3; "
                          "theta_{t+1} = theta_t - epsilon s_hat / sqrt(r_hat + delta)")
kingma = World("adam-l2-kingma", _build, tuple(Draw(seed=210 + k, size=n, options=(("form", "kingma"),))
                                               for k, n in enumerate((3, 2, 4))),
               description="the same in Kingma & Ba's names: m, v, beta_1, beta_2, step eta, stabilizer epsilon")
