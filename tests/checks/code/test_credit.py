"""Credit of a code answer: full marks when fast, the correctness share when naive, review when implausible."""

from __future__ import annotations

import pytest

from grader.checks.base import Verdict

from .harness import FAST, SUBMISSIONS, question, rubric_params, run_check


@pytest.mark.slow
@pytest.mark.parametrize("index,qid", [(0, "1"), (1, "2")])
def test_efficient_answer_gets_full_marks_on_the_rubric(index: int, qid: str) -> None:
    # question 2's answer measures about 11x against the target of 8x on a quiet machine; other work on a
    # two-core CI machine can pull one measurement under 8x, so a short one is taken again (at most twice)
    for _ in range(3):
        outcome = run_check(question(SUBMISSIONS / "efficient.md", qid), rubric_params(index), timeout=120)
        if outcome.fraction == 1.0:
            break
    assert outcome.verdict is Verdict.PASS, outcome.reason
    assert outcome.fraction == 1.0, outcome.details.get("timing")
    t = outcome.details["timing"]
    assert t["speedup"] >= 8 and t["student"]["n"] == 21
    assert outcome.details["device"].startswith(("cpu", "cuda"))


@pytest.mark.slow
def test_naive_answer_gets_the_correctness_share_only() -> None:
    outcome = run_check(question(SUBMISSIONS / "naive.md", "1"), rubric_params(0), timeout=120)
    assert outcome.verdict is Verdict.PASS, outcome.reason
    assert outcome.fraction == pytest.approx(0.6, abs=0.03)


def test_implausible_speedup_goes_to_review() -> None:
    params = FAST.model_copy(update={"timing": FAST.timing.model_copy(update={"implausible_speedup": 1.01})})  # type: ignore[union-attr]
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"), params)
    assert outcome.verdict is Verdict.REVIEW
    assert outcome.fraction == params.correctness_share
    assert "plausible" in outcome.findings[0].message


def test_answer_in_a_py_file_is_run_and_findings_name_the_file() -> None:
    files = {"attn.py": "import torch\n\n\ndef attention_separable(Q, K, V):\n    raise RuntimeError('todo')\n"}
    outcome = run_check("## Question 1\n\nSee attn.py.\n", files=files)
    (finding,) = outcome.findings
    assert finding.file == "attn.py" and finding.line == 5
