"""Every world against its fixture lines: true lines hold and are evaluated, planted slips are false steps."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.worlds import steps
from grader.read.reading import statements

FIXTURES = yaml.safe_load((Path(__file__).parent / "world_fixtures.yaml").read_text(encoding="utf-8"))
HOLDS = [(target, line) for target, cases in FIXTURES.items() for line in cases.get("holds", [])]
FAILS = [(target, case["line"], case["why"]) for target, cases in FIXTURES.items() for case in cases.get("fails", [])]


@pytest.mark.parametrize("target,line", HOLDS, ids=[f"{t}-{k}" for k, (t, _) in enumerate(HOLDS)])
def test_true_line_holds(world, target: str, line: str) -> None:
    report = steps.check(statements([line], [7]), world(target))
    assert report.evaluated >= 1, [v.results for v in report.verdicts]
    assert not report.false, steps.message(report.false[0], world(target))


@pytest.mark.parametrize("target,line,why", FAILS, ids=[f"{t}-{w}" for t, _, w in FAILS])
def test_planted_slip_is_a_false_step(world, target: str, line: str, why: str) -> None:
    report = steps.check(statements([line], [7]), world(target))
    assert report.false, f"{why}: not caught"
    assert report.false[0].statement.line == 7


def test_every_world_has_fixtures(course) -> None:
    files = sorted(p.name for p in (course.reference_dir / "worlds").glob("*.py"))
    covered = {t.split(":")[0].split("/")[1] for t in FIXTURES}
    assert set(files) <= covered


def test_draws_differ_in_size_and_activation(world) -> None:
    w = world("worlds/rnn_world.py:induction")
    assert len({d.size for d in w.draws}) > 1
    assert {"tanh", "relu"} <= {d.activation for d in w.draws}


def test_worlds_are_deterministic(world) -> None:
    w = world("worlds/rnn_world.py:vanishing")
    a, b = w.instances()[0], w.instances()[0]
    assert (a.value(("h", (3,))) == b.value(("h", (3,)))).all()


def test_vanishing_world_satisfies_its_hypothesis(world) -> None:
    import numpy as np

    for inst in world("worlds/rnn_world.py:vanishing").instances():
        W, gamma, delta = inst.value(("W", ())), inst.value(("gamma", ())), inst.value(("delta", ()))
        assert np.max(np.linalg.eigvalsh(W.T @ W)) <= delta ** 2 / gamma ** 2 and 0 <= delta < 1
