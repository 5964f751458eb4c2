"""The `code` check as the registry finds it: no code is a finding, and a hostile answer costs only itself."""

from __future__ import annotations

import pytest

from grader import checks
from grader.checks.base import Verdict
from grader.checks.code.check import CodeCheck

from .harness import FAST, FIXTURES, REPO, SUBMISSIONS, question, run_check


def test_the_registry_finds_the_code_kind() -> None:
    assert checks.get("code") is CodeCheck


def test_a_question_without_code_is_incorrect() -> None:
    outcome = run_check("## Question 1\n\nI did not finish this one.\n")
    assert outcome.verdict is Verdict.FAIL and outcome.findings[0].kind == "code_missing"


def test_the_batch_goes_on_after_a_hostile_answer() -> None:
    run_check((FIXTURES / "fork-bomb.md").read_text())
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"), FAST.model_copy(update={"timing": None}))
    assert outcome.verdict is Verdict.PASS and outcome.fraction == 1.0


@pytest.mark.slow
def test_grader_check_says_its_timing_is_the_self_check_s(capsys: pytest.CaptureFixture[str]) -> None:
    from grader import cli

    code = cli.main(["check", str(SUBMISSIONS / "efficient.md"), "--assignment", "attention-lab",
                     "--course", str(REPO)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("correct on every trial") == 2
    assert "this self-check times each code answer at most 7 times after 1 warm-up call, fewer than grading does" in out
