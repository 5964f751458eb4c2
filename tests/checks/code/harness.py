"""What the code check's tests share: the attention-lab rubric's parameters, small fast ones, and one check run."""

from __future__ import annotations

from pathlib import Path

import yaml

from grader.checks.base import CheckContext, CheckOutcome
from grader.checks.code.check import CodeCheck
from grader.checks.code.params import CodeParams
from grader.read.document import Document
from grader.read.segment import Answer

REPO = Path(__file__).resolve().parents[3]
SUBMISSIONS = REPO / "submissions" / "attention-lab"
FIXTURES = REPO / "tests" / "fixtures" / "code"
RUBRIC = REPO / "rubrics" / "attention-lab.yaml"


class Course:
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
                       course=Course(), document=document, seed=1234, timeout=timeout)  # type: ignore[arg-type]
    return CodeCheck().run(ctx)


def question(path: Path, qid: str) -> str:
    """The text under `## Question <qid>` of one of our write-ups (segmentation is not under test here)."""
    text = path.read_text()
    start = text.index(f"## Question {qid}")
    end = text.find("## Question", start + 1)
    return text[start:] if end < 0 else text[start:end]
