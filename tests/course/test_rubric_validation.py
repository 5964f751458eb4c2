"""Tests of grader.course.rubric's messages: bank entries named with the rubric, entries numbered from 1, check
parameters read leniently but type errors named, assumptions read when the rubric loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.rubric import RubricError, load_rubric

BANK = """
questions:
  growth:
    title: Growth
    checks:
      - kind: complexity
        expected: '\\Theta(n^2 d)'
        assume: ['\\lambda > 0']
"""


def problems(tmp_path: Path, rubric: str, bank: str | None = None) -> list[str]:
    (tmp_path / "demo.yaml").write_text(rubric)
    bank_dir = None
    if bank is not None:
        bank_dir = tmp_path / "bank"
        bank_dir.mkdir(exist_ok=True)
        (bank_dir / "topic.yaml").write_text(bank)
    with pytest.raises(RubricError) as exc:
        load_rubric(tmp_path / "demo.yaml", bank_dir)
    return exc.value.problems


def test_a_mistake_in_a_bank_entry_names_the_bank_file_and_entry(tmp_path: Path) -> None:
    rubric = 'assignment: demo\nquestions:\n  - {id: "3", points: 4, bank: topic.growth}\n'
    [got] = problems(tmp_path, rubric, BANK)
    assert got.startswith(f"{tmp_path / 'demo.yaml'}: question 3 (from bank {tmp_path / 'bank' / 'topic.yaml'} "
                          "entry growth): field 'checks[1].assume.1': cannot read the assumption"), got


def test_a_mistake_in_the_rubrics_own_fields_names_the_rubric_only(tmp_path: Path) -> None:
    bank = BANK.replace("\\lambda", "lambda")
    rubric = ('assignment: demo\nquestions:\n  - id: "3"\n    points: 4\n    bank: topic.growth\n'
              '    add_checks: [{kind: number, expected: 12, near: {a: 1}}]\n')
    [got] = problems(tmp_path, rubric, bank)
    assert got.startswith(f"{tmp_path / 'demo.yaml'}: question 3: field 'checks[2].near': write a list, or one "
                          "item here, not a mapping"), got
    overridden = ('assignment: demo\nquestions:\n  - id: "3"\n    points: 4\n    bank: topic.growth\n'
                  "    checks: [{kind: complexity, expected: 'T = n^2'}]\n")
    [got] = problems(tmp_path, overridden, bank)
    assert got.startswith(f"{tmp_path / 'demo.yaml'}: question 3: field 'checks[1].expected': "), got
    assert "names no O" in got


def test_entries_are_numbered_from_one_like_checks(tmp_path: Path) -> None:
    rubric = """
assignment: demo
questions:
  - id: "1"
    points: 4
    checks:
      - kind: keywords
        any: [fine]
      - kind: final_answer
        target: y
        expected: x
        assume: ['x > 0', 'X full rank', '\\beta \\geq 0']
"""
    got = problems(tmp_path, rubric)
    assert len(got) == 2, got
    assert "field 'checks[2].assume.2': cannot read the assumption 'X full rank'" in got[0]
    assert "field 'checks[2].assume.3'" in got[1] and "(write 'beta >= 0')" in got[1]
    assert "plain text" in got[1]


def test_numbers_and_single_items_are_read_but_wrong_types_are_named(tmp_path: Path) -> None:
    good = ("assignment: demo\nquestions:\n  - id: \"1\"\n    points: 4\n    checks:\n"
            "      - {kind: number, expected: 12, near: output}\n"
            "      - {kind: complexity, expected: 'O(n)', near: time, assume: 'n >> d', role: claim}\n")
    (tmp_path / "demo.yaml").write_text(good)
    spec = load_rubric(tmp_path / "demo.yaml").assignment.questions[0].checks
    from grader.checks.complexity import ComplexityParams
    from grader.checks.number import NumberParams

    number = NumberParams.model_validate(spec[0].params)
    assert (number.expected, number.near) == ("12", ("output",))
    assert ComplexityParams.model_validate(spec[1].params).assume == ("n >> d",)
    # the loaded parameters are what grading reads, for every reader of them (the self-check pack, try --variants)
    assert spec[0].params == {"expected": "12", "near": ["output"]}
    assert spec[1].params["assume"] == ["n >> d"] and spec[1].params["near"] == ["time"]
    bad = good.replace("expected: 12", "expected: [1, 2]")
    [got] = problems(tmp_path, bad)
    assert "field 'checks[1].expected': write text (a number or words; quote LaTeX) here, not a list" in got


def test_an_unknown_kind_lists_only_the_kinds_a_rubric_may_use(tmp_path: Path) -> None:
    rubric = 'assignment: demo\nquestions:\n  - {id: "1", points: 4, checks: [{kind: numbr, expected: 1}]}\n'
    [got] = problems(tmp_path, rubric)
    assert "unknown check kind 'numbr' (known: code, complexity, constraint, derivation" in got
    assert "pack_" not in got
