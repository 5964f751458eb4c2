"""Fixtures of the hostile suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_support import make_course


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course folder in tmp_path with the `hostile` rubric."""
    return make_course(tmp_path)
