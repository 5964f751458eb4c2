"""Tests of grader.course.directory: reference modules by path, and the course secret for hidden seeds."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from grader.course.directory import Course, CourseError


def test_secret_is_made_once_private_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADER_SECRET", raising=False)
    first = Course(tmp_path).secret()
    assert len(first) == 64 and Course(tmp_path).secret() == first
    assert stat.S_IMODE((tmp_path / ".grader-secret").stat().st_mode) == 0o600
    monkeypatch.setenv("GRADER_SECRET", "from-env")
    assert Course(tmp_path).secret() == "from-env"


def test_reference_modules_load_by_path_and_stay_inside(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "m.py").write_text("VALUE = 3\n")
    (tmp_path / "outside.py").write_text("VALUE = 4\n")
    course = Course(tmp_path)
    assert course.reference_object("m.py:VALUE") == 3
    with pytest.raises(CourseError, match="no reference module"):
        course.reference("../outside.py")
    with pytest.raises(CourseError, match="has no 'NOPE'"):
        course.reference_object("m.py:NOPE")


def test_reference_folder_may_be_a_link_to_a_shared_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared-reference"
    (shared / "worlds").mkdir(parents=True)
    (shared / "worlds" / "w.py").write_text("VALUE = 5\n")
    (tmp_path / "outside.py").write_text("VALUE = 4\n")
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "reference").symlink_to(shared)
    course = Course(tmp_path / "course")
    assert course.reference_object("worlds/w.py:VALUE") == 5
    assert course.reference("worlds/w.py").__name__ == "grader_course_reference.worlds.w"
    with pytest.raises(CourseError, match="no reference module"):
        course.reference("../outside.py")
