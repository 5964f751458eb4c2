"""The check kinds, one module each; `get` gives a kind's class by the name a rubric uses (see grader.course.kinds)."""

from __future__ import annotations

from grader.checks.base import Check
from grader.course.kinds import BUILTIN, UnknownCheck, kinds, load


def get(name: str) -> type[Check]:
    """The check class registered under `name` (its module is imported on first use)."""
    cls: type[Check] = load(name)
    return cls


__all__ = ["BUILTIN", "UnknownCheck", "get", "kinds"]
