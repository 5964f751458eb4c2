"""Initialization moments: a^(t) = W^(t) h^(t-1) + b^(t), with W_ij ~ N(mu, sigma^2) and given moments of h.

The handout's objects only; reference/worlds/init_world.py adds the worlds where a question's choice holds."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = True  # copied into self-check packs: the layer, W's and h's laws with mu, sigma and c drawn at random, and
# the expectation over them; no value that a question asks to choose

Fix = Callable[[Scope, int, bool, float, float, float], tuple[float, float, float]]


def make_build(fix: Fix | None = None) -> Callable[[Scope], None]:
    """The build; `fix` may set mu, sigma and c after they are drawn (a world where a question's choice holds)."""
    return lambda s: _build(s, fix)


def _build(s: Scope, fix: Fix | None) -> None:
    d_in, d_out = s.n, 2
    relu = s.draw.option("variant") == "relu"
    mu, sig, c = s.scalar(-0.5, 0.5), s.scalar(0.3, 1.0), s.scalar(-0.5, 0.5)
    if fix is not None:
        mu, sig, c = fix(s, d_in, relu, mu, sig, c)
    s.let("mu", mu)
    s.let("sigma", sig)
    s.let("c", c)
    s.let("d", float(d_in), 1)  # d^{(t-1)} with t = 2
    s.let("d", float(d_out), 2)
    W = s.let("W", mu + sig * s.rng.standard_normal((d_out, d_in)), 2)
    # `general`: h^(t-1) with any common mean m and variance v (the question that asks for the moments in terms
    # of E[h] and Var(h)); otherwise the question's E[h] = 0, Var(h) = 1
    m, sd = (s.scalar(0.3, 0.8) * s.rng.choice((-1.0, 1.0)), s.scalar(0.6, 1.5)) if s.draw.option("general") \
        else (0.0, 1.0)
    pre = s.let("a", s.rng.standard_normal((d_in, 1)), 1)
    h = s.let("h", np.maximum(pre, 0.0) if relu else m + sd * pre, 1)
    a = W @ h + c
    for i in range(1, d_in + 1):
        s.let("h", float(h[i - 1, 0]), 1, i)
        s.let("a", float(pre[i - 1, 0]), 1, i)
    for i in range(1, d_out + 1):
        s.let("a", float(a[i - 1, 0]), 2, i)
        for j in range(1, d_in + 1):
            s.let("W", float(W[i - 1, j - 1]), 2, i, j)
    s.free_index("t", (2,))
    s.free_index("i", range(1, d_out + 1))
    s.free_index("j", range(1, d_in + 1))
    s.index_range("j", 1, d_in)
    s.index_range("k", 1, d_in)
    # independent W and h (or a^(t-1)): the product of two moment-matched sets is exact for these moments
    zw = moment_matched(d_out * d_in, np.random.default_rng(s.draw.seed + 1))
    zh = moment_matched(d_in, np.random.default_rng(s.draw.seed + 2))
    source = ("a", (1,)) if relu else ("h", (1,))
    s.expectation([{("W", (2,)): mu + sig * w.reshape(d_out, d_in),
                    source: z.reshape(d_in, 1) if relu else m + sd * z.reshape(d_in, 1)}
                   for w, z in itertools.product(zw, zh)])



variances = World("init-variances", make_build(), tuple(Draw(seed=170 + k, size=n, options=(("variant", v),))
                                                        for k, (n, v) in enumerate(((3, "linear"), (4, "linear")))),
                  description="E[h] = 0, Var(h) = 1, uncorrelated; a_i = sum_j W_ij h_j + c")
general = World("init-moments", make_build(),
                tuple(Draw(seed=200 + k, size=n, options=(("variant", "linear"), ("general", True)))
                      for k, n in enumerate((3, 4))),
                description="as `variances`, with E[h] = m and Var(h) = v drawn (not 0 and 1)")
