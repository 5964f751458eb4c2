"""Attention: standard, separable and random-feature (kernel) variants, with their Θ time and space.

Reference for bank topic `attention` (attention Q3).  Q, K, V are n x d (d_k = d_v = d_model = d).
Matrix products cost Θ(pqr) time and Θ(pq + qr + pr) space (the handout's convention).

- 3.1  one head, Attention_std(Q,K,V) = softmax_row(QK^T/sqrt d) V: time Θ(n^2 d), space Θ(n^2 + nd);
       with the projections Q̄W^Q etc. of the head: time Θ(n^2 d + n d^2), space Θ(n^2 + nd + d^2).
       h heads computed one after another (+ output projection nhd x d): time Θ(h n^2 d + h n d^2),
       space Θ(n^2 + h n d + h d^2) (one n x n matrix alive at a time; all head outputs kept for Concat).
       Long sequences (n >> d): the n x n attention matrix, Θ(n^2 d) time and Θ(n^2) space per head.
- 3.2  softmax_row(Q) softmax_col(K)^T: row i sums to sum_k Q̃_ik sum_j K̃_jk = sum_k Q̃_ik = 1, entries >= 0.
       Computed as softmax_row(Q) (softmax_col(K)^T V): time Θ(n d^2), space Θ(nd + d^2) = Θ(nd) for n >> d,
       against Θ(n^2 d) and Θ(n^2).  Less expressive: the n x n matrix has rank <= d and each query's
       distribution over keys is a mixture of the same d distributions (no query-key interaction).
- 3.3  softmax_row(A') = D^{-1} A with A = exp(QK^T), D = diag(A 1).  With a_ij = f(q_i)^T f(k_j), A = F_Q F_K^T
       (n x m each): compute F_K^T V (m x d) and F_K^T 1 first: D^{-1} F_Q (F_K^T V).  Time Θ(nmd),
       space Θ(nm + md + nd) = Θ(n(m + d)) — never the n x n matrix.
- 3.4  exp(q^T k) = exp(-|q|^2/2) exp(|q + k|^2/2) exp(-|k|^2/2) and E_{x~N(0,I)}[exp(x^T u)] = exp(|u|^2/2),
       so a_ij = exp(-|q_i|^2/2) E[exp(x^T q_i) exp(x^T k_j)] exp(-|k_j|^2/2).  Sampling w_1..w_m ~ N(0, I):
       f(x) = exp(-|x|^2/2) / sqrt(m) [exp(w_1^T x), ..., exp(w_m^T x)] in R_+^m, E[f(q)^T f(k)] = exp(q^T k).
- 3.5  larger m: lower variance of the estimate (Var ∝ 1/m) but Θ(nmd) time and Θ(nm) memory;
       the approximation only pays off while m << n.

numpy only.
"""

from __future__ import annotations

import numpy as np

STD_HEAD_TIME = "\\Theta(n^2 d)"  # n >> d; Θ(n^2 d + n d^2) with the projections
STD_HEAD_SPACE = "\\Theta(n^2 + n d)"
MULTIHEAD_TIME = "\\Theta(h n^2 d + h n d^2)"
MULTIHEAD_SPACE = "\\Theta(n^2 + h n d + h d^2)"
SEPARABLE_TIME = "\\Theta(n d^2)"
SEPARABLE_SPACE = "\\Theta(n d + d^2)"
APPROX_TIME = "\\Theta(n m d)"
APPROX_SPACE = "\\Theta(n m + n d + m d)"


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    z = np.exp(x - x.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def attention_std(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> np.ndarray:
    """softmax_row(Q K^T) V (scaling by sqrt d folded into Q and K)."""
    return softmax(Q @ K.T, axis=1) @ V


def attention_dav(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> np.ndarray:
    """D^{-1} A V with A = exp(Q K^T), D = diag(A 1): the same as attention_std."""
    A = np.exp(Q @ K.T)
    return (A @ V) / (A @ np.ones(len(K)))[:, None]


def separable_weights(Q: np.ndarray, K: np.ndarray) -> np.ndarray:
    """softmax_row(Q) softmax_col(K)^T: n x n, every row a categorical distribution."""
    return softmax(Q, axis=1) @ softmax(K, axis=0).T


def attention_separable(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> np.ndarray:
    """softmax_row(Q) (softmax_col(K)^T V): Θ(n d^2), never the n x n matrix."""
    return softmax(Q, axis=1) @ (softmax(K, axis=0).T @ V)


def positive_random_features(X: np.ndarray, omegas: np.ndarray) -> np.ndarray:
    """f(x) = exp(-|x|^2/2) / sqrt(m) [exp(w_i^T x)]_i, rows of X mapped to R_+^m."""
    m = omegas.shape[0]
    return np.exp(X @ omegas.T - 0.5 * (X ** 2).sum(axis=1, keepdims=True)) / np.sqrt(m)


def attention_approx(Q: np.ndarray, K: np.ndarray, V: np.ndarray, m: int, seed: int = 0) -> np.ndarray:
    """D^{-1} F_Q (F_K^T V) with F = f(rows): Θ(n m d) time, Θ(n m + m d + n d) space."""
    omegas = np.random.default_rng(seed).normal(size=(m, Q.shape[1]))
    FQ, FK = positive_random_features(Q, omegas), positive_random_features(K, omegas)
    num = FQ @ (FK.T @ V)
    den = FQ @ (FK.T @ np.ones(len(K)))
    return num / den[:, None]


def flops_std(n: int, d: int) -> int:
    """Multiply-adds of softmax(QK^T)V with naive products: n*d*n + n*n*d."""
    return 2 * n * n * d


def flops_separable(n: int, d: int) -> int:
    """softmax_col(K)^T V (d x n x d) then softmax_row(Q) times it (n x d x d)."""
    return 2 * n * d * d


def flops_approx(n: int, d: int, m: int) -> int:
    """Features (2 n d m), F_K^T V (m n d), F_Q (.) (n m d)."""
    return 2 * n * d * m + 2 * n * m * d
