"""RNN worlds: the induction step h_t = W sigma(h_{t-1}) + U x_t + b vs g_t, and the vanishing-gradient bound."""

from __future__ import annotations

import numpy as np

from grader.worlds import Scope, World, standard_draws

PUBLIC = True  # copied into self-check packs: the handout's recurrences for h_t and g_t and the question's hypotheses
# on W, gamma and delta; no bound on the gradient's norm

ACTS = ("tanh", "relu", "sigmoid")  # an invertible, a non-invertible one, and one with gamma = 1/4


def _recurrences(s: Scope, contraction: str) -> None:
    n, T = s.n, s.T
    W = s.matrix(n, n)
    op = float(np.linalg.norm(W, 2))
    if contraction == "vanishing":  # gamma ||W|| < delta < 1: the hypothesis of the bound holds
        W = W * s.scalar(0.4, 0.85) / (s.gamma * op)
        rate = s.gamma * float(np.linalg.norm(W, 2))
        delta = rate + (1.0 - rate) * s.scalar(0.2, 0.8)
    else:  # lambda_1(W^T W) > delta^2 / gamma^2: the reversed condition
        delta = s.scalar(0.3, 0.9)
        W = W * (delta / s.gamma) * s.scalar(1.3, 2.0) / op
    W = s.let("W", W)
    U = s.let("U", s.matrix(n, n))
    b = s.let("b", s.vector())
    s.let("gamma", s.gamma)
    s.let("delta", delta)
    xs = {t: s.let("x", s.vector(), t) for t in range(1, T + 1)}
    h = {0: s.let("h", s.vector(scale=0.8), 0)}
    for t in range(1, T + 1):
        h[t] = s.let("h", W @ s.sigma(h[t - 1]) + U @ xs[t] + b, t)
    g = {0: s.let("g", s.sigma(h[0]), 0)}
    for t in range(1, T + 1):
        g[t] = s.let("g", s.sigma(W @ g[t - 1] + U @ xs[t] + b), t)
    s.activation()
    s.free_index("t", range(2, T + 1))
    s.free_index("T", range(1, T + 1))


def _induction(s: Scope) -> None:
    _recurrences(s, "vanishing")


def _exploding(s: Scope) -> None:
    _recurrences(s, "exploding")


induction = World("rnn-induction", _induction, standard_draws(sizes=(3, 4, 2), activations=ACTS, horizon=6, seed=1),
                  description="h_t = W sigma(h_{t-1}) + U x_t + b, g_t = sigma(W g_{t-1} + U x_t + b), g_0 = sigma(h_0)")
vanishing = World("rnn-vanishing", _induction, standard_draws(sizes=(3, 4, 2), activations=ACTS, horizon=6, seed=2),
                  description="the same recurrences with gamma ||W|| < delta < 1 (lambda_1(W^T W) <= delta^2/gamma^2)")
exploding = World("rnn-exploding", _exploding, standard_draws(sizes=(3, 4, 2), activations=ACTS, horizon=6, seed=3),
                  description="the reversed condition: lambda_1(W^T W) > delta^2/gamma^2")
