"""Grade many write-ups on one machine: one forked worker per write-up, at most N at once, each with its own time limit."""

from __future__ import annotations

import ctypes
import functools
import importlib
import os
import pickle
import resource
import selectors
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from grader import checks
from grader.course.directory import Course
from grader.grading.pipeline import error_result, grade_submission
from grader.grading.results import SubmissionResult
from grader.course.rubric import LoadedRubric
from grader.grading.containment import run_step

# Imported once in the parent so every forked worker starts with them in memory (copy-on-write).
PRELOAD = ("sympy", "numpy", "grader.read.segment", "grader.grading.scoring", "grader.read.evidence", "grader.read.reading",
           "grader.math", "grader.math.parser", "grader.math.printer", "grader.math.solve", "grader.worlds")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Task:
    """One write-up to grade: the path as given and the student id it maps to."""

    path: str
    student: str


@dataclass(frozen=True)
class Graded:
    """One finished write-up: its result and what grading it cost."""

    index: int  # position in the task list
    result: SubmissionResult
    duration_s: float  # wall time of its worker
    max_rss_kb: int  # peak resident memory of its worker
    cpu_s: float = 0.0  # user + system CPU time of its worker (what a write-up costs, whatever else runs)
    executor_error: bool = False  # the worker hung, crashed or could not start: worth retrying on a rerun


OnDone = Callable[[Graded], None]


def preload(rubric: LoadedRubric) -> None:
    """Import what grading `rubric` needs before forking, so no worker pays for it again.

    Only imports: running a check here could start the math layer's bounded sympy workers in the parent,
    and torch is left to the code checks that need it (`import torch` alone costs about a second).
    """
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional layer that is absent or broken fails in the worker, per question
            pass
    for q in rubric.assignment.questions:
        for spec in q.checks:
            run_step(functools.partial(checks.get, spec.kind))


# --- one forked worker ---------------------------------------------------------------------------------------

def _child(write_fd: int, task: Task, course: Course, rubric: LoadedRubric, timeout: float,
           die_with_parent: bool, cwd: str | None) -> None:
    """Runs in the forked worker: grade, send the pickled result down the pipe, exit without cleanup."""
    code = 0
    try:
        os.setpgid(0, 0)  # its own process group, so a timeout kills whatever it started too
        if die_with_parent:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides on Ctrl-C
        if cwd is not None:
            os.chdir(cwd)  # paths as given are relative to the submitting machine's folder
        # fresh stdio objects: a lock the parent held at fork time must not block a warning here
        sys.stdout = sys.stderr = open(os.devnull, "w")
        result = grade_submission(task.path, rubric, course, student=task.student, timeout=timeout)
        payload = pickle.dumps(("ok", result, _own_rss_kb()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001 - anything is reported to the parent, never lost
        payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}", _own_rss_kb()))
        code = 1
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view):]
    finally:
        os._exit(code)


def _own_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


@dataclass
class _Running:
    index: int
    pid: int
    fd: int
    started: float
    deadline: float
    chunks: list[bytes]


def fork_worker(task: Task, course: Course, rubric: LoadedRubric, timeout: float, *,
                die_with_parent: bool = True, cwd: str | None = None) -> tuple[int, int]:
    """Start grading `task` in a forked worker; returns (pid, fd of the pipe its result comes down)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_fd)
        _child(write_fd, task, course, rubric, timeout, die_with_parent, cwd)
    os.close(write_fd)
    try:
        os.setpgid(pid, pid)  # also from this side, so a kill right after the fork already finds the group
    except OSError:
        pass  # the worker did it first, or has already exited
    os.set_blocking(read_fd, False)
    return pid, read_fd


def _reap(pid: int, kill: bool) -> tuple[int, int, float]:
    """Wait for a worker (its process group killed first if asked); returns (wait status, peak RSS in kB, CPU s)."""
    if kill:
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except ProcessLookupError:
                pass
    _, status, usage = os.wait4(pid, 0)
    return status, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def _decode(task: Task, rubric: LoadedRubric, data: bytes, status: int) -> tuple[SubmissionResult, bool]:
    try:
        kind, value, _ = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker killed mid-write leaves a torn pickle
        kind, value = "died", None
    if kind == "ok" and isinstance(value, SubmissionResult):
        return value, False
    if kind == "error":
        return error_result(task.path, task.student, rubric, f"{task.path}: the grading worker failed ({value})"), True
    if os.WIFSIGNALED(status):
        how = f"was killed by signal {os.WTERMSIG(status)}"
    else:
        how = f"exited with code {os.waitstatus_to_exitcode(status)}"
    return error_result(task.path, task.student, rubric,
                        f"{task.path}: the grading worker {how} before it sent a result (out of memory?)"), True


def submission_size(path: str) -> int:
    """Bytes of a submission (every file of a folder): how long grading it takes, roughly; 0 if unreadable."""
    try:
        if not os.path.isdir(path):
            return os.path.getsize(path)
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
    except OSError:
        return 0


def grade_in_worker(task: Task, course: Course, rubric: LoadedRubric, timeout: float, *,
                    die_with_parent: bool = True, cwd: str | None = None) -> Graded:
    """Grade one write-up in its own forked worker and wait for it (the Dask executor runs one per task)."""
    results: list[Graded] = []
    _Pool(course, rubric, timeout, die_with_parent, cwd).run([task], 1, results.append)
    return results[0]


class _Pool:
    """The parent's loop: keep up to `jobs` workers running, collect their results, kill them at their deadline."""

    def __init__(self, course: Course, rubric: LoadedRubric, timeout: float, die_with_parent: bool,
                 cwd: str | None = None):
        self.course, self.rubric, self.timeout = course, rubric, timeout
        self.die_with_parent, self.cwd = die_with_parent, cwd

    def run(self, tasks: Sequence[Task], jobs: int, on_done: OnDone, tick: Callable[[], None] | None = None) -> None:
        # largest write-ups first (popped from the end), so the last ones left to finish are short and no core
        # idles long at the end of a class while one worker finishes a long write-up
        pending = sorted(range(len(tasks)), key=lambda i: (submission_size(tasks[i].path), -i))
        running: dict[int, _Running] = {}
        sel = selectors.DefaultSelector()
        try:
            while pending or running:
                while pending and len(running) < jobs:
                    i = pending.pop()
                    start = time.monotonic()
                    try:
                        pid, fd = fork_worker(tasks[i], self.course, self.rubric, self.timeout,
                                              die_with_parent=self.die_with_parent, cwd=self.cwd)
                    except OSError as exc:
                        result = error_result(tasks[i].path, tasks[i].student, self.rubric,
                                              f"{tasks[i].path}: no grading worker could start ({exc})")
                        on_done(Graded(i, result, 0.0, 0, executor_error=True))
                        continue
                    running[fd] = _Running(i, pid, fd, start, start + self.timeout, [])
                    sel.register(fd, selectors.EVENT_READ)
                if not running:
                    continue
                soonest = min(r.deadline for r in running.values())
                # wake at least twice a second so the progress display keeps its rate and ETA current
                wait_s = max(0.0, min(soonest - time.monotonic(), 0.5))
                for key, _ in sel.select(wait_s):
                    r = running[key.fd]  # type: ignore[index]
                    chunk = os.read(r.fd, 1 << 16)
                    if chunk:
                        r.chunks.append(chunk)
                        continue
                    self._finish(sel, running, r, tasks, on_done, timed_out=False)
                now = time.monotonic()
                for r in [r for r in running.values() if now >= r.deadline]:
                    self._finish(sel, running, r, tasks, on_done, timed_out=True)
                if tick is not None:
                    tick()
        finally:
            for r in list(running.values()):  # interrupted: leave no worker behind
                sel.unregister(r.fd)
                os.close(r.fd)
                _reap(r.pid, kill=True)
            sel.close()

    def _finish(self, sel: selectors.BaseSelector, running: dict[int, _Running], r: _Running,
                tasks: Sequence[Task], on_done: OnDone, *, timed_out: bool) -> None:
        sel.unregister(r.fd)
        os.close(r.fd)
        del running[r.fd]
        # a worker that closed its pipe has sent everything; kill its group anyway, for what it may have started
        status, rss, cpu = _reap(r.pid, kill=True)
        task = tasks[r.index]
        duration = time.monotonic() - r.started
        if timed_out:
            result = error_result(task.path, task.student, self.rubric,
                                  f"{task.path}: grading took longer than the {self.timeout:g} s limit")
            on_done(Graded(r.index, result, duration, rss, cpu, executor_error=True))
            return
        result, failed = _decode(task, self.rubric, b"".join(r.chunks), status)
        on_done(Graded(r.index, result, duration, rss, cpu, executor_error=failed))


def grade_all(tasks: Sequence[Task], course: Course, rubric: LoadedRubric, *, jobs: int, timeout: float,
              on_done: OnDone | None = None, tick: Callable[[], None] | None = None) -> list[SubmissionResult]:
    """Grade every task in its own forked worker, at most `jobs` at once; results in task order.

    A worker that crashes or passes `timeout` seconds costs only its own write-up, which ends in `error`.
    `on_done` is called in this process as each write-up finishes (the store commits it there).
    """
    preload(rubric)
    results: list[SubmissionResult | None] = [None] * len(tasks)

    def done(g: Graded) -> None:
        results[g.index] = g.result
        if on_done is not None:
            on_done(g)

    _Pool(course, rubric, timeout, die_with_parent=True).run(tasks, max(1, jobs), done, tick)
    return [r for r in results if r is not None]
