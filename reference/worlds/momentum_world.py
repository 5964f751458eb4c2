"""Momentum versus the running average of gradients: the two recursions, the unrolled sum and its bias."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World, moment_matched

PUBLIC = True  # copied into self-check packs: the two update rules as the handout states them; the momentum
# parameters are found by matching the running average's response to one unit gradient, and hat v_t from the
# running average of a constant gradient, so that neither answer is written out


def _running_average(beta: float, grads: list) -> list:
    """v_t = beta v_{t-1} + (1 - beta) g_t from v_0 = 0, the handout's running average."""
    v, out = 0.0 * grads[0], []
    for g in grads:
        v = beta * v + (1.0 - beta) * g
        out.append(v)
    return out


def _build(s: Scope) -> None:
    n, T = s.n, s.T
    beta, delta = s.scalar(0.3, 0.9), s.scalar(0.2, 2.0)
    # alpha and epsilon such that momentum makes the running average's updates, matched on one unit gradient
    first, second = (-delta * v for v in _running_average(beta, [1.0, 0.0]))
    alpha, eps = second / first, -first
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
    # hat v_t: v_t divided by what the running average makes of a constant gradient 1
    constant = _running_average(beta, [1.0] * T)
    for t in range(1, T + 1):
        s.let("hat v", v[t] / constant[t - 1], t)
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
                                "dtheta = -delta v_t, with the alpha and eps that make them the same updates")
running_average = World("running-average", _build, _draws(("running_average",)),
                        description="the running average alone: unrolling, E[v_t] and hat v_t")
