"""A student's self-check: what it could not check shows no score that would read as a grade, and says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader import cli
from grader.grading.results import Finding, QuestionResult, Severity, Status
from grader.report.feedback import what_to_fix

REPO = Path(__file__).resolve().parents[2]


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], assignment: str, writeup: str) -> str:
    pack = tmp_path / f"pack-{assignment}"
    assert cli.main(["pack", "--assignment", assignment, "--out", str(pack), "--course", str(REPO)]) == 0
    capsys.readouterr()
    assert cli.main(["check", str(REPO / "submissions" / assignment / writeup), "--pack", str(pack)]) == 0
    return capsys.readouterr().out


def test_a_perfect_write_up_shows_no_provisional_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _check(tmp_path, capsys, "attention", "correct.md")
    heads = [line for line in text.splitlines() if line.startswith("Question ")]
    assert len(heads) == 16
    assert not [h for h in heads if "needs_review" in h]  # an open question is not a status with a score
    open_ = [h for h in heads if "not checked here" in h]
    assert open_ and all(not re.search(r"\(\d", h) for h in open_)  # and carries no score at all
    assert "-- not checked here (a TA grades it)" in text  # a question a person grades in any case
    scored = [h for h in heads if "provisional)" in h]
    assert len(scored) + len(open_) == 16
    earned = sum(float(m.group(1)) for h in scored for m in [re.search(r"\(([\d.]+)/", h)] if m)
    possible = sum(float(m.group(1)) for h in scored for m in [re.search(r"/([\d.]+) provisional", h)] if m)
    assert f"Total: {earned:g} of {possible:g} checked points; {len(open_)} question(s) not checked here." in text


def test_the_code_lab_pack_says_it_only_checks_that_the_function_exists(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _check(tmp_path, capsys, "attention-lab", "efficient.md")
    assert "this pack only checks that each function is defined, parses and takes the arguments asked for" in text
    assert ("checked here: only that `attention_separable` is defined, parses and takes (Q, K, V); "
            "not whether it gives the right values, nor how fast") in text
    assert "-- not checked here (graded when you hand it in)" in text
    assert "(0/10" not in text and "Total: no points checked here; 2 question(s) not checked here." in text
    # the code lab's open questions are open for want of the reference, not for a TA's reading
    assert "the reasoning in words" not in text


def test_the_full_self_check_keeps_its_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(REPO / "submissions" / "attention" / "flawed.md"), "--assignment", "attention",
                     "--course", str(REPO)]) == 0
    text = capsys.readouterr().out
    assert "-- partial (4.5/6 provisional)" in text and "-- not checked here (a TA grades it)" in text
    assert re.search(r"^Total: [\d.]+ of [\d.]+ checked points; \d+ question\(s\) not checked here\.$", text, re.M)


# --- a report's "To fix" line ----------------------------------------------------------------------------------

def _q(status: Status, score: float, *findings: Finding) -> QuestionResult:
    return QuestionResult("2.1", score, 8.0, status, findings)


def test_what_to_fix_names_each_place_a_finding_gives_once() -> None:
    step = Finding("false_step", "this step does not hold: left 1, right 2", 11, 11, Severity.ERROR)
    wrong = Finding("final_answer", "ε as a function of (β, δ): the result stated at line 49 is not right.", 49, 49,
                    Severity.ERROR)
    hit = Finding("keywords", 'the momentum update: found "momentum"', 43, 43, Severity.INFO)
    assert what_to_fix(_q(Status.PARTIAL, 2.0, hit, step, wrong, wrong)) == \
        "To fix: the step at line 11; ε as a function of (β, δ) (line 49)."


def test_what_to_fix_says_nothing_without_a_place_or_with_full_marks() -> None:
    missing = Finding("missing", "No answer was found for this question.", None, None, Severity.WARNING)
    assert what_to_fix(_q(Status.MISSING, 0.0, missing)) == ""  # the feedback text says it; no line to name
    loose = Finding("complexity", "time: the bound at line 3 holds but is not tight", 3, 3, Severity.WARNING)
    assert what_to_fix(_q(Status.CORRECT, 8.0, loose)) == ""
    assert what_to_fix(_q(Status.NEEDS_REVIEW, 0.0, loose)) == ""  # a TA decides; nothing is lost yet
    assert what_to_fix(_q(Status.PARTIAL, 6.0, loose)) == "To fix: time (line 3)."


def test_the_report_of_a_flawed_write_up_says_what_to_fix(tmp_path: Path) -> None:
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission
    from grader.report.render import Renderer

    course = Course(REPO)
    rubric = course.rubric("attention")
    result = grade_submission(str(REPO / "submissions" / "attention" / "flawed.md"), rubric, course)
    renderer = Renderer()
    md = renderer.report_md(result, rubric.assignment)
    assert "\nTo fix: the step at line 11.\n" in md
    html = renderer.report_html(result, rubric.assignment)
    assert '<p class="fix">To fix: the step at line 11.</p>' in html
    partial = [q for q in result.questions if 0 < q.score < q.max_score]
    assert partial and md.count("\nTo fix: ") == sum(1 for q in partial if what_to_fix(q))


def test_what_to_fix_stays_one_short_line() -> None:
    many = [Finding("final_answer", f"item {i}: the result stated at line {i} is not right.", i, i, Severity.ERROR)
            for i in range(1, 8)]
    assert what_to_fix(_q(Status.PARTIAL, 1.0, *many)) == \
        "To fix: item 1 (line 1); item 2 (line 2); item 3 (line 3); and 4 more (see the findings)."
