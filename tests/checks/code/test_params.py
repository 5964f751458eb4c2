"""The code check's rubric parameters: the attention-lab rubric validates, unbound sizes are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from grader import checks
from grader.checks.code.params import CodeParams

from .harness import FAST, REPO, RUBRIC


def test_rubric_validates_with_the_code_kind_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.course.rubric import load_rubric
    monkeypatch.setitem(checks.BUILTIN, "code", "grader.checks.code.check")
    loaded = load_rubric(RUBRIC, REPO / "reference" / "bank")
    assert [q.id for q in loaded.assignment.questions] == ["1", "2"]


def test_a_case_that_does_not_give_every_size_is_refused() -> None:
    raw = FAST.model_dump()
    raw["cases"] = [{"B": 2, "n": 7}]
    with pytest.raises(ValidationError, match=r"does not give \['d'\]"):
        CodeParams.model_validate(raw)


def test_self_check_times_fewer_calls_and_keeps_every_correctness_trial() -> None:
    from grader.checks.code.params import SELF_CHECK_TRIALS, SELF_CHECK_WARMUP, self_check_timing

    raw = FAST.model_dump()
    raw["timing"] = {**raw["timing"], "trials": 21, "warmup": 2}
    short = CodeParams.model_validate(self_check_timing(raw))
    assert short.timing is not None and (short.timing.trials, short.timing.warmup) == (SELF_CHECK_TRIALS,
                                                                                      SELF_CHECK_WARMUP)
    assert short.model_copy(update={"timing": None}) == CodeParams.model_validate(raw).model_copy(
        update={"timing": None})  # cases, seeds per case, secret trials, tolerances: the rubric's
    assert self_check_timing(FAST.model_dump())["timing"]["trials"] == 5  # already fewer: kept
    defaults = {**raw, "timing": {"case": raw["timing"]["case"]}}  # the defaults (15 after 2) are capped too
    assert (self_check_timing(defaults)["timing"]["trials"], self_check_timing(defaults)["timing"]["warmup"]) == (
        SELF_CHECK_TRIALS, SELF_CHECK_WARMUP)
    untimed = {**raw, "timing": None}
    assert self_check_timing(untimed) == untimed


def test_self_check_rubric_shortens_only_code_timing() -> None:
    from grader.checks.code.params import self_check_rubric
    from grader.course.rubric import load_rubric

    loaded = load_rubric(RUBRIC, REPO / "reference" / "bank")
    short, shortened = self_check_rubric(loaded)
    assert shortened and short.path == loaded.path and short.digest == loaded.digest
    for before, after in zip(loaded.assignment.questions, short.assignment.questions):
        (spec,), (new,) = before.checks, after.checks
        assert new.params["timing"]["trials"] == 7 and spec.params["timing"]["trials"] == 21
        assert {k: v for k, v in new.params.items() if k != "timing"} == \
            {k: v for k, v in spec.params.items() if k != "timing"}
    again, shortened_again = self_check_rubric(short)
    assert again == short and not shortened_again
