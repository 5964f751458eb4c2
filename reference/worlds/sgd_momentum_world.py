"""SGD + L2 with momentum on the gradient only versus on both: theta^{t+1} recurrences and lambda' = (1 - mu) lambda."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = False  # not in self-check packs: the first algorithm is the one question 5.a asks to design, and
# mu' = mu (1 - alpha lambda), lambda' = (1 - mu) lambda are the answers of 5.b


def _build(s: Scope) -> None:
    n, T = s.n, s.T + 2
    alpha, mu, lam = s.scalar(0.05, 0.5), s.scalar(0.3, 0.9), s.scalar(0.1, 1.0)
    for name, value in (("alpha", alpha), ("mu", mu), ("lambda", lam), ("alpha'", alpha),
                        ("mu'", mu * (1 - alpha * lam)), ("lambda'", (1 - mu) * lam)):
        s.let(name, value)
    theta = {0: s.let("theta", s.vector(), 0)}
    v = {-1: np.zeros((n, 1))}
    s.let("v", v[-1], -1)
    for t in range(T):
        gt = s.let("tilde g", s.vector(), t)
        v[t] = s.let("v", mu * v[t - 1] + gt, t)
        s.let("g", lam * theta[t], "r", t)
        theta[t + 1] = s.let("theta", theta[t] - alpha * (v[t] + lam * theta[t]), t + 1)
        s.let("v'", v[t] + lam * theta[t], t)  # the second algorithm's buffer, run with alpha', mu', lambda'
    # the buffers' starting values are a convention (v^{-1} = 0 here, v^0 = 0 in other write-ups) that the
    # student states, and the one who shows the equivalence picks the second buffer's start: choices, not claims
    for name in ("v", "v'"):
        for t in (-1, 0):
            s.choice(name, t)
    s.superscript_index("theta", "v", "v'", "tilde g")
    s.free_index("t", range(1, T - 1))


model = World("sgd-l2-momentum", _build, tuple(Draw(seed=140 + k, size=n) for k, n in enumerate((3, 1, 2))),
              description="v^t = mu v^{t-1} + g^t, theta^{t+1} = theta^t - alpha (v^t + lambda theta^t); "
                          "equivalent with alpha' = alpha, mu' = mu (1 - alpha lambda), lambda' = (1 - mu) lambda")
