"""Attention identities: D^{-1} A V, separable softmax attention, and the random-feature form of a_ij."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: A, D, the two attentions and the Gaussian expectation, all as the
# prompts define them; no complexity and no feature map f


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _build(s: Scope) -> None:
    n, d = s.n + 1, 2
    Q, K, V = (s.let(name, 0.5 * s.rng.standard_normal((n, d))) for name in ("Q", "K", "V"))
    A = s.let("A", np.exp(Q @ K.T))
    ones = s.let("ones", np.ones((n, 1)))
    D = s.let("D", np.diag((A @ ones).ravel()))
    s.let("d", float(d))
    s.let("n", float(n))
    for i in range(1, n + 1):
        s.let("q", Q[i - 1].reshape(d, 1), i)
        s.let("k", K[i - 1].reshape(d, 1), i)
        for j in range(1, n + 1):
            s.let("a", float(A[i - 1, j - 1]), i, j)
    s.let("Attention_std", np.linalg.solve(D, A @ V))
    s.let("Attention_separable", _softmax(Q, 1) @ _softmax(K, 0).T @ V)
    s.let("x", np.zeros((d, 1)))
    s.free_index("i", range(1, n + 1))
    s.free_index("j", range(1, n + 1))
    s.index_range("i", 1, d)
    s.index_range("l", 1, n)
    # E over x ~ N(0, I_d) by Gauss-Hermite quadrature (exact enough for exp of a linear form)
    nodes, weights = np.polynomial.hermite_e.hermegauss(10)
    weights = weights / weights.sum()
    samples, ws = [], []
    for a, wa in zip(nodes, weights):
        for b, wb in zip(nodes, weights):
            samples.append({("x", ()): np.array([[a], [b]])})
            ws.append(wa * wb)
    s.expectation(samples, ws)


model = World("attention", _build, tuple(Draw(seed=150 + k, size=n) for k, n in enumerate((3, 2, 4))),
              tolerance=1e-5, description="Q, K, V in R^{n x 2}, A = exp(Q K^T), D = diag(A 1)")
