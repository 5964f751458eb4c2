"""Shared fixtures of the world tests: the repository's course (its reference/worlds) and a world loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.worlds import World
from grader.worlds.measure import load_world

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(REPO)


@pytest.fixture(scope="session")
def world(course: Course) -> Callable[[str], World]:
    return lambda target: load_world(course.reference, target)
