"""A scanned or broken write-up through `grader grade` and every `grader export` format: flagged, never a 0."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCANNED = REPO / "tests" / "read" / "pdf" / "fixtures" / "scanned.pdf"
RUBRIC = """\
assignment: demo
title: Demo
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        any: [zyxalgorithm]
  - id: "2"
    points: 3
    checks:
      - kind: keywords
        any: [vanish]
"""
GOOD = "# Question 1\n\nWe use the zyxalgorithm.\n\n# Question 2\n\nThe gradients vanish.\n"


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    (course / "rubrics").mkdir()
    (course / "rubrics" / "demo.yaml").write_text(RUBRIC)
    (course / "alice").mkdir()
    (course / "alice" / "hw.pdf").write_bytes(SCANNED.read_bytes())
    (course / "bob.md").write_text(GOOD)
    (course / "carol.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    r = grader("grade", "alice", "bob.md", "carol.pdf", "--assignment", "demo", "--out", "out", cwd=course)
    assert r.returncode == 1, r.stderr  # DESIGN.md: 1 when any submission ended in error
    assert "scanned image" in r.stderr
    return course


def test_results_json_keeps_the_contract_and_flags_the_unreadable(graded: Path) -> None:
    doc = json.loads((graded / "out" / "results.json").read_text())
    alice, bob, carol = doc["submissions"]
    for sub in (alice, carol):
        assert sub["score"] == 0.0 and isinstance(sub["flagged"], str)  # score stays a float: the contract's type
        assert [q["status"] for q in sub["questions"]] == ["error", "error"]
        assert "page 2 of 2" in alice["questions"][0]["findings"][0]["message"]
    assert "flagged" not in bob and bob["score"] == 5.0


def test_grades_csv_leaves_the_unreadable_empty(graded: Path) -> None:
    rows = list(csv.reader((graded / "out" / "grades.csv").open()))
    assert rows[1:] == [["alice", "alice", "", "5", "", ""], ["bob", "bob.md", "5", "5", "2", "3"],
                        ["carol", "carol.pdf", "", "5", "", ""]]


def test_the_report_says_no_grade_yet(graded: Path) -> None:
    report = (graded / "out" / "alice" / "report.md").read_text()
    assert "Score: **none yet / 5** (a TA grades this submission: it is not a 0)" in report
    assert "Flagged for review:" in report and "**0 / 5**" not in report.split("## Question")[0]
    assert "none yet" in (graded / "out" / "alice" / "report.html").read_text()


def test_review_lists_the_unreadable_first(graded: Path) -> None:
    r = grader("review", "out", cwd=graded)
    assert r.returncode == 0, r.stderr
    heads = [line for line in r.stdout.splitlines() if line.startswith("== ")]
    assert heads[0].startswith("== alice  FLAGGED") and any(h.startswith("== carol  FLAGGED") for h in heads)
    assert not any(h.startswith("== bob") for h in heads)


@pytest.mark.parametrize("fmt,score_col", [("canvas", 5), ("moodle", 2), ("csv", 2)])
def test_no_csv_export_gives_the_unreadable_a_zero(graded: Path, fmt: str, score_col: int) -> None:
    for extra in ([], ["--include-errors"]):
        out = graded / f"{fmt}{len(extra)}.csv"
        r = grader("export", "out", "--format", fmt, "--out", str(out), *extra, cwd=graded)
        assert r.returncode == 0, r.stderr
        assert "'alice' (alice) is in error" in r.stderr and "'carol' (carol.pdf) is in error" in r.stderr
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
        by_student = {row[0] if fmt != "canvas" else row[3]: row for row in rows[1:]}
        assert by_student["bob"][score_col] == "5"
        if not extra:  # left out of the file, named on stderr
            assert "alice" not in by_student and "carol" not in by_student
        else:  # written with an empty grade: the LMS keeps no grade, not a 0
            assert by_student["alice"][score_col] == "" and by_student["carol"][score_col] == ""
            if fmt == "csv":
                assert by_student["alice"][4:] == ["", ""]


def test_gradescope_gives_the_unreadable_no_score(graded: Path) -> None:
    r = grader("export", "out", "--format", "gradescope", "--out", "gs", "--include-errors", cwd=graded)
    assert r.returncode == 0, r.stderr
    alice = json.loads((graded / "gs" / "alice" / "results.json").read_text())
    assert "score" not in alice and all("score" not in t for t in alice["tests"])
    assert json.loads((graded / "gs" / "bob" / "results.json").read_text())["score"] == 5.0
