"""What the commands share: exit codes, the --course option, loading a rubric with one-line errors, holding a
Ctrl-C while files are written."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    INTERRUPTED = 130  #: Ctrl-C (128 + SIGINT, as a shell reports it); nothing was left half-written


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


@contextmanager
def interrupts_deferred(after: str, cut: str) -> Iterator[None]:
    """Hold a Ctrl-C until the block ends, so that the files and the store records it writes change together;
    then raise KeyboardInterrupt(`after`). A second Ctrl-C stops at once with KeyboardInterrupt(`cut`) (each
    file is still whole: every one is written by rename)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread receives signals
        yield
        return
    held = False

    def hold(signum: int, frame: object) -> None:
        nonlocal held
        if held:
            raise KeyboardInterrupt(cut)
        held = True

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt(after)
