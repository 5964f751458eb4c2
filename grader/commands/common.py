"""What the commands share: exit codes, the --course option, loading a rubric with one-line errors."""

from __future__ import annotations

import argparse
import sys
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.course.directory import Course
    from grader.course.rubric import LoadedRubric


class ExitCode(IntEnum):
    """Exit status of every `grader` command."""

    OK = 0  #: everything was graded (or the check/validation passed)
    GRADING_ERROR = 1  #: at least one submission ended in `error` (or validation found problems)
    USAGE = 2  #: bad arguments, unknown assignment, broken rubric: nothing was graded


def add_course_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--course", default=".", metavar="DIR",
                   help="course directory with rubrics/ and reference/ (default: the current directory)")


def load_rubric_or_exit(course_dir: str, assignment: str) -> tuple[Course | None, LoadedRubric | None]:
    """The course and its validated rubric, or (None, None) after printing every problem on stderr."""
    from grader.course.directory import Course, CourseError
    from grader.course.rubric import RubricError

    course = Course(course_dir)
    try:
        return course, course.rubric(assignment)
    except CourseError as exc:
        print(f"grader: {exc}", file=sys.stderr)
    except RubricError as exc:
        for problem in exc.problems:
            print(f"grader: {problem}", file=sys.stderr)
    return None, None
