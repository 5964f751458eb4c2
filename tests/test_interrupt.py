"""Ctrl-C: one line on stderr, exit status 130, no traceback, and no file or store record left half-written."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import cli
from grader.commands.common import ExitCode, interrupts_deferred

REPO = Path(__file__).resolve().parents[1]
COPIES = 6


def _runs(out: Path) -> int:
    """Grade runs the store in `out` has begun (0 while it has none, or cannot be read yet)."""
    try:
        with sqlite3.connect(f"file:{out / 'grader.sqlite'}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return 0


def _grade(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    # a session of its own, as a terminal's foreground job: the Ctrl-C goes to the whole process group
    return subprocess.Popen([sys.executable, "-m", "grader", "grade", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_ctrl_c_during_grade_ends_with_one_line_and_130_and_leaves_the_last_results(tmp_path: Path) -> None:
    flawed = (REPO / "submissions" / "attention" / "flawed.md").read_text(encoding="utf-8")
    for i in range(COPIES):
        (tmp_path / f"s{i}.md").write_text(flawed, encoding="utf-8")
    args = [*(f"s{i}.md" for i in range(COPIES)), "--assignment", "attention", "--out", "out", "--course", str(REPO),
            "--jobs", "1"]
    first = subprocess.run([sys.executable, "-m", "grader", "grade", *args], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert first.returncode == 0, first.stderr
    out = tmp_path / "out"
    before = (out / "results.json").read_bytes()

    proc = _grade([*args, "--fresh"], tmp_path)  # every write-up again, one at a time: a run of several seconds
    try:
        deadline = time.monotonic() + 120
        while _runs(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # into the grading of the first write-ups
        assert proc.poll() is None, "the run ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == ExitCode.INTERRUPTED == 130
    assert "Traceback" not in err
    assert err.strip().splitlines() == [err.strip()]  # one line
    assert err.startswith("grader grade: interrupted; nothing half-written: ")
    after = (out / "results.json").read_bytes()
    if after != before:  # a whole new one, never a torn one
        assert len(json.loads(after)["submissions"]) == COPIES
    assert not [p.name for p in out.rglob("*.tmp*")]  # no temporary file left behind
    again = subprocess.run([sys.executable, "-m", "grader", "grade", *args], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert again.returncode == 0, again.stderr  # the store is whole: the next run goes on
    assert len(json.loads((out / "results.json").read_bytes())["submissions"]) == COPIES


def test_a_held_ctrl_c_waits_for_the_block_then_says_so() -> None:
    finished = False
    with pytest.raises(KeyboardInterrupt, match="^written whole$"):
        with interrupts_deferred(after="written whole", cut="cut"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here, between two bytecodes
            finished = True
    assert finished
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's own again


def test_a_second_ctrl_c_stops_the_block_at_once() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt, match="^cut$"):
        with interrupts_deferred(after="written whole", cut="cut"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            reached.append(1)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            reached.append(2)
    assert reached == [1]


def _graded(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "grader", "grade", "submissions/attention/correct.md",
                        "submissions/attention/flawed.md", "--assignment", "attention", "--out", str(out)],
                       cwd=REPO, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.parametrize("signals", [1, 2])
def test_ctrl_c_during_export_leaves_a_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str], signals: int) -> None:
    import grader.export.base as base

    folder = _graded(tmp_path)
    target = tmp_path / "grades.csv"
    assert cli.main(["export", str(folder), "--format", "csv", "--out", str(target)]) == 0
    whole = target.read_bytes()
    target.write_text("the previous export\n", encoding="utf-8")
    write_csv = base.write_csv

    def interrupted(path: Path, *args: object) -> int:
        count = write_csv(path, *args)  # type: ignore[arg-type]
        for _ in range(signals):  # a Ctrl-C while the file is being written; a second one stops at once
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        return count

    monkeypatch.setattr(base, "write_csv", interrupted)
    capsys.readouterr()
    assert cli.main(["export", str(folder), "--format", "csv", "--out", str(target)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("grader export: interrupted; nothing half-written: ")
    # held: the file is written whole, then the command stops; cut: the previous file stays as it was
    assert target.read_bytes() == (whole if signals == 1 else b"the previous export\n")
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []
