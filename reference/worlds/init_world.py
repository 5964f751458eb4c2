"""Initialization variances: the handout's layer (reference/worlds/handout/init_world.py) and the worlds where a
question's choice of mu, sigma^2 and c holds."""

from __future__ import annotations

import numpy as np

from grader.worlds import Draw, Scope, World, handout_module

PUBLIC = False  # not in self-check packs: `chosen` and `relu_chosen` set mu = c = 0 and sigma^2 = 1/d or 2/d, the
# answers; `relu` takes mu = 0 as those answers do. The handout's part is public: see HANDOUT.

HANDOUT = "worlds/handout/init_world.py"  # a pack takes `variances` and `general` from there (docs/worlds.md)


_handout = handout_module(__file__, HANDOUT)
variances, general = _handout.variances, _handout.general


def _relu_mean(s: Scope, d_in: int, relu: bool, mu: float, sig: float, c: float) -> tuple[float, float, float]:
    if relu:
        mu = 0.0  # E[relu(a)] depends on the law of a; the question's answers take mu = 0
    return mu, sig, c


def _chosen(s: Scope, d_in: int, relu: bool, mu: float, sig: float, c: float) -> tuple[float, float, float]:
    # the questions that ask for mu, sigma^2 and c such that E[a] = 0 and Var(a) = 1: the world where they
    # hold, so that a right choice (c = 0, mu = 0, sigma^2 = 1/d or 2/d under ReLU) holds and a wrong one fails
    return 0.0, float(np.sqrt((2.0 if relu else 1.0) / d_in)), 0.0


chosen = World("init-chosen", _handout.make_build(_chosen),
               tuple(Draw(seed=190 + k, size=n, options=(("variant", "linear"), ("chosen", True)))
                     for k, n in enumerate((3, 4))),
               description="as `variances`, with mu = 0, c = 0, sigma^2 = 1/d^(t-1): E[a] = 0 and Var(a) = 1")
relu_chosen = World("init-chosen-relu", _handout.make_build(_chosen),
                    tuple(Draw(seed=195 + k, size=n, options=(("variant", "relu"), ("chosen", True)))
                          for k, n in enumerate((3, 4))),
                    description="as `relu`, with mu = 0, c = 0, sigma^2 = 2/d^(t-1): E[a] = 0 and Var(a) = 1")
relu = World("init-variances-relu", _handout.make_build(_relu_mean),
             tuple(Draw(seed=180 + k, size=n, options=(("variant", "relu"),)) for k, n in enumerate((3, 4))),
             description="a^(t-1) symmetric with E = 0, Var = 1; h = ReLU(a^(t-1))")
