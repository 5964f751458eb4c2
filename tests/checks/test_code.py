"""The `code` check: honest, naive, wrong and cheating write-ups of attention-lab, and every kind of bad input."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader import checks
from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.code.check import (
    CodeCheck,
    CodeParams,
    RubricProblem,
    fenced_python,
    find_code,
)
from grader.read.ingest import Document
from grader.read.segment import Answer

REPO = Path(__file__).resolve().parents[2]
SUBMISSIONS = REPO / "submissions" / "attention-lab"
FIXTURES = REPO / "tests" / "fixtures" / "code"
RUBRIC = REPO / "rubrics" / "attention-lab.yaml"


class _Course:
    """The repository as the course directory (reference/ and rubrics/), as grader.course.directory.Course has it."""

    root = REPO

    def secret(self) -> str:
        return "a fixed test secret"


def rubric_params(index: int) -> CodeParams:
    raw = dict(yaml.safe_load(RUBRIC.read_text())["questions"][index]["checks"][0])
    for key in ("kind", "role", "label", "points"):
        raw.pop(key, None)
    return CodeParams.model_validate(raw)


# Small sizes and few trials: the protocol is the same, the suite stays fast.
FAST = rubric_params(0).model_copy(update={
    "cases": ({"B": 2, "n": 7, "d": 3}, {"B": 1, "n": 33, "d": 5}),
    "trials_per_case": 1, "call_timeout_s": 5.0,
    "timing": rubric_params(0).timing.model_copy(update={  # type: ignore[union-attr]
        "case": {"B": 1, "n": 512, "d": 8}, "trials": 5, "warmup": 1, "target_speedup": 2.0, "speedup_floor": 1.0}),
})


def run_check(text: str, params: CodeParams = FAST, files: dict[str, str] | None = None,
              timeout: float = 60.0, path: str = "submission.md") -> CheckOutcome:
    lines = tuple(text.split("\n"))
    numbers = tuple(range(1, len(lines) + 1))
    document = Document(path=path, lines=lines, line_numbers=numbers, files=files or {})
    ctx = CheckContext(question=None, answer=Answer("1", lines, numbers), params=params,  # type: ignore[arg-type]
                       course=_Course(), document=document, seed=1234, timeout=timeout)  # type: ignore[arg-type]
    return CodeCheck().run(ctx)


def question(path: Path, qid: str) -> str:
    """The text under `## Question <qid>` of one of our write-ups (segmentation is not under test here)."""
    text = path.read_text()
    start = text.index(f"## Question {qid}")
    end = text.find("## Question", start + 1)
    return text[start:] if end < 0 else text[start:end]


# -- finding the code ------------------------------------------------------------------------------------

def test_fenced_blocks_are_joined_with_their_original_lines() -> None:
    lines = ["text", "```python", "import torch", "```", "more", "~~~py", "def f(x):", "    return x", "~~~"]
    code = fenced_python(lines, range(10, 19))
    assert code is not None
    assert code.source == "import torch\ndef f(x):\n    return x\n"
    assert code.lines == (12, 16, 17)
    assert code.line(2) == 16


def test_code_in_a_py_file_beside_the_write_up() -> None:
    files = {"notes.txt": "x", "attention.py": "import torch\n\ndef attention_separable(Q, K, V):\n    return V\n"}
    code = find_code(["## Question 1", "see attention.py"], [1, 2], files, "attention_separable")
    assert code is not None and code.file == "attention.py" and code.line(3) == 3


def test_rubric_validates_with_the_code_kind_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.course.rubric import load_rubric
    monkeypatch.setitem(checks.BUILTIN, "code", "grader.checks.code.check")
    loaded = load_rubric(RUBRIC, REPO / "reference" / "bank")
    assert [q.id for q in loaded.assignment.questions] == ["1", "2"]


# -- the write-ups of submissions/attention-lab -----------------------------------------------------------

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


@pytest.mark.parametrize("qid", ["1", "2"])
def test_wrong_answer_scores_zero_with_a_finding(qid: str) -> None:
    params = FAST if qid == "1" else rubric_params(1).model_copy(update={"timing": None, "trials_per_case": 1})
    outcome = run_check(question(SUBMISSIONS / "wrong.md", qid), params)
    assert outcome.verdict is Verdict.FAIL and outcome.fraction == 0.0
    assert outcome.findings[0].kind == "code_wrong"
    assert "relative error" in outcome.findings[0].message


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


# -- bad input --------------------------------------------------------------------------------------------

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
def test_bad_input_is_incorrect_with_a_clear_finding_in_time(name: str) -> None:
    kind, line, words = BAD[name]
    started = time.monotonic()
    outcome = run_check((FIXTURES / name).read_text())
    assert time.monotonic() - started < 15
    assert outcome.verdict is Verdict.FAIL and outcome.fraction == 0.0, outcome.reason
    (finding,) = outcome.findings
    assert finding.kind == kind, finding.message
    assert words in finding.message
    assert finding.line == (line if line is not None else 6)  # 6: the first line of the code block
    assert not Path("/tmp/grader-escape-test.txt").exists()


def test_the_batch_goes_on_after_a_hostile_answer() -> None:
    run_check((FIXTURES / "fork-bomb.md").read_text())
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"), FAST.model_copy(update={"timing": None}))
    assert outcome.verdict is Verdict.PASS and outcome.fraction == 1.0


def test_a_question_without_code_is_incorrect() -> None:
    outcome = run_check("## Question 1\n\nI did not finish this one.\n")
    assert outcome.verdict is Verdict.FAIL and outcome.findings[0].kind == "code_missing"


def test_answer_in_a_py_file_is_run_and_findings_name_the_file() -> None:
    files = {"attn.py": "import torch\n\n\ndef attention_separable(Q, K, V):\n    raise RuntimeError('todo')\n"}
    outcome = run_check("## Question 1\n\nSee attn.py.\n", files=files)
    (finding,) = outcome.findings
    assert finding.file == "attn.py" and finding.line == 5


# -- the record of a run, seeds, review, rubric problems --------------------------------------------------

def test_details_record_every_run_but_never_the_secret_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.checks.code.check import _secret_seed, _seed
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"))
    d: dict[str, Any] = outcome.details
    assert d["device"].startswith(("cpu", "cuda")) and d["torch"] and d["python"]
    assert d["tolerances"] == {"rtol": FAST.rtol, "atol": FAST.atol, "max_rel_error": FAST.max_rel_error}
    seeds = [t["seed"] for t in d["trials"]]
    assert seeds.count("secret") == 2 and _seed(1234, 0, 0) in seeds
    timing = d["timing"]
    assert len(timing["student_trials_s"]) == 5 and timing["student"]["median_s"] > 0
    assert {"iqr_s", "median_s"} <= set(timing["reference"]) and timing["speedup"] > 0
    dumped = json.dumps(d)
    for index in (0, 100):
        assert str(_secret_seed(_Course().secret(), 1234, index)) not in dumped
    assert d["student"]["notes"] == [], d["student"]["notes"]  # fully isolated on this machine


def test_implausible_speedup_goes_to_review() -> None:
    params = FAST.model_copy(update={"timing": FAST.timing.model_copy(update={"implausible_speedup": 1.01})})  # type: ignore[union-attr]
    outcome = run_check(question(SUBMISSIONS / "efficient.md", "1"), params)
    assert outcome.verdict is Verdict.REVIEW
    assert outcome.fraction == params.correctness_share
    assert "plausible" in outcome.findings[0].message


def test_near_constant_reference_output_is_refused() -> None:
    args = tuple(a.model_copy(update={"scale": 0.0}) if a.name == "V" else a for a in FAST.args)
    with pytest.raises(RubricProblem, match="near-constant"):
        run_check(question(SUBMISSIONS / "efficient.md", "1"), FAST.model_copy(update={"args": args}))


def test_the_grader_environment_does_not_reach_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_SECRET", "course-key")
    text = "## Question 1\n\n```python\nimport os\n\ndef attention_separable(Q, K, V):\n" \
           "    print(sorted(os.environ.items()))\n    raise RuntimeError('done')\n```\n"
    outcome = run_check(text)
    printed = outcome.details["student"]["output_head"]
    assert "course-key" not in printed and "GRADER_SECRET" not in printed and "HOME" in printed
    assert os.environ["GRADER_SECRET"] == "course-key"
