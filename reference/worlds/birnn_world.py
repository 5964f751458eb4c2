"""Bidirectional RNN: forward and backward recurrences, y_t = V^f h^f_t + V^b h^b_t, L = sum_t ||z_t - y_t||^2."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: the handout's forward and backward recurrences, outputs and loss; no
# gradient


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _build(s: Scope) -> None:
    n, T = s.n, 3
    Wf, Uf, Vf = (s.let(name, s.matrix(n, n)) for name in ("W^(f)", "U^(f)", "V^(f)"))
    Wb, Ub, Vb = (s.let(name, s.matrix(n, n)) for name in ("W^(b)", "U^(b)", "V^(b)"))
    x = {t: s.let("x", s.vector(), t) for t in range(1, T + 1)}
    z = {t: s.let("z", s.vector(), t) for t in range(1, T + 1)}
    hf = {0: s.let("h^(f)", s.vector(), 0)}
    for t in range(1, T + 1):
        hf[t] = s.let("h^(f)", _sigmoid(Wf @ x[t] + Uf @ hf[t - 1]), t)
    hb = {T + 1: s.let("h^(b)", s.vector(), T + 1)}
    for t in range(T, 0, -1):
        hb[t] = s.let("h^(b)", _sigmoid(Wb @ x[t] + Ub @ hb[t + 1]), t)
    total = 0.0
    for t in range(1, T + 1):
        y = s.let("y", Vf @ hf[t] + Vb @ hb[t], t)
        lt = s.let("L", float(np.sum((z[t] - y) ** 2)), t)
        total += lt
    s.let("L", total)
    s.fn("sigma", _sigmoid)
    s.fn("sigma'", lambda v: np.diag((_sigmoid(v) * (1 - _sigmoid(v))).ravel()) if np.size(v) > 1
         else float(_sigmoid(v) * (1 - _sigmoid(v))))
    s.fn("diag", lambda v: np.diag(np.ravel(v)))
    s.free_index("t", range(1, T + 1))
    s.index_range("t", 1, T)


model = World("bidirectional-rnn", _build, tuple(Draw(seed=190 + k, size=n) for k, n in enumerate((2, 3))),
              description="h^f_t = sigma(W^f x_t + U^f h^f_{t-1}), h^b_t = sigma(W^b x_t + U^b h^b_{t+1}), T = 3")
