"""The `constraint` check: any valid choice passes, a broken relation is named with the values, a missing value is
named, hostile values stay bounded, and a malformed rubric entry is a validation error naming its field."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.constraint import ConstraintCheck, ConstraintParams
from grader.course.rubric import RubricError, parse_rubric
from grader.read.segment import Answer

OUTPUT = r"\left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1 = 16"
PARAMS: dict[str, Any] = {
    "variables": {"k": ["kernel size", "kernel"], "s": {"words": ["stride"], "integer": True},
                  "p": ["padding"], "d": {"words": ["dilation"], "default": "1"}},
    "given": {"n": 32},
    "relations": [OUTPUT, r"s \ge 1", r"p \ge 0", r"k \ge 1"],
    "example": {"k": 3, "s": 2, "p": 1},
}


def run(text: str, **override: Any) -> CheckOutcome:
    params = ConstraintParams.model_validate({**PARAMS, **override})
    lines = tuple(text.split("\n"))
    answer = Answer("1", lines, tuple(range(10, 10 + len(lines))))
    ctx = CheckContext(question=None, answer=answer, params=params, course=None,  # type: ignore[arg-type]
                       document=None, seed=0, timeout=5.0, label="the layer")  # type: ignore[arg-type]
    return ConstraintCheck().run(ctx)


@pytest.mark.parametrize("text", [
    "We pick $k = 3$, $s = 2$, $p = 1$.",
    "$k = 4, s = 2, p = 1$",  # floor((32 + 2 - 3 - 1)/2) + 1 = 16 too
    "A kernel size of 5, stride 2 and padding 2.",
    "Take $p = \\frac{k-1}{2} = 1$ with $k = 3$ and $s = 2$.",  # a chain: its last form is the value
])
def test_any_valid_combination_passes(text: str) -> None:
    out = run(text)
    assert out.verdict is Verdict.PASS, out.reason
    assert "satisfies every condition" in out.findings[-1].message


def test_dilation_is_read_when_stated_and_defaults_otherwise() -> None:
    assert run("$k = 3, s = 2, p = 2, d = 2$").verdict is Verdict.PASS  # floor((32+4-4-1)/2)+1 = 16
    assert run("$k = 3, s = 2, p = 2$").verdict is Verdict.FAIL  # d = 1: floor(33/2)+1 = 17


def test_an_invalid_combination_names_the_broken_relation_with_the_values() -> None:
    out = run("kernel size 3, stride 1, padding 1")
    assert out.verdict is Verdict.FAIL
    message = out.findings[-1].message
    assert "k = 3, s = 1, p = 1, d = 1" in message and OUTPUT in message
    assert "left side is 32 and the right side 16" in message
    assert out.details["broken"] == OUTPUT


def test_a_bound_and_integrality_are_checked() -> None:
    out = run("$k = 3$, $s = 0$, $p = 1$")
    assert out.verdict is Verdict.FAIL and "no finite value" in out.findings[-1].message
    out = run("$k = 3$, $s = 1.5$, $p = 1$")
    assert out.verdict is Verdict.FAIL and "not a whole number" in out.reason
    out = run("$k = 3$, $s = 2$, $p = -1$", relations=[r"p \ge 0"])
    assert out.verdict is Verdict.FAIL and "left side is -1" in out.findings[-1].message


def test_the_last_value_stated_counts_and_the_change_is_noted() -> None:
    out = run("First $k = 5$, $s = 2$, $p = 1$.\nSo the answer is $k = 3$.")
    assert out.verdict is Verdict.PASS
    assert any("several values" in f.message and "line 11" in f.message for f in out.findings)


def test_a_missing_value_is_named() -> None:
    out = run("$k = 3, s = 2$")
    assert out.verdict is Verdict.UNKNOWN and out.details["missing"] == ["p"]
    assert "padding $p$" in out.findings[-1].message
    assert run("nothing here").details["missing"] == ["k", "s", "p"]


@pytest.mark.parametrize("text", [
    "$k = 10^{999}$, $s = 2$, $p = 1$",
    "k = 10^{999}, s = 2, p = 1",
    "$k = " + "(" * 5000 + "1" + ")" * 5000 + "$, $s = 2$, $p = 1$",
    "stride" + " " * 200_000 + "x",
    "kernel size " + "of " * 50_000 + "padding",
    "$k = \\infty$, $s = 2$, $p = 1$",
    "$k = 3$, $s = 2$, $p = 99999999999999999999999999999999999999999999999999$",
])
def test_hostile_values_are_bounded_and_never_pass(text: str) -> None:
    start = time.process_time()
    out = run(text)
    assert time.process_time() - start < 5.0
    assert out.verdict in (Verdict.UNKNOWN, Verdict.FAIL), out.reason


RUBRIC = """
assignment: demo
questions:
  - id: "1"
    points: 2
    checks:
      - kind: constraint
{params}
"""


def rubric_problems(params: str) -> list[str]:
    text = RUBRIC.format(params="\n".join("        " + line for line in params.strip().splitlines()))
    with pytest.raises(RubricError) as exc:
        parse_rubric(text, Path("demo.yaml"))
    return exc.value.problems


def test_a_good_constraint_loads_from_a_rubric() -> None:
    text = RUBRIC.format(params="        variables: {k: [kernel size], s: [stride], p: [padding]}\n"
                                "        given: {n: 32, d: 1}\n"
                                f"        relations: ['{OUTPUT}']\n"
                                "        example: {k: 3, s: 2, p: 1}")
    loaded = parse_rubric(text, Path("demo.yaml"))
    assert loaded.assignment.questions[0].checks[0].kind == "constraint"


@pytest.mark.parametrize("params, field, words", [
    ("variables: {k: []}\nrelations: ['k + = 1']", "relations", "cannot be read"),
    ("variables: {k: []}\nrelations: ['k + 1']", "relations", "is not a relation"),
    ("variables: {k: []}\nrelations: ['k + q = 1']", "relations", "'q' is neither a variable nor a given"),
    ("variables: {'k + 1': []}\nrelations: ['k = 1']", "variables", "is not a single symbol"),
    ("variables: {k: []}\ngiven: {n: 'x'}\nrelations: ['k = n']", "given", "is not a number"),
    ("variables: {k: []}\nrelations: ['k \\in 1']", "relations", "uses 'in'"),
    ("variables: {k: []}\nrelations: ['k = 2']\nexample: {k: 3}", "example", "the example breaks"),
    ("variables: {k: []}\nrelations: []", "relations", "at least 1"),
    ("variables: {k: {words: [a], typo: 1}}\nrelations: ['k = 2']", "variables", "Extra inputs"),
])
def test_malformed_params_are_validation_errors_naming_file_question_and_field(params: str, field: str,
                                                                            words: str) -> None:
    found = rubric_problems(params)
    assert any(p.startswith("demo.yaml: question 1: field 'checks[1].") and f".{field}" in p and words in p
               for p in found), found


def test_values_said_in_words_are_read() -> None:
    out = run("Here $k$ is three, $s$ is two and $p$ is one.")
    assert out.verdict is Verdict.PASS, out.reason
    out = run("We use $k = 4$, and $s$ and $p$ both one.")  # floor(31/1) + 1 = 32
    assert out.verdict is Verdict.FAIL and "k = 4, s = 1, p = 1" in out.findings[-1].message
