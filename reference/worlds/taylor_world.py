"""The second-order Taylor model, the gradient-descent step and Newton's step, in one and several dimensions."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = False  # not in self-check packs: Newton's point x0 - H^{-1} g and the step bound 2 g^T g / g^T H g are the
# answers


def _build(s: Scope) -> None:
    n = s.n
    A = s.rng.standard_normal((n, n))
    A = A @ A.T / n + np.eye(n)  # positive definite: Newton's step is a minimum
    c = s.vector()

    def f(x: np.ndarray) -> float:
        x = np.asarray(x, float).reshape(n, 1)
        return (0.5 * x.T @ A @ x + c.T @ x).item() + 0.2 * float(np.sum(np.log(np.cosh(x))))

    def grad(x: np.ndarray) -> np.ndarray:
        return A @ x + c + 0.2 * np.tanh(x)

    def hess(x: np.ndarray) -> np.ndarray:
        return A + 0.2 * np.diag((1.0 - np.tanh(x) ** 2).ravel())

    x0 = s.let("x", s.vector(), 0)
    g = s.let("g", grad(x0))
    H = s.let("H", hess(x0))
    s.let("nabla f", g)
    curvature = (g.T @ H @ g).item()
    eps = s.let("epsilon", s.scalar(0.1, 0.9) * 2 * (g.T @ g).item() / curvature)  # a step that decreases the model
    s.alias("varepsilon", "epsilon")
    s.alias("eta", "epsilon")
    s.let("x", x0 - eps * g, 1)
    s.let("x", s.vector())  # a free argument; where it is solved for, the Newton point
    s.solution("x", x0 - np.linalg.solve(H, g))
    s.let("x^*", x0 - np.linalg.solve(H, g))

    def model(ev, args, sub):  # \hat f_{x_0}(x), the expansion at x_0
        point = ev.ev(args[0])
        d = np.asarray(point, float).reshape(n, 1) - x0
        return f(x0) + (d.T @ g).item() + 0.5 * (d.T @ H @ d).item()

    s.fn("hat f", model, raw=True)
    s.fn("f", f)
    s.fn("f'", lambda x: grad(np.asarray(x, float).reshape(n, 1)) if n > 1 else float(grad(np.array([[x]]))))
    s.fn("f''", lambda x: hess(np.asarray(x, float).reshape(n, 1)) if n > 1 else float(hess(np.array([[x]]))))
    s.fn("nabla f", lambda x: grad(np.asarray(x, float).reshape(n, 1)))


model = World("taylor-newton", _build, tuple(Draw(seed=110 + k, size=n) for k, n in enumerate((3, 1, 2))),
              description="f(x) = x^T A x/2 + c^T x + 0.2 sum log cosh x, g and H at x_0, 0 < eps < 2 g^T g/g^T H g")
