"""The second-order Taylor model, the gradient-descent step and Newton's step, in one and several dimensions."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: a made-up f, g and H at x_0 and the prompt's approximation hat f; the
# largest step that decreases hat f is found by bisection and the point where its gradient vanishes by gradient
# descent on it, so neither answer of questions 3.2 and 3.3 is written out


def _numeric_gradient(f, at: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """The gradient of f at `at` by central differences (exact for a second-order polynomial, up to rounding)."""
    out = np.zeros_like(at, dtype=float)
    for k in range(at.size):
        step = np.zeros_like(at, dtype=float)
        step.flat[k] = h
        out.flat[k] = (f(at + step) - f(at - step)) / (2 * h)
    return out


def _largest_decreasing_step(phi) -> float:
    """The boundary of {e > 0: phi(e) <= 0} for a phi that is negative just above 0 and positive far out."""
    lo, hi = 0.0, 1.0
    while phi(hi) <= 0:
        lo, hi = hi, 2 * hi
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            return lo
        lo, hi = (mid, hi) if phi(mid) <= 0 else (lo, mid)


def _stationary_point(f, start: np.ndarray, rate: float = 0.1, steps: int = 2000) -> np.ndarray:
    """Where the gradient of a convex second-order polynomial f vanishes (its gradient Lipschitz below 10), by plain
    gradient descent from `start`; central differences are exact for it at any width, and a wide one rounds least."""
    x = start.astype(float)
    for _ in range(steps):
        step = rate * _numeric_gradient(f, x, h=1.0)
        if not np.any(np.abs(step) > 1e-14 * (1.0 + np.abs(x))):  # about the rounding of the gradient
            break
        x = x - step
    return x


_STATIONARY: dict[bytes, np.ndarray] = {}  # the stationary point of hat f by its x_0, g and H


def _build(s: Scope) -> None:
    n = s.n
    A = s.rng.standard_normal((n, n))
    A = A @ A.T / n + np.eye(n)  # symmetric, every eigenvalue at least 1
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

    f0 = f(x0)

    def hat_f(x: np.ndarray) -> float:  # the prompt's second-order approximation at x_0
        d = np.asarray(x, float).reshape(n, 1) - x0
        return f0 + (d.T @ g).item() + 0.5 * (d.T @ H @ d).item()

    # a step that decreases the model: a fraction of the largest one, found by bisection on the model's change
    largest = _largest_decreasing_step(lambda e: hat_f(x0 - e * g) - f(x0))
    eps = s.let("epsilon", s.scalar(0.1, 0.9) * largest)
    s.alias("varepsilon", "epsilon")
    s.alias("eta", "epsilon")
    s.let("x", x0 - eps * g, 1)
    s.let("x", s.vector())  # a free argument; where it is solved for, the point where hat f is stationary
    key = x0.tobytes() + g.tobytes() + H.tobytes()  # rebuilds for derivatives mostly keep x_0: descend once
    if key not in _STATIONARY:
        if len(_STATIONARY) > 256:
            _STATIONARY.clear()
        _STATIONARY[key] = _stationary_point(hat_f, x0)
    stationary = _STATIONARY[key].copy()
    s.solution("x", stationary)
    s.let("x^*", stationary)

    def model(ev, args, sub):  # \hat f_{x_0}(x), the expansion at x_0
        return hat_f(ev.ev(args[0]))

    s.fn("hat f", model, raw=True)
    s.fn("f", f)
    s.fn("f'", lambda x: grad(np.asarray(x, float).reshape(n, 1)) if n > 1 else float(grad(np.array([[x]]))))
    s.fn("f''", lambda x: hess(np.asarray(x, float).reshape(n, 1)) if n > 1 else float(hess(np.array([[x]]))))
    s.fn("nabla f", lambda x: grad(np.asarray(x, float).reshape(n, 1)))


model = World("taylor-newton", _build, tuple(Draw(seed=110 + k, size=n) for k, n in enumerate((3, 1, 2))),
              description="f(x) = x^T A x/2 + c^T x + 0.2 sum log cosh x, g and H at x_0, a step eps that decreases hat f")
