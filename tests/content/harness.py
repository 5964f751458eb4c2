"""What every content test shares: the repository as the course, one grading per write-up, xfail-marked cases."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
TA_READING = Path(__file__).resolve().parent / "ta_reading.yaml"


@lru_cache(maxsize=None)
def course() -> Course:
    return Course(REPO)


@lru_cache(maxsize=None)
def graded(assignment: str, path: str) -> dict[str, tuple[str, float]]:
    """Status and score per question id of one write-up (graded once per test session)."""
    result = grade_submission(path, course().rubric(assignment), course())
    return {q.id: (q.status.value, round(q.score, 4)) for q in result.questions}


def example(assignment: str, name: str) -> dict[str, tuple[str, float]]:
    return graded(assignment, str(REPO / "submissions" / assignment / name))


def corpus(assignment: str, filename: str) -> dict[str, tuple[str, float]]:
    """The corpus write-up's results, or a clean skip where ../shared is absent (a user's clone)."""
    path = CORPUS / filename
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    return graded(assignment, str(path))


def cases(name: str, expected: dict[str, tuple[str, float]], xfails: dict[str, str]) -> list:
    """One parameter per question; a known gap is an xfail with its reason, so a fix shows as a pass."""
    return [pytest.param(name, qid, status, score, id=f"{name}:{qid}",
                         marks=[pytest.mark.xfail(reason=xfails[qid], strict=False)] if qid in xfails else [])
            for qid, (status, score) in expected.items()]


@lru_cache(maxsize=None)
def _ta_reading() -> dict:
    return yaml.safe_load(TA_READING.read_text("utf-8"))


def corpus_expected(assignment: str) -> dict[str, str]:
    """The status the grader should give each question of the corpus write-up, from the team's TA reading
    (ta_reading.yaml): the TA's status, or needs_review where the TA reading says the rubric sends it to review."""
    return {qid: "needs_review" if q["status"] == "undecidable" else q["status"]
            for qid, q in _ta_reading()[assignment]["questions"].items()}


def corpus_pending(assignment: str) -> dict[str, str]:
    """Known grader gaps on the corpus write-up (question -> reason), marked xfail so that a fix shows as a pass."""
    return {qid: q["pending"] for qid, q in _ta_reading()[assignment]["questions"].items() if "pending" in q}
