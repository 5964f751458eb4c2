"""End-to-end tests of the `grader` command on real files: exit codes, contract files, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

RUBRIC = """\
assignment: demo
title: Demo
questions:
  - id: "1"
    points: 2
    title: Decoding
    checks:
      - kind: keywords
        label: names the algorithm
        any: [zyxalgorithm]
    feedback: {incorrect: "Which dynamic program solves this?"}
  - id: "2"
    points: 3
    checks:
      - kind: free_text
        role: evidence
        claims:
          - {claim: "vanishing", any: [vanish]}
  - id: "3"
    points: 1
    checks:
      - kind: keywords
        any: [anything]
"""

GOOD = "# Question 1\n\nWe use the zyxalgorithm here.\n\n# Question 2\n\nThe gradients vanish because the norm is below one.\n"
WRONG = "# Question 1\n\nWe enumerate every sequence.\n\n# Question 3\n\nanything goes\n"


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(RUBRIC)
    (tmp_path / "alice.md").write_text(GOOD)
    (tmp_path / "bob.md").write_text(WRONG)
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")
    return tmp_path


def test_grade_writes_the_contract_files(course: Path) -> None:
    r = grader("grade", "alice.md", "bob.md", "--assignment", "demo", "--out", "out", cwd=course)
    assert r.returncode == 0, r.stderr
    doc = json.loads((course / "out" / "results.json").read_text())
    assert doc["assignment"] == "demo" and isinstance(doc["grader_version"], str)
    assert [s["submission"] for s in doc["submissions"]] == ["alice.md", "bob.md"]
    alice, bob = doc["submissions"]
    assert [q["id"] for q in alice["questions"]] == ["1", "2", "3"]
    assert {k for k in alice} >= {"submission", "student", "score", "max_score", "questions"}
    for q in alice["questions"] + bob["questions"]:
        assert {"id", "score", "max_score", "status", "findings"} <= set(q)
        for f in q["findings"]:
            assert {"kind", "message", "line", "end_line", "severity"} <= set(f)
    assert [q["status"] for q in alice["questions"]] == ["correct", "needs_review", "missing"]
    assert [q["status"] for q in bob["questions"]] == ["incorrect", "missing", "correct"]
    assert alice["questions"][0]["line"] == 3 and alice["score"] == 5.0 and alice["max_score"] == 6.0
    rows = list(csv.reader((course / "out" / "grades.csv").open()))
    assert rows[0] == ["student", "submission", "score", "max_score", "1", "2", "3"]
    assert rows[1] == ["alice", "alice.md", "5", "6", "2", "3", "0"]
    for student in ("alice", "bob"):
        assert "We " in (course / "out" / student / "report.md").read_text()
        assert (course / "out" / student / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_bad_submissions_cost_only_themselves(course: Path) -> None:
    r = grader("grade", "alice.md", "empty.md", "binary.md", "nope.md", "--assignment", "demo", "--out", "out",
               cwd=course)
    assert r.returncode == 1
    doc = json.loads((course / "out" / "results.json").read_text())
    statuses = {s["submission"]: {q["status"] for q in s["questions"]} for s in doc["submissions"]}
    assert statuses["alice.md"] == {"correct", "needs_review", "missing"}
    for bad in ("empty.md", "binary.md", "nope.md"):
        assert statuses[bad] == {"error"}
    messages = {s["submission"]: s["questions"][0]["findings"][0]["message"] for s in doc["submissions"]}
    assert messages["empty.md"] == "empty.md: empty file"
    assert messages["nope.md"] == "nope.md: no such file or folder"
    assert "empty.md: empty file" in r.stderr


def test_usage_errors_exit_2_with_one_line(course: Path) -> None:
    r = grader("grade", "alice.md", "--assignment", "nosuch", "--out", "out", cwd=course)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "unknown assignment 'nosuch'" in r.stderr
    (course / "rubrics" / "demo.yaml").write_text(RUBRIC.replace("points: 3", "pionts: 3"))
    r = grader("grade", "alice.md", "--assignment", "demo", "--out", "out", cwd=course)
    assert r.returncode == 2
    assert "demo.yaml: question 2: field 'pionts': Extra inputs are not permitted" in r.stderr
    assert not (course / "out").exists()
    r = grader("grade", "--assignment", "demo", cwd=course)
    assert r.returncode == 2


def test_check_prints_feedback_without_reference_answers(course: Path) -> None:
    r = grader("check", "bob.md", "--assignment", "demo", cwd=course)
    assert r.returncode == 0, r.stderr
    assert "Question 1: Decoding -- incorrect" in r.stdout
    assert "Which dynamic program solves this?" in r.stdout
    assert "zyxalgorithm" not in r.stdout  # the expected keyword is the answer
    assert "all passed" not in r.stdout.lower()


def test_every_command_has_help_with_examples(course: Path) -> None:
    for command in ("grade", "check", "validate", "export"):
        r = grader(command, "--help", cwd=course)
        assert r.returncode == 0 and "examples:" in r.stdout, command


def test_file_names_cannot_drive_the_terminal(course: Path) -> None:
    name = "x\x1b]0;pwned\x07.md"
    (course / name).write_bytes(b"\x00")
    r = grader("grade", name, "--assignment", "demo", "--out", "out", cwd=course)
    assert r.returncode == 1
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "\\x1b]0;pwned\\x07.md" in r.stderr


def test_roster_maps_lms_download_names_to_student_ids(course: Path) -> None:
    (course / "roster.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        "    Points Possible,,,,\n"
        '"Doe, Jane",12345,S-1,jdoe,A\n'
        '"Roe, Rick",67890,S-2,rroe,A\n')
    (course / "doejane_12345_9001_hw.md").write_text(GOOD)       # Canvas: name_userid_submissionid_file
    (course / "roerick_LATE_67890_9002_hw.md").write_text(WRONG)  # a late one
    (course / "stranger.md").write_text(GOOD)
    r = grader("grade", "doejane_12345_9001_hw.md", "roerick_LATE_67890_9002_hw.md", "stranger.md",
               "--assignment", "demo", "--out", "out", "--roster", "roster.csv", cwd=course)
    assert r.returncode == 0, r.stderr
    doc = json.loads((course / "out" / "results.json").read_text())
    assert [s["student"] for s in doc["submissions"]] == ["jdoe", "rroe", "stranger"]
    assert "stranger.md: not on the roster" in r.stderr
    r = grader("grade", "stranger.md", "--assignment", "demo", "--out", "out2", "--roster", "nope.csv", cwd=course)
    assert r.returncode == 2 and "nope.csv" in r.stderr


def test_another_assignment_into_a_graded_out_is_refused_unless_forced(course: Path) -> None:
    (course / "rubrics" / "other.yaml").write_text(RUBRIC.replace("assignment: demo", "assignment: other"))
    assert grader("grade", "alice.md", "--assignment", "demo", "--out", "out", cwd=course).returncode == 0
    before = (course / "out" / "results.json").read_bytes()
    r = grader("grade", "alice.md", "--assignment", "other", "--out", "out", cwd=course)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "out holds the results of assignment 'demo', not 'other'" in r.stderr and "--force" in r.stderr
    assert (course / "out" / "results.json").read_bytes() == before
    r = grader("grade", "alice.md", "--assignment", "demo", "--out", "out", cwd=course)  # the same one reruns
    assert r.returncode == 0, r.stderr
    r = grader("grade", "alice.md", "--assignment", "other", "--out", "out", "--force", cwd=course)
    assert r.returncode == 0, r.stderr
    assert "--force: replacing the results of assignment 'demo' in out" in r.stderr
    assert json.loads((course / "out" / "results.json").read_text())["assignment"] == "other"


def test_outside_a_course_folder_the_error_names_course(tmp_path: Path) -> None:
    import os

    writeup = tmp_path / "w.md"
    writeup.write_text("## Question 1\n\nx\n")
    for args in (["check", str(writeup), "--assignment", "attention"], ["validate"]):
        done = subprocess.run([sys.executable, "-m", "grader", *args], cwd=tmp_path, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        assert done.returncode != 0 and "--course DIR" in done.stderr, done.stderr


def test_a_closed_stdout_ends_quietly_with_the_usual_exit_status(course: Path) -> None:
    import os

    # the reader of the pipe is gone before the command writes (as `grader ... | head` once head has its lines)
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "grader", "validate"], cwd=course, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_quiet_pipe_drops_output_after_the_reader_is_gone() -> None:
    from grader.cli import QuietPipe

    class Closed:
        def __init__(self) -> None:
            self.calls = 0

        def write(self, text: str) -> int:
            self.calls += 1
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    inner = Closed()
    out = QuietPipe(inner)  # type: ignore[arg-type]
    assert out.write("a line\n") == 7 and out.gone
    out.write("another\n")
    out.flush()
    assert inner.calls == 1  # nothing more is tried once the reader is gone
