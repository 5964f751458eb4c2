"""The fork server's folder in the temporary directory: made under TMPDIR, and removed however the grader ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


def _sandbox_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("grader-sandbox-*"))


def _gone_within(tmp: Path, seconds: float) -> list[Path]:
    """The server's folders still in `tmp` after waiting up to `seconds` (the server removes its own, at once
    when closed, and within moments of the kernel telling it that its grader died)."""
    deadline = time.monotonic() + seconds
    while _sandbox_folders(tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _sandbox_folders(tmp)


def test_the_folder_is_made_under_tmpdir_and_removed_on_close(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    sandbox = Sandbox()
    sandbox.start()
    base = Path(sandbox.info["workdir"]).parent
    assert base.parent == tmp_path and base.name.startswith("grader-sandbox-") and base.is_dir()
    sandbox.close()
    assert not base.exists()


def test_the_folder_is_removed_when_the_grader_dies_without_closing_the_server(tmp_path: Path) -> None:
    # what a forked grading worker does: start the server, then leave by os._exit (no atexit, no close)
    script = ("import os, sys; from grader.sandbox import Sandbox; s = Sandbox(); s.start(); "
              "print(s.info['workdir'], flush=True); os._exit(0)")
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent.parent == tmp_path  # it was made where we look
    assert _gone_within(tmp_path, 10.0) == []


def test_grading_code_answers_leaves_no_sandbox_folder(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    before = _sandbox_folders(tmp)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "grader", "grade", "submissions/attention-lab/efficient.md",
                          "--assignment", "attention-lab", "--out", str(tmp_path / "out")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    # the code answers really ran in the sandbox: their outputs were compared (a missing server is an error;
    # correct or partial depends on the timing, which a loaded machine moves)
    statuses = [q["status"] for q in doc["submissions"][0]["questions"]]
    assert len(statuses) == 2 and set(statuses) <= {"correct", "partial"}, statuses
    assert before == [] and _gone_within(tmp, 10.0) == []
