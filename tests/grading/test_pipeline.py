"""grade_submission and the garbage collector: what was alive before a write-up is left out of its collections."""

from __future__ import annotations

import gc
from pathlib import Path

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission

REPO = Path(__file__).resolve().parents[2]


def grade(tmp_path: Path) -> None:
    course = Course(REPO)
    path = tmp_path / "s01.md"
    path.write_text("## Question 2.1\n\nThere are $N^T$ sequences.\n", encoding="utf-8")
    result = grade_submission(str(path), course.rubric("decoding-2021"), course)
    assert len(result.questions) == len(course.rubric("decoding-2021").assignment.questions)


def test_objects_frozen_for_a_write_up_rejoin_the_collector(tmp_path: Path) -> None:
    assert gc.get_freeze_count() == 0
    grade(tmp_path)
    assert gc.get_freeze_count() == 0  # unfrozen at the end: a long-lived process keeps collecting them


def test_a_freeze_made_by_the_caller_is_left_alone(tmp_path: Path) -> None:
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        grade(tmp_path)
        assert gc.get_freeze_count() > 0  # still frozen (less what was freed): grading did not undo it
    finally:
        gc.unfreeze()
