"""Pack tests: the repository as the course."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.directory import Course

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(REPO)
