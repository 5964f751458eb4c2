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


def test_params_read_a_number_as_text_and_one_item_as_a_list() -> None:
    from pydantic import ValidationError

    from grader.checks.code.params import CodeParams
    from grader.checks.number import NumberParams

    p = NumberParams.model_validate({"expected": 12, "near": "output"})
    assert (p.expected, p.near) == ("12", ("output",))
    assert NumberParams.model_validate({"expected": 0.25}).expected == "0.25"
    f = FinalAnswerParams.model_validate({"expected": 2.0, "target": "y", "alternatives": [3, "x"]})
    assert (f.expected, f.target, f.alternatives) == ("2", "y", ("3", "x"))  # a target's text stays text
    for bad in ({"expected": {"a": 1}}, {"expected": "1", "near": {"a": 1}}, {"expected": True}):
        try:
            NumberParams.model_validate(bad)
        except ValidationError:
            continue
        raise AssertionError(f"{bad} was accepted")
    # where a number is itself valid, it stays a number
    field = CodeParams.model_fields["output_shape"]
    from grader.checks.base import _coerce

    assert _coerce(field.annotation, ["n", 3]) == ["n", 3]


def test_assumptions_are_read_as_the_math_reader_reads_them() -> None:
    from pydantic import ValidationError

    ok = FinalAnswerParams.model_validate({"expected": "x", "assume": ["lambda > 0", "0 <= beta < 1", "n >> d"]})
    assert ok.assume == ("lambda > 0", "0 <= beta < 1", "n >> d")
    for text, words in [("\\lambda > 0", "write 'lambda > 0'"), ("X full rank", "compare a name with a number"),
                        ("$\\beta \\le 1$", "write 'beta <= 1'")]:
        try:
            FinalAnswerParams.model_validate({"expected": "x", "assume": ["x > 0", text]})
        except ValidationError as exc:
            [err] = exc.errors()
            assert err["loc"] == ("assume", 1) and words in err["msg"], err
        else:
            raise AssertionError(f"{text!r} was accepted")
