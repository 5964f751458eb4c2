"""Dropout on the inputs of linear regression: E_R||y - (R o X) w||^2 and its minimiser versus L2."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = False  # not in self-check packs: lambda^dropout = (1 - p)/p, the minimisers w^dropout and w^L_2, and the
# L2-regularised loss that question 2.3 asks to write are the answers


def _build(s: Scope) -> None:
    n, d = s.n + 2, s.n
    l2 = s.draw.option("variant", "").endswith("lambda_penalty")
    half = 0.5 if s.draw.option("variant") == "half_lambda_penalty" else 1.0  # the lambda/2 ||w||^2 convention
    X = s.let("X", s.rng.standard_normal((n, d)))
    y = s.let("y", s.vector(n))
    w = s.let("w", s.vector(d))
    p = s.let("p", s.scalar(0.3, 0.9))
    R = s.let("R", np.ones((n, d)))  # replaced by the samples of E[.]
    Gamma = s.let("Gamma", np.diag(np.sqrt(np.diag(X.T @ X))))
    lam = s.let("lambda", (1 - p) / p, "dropout")
    w_dropout = s.let("w^dropout", np.linalg.solve(X.T @ X + lam * Gamma @ Gamma, X.T @ y) / p)
    lam2 = s.let("lambda^L_2", s.scalar(0.1, 2.0))
    w_l2 = s.let("w^L_2", np.linalg.solve(X.T @ X + half * lam2 * np.eye(d), X.T @ y))
    if l2:
        # the question's loss is the L2-regularised one, L(w) = ||y - Xw||^2 + lambda^{L_2} ||w||^2, or with
        # lambda/2 (both are accepted): one variant per convention, so a write-up is read in its own
        def loss(v: np.ndarray) -> float:
            v = np.asarray(v, float).reshape(d, 1)
            return float(np.sum((y - X @ v) ** 2) + half * lam2 * np.sum(v ** 2))
    else:
        def loss(v: np.ndarray) -> float:
            return float(np.sum((y - (R * X) @ np.asarray(v, float).reshape(d, 1)) ** 2))
    s.fn("L", loss)
    s.let("L", loss(w))
    s.let("ones", np.ones((d, 1)))
    # an equation in w (the gradient set to zero) is the one being solved: read it at the question's minimiser
    s.solution("w", w_l2 if l2 else w_dropout)
    if not l2:
        # R_ij ~ Bern(p) i.i.d.: the loss is quadratic in R, so matching mean p and variance p(1 - p) is exact
        pts = moment_matched(n * d, np.random.default_rng(s.draw.seed + 5))
        s.expectation([{("R", ()): p + np.sqrt(p * (1 - p)) * z.reshape(n, d)} for z in pts])


model = World("dropout-regression", _build, tuple(Draw(seed=160 + k, size=n) for k, n in enumerate((2, 3, 3))),
              description="X in R^{n x d}, R_ij ~ Bern(p), Gamma = diag(X^T X)^{1/2}, lambda^dropout = (1 - p)/p; "
                          "w where an equation in w is solved: the minimiser w^dropout")
l2 = World("l2-regression", _build,
           tuple(Draw(seed=160 + k, size=n, options=(("variant", v),))
                 for k, n in enumerate((2, 3, 3)) for v in ("lambda_penalty", "half_lambda_penalty")),
           description="L(w) = ||y - Xw||^2 + lambda^{L_2} ||w||^2, or lambda^{L_2}/2 (a variant each); "
                       "w where solved: w^{L_2}")
