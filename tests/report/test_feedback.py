"""A student's self-check: what it could not check shows no score that would read as a grade, and says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader import cli

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
