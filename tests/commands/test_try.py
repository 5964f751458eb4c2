"""`grader try` end to end: one answer, generated variants, usage errors, and a hostile answer within the limit."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
COURSE = ["--course", str(ROOT), "--assignment", "conv-2026"]


def test_one_answer_prints_status_score_and_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", *COURSE, "--question", "5", "--answer", "$k = 3$, $s = 1$, $p = 1$"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("question 5: incorrect, 0/4\n") and "left side is 32 and the right side 16" in out


def test_an_answer_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = tmp_path / "a.md"
    answer.write_text("The size after pooling is $6$.\n")
    assert main(["try", *COURSE, "--question", "2", str(answer)]) == 0
    assert capsys.readouterr().out.startswith("question 2: correct, 2/2\n")


def test_variants_report_each_status_and_no_surprise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", *COURSE, "--question", "5", "--variants"]) == 0
    out = capsys.readouterr().out
    assert "s plus one  wrong       incorrect" in out and "every variant graded as expected" in out


def test_a_surprise_is_marked_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a rubric whose check accepts any number: the wrong variants are graded correct, and that is shown
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "loose.yaml").write_text(
        'assignment: loose\nquestions:\n  - id: "1"\n    points: 1\n    checks:\n'
        "      - {kind: final_answer, target: 'y', expected: 'x', alternatives: ['-x', 'q']}\n")
    assert main(["try", "--course", str(tmp_path), "--assignment", "loose", "--question", "1", "--variants"]) == 1
    out = capsys.readouterr().out
    assert "!! sign flipped" in out and "surprise(s)" in out


@pytest.mark.parametrize("argv", [
    ["--question", "5"],  # no answer
    ["--question", "5", "--answer", "x", "--variants"],  # two sources
    ["--question", "9", "--answer", "x"],  # no such question
])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", *COURSE, *argv]) == 2
    assert "grader try:" in capsys.readouterr().err


def test_a_hostile_answer_stays_within_the_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "$" + "{" * 3000 + "k" + "}" * 3000 + "$ " + "stride " * 20000 + "\n" + "$x^{" * 500 + "$"
    start = time.monotonic()
    rc = main(["try", *COURSE, "--question", "5", "--answer", hostile, "--timeout", "10"])
    assert time.monotonic() - start < 15
    out = capsys.readouterr().out
    assert rc in (0, 1) and out.startswith("question 5: ") and "correct, 4/4" not in out


def test_a_worker_past_its_limit_is_stopped_and_reported(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.monotonic()
    assert main(["try", *COURSE, "--question", "1", "--answer", "$13$", "--timeout", "0.001"]) == 1
    assert time.monotonic() - start < 5
    assert "longer than the 0.001 s limit" in capsys.readouterr().out


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["try", "--help"])
    assert "--variants" in capsys.readouterr().out


def test_a_renamed_symbol_never_makes_a_wrong_answer_right(capsys: pytest.CaptureFixture[str]) -> None:
    # newton 3.1: an item asks for the expanded model at the new point (the same target as the answer); its line
    # is written before the answer's, as a step, so the answer's line is the conclusion each variant changes
    assert main(["try", "--course", str(ROOT), "--assignment", "newton", "--question", "3.1", "--variants"]) == 0
    out = capsys.readouterr().out
    renamed = next(line for line in out.splitlines() if "symbol renamed" in line)
    status = re.search(r"\bwrong\s+(\S+)", renamed)
    assert not renamed.startswith("!!") and status is not None and status.group(1) != "correct"


def test_a_deciding_check_without_a_reference_judges_variants_by_the_written_checks(
        capsys: pytest.CaptureFixture[str]) -> None:
    # attention 4.3.a: which set is regularized more is a claim written as words in order, which no reference
    # answer is made of; the reference is judged by the checks it writes, not by the question's status
    assert main(["try", "--course", str(ROOT), "--assignment", "attention", "--question", "4.3.a", "--variants"]) == 0
    out = capsys.readouterr().out
    assert "judged by the verdicts of the checks it writes" in out and "every variant graded as expected" in out


def test_the_variants_write_an_items_line_before_the_answer() -> None:
    from grader.commands.try_variants import variants
    from grader.course.directory import Course

    question = next(q for q in Course(ROOT).rubric("newton").assignment.questions if q.id == "3.1")
    made, _ = variants(question)
    reference = made[0].text.split("\n\n")
    assert reference[0].startswith("So $\\hat{f}_{x_0}(x_1) = f(x_0) + (-\\epsilon g)")  # the item's expanded form
    assert "\\epsilon^2" in reference[1] or "\\epsilon^{2}" in reference[1]  # then the answer


def test_variants_of_a_bare_growth_state_it_as_the_class_grading_reads(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # `expected: 'n^2 d'` (no O/Θ) passes validate as Θ(n^2 d); the variants write it so, and none is a surprise
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "cost.yaml").write_text(
        'assignment: cost\nquestions:\n  - id: "1"\n    points: 2\n    checks:\n'
        "      - {kind: complexity, expected: 'n^2 d', near: time}\n")
    course = ["--course", str(tmp_path), "--assignment", "cost", "--question", "1"]
    assert main(["try", *course, "--variants"]) == 0
    out = capsys.readouterr().out
    assert "the time is $\\Theta(n^2 d)$" in out and "every variant graded as expected" in out, out


def test_a_denominator_claim_is_written_as_a_fraction(capsys: pytest.CaptureFixture[str]) -> None:
    # newton 2.3: the rescaling is `{math: '1-\beta^t', part: denominator}`: the reference divides by it
    assert main(["try", "--course", str(ROOT), "--assignment", "newton", "--question", "2.3", "--variants"]) == 0
    out = capsys.readouterr().out
    assert "$\\frac{1}{1-\\beta^t}$" in out and "every variant graded as expected" in out
