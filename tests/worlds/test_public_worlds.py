"""Public worlds that compute an answer-dependent quantity from the handout's definitions agree with its closed form.

The closed forms live here, in the tests (never shipped in a pack), so that the numerical route is checked on every
draw: Adam's gradient of the penalized objective, dropout's minimiser and lambda^dropout."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from grader.worlds import World
from grader.worlds.world import Instance

TOL = 1e-9


def _close(a: object, b: object) -> bool:
    x, y = np.asarray(a, float), np.asarray(b, float)
    return x.shape == y.shape and bool(np.all(np.abs(x - y) <= TOL * max(1.0, float(np.max(np.abs(y))))))


@pytest.mark.parametrize("target", ["worlds/adam_world.py:model", "worlds/adam_world.py:kingma"])
def test_adam_gradient_is_the_loss_gradient_plus_the_penalty_gradient(world: Callable[[str], World],
                                                                      target: str) -> None:
    for inst in world(target).instances():
        v = inst.scope.values
        theta, gamma = v[("theta", (3,))], v[("gamma", ())]
        assert _close(v[("g", (3,))], v[("nabla L", ())] + gamma * theta)
        assert _close(v[("g", ())], v[("g", (3,))])


@pytest.mark.parametrize("target", ["worlds/handout/dropout_world.py:model", "worlds/dropout_world.py:model"])
def test_dropout_coefficient_and_minimiser_match_their_closed_forms(world: Callable[[str], World],
                                                                    target: str) -> None:
    for inst in world(target).instances():
        v = inst.scope.values
        X, y, p, Gamma = v[("X", ())], v[("y", ())], v[("p", ())], v[("Gamma", ())]
        lam = v[("lambda", ("dropout",))]
        assert abs(lam - (1 - p) / p) <= TOL
        closed = np.linalg.solve(X.T @ X + (1 - p) / p * Gamma @ Gamma, X.T @ y) / p
        assert _close(v[("w^dropout", ())], closed)
        assert _close(inst.scope.solutions[("w", ())], closed)


def test_the_handout_dropout_world_holds_no_l2_minimiser(world: Callable[[str], World]) -> None:
    public, private = world("worlds/handout/dropout_world.py:model"), world("worlds/dropout_world.py:model")
    assert public.draws == private.draws
    for draw in public.draws:
        shipped, graded = Instance(public, draw).scope.values, Instance(private, draw).scope.values
        assert set(graded) - set(shipped) == {("w^L_2", ())}
        assert all(_close(shipped[k], graded[k]) for k in shipped if not callable(getattr(shipped[k], "fn", None)))


def test_a_rebuild_that_moves_lambda_moves_the_minimiser(world: Callable[[str], World]) -> None:
    inst = world("worlds/handout/dropout_world.py:model").instances(1)[0]
    moved = inst.rebuilt({("lambda", ("dropout",)): ("add", 0.25)})
    assert not _close(moved.value(("w^dropout", ())), inst.value(("w^dropout", ())))
