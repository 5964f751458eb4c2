"""Dropout on the inputs of linear regression: the handout's loss, mask and Gamma, with the minimiser found numerically.

The handout's objects only; reference/worlds/dropout_world.py adds the L2-regularised world that question 2.3 asks for."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = True  # copied into self-check packs: X, y, w and the mask R as the handout gives them, the loss
# ||y - (R o X) w||^2 and Gamma as the prompts define them; the minimiser of E_R[L] is found by solving the normal
# equations of the averaged loss over the mask's samples, and lambda^dropout by fitting the relation the prompt
# states, p w = (X^T X + lambda Gamma^2)^{-1} X^T y, by least squares: no coefficient is written out

Extra = Callable[[Scope, dict[str, np.ndarray]], None]


def make_build(extra: Extra | None = None) -> Callable[[Scope], None]:
    """The build; `extra` may add to the scope afterwards, given the drawn objects (a world for another question)."""
    return lambda s: _build(s, extra)


def _mask_samples(s: Scope, n: int, d: int, p: float) -> list[np.ndarray]:
    """Masks whose entries have the law's first two moments (mean p, second central moment p(1 - p)), uncorrelated:
    the loss is a polynomial of degree two in R, so its average over these is its expectation."""
    pts = moment_matched(n * d, np.random.default_rng(s.draw.seed + 5))
    return [p + np.sqrt(p * (1 - p)) * z.reshape(n, d) for z in pts]


def _build(s: Scope, extra: Extra | None) -> None:
    n, d = s.n + 2, s.n
    X = s.let("X", s.rng.standard_normal((n, d)))
    y = s.let("y", s.vector(n))
    w = s.let("w", s.vector(d))
    p = s.let("p", s.scalar(0.3, 0.9))
    R = s.let("R", np.ones((n, d)))  # replaced by the samples of E[.]
    Gamma = s.let("Gamma", np.diag(np.sqrt(np.diag(X.T @ X))))
    masks = _mask_samples(s, n, d, p)
    # the minimiser of the averaged loss (1/K) sum_k ||y - (R_k o X) w||^2: its normal equations
    gram = sum((m * X).T @ (m * X) for m in masks) / len(masks)
    moment = sum((m * X).T @ y for m in masks) / len(masks)
    minimiser = np.linalg.solve(gram, moment)
    # the coefficient for which the prompt's relation holds: (X^T X) p w + lambda Gamma^2 p w = X^T y, in lambda
    direction = Gamma @ Gamma @ (p * minimiser)
    residual = X.T @ y - X.T @ X @ (p * minimiser)
    lam = s.let("lambda", float((direction.T @ residual).item() / (direction.T @ direction).item()), "dropout")
    # the prompt's relation, so that a rebuild that moves lambda moves w^dropout with it
    w_dropout = s.let("w^dropout", np.linalg.solve(X.T @ X + lam * Gamma @ Gamma, X.T @ y) / p)
    lam2 = s.let("lambda^L_2", s.scalar(0.1, 2.0))

    def loss(v: np.ndarray) -> float:
        return float(np.sum((y - (R * X) @ np.asarray(v, float).reshape(d, 1)) ** 2))

    s.fn("L", loss)
    s.let("L", loss(w))
    s.let("ones", np.ones((d, 1)))
    # an equation in w (the gradient set to zero) is the one being solved: read it at the minimiser
    s.solution("w", w_dropout)
    s.expectation([{("R", ()): m} for m in masks])
    if extra is not None:
        extra(s, {"X": X, "y": y, "w": w, "lambda^L_2": np.asarray(lam2)})


model = World("dropout-regression", make_build(), tuple(Draw(seed=160 + k, size=n) for k, n in enumerate((2, 3, 3))),
              description="X in R^{n x d}, R_ij ~ Bern(p), Gamma_ii = (X^T X)_ii^{1/2}; "
                          "w where an equation in w is solved: the minimiser of E_R[L(w)]")
