"""Momentum versus the running average of gradients: the two recursions, the unrolled sum and its bias."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = False  # not in self-check packs: alpha = beta, epsilon = delta (1 - beta) and hat v_t = v_t/(1 - beta^t) are
# the answers


def _build(s: Scope) -> None:
    n, T = s.n, s.T
    beta, delta = s.scalar(0.3, 0.9), s.scalar(0.2, 2.0)
    alpha, eps = beta, delta * (1.0 - beta)  # the relation that makes the two rules the same updates
    for name, value in (("alpha", alpha), ("epsilon", eps), ("beta", beta), ("delta", delta)):
        s.let(name, value)
    s.alias("varepsilon", "epsilon")
    mean = s.vector()
    s.let("mu", mean, "g")  # mu_g = E[g_t], stationary
    noise = s.rng.standard_normal((T, n, 1))
    g = {t: s.let("g", mean + noise[t - 1], t) for t in range(1, T + 1)}
    momentum = s.draw.option("variant") == "momentum"
    v = {0: s.let("v", np.zeros((n, 1)), 0)}
    s.let("Delta theta", np.zeros((n, 1)), 0)
    for t in range(1, T + 1):
        if momentum:
            v[t] = s.let("v", alpha * v[t - 1] + eps * g[t], t)
            s.let("Delta theta", -v[t], t)
        else:
            v[t] = s.let("v", beta * v[t - 1] + (1.0 - beta) * g[t], t)
            s.let("Delta theta", -delta * v[t], t)
    s.let("hat v", v[T] / (1.0 - beta ** T), T)
    for t in range(1, T + 1):
        s.let("hat v", v[t] / (1.0 - beta ** t), t)
    s.free_index("t", range(1, T + 1))
    s.free_index("i", range(1, T + 1))
    s.index_range("i", 1, T)
    s.index_range("k", 1, T)
    # E[.] over the gradient noise: 2 T n moment-matched points, exact for the linear statistics here
    pts = moment_matched(T * n, np.random.default_rng(s.draw.seed + 7))
    samples = [{("g", (t,)): mean + p.reshape(T, n, 1)[t - 1] for t in range(1, T + 1)} for p in pts]
    s.expectation(samples)


def _draws(variants: tuple[str, ...]) -> tuple[Draw, ...]:
    return tuple(Draw(seed=40 + k, size=n, horizon=5, options=(("variant", v),))
                 for v in variants for k, n in enumerate((2, 3)))


equivalence = World("momentum-vs-running-average", _build, _draws(("momentum", "running_average")),
                    description="v_t = alpha v_{t-1} + eps g_t, dtheta = -v_t versus v_t = beta v_{t-1} + (1-beta) g_t, "
                                "dtheta = -delta v_t, with alpha = beta and eps = delta (1 - beta)")
running_average = World("running-average", _build, _draws(("running_average",)),
                        description="the running average alone: unrolling and E[v_t] = (1 - beta^t) E[g]")
