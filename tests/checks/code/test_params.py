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
