"""Fixtures for the scale tests: a small course with keyword and sleep checks, a class of write-ups, a CLI runner."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
LAUNCH = HERE / "launch.py"

RUBRIC = """\
assignment: hw
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        label: the gradient vanishes
        any: [{words}]
  - id: "2"
    points: 3
    checks:
      - kind: keywords
        label: momentum
        all: ["momentum"]
      - kind: sleep
        role: item
        points: 1
        seconds: {seconds}
"""


def write_rubric(course: Path, words: str = '"vanishing"', seconds: float = 0.0) -> None:
    (course / "rubrics").mkdir(parents=True, exist_ok=True)
    (course / "rubrics" / "hw.yaml").write_text(RUBRIC.format(words=words, seconds=seconds), "utf-8")


def writeup(i: int, extra: str = "") -> str:
    word = "vanishing" if i % 2 == 0 else "exploding"
    return f"## Question 1\n\nThe gradient is {word} here.\n\n## Question 2\n\nWe use momentum {i}. {extra}\n"


@pytest.fixture(autouse=True)
def sleep_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the `sleep` check kind in this process, as launch.py does in subprocesses."""
    monkeypatch.syspath_prepend(str(HERE))
    from grader import checks

    monkeypatch.setitem(checks.BUILTIN, "sleep", "sleepcheck")


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write_rubric(root)
    return root


def make_class(folder: Path, n: int, extra: dict[int, str] | None = None) -> list[str]:
    """`n` write-ups s00.md ... in `folder`; paths relative to `folder`'s parent, as a TA would type them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        (folder / f"s{i:02d}.md").write_text(writeup(i, (extra or {}).get(i, "")), "utf-8")
        paths.append(f"{folder.name}/s{i:02d}.md")
    return paths


@pytest.fixture
def grade(tmp_path: Path, course: Path, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """Run `grader grade PATHS --assignment hw --course COURSE ...` in this process; returns (exit code, stderr)."""
    from grader.cli import main

    monkeypatch.chdir(tmp_path)

    def run(paths: list[str], out: str = "out", *more: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["grade", *paths, "--assignment", "hw", "--course", str(course), "--out", out, *more])
        return code, capsys.readouterr().err

    return run


def grade_subprocess(cwd: Path, paths: list[str], course: Path, out: str, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(LAUNCH), "grade", *paths, "--assignment", "hw", "--course",
                             str(course), "--out", out, *more], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def results(folder: Path) -> dict[str, Any]:
    from grader.store.database import without_run_details

    return without_run_details(json.loads((folder / "results.json").read_text("utf-8")))
