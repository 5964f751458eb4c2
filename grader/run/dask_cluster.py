"""Grade many write-ups on an existing dask.distributed cluster: one task per write-up, each in a forked worker."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grader.course.directory import Course
from grader.run.local import Graded, OnDone, Task, grade_in_worker, preload
from grader.grading.pipeline import error_result
from grader.grading.results import SubmissionResult
from grader.course.rubric import LoadedRubric

GPU_RESOURCE = "GPU"


class DaskUnavailable(Exception):
    """dask.distributed is not installed, the scheduler cannot be reached, or no worker can run the tasks."""


def needs_gpu(rubric: LoadedRubric) -> bool:
    """A rubric needs a GPU worker when one of its checks is a `code` check with `device: cuda`."""
    return any(spec.kind == "code" and str(spec.params.get("device", "")).lower().startswith("cuda")
               for q in rubric.assignment.questions for spec in q.checks)


# The course and rubric of each (course, assignment), loaded once per Dask worker process.
_worker_cache: dict[tuple[str, str], tuple[Course, LoadedRubric]] = {}
_worker_lock = threading.Lock()


def _grade_on_worker(path: str, student: str, course_root: str, assignment: str, rubric_digest: str,
                     timeout: float, cwd: str) -> Graded:
    """Runs on a Dask worker: grade one write-up in a forked process, with the same time limit as locally."""
    with _worker_lock:  # threads of one worker share the cache; load and preload once
        key = (course_root, assignment)
        if key not in _worker_cache:
            course = Course(course_root)
            rubric = course.rubric(assignment)
            preload(rubric)
            _worker_cache[key] = (course, rubric)
        course, rubric = _worker_cache[key]
    task = Task(path, student)
    if rubric.digest != rubric_digest:
        message = (f"{path}: the Dask worker sees another rubric for {assignment} (hash {rubric.digest}, "
                   f"expected {rubric_digest}); workers need the same course files")
        return Graded(0, error_result(path, student, rubric, message), 0.0, 0, executor_error=True)
    # the forking thread is a worker thread that may end; a parent-death signal would follow it, so none here
    return grade_in_worker(task, course, rubric, timeout, die_with_parent=False, cwd=cwd)


def grade_all_dask(tasks: Sequence[Task], course: Course, rubric: LoadedRubric, *, scheduler: str | Any,
                   timeout: float, on_done: OnDone | None = None,
                   tick: Callable[[], None] | None = None) -> list[SubmissionResult]:
    """Grade every task on the cluster at `scheduler` (an address, or a Client); results in task order.

    Workers must see the course folder and the submissions under the same paths as this machine (a shared
    file system). Tasks of a rubric that needs a GPU ask for the worker resource `GPU`.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise DaskUnavailable("dask.distributed is not installed (pip install 'grader[dask]')") from None
    own_client = not hasattr(scheduler, "submit")
    try:
        client: Any = Client(scheduler, timeout="20s") if own_client else scheduler
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        resources = {GPU_RESOURCE: 1} if needs_gpu(rubric) else None
        if resources:
            workers = client.scheduler_info().get("workers", {}).values()
            if not any(w.get("resources", {}).get(GPU_RESOURCE) for w in workers):
                raise DaskUnavailable(f"the rubric has questions that need a GPU, and no Dask worker offers the "
                                      f"resource {GPU_RESOURCE!r} (start workers with --resources {GPU_RESOURCE}=1)")
        root = str(Path(course.root).resolve())
        cwd = os.getcwd()  # paths as given are relative to here; the forked worker moves here before reading
        futures = {client.submit(_grade_on_worker, t.path, t.student, root, rubric.assignment.assignment,
                                 rubric.digest, timeout, cwd, pure=False, resources=resources): i
                   for i, t in enumerate(tasks)}
        results: list[SubmissionResult | None] = [None] * len(tasks)
        for future in as_completed(futures):
            i = futures[future]
            try:
                g = dataclasses.replace(future.result(), index=i)
            except Exception as exc:  # noqa: BLE001 - a lost worker costs the write-up it held, not the run
                g = Graded(i, error_result(tasks[i].path, tasks[i].student, rubric,
                                           f"{tasks[i].path}: the Dask task failed ({type(exc).__name__}: {exc})"),
                           0.0, 0, executor_error=True)
            results[i] = g.result
            if on_done is not None:
                on_done(g)
            if tick is not None:
                tick()
        return [r for r in results if r is not None]
    finally:
        if own_client:
            client.close()
