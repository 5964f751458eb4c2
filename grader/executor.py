"""Grade many submissions on one machine: one forked worker per write-up, at most N at once, each with a time limit."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Sequence

from grader.course import Course
from grader.pipeline import error_result, grade_submission
from grader.results import SubmissionResult


@dataclass(frozen=True)
class Task:
    """One write-up to grade: the path as given and the student id it maps to."""

    path: str
    student: str


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _worker(conn: Connection, task: Task, course_root: str, assignment_id: str, timeout: float) -> None:
    try:
        course = Course(course_root)
        rubric = course.rubric(assignment_id)
        result = grade_submission(task.path, rubric, course, student=task.student, timeout=timeout)
        conn.send(result)
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent rather than die silently
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def grade_all(tasks: Sequence[Task], course: Course, assignment_id: str, *, jobs: int, timeout: float,
              on_done: Callable[[int, SubmissionResult], None] | None = None) -> list[SubmissionResult]:
    """Grade every task in its own process; one that crashes or passes `timeout` seconds costs only itself."""
    rubric = course.rubric(assignment_id)
    ctx = mp.get_context("fork")
    results: list[SubmissionResult | None] = [None] * len(tasks)
    pending = list(range(len(tasks)))[::-1]
    running: dict[Connection, tuple[int, mp.process.BaseProcess, float]] = {}

    def finish(i: int, result: SubmissionResult) -> None:
        results[i] = result
        if on_done is not None:
            on_done(i, result)

    while pending or running:
        while pending and len(running) < max(1, jobs):
            i = pending.pop()
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(child, tasks[i], str(course.root), assignment_id, timeout),
                               daemon=True)
            proc.start()
            child.close()
            running[parent] = (i, proc, time.monotonic() + timeout)
        now = time.monotonic()
        soonest = min(deadline for _, _, deadline in running.values())
        for conn in wait(list(running), timeout=max(0.0, soonest - now)):
            i, proc, _ = running.pop(conn)  # type: ignore[index]
            try:
                value = conn.recv()
            except EOFError:
                value = f"the grading worker died (exit code {proc.join(1) or proc.exitcode})"
            conn.close()
            proc.join(5)
            if isinstance(value, SubmissionResult):
                finish(i, value)
            else:
                finish(i, error_result(tasks[i].path, tasks[i].student, rubric, f"{tasks[i].path}: {value}"))
        now = time.monotonic()
        for conn, (i, proc, deadline) in list(running.items()):
            if now >= deadline:
                proc.kill()
                proc.join(5)
                conn.close()
                del running[conn]
                finish(i, error_result(tasks[i].path, tasks[i].student, rubric,
                                       f"{tasks[i].path}: grading took longer than the {timeout:g} s limit"))
    return [r for r in results if r is not None]
