"""Workers: a hanging or crashing write-up costs only itself; a SIGKILLed run resumes to the same results."""

from __future__ import annotations

import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from .conftest import HERE, grade_subprocess, make_class, results, write_rubric, writeup

from grader.run.dask_cluster import needs_gpu
from grader.course.rubric import Assignment, LoadedRubric

Grade = Callable[..., tuple[int, str]]


def _cpu_with_children() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_hanging_and_crashing_writeups_cost_only_themselves(tmp_path: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 5, extra={1: "HANG", 3: "CRASH"})
    cpu_before = _cpu_with_children()
    code, _ = grade(paths, "out", "--timeout", "1.5", "--jobs", "2")
    # CPU time of the run and its workers, which a loaded machine does not inflate; that the hour-long sleep
    # was cut at its 1.5 s limit is the timeout finding below
    assert _cpu_with_children() - cpu_before < 6
    assert code == 1
    subs = results(tmp_path / "out")["submissions"]
    assert [s["score"] for s in subs] == [5, 0, 5, 0, 5]
    assert "grading took longer than the 1.5 s limit" in subs[1]["questions"][0]["findings"][0]["message"]
    assert "the grading worker exited with code 9 before it sent a result" in subs[3]["findings"][0]["message"]
    assert all(q["status"] == "error" for q in subs[1]["questions"] + subs[3]["questions"])
    # the store keeps only real results: the two failed write-ups are tried again, the others reused
    assert "graded 2 of 5 submission(s), 3 unchanged" in grade(paths, "out", "--timeout", "1.5")[1]


@pytest.mark.slow
def test_sigkill_half_way_then_rerun_gives_identical_results(tmp_path: Path, course: Path) -> None:
    write_rubric(course, seconds=0.15)
    paths = make_class(tmp_path / "class", 16)
    full = grade_subprocess(tmp_path, paths, course, "full", "--jobs", "2")
    assert full.wait(60) == 0, full.stderr.read() if full.stderr else ""
    killed = grade_subprocess(tmp_path, paths, course, "out", "--jobs", "2")
    db_path = tmp_path / "out" / "grader.sqlite"
    deadline = time.monotonic() + 30
    committed = 0
    while committed < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db_path) as db:
                committed = db.execute("SELECT count(*) FROM writeups").fetchone()[0]
        except sqlite3.OperationalError:
            continue  # the run has not created its tables yet
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    assert 6 <= committed < 16 and not (tmp_path / "out" / "results.json").exists()
    rerun = grade_subprocess(tmp_path, paths, course, "out", "--jobs", "2")
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    graded = re.search(r"graded (\d+) of 16 submission\(s\), (\d+) unchanged", err)
    assert graded and int(graded[1]) <= 16 - committed and int(graded[2]) >= committed
    assert results(tmp_path / "out") == results(tmp_path / "full")


def test_workers_are_forked_without_torch() -> None:
    code = ("import sys; sys.path.insert(0, %r); import sleepcheck; sleepcheck.register();"
            "from grader.course.directory import Course; from grader.run.local import preload;"
            "import pathlib, tempfile; d = pathlib.Path(tempfile.mkdtemp());"
            "from conftest import write_rubric; write_rubric(d);"
            "preload(Course(d).rubric('hw'));"
            "assert 'sympy' in sys.modules and 'torch' not in sys.modules, sorted(sys.modules)") % str(HERE)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_gpu_rule_is_a_code_check_on_cuda() -> None:
    def rubric(device: str) -> LoadedRubric:
        a = Assignment.model_validate({"assignment": "a", "questions": [
            {"id": "1", "points": 1, "checks": [{"kind": "code", "params": {"device": device}}]}]})
        return LoadedRubric(a, Path("a.yaml"), "0")

    assert needs_gpu(rubric("cuda")) and needs_gpu(rubric("cuda:0"))
    assert not needs_gpu(rubric("cpu"))


def test_largest_writeups_start_first_and_results_keep_task_order(tmp_path: Path, course: Path) -> None:
    from grader.course.directory import Course
    from grader.run.local import Task, grade_all, submission_size

    sizes = [1, 40, 5, 40, 300]
    tasks = []
    for i, extra in enumerate(sizes):
        path = tmp_path / f"s{i}.md"
        path.write_text(writeup(i, "x" * extra), "utf-8")
        tasks.append(Task(str(path), f"s{i}"))
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.md").write_text("abc", "utf-8")
    (tmp_path / "folder" / "b.py").write_text("de", "utf-8")
    assert submission_size(str(tmp_path / "folder")) == 5 and submission_size(str(tmp_path / "nope.md")) == 0
    order: list[int] = []
    out = grade_all(tasks, Course(course), Course(course).rubric("hw"), jobs=1, timeout=30,
                    on_done=lambda g: order.append(g.index))
    assert order == [4, 1, 3, 2, 0]  # by size, ties in the order given
    assert [r.student for r in out] == ["s0", "s1", "s2", "s3", "s4"]
