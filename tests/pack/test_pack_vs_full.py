"""`grader check --pack` gives the statuses of `grader check` on the team's write-ups, or says why it cannot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.report.feedback import NOT_CHECKED
from grader.pack.build import build_pack
from grader.pack.load import load_pack
from grader.grading.pipeline import grade_submission
from grader.grading.results import SubmissionResult

REPO = Path(__file__).resolve().parents[2]
SLOW = bool(os.environ.get("GRADER_SLOW_TESTS"))  # code answers run their sandboxed timing: seconds each


def _has_code(assignment: str) -> bool:
    return "kind: code" in (REPO / "rubrics" / f"{assignment}.yaml").read_text(encoding="utf-8")


def _writeups() -> list[tuple[str, str]]:
    out = []
    for folder in sorted((REPO / "submissions").iterdir()):
        if not (REPO / "rubrics" / f"{folder.name}.yaml").is_file():
            continue  # hostile inputs and the like belong to no assignment
        for path in sorted(folder.iterdir()):
            if path.is_file() and (SLOW or not _has_code(folder.name) or path.stem == "wrong"):
                out.append((folder.name, path.name))
    return out


@pytest.fixture(scope="module")
def packs() -> dict[str, Path]:
    """Packs built so far in this module, one per assignment."""
    return {}


def _unchecked(result: SubmissionResult, qid: str) -> list[str]:
    q = next(q for q in result.questions if q.id == qid)
    return [c["details"][NOT_CHECKED] for c in q.details.get("checks", []) if NOT_CHECKED in (c.get("details") or {})]


@pytest.mark.parametrize("assignment,name", _writeups())
def test_pack_statuses_match_or_say_why(assignment: str, name: str, course: Course, packs: dict[str, Path],
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    if assignment not in packs:
        packs[assignment] = tmp_path_factory.mktemp(f"pack-{assignment}")
        build_pack(course, course.rubric(assignment), packs[assignment])
    path = str(REPO / "submissions" / assignment / name)
    full = grade_submission(path, course.rubric(assignment), course, timeout=60)
    pack = grade_submission(path, load_pack(packs[assignment]), Course(packs[assignment]), timeout=60)
    assert [q.id for q in pack.questions] == [q.id for q in full.questions]
    unexplained = []
    for fq, pq in zip(full.questions, pack.questions):
        if fq.status != pq.status and not _unchecked(pack, pq.id):
            unexplained.append(f"{fq.id}: full {fq.status.value}, pack {pq.status.value}")
        assert pq.status.value != "error", f"{pq.id}: {pq.findings}"
    assert unexplained == []
