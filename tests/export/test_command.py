"""End-to-end tests of `grader export`: defaults, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from grader.commands import export as command


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader")
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["export", *argv])
    return int(args.func(args))


@pytest.mark.parametrize(("fmt", "default"), [("canvas", "canvas.csv"), ("moodle", "moodle.csv"),
                                              ("csv", "gradebook.csv"), ("gradescope", "gradescope")])
def test_default_outputs(graded: Path, fmt: str, default: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(graded), "--format", fmt]) == 0
    assert (graded / default).exists()
    assert f"wrote {fmt} export to {graded / default}" in capsys.readouterr().out


def test_roster_and_out_with_warnings_on_stderr(graded: Path, rosters: dict[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "hw3.csv"
    assert run([str(graded), "--format", "canvas", "--roster", str(rosters["canvas"]), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: student 'ghost'" in err and out.read_text("utf-8").startswith("Student,ID,")


def test_gradescope_visibility_option(graded: Path, tmp_path: Path) -> None:
    assert run([str(graded), "--format", "gradescope", "--out", str(tmp_path / "gs"),
                "--visibility", "after_published"]) == 0
    data = json.loads((tmp_path / "gs" / "jdoe" / "results.json").read_text("utf-8"))
    assert data["visibility"] == "after_published"


@pytest.mark.parametrize(("argv", "expected"), [
    (["{missing}", "--format", "csv"], "no such graded folder"),
    (["{empty}", "--format", "csv"], "results.json: not found"),
    (["{graded}", "--format", "xlsx"], "--format 'xlsx' is not one of canvas, moodle, gradescope, csv"),
    (["{graded}", "--format", "csv", "--roster", "{missing}/r.csv"], "roster file not found"),
    (["{broken}", "--format", "csv"], "not readable JSON"),
    (["{bad_schema}", "--format", "csv"], "submissions[0].score: expected a finite number"),
    (["{graded}", "--format", "gradescope", "--visibility", "later"], "--visibility 'later'"),
    (["{graded}", "--format", "canvas", "--out", "{graded}"], "writes a file, and this is a folder"),
])
def test_usage_errors_exit_2_with_one_line(graded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           argv: list[str], expected: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "results.json").write_text("{not json", "utf-8")
    (tmp_path / "bad_schema").mkdir()
    bad = json.loads((graded / "results.json").read_text("utf-8"))
    bad["submissions"][0]["score"] = "7.5"
    (tmp_path / "bad_schema" / "results.json").write_text(json.dumps(bad), "utf-8")
    paths = {"missing": tmp_path / "missing", "empty": tmp_path / "empty", "graded": graded,
             "broken": tmp_path / "broken", "bad_schema": tmp_path / "bad_schema"}
    assert run([a.format(**paths) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("grader export: error: ") and expected in err
