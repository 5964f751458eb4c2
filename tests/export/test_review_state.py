"""Exports and the grading's open ends: submissions in error, flagged ones, provisional scores, TA notes."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.commands import export as command
from grader.export import CanvasExporter, GradebookExporter, GradescopeExporter, MoodleExporter, gradescope_results
from grader.export.base import error_notices, pending_reviews

Rows = list[list[str]]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="grader")
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["export", *argv])
    return int(args.func(args))


def _write(graded: Path, results: dict[str, Any]) -> None:
    (graded / "results.json").write_text(json.dumps(results), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "csv"])
def test_a_submission_in_error_is_left_out_and_named(graded: Path, fmt: str, tmp_path: Path,
                                                     parse_csv: Callable[[bytes], Rows],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    assert run([str(graded), "--format", fmt, "--out", str(out)]) == 0
    assert not any("atsum" in cell for row in parse_csv(out.read_bytes()) for cell in row)
    err = capsys.readouterr().err
    assert "submission 'atsum' (class/atsum.txt) is in error: unreadable file; left out" in err


@pytest.mark.parametrize("cls", [CanvasExporter, MoodleExporter, GradebookExporter])
def test_include_errors_writes_an_empty_grade_never_a_zero(results: dict[str, Any], cls: type, tmp_path: Path,
                                                           parse_csv: Callable[[bytes], Rows]) -> None:
    out = tmp_path / "out.csv"
    cls(results, include_errors=True).write(out)
    rows = parse_csv(out.read_bytes())
    atsum = [row for row in rows if "atsum" in row]
    assert len(atsum) == 1
    score_col = rows[0].index("score") if "score" in rows[0] else (5 if cls is CanvasExporter else 2)
    assert atsum[0][score_col] == ""
    if cls is GradebookExporter:  # per-question cells are empty too
        assert atsum[0][4:] == ["", ""]


def test_gradescope_in_error_has_no_score(results: dict[str, Any], tmp_path: Path,
                                          validate_gradescope: Callable[[Any], None]) -> None:
    GradescopeExporter(results).write(tmp_path / "default")
    assert not (tmp_path / "default" / "atsum").exists()
    GradescopeExporter(results, include_errors=True).write(tmp_path / "gs")
    data = json.loads((tmp_path / "gs" / "atsum" / "results.json").read_text("utf-8"))
    validate_gradescope(data)
    assert "score" not in data and all("score" not in t for t in data["tests"])
    assert data["output"].startswith("Not graded")


def test_provisional_and_flagged_are_named(results: dict[str, Any]) -> None:
    results["submissions"][1]["flagged"] = "only 1 of 2 questions were found"
    results["submissions"][1]["questions"][1]["status"] = "needs_review"
    lines = pending_reviews(results)
    assert lines == [
        "submission 'evil' (class/evil.md): question 2 has a provisional score awaiting a TA's review",
        "submission 'Jürgen Müller' (class/Jürgen Müller/) is flagged for review (only 1 of 2 questions were "
        "found); questions 2 have provisional scores",
    ]
    assert [line.split(" is in error")[0] for line in error_notices(results, False)] == [
        "submission 'atsum' (class/atsum.txt)"]


def test_final_refuses_while_reviews_are_pending(graded: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "canvas.csv"
    assert run([str(graded), "--format", "canvas", "--out", str(out), "--final"]) == 1
    err = capsys.readouterr().err
    assert "pending: submission 'evil' (class/evil.md): question 2" in err and "--final refused" in err
    assert not out.exists()
    results = json.loads((graded / "results.json").read_text("utf-8"))
    results["submissions"][2]["questions"][1]["status"] = "correct"  # as an override leaves it
    _write(graded, results)
    assert run([str(graded), "--format", "canvas", "--out", str(out), "--final"]) == 0
    assert out.exists()


def test_without_final_provisional_scores_are_written_and_named(graded: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(graded), "--format", "csv", "--out", str(tmp_path / "g.csv")]) == 0
    assert "question 2 has a provisional score awaiting a TA's review" in capsys.readouterr().err


def test_override_note_reaches_moodle_and_gradescope(results: dict[str, Any], tmp_path: Path,
                                                     parse_csv: Callable[[bytes], Rows]) -> None:
    note = "Right idea, sign slip in line 3; see me"
    out = tmp_path / "moodle.csv"
    MoodleExporter(results).write(out)
    row = next(r for r in parse_csv(out.read_bytes()) if r[0] == "pobrien")
    assert f"Q1: incorrect, 1 / 4 points\n- TA: {note}\n" in row[3]
    pobrien = gradescope_results(results["submissions"][4])
    assert pobrien["tests"][0]["output"].splitlines()[1] == f"- TA: {note}"
