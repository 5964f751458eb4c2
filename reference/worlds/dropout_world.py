"""Dropout on the inputs of linear regression versus L2: the handout's world (reference/worlds/handout/dropout_world.py)
and the L2-regularised world of question 2.3."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World, handout_module

PUBLIC = False  # not in self-check packs: the L2-regularised loss that question 2.3 asks to write, and its
# minimiser w^L_2. The handout's part is public: see HANDOUT.

HANDOUT = "worlds/handout/dropout_world.py"  # a pack takes `model` from there, without w^L_2 (docs/worlds.md)


_handout = handout_module(__file__, HANDOUT)


def _l2_minimiser(s: Scope, drawn: dict[str, np.ndarray]) -> np.ndarray:
    X, y, lam2 = drawn["X"], drawn["y"], float(drawn["lambda^L_2"])
    half = 0.5 if s.draw.option("variant") == "half_lambda_penalty" else 1.0  # the lambda/2 ||w||^2 convention
    return s.let("w^L_2", np.linalg.solve(X.T @ X + half * lam2 * np.eye(X.shape[1]), X.T @ y))


def _with_l2(s: Scope, drawn: dict[str, np.ndarray]) -> None:
    _l2_minimiser(s, drawn)


def _l2_question(s: Scope, drawn: dict[str, np.ndarray]) -> None:
    # the question's loss is the L2-regularised one, L(w) = ||y - Xw||^2 + lambda^{L_2} ||w||^2, or with
    # lambda/2 (both are accepted): one variant per convention, so a write-up is read in its own
    X, y, w, lam2 = drawn["X"], drawn["y"], drawn["w"], float(drawn["lambda^L_2"])
    half = 0.5 if s.draw.option("variant") == "half_lambda_penalty" else 1.0
    w_l2 = _l2_minimiser(s, drawn)

    def loss(v: np.ndarray) -> float:
        v = np.asarray(v, float).reshape(X.shape[1], 1)
        return float(np.sum((y - X @ v) ** 2) + half * lam2 * np.sum(v ** 2))

    s.fn("L", loss)
    s.let("L", loss(w))
    s.solution("w", w_l2)
    s.samples = []  # no expectation over R in this question


model = World("dropout-regression", _handout.make_build(_with_l2), _handout.model.draws,
              description=_handout.model.description)
l2 = World("l2-regression", _handout.make_build(_l2_question),
           tuple(Draw(seed=160 + k, size=n, options=(("variant", v),))
                 for k, n in enumerate((2, 3, 3)) for v in ("lambda_penalty", "half_lambda_penalty")),
           description="L(w) = ||y - Xw||^2 + lambda^{L_2} ||w||^2, or lambda^{L_2}/2 (a variant each); "
                       "w where solved: w^{L_2}")
