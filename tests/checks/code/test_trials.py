"""Correctness trials: wrong answers caught, seeds recorded but never the secret one, uninformative references refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from grader.checks.base import Verdict
from grader.checks.code.trials import RubricProblem, public_seed, secret_seed

from .harness import FAST, SUBMISSIONS, Course, question, rubric_params, run_check


@pytest.mark.parametrize("qid", ["1", "2"])
def test_wrong_answer_scores_zero_with_a_finding(qid: str) -> None:
    params = FAST if qid == "1" else rubric_params(1).model_copy(update={"timing": None, "trials_per_case": 1})
    outcome = run_check(question(SUBMISSIONS / "wrong.md", qid), params)
    assert outcome.verdict is Verdict.FAIL and outcome.fraction == 0.0
    assert outcome.findings[0].kind == "code_wrong"
    assert "relative error" in outcome.findings[0].message


def test_details_record_every_run_but_never_the_secret_seed() -> None:
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"))
    d: dict[str, Any] = outcome.details
    assert d["device"].startswith(("cpu", "cuda")) and d["torch"] and d["python"]
    assert d["tolerances"] == {"rtol": FAST.rtol, "atol": FAST.atol, "max_rel_error": FAST.max_rel_error}
    seeds = [t["seed"] for t in d["trials"]]
    assert seeds.count("secret") == 2 and public_seed(1234, 0, 0) in seeds
    timing = d["timing"]
    assert len(timing["student_trials_s"]) == 5 and timing["student"]["median_s"] > 0
    assert {"iqr_s", "median_s"} <= set(timing["reference"]) and timing["speedup"] > 0
    dumped = json.dumps(d)
    for index in (0, 100):
        assert str(secret_seed(Course().secret(), 1234, index)) not in dumped
    assert d["student"]["notes"] == [], d["student"]["notes"]  # fully isolated on this machine


def test_near_constant_reference_output_is_refused() -> None:
    args = tuple(a.model_copy(update={"scale": 0.0}) if a.name == "V" else a for a in FAST.args)
    with pytest.raises(RubricProblem, match="near-constant"):
        run_check(question(SUBMISSIONS / "efficient.md", "1"), FAST.model_copy(update={"args": args}))
