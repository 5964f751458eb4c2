"""The sandbox session: cheats and hostile code end with a finding and a bounded cost; nothing of the grader leaks in."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from grader.checks.base import Verdict

from .harness import FAST, FIXTURES, REPO, SUBMISSIONS, run_check

CHEATS: dict[str, tuple[str, ...]] = {
    "cheat-caching.md": ("code_wrong",),  # stale output on fresh inputs
    "cheat-lazy-tensor.md": ("code_type",),
    # on a CPU a thread still writing the output after return; on a GPU an unjoined side stream
    "cheat-side-stream.md": ("code_wrong", "code_side_stream"),
    "cheat-timer.md": ("code_tampering",),
    "cheat-mutation.md": ("code_mutation",),
    "cheat-reference.md": ("code_error",),  # the reference is nowhere to be found
    "cheat-threads.md": ("code_tampering",),
}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_every_cheat_scores_zero_with_a_finding(name: str) -> None:
    outcome = run_check((SUBMISSIONS / name).read_text())
    assert outcome.verdict is Verdict.FAIL, outcome.reason
    assert outcome.fraction == 0.0
    (finding,) = outcome.findings
    assert finding.kind in CHEATS[name]
    assert finding.severity.value == "error"


def test_reference_cannot_be_opened_even_by_its_exact_path() -> None:
    target = REPO / "reference" / "attention_lab.py"
    text = f"""## Question 1

```python
import importlib.util, sys
sys.path.insert(0, {str(target.parent)!r})


def attention_separable(Q, K, V):
    try:
        import attention_lab
    except ImportError:
        spec = importlib.util.spec_from_file_location("r", {str(target)!r})
        attention_lab = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(attention_lab)
    return attention_lab.attention_separable(Q, K, V)
```
"""
    outcome = run_check(text)
    assert outcome.verdict is Verdict.FAIL and outcome.fraction == 0.0
    assert "No such file or directory" in outcome.reason and outcome.findings[0].line == 14


BAD = {  # fixture -> finding kind, the line it must point at (None: the code block), words of the message
    "syntax-error.md": ("code_syntax", 7, "SyntaxError"),
    "missing-function.md": ("code_missing", None, "does not define"),
    "wrong-signature.md": ("code_signature", None, "cannot be called"),
    "exception.md": ("code_error", 10, "ValueError: not implemented yet"),
    "infinite-loop.md": ("code_timeout", None, "did not finish within"),
    "fork-bomb.md": ("code_error", 11, "Resource temporarily unavailable"),
    "huge-allocation.md": ("code_error", 10, "can't allocate memory"),
    "write-outside.md": ("code_error", 10, "Read-only file system"),
    "socket.md": ("code_error", 10, "socket"),
    "print-flood.md": ("code_error", 12, "File too large"),
    "non-tensor.md": ("code_type", None, "numpy.ndarray"),
    "import-time-exit.md": ("code_error", 8, "SystemExit"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_incorrect_with_a_clear_finding_at_a_bounded_cost(name: str) -> None:
    kind, line, words = BAD[name]
    cpu_before = time.process_time()
    outcome = run_check((FIXTURES / name).read_text())
    # CPU time, which a loaded machine does not inflate: the grader's side and the run's own process
    assert time.process_time() - cpu_before < 15
    assert outcome.verdict is Verdict.FAIL and outcome.fraction == 0.0, outcome.reason
    (finding,) = outcome.findings
    assert finding.kind == kind, finding.message
    assert words in finding.message
    assert finding.line == (line if line is not None else 6)  # 6: the first line of the code block
    student = outcome.details.get("student", {})
    if "cpu_s" in student:  # absent only where no worker was started (the function is not even defined)
        assert student["cpu_s"] < 15, student
    if kind == "code_timeout":  # the call's limit, not the check's whole budget, stopped it: killed at 5 s
        assert f"within {FAST.call_timeout_s:.1f} s" in finding.message
        assert "SIGKILL" in student["exit"], student
    assert not Path("/tmp/grader-escape-test.txt").exists()


def test_the_grader_environment_does_not_reach_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_SECRET", "course-key")
    text = "## Question 1\n\n```python\nimport os\n\ndef attention_separable(Q, K, V):\n" \
           "    print(sorted(os.environ.items()))\n    raise RuntimeError('done')\n```\n"
    outcome = run_check(text)
    printed = outcome.details["student"]["output_head"]
    assert "course-key" not in printed and "GRADER_SECRET" not in printed and "HOME" in printed
    assert os.environ["GRADER_SECRET"] == "course-key"


def test_a_thread_left_running_after_the_return_is_caught_even_when_the_output_is_right() -> None:
    # the output is complete before the return; only the idle thread it leaves behind is wrong with it
    text = (SUBMISSIONS / "efficient.md").read_text().replace(
        "def attention_separable(Q, K, V):",
        "import threading as _t, time as _time\n\n\ndef attention_separable(Q, K, V):\n"
        "    _t.Thread(target=_time.sleep, args=(0.05,)).start()", 1)
    assert "_time.sleep" in text
    outcome = run_check(text)
    assert outcome.verdict is Verdict.FAIL
    assert "still running when it returned" in outcome.reason
