"""CheckContext.notation: a question's `symbols:` block, carried to the checks that compare math."""

from __future__ import annotations

from grader.checks.base import CheckContext, Verdict
from grader.checks.final_answer import FinalAnswerCheck, FinalAnswerParams
from grader.course.rubric import Question
from grader.math.shapes import EMPTY
from grader.read.segment import Answer


def run(symbols: dict[str, str], line: str) -> Verdict:
    question = Question(id="1", points=1, symbols=symbols)
    params = FinalAnswerParams(expected="y = W x", target="y")
    ctx = CheckContext(question=question, answer=Answer("1", (line,), (10,)), params=params,
                       course=None, document=None, seed=0, timeout=5.0)  # type: ignore[arg-type]
    return FinalAnswerCheck().run(ctx).verdict


def test_declared_shapes_reach_final_answer() -> None:
    assert run({}, "$$y = x W$$") is Verdict.PASS  # plain letters: scalars, which commute
    assert run({"x": "vector", "W": "matrix"}, "$$y = x W$$") is Verdict.FAIL  # a vector times a matrix
    assert run({"x": "vector", "W": "matrix"}, "$$y = W x$$") is Verdict.PASS


def test_aliases_reach_final_answer() -> None:
    assert run({}, "$$y = V x$$") is Verdict.FAIL
    assert run({"V": "W"}, "$$y = V x$$") is Verdict.PASS  # the student's V is the rubric's W


def test_a_malformed_block_falls_back_to_the_notation() -> None:
    question = Question(id="1", points=1, symbols={"x": "x + 1"})
    ctx = CheckContext(question=question, answer=Answer("1", ("",), (1,)), params=FinalAnswerParams(expected="1"),
                       course=None, document=None, seed=0, timeout=1.0)  # type: ignore[arg-type]
    assert ctx.notation is EMPTY
