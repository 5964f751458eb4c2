"""Fixtures for the exporter tests: a graded folder with hostile names, three rosters, golden files."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from grader.export.gradescope import VISIBILITIES

GOLDEN = Path(__file__).parent / "golden"
# Put in `details` of the fixture; no export may ever contain it.
SECRET = "REFERENCE_ANSWER_SECRET_42"


def _question(qid: str, score: float, max_score: float, status: str, *findings: dict[str, Any]) -> dict[str, Any]:
    return {"id": qid, "score": score, "max_score": max_score, "status": status, "findings": list(findings),
            "details": {"reason": SECRET}}


def _overridden(question: dict[str, Any], machine: float, note: str) -> dict[str, Any]:
    """A question a TA overrode, as `grader override` leaves it in results.json."""
    question["details"]["override"] = {"score": question["score"], "note": note, "created_at": "2024-01-02T00:00:00",
                                       "machine_score": machine, "machine_status": "partial"}
    return question


def _finding(message: str, line: int | None = None, severity: str = "error", **extra: Any) -> dict[str, Any]:
    return {"kind": "step", "message": message, "line": line, "end_line": line, "severity": severity, **extra}


def _submission(student: str, path: str, *questions: dict[str, Any]) -> dict[str, Any]:
    return {"submission": path, "student": student, "score": round(sum(q["score"] for q in questions), 4),
            "max_score": sum(q["max_score"] for q in questions), "questions": list(questions),
            "details": {"duration_s": 1.25, "reference": SECRET}}


def sample_results() -> dict[str, Any]:
    """Submissions given in a non-sorted order, with names built to break naive CSV writers."""
    subs = [
        _submission("jdoe", "class/jdoe.md",
                    _question("1", 4, 4, "correct"),
                    _question("2", 3.5, 6, "partial",
                              _finding('this step does not hold: left side 0.31, right side "0.87", at t = 5', 12),
                              _finding("=1+1 is what you wrote", 14, "warning", file="helper.py"))),
        _submission("Jürgen Müller", "class/Jürgen Müller/",
                    _question("1", 2.12345, 4, "partial"),
                    _question("2", 0, 6, "missing", _finding("No answer was found.", None, "warning"))),
        _submission("evil", "class/evil.md",
                    _question("1", 4, 4, "correct"), _question("2", 6, 6, "needs_review",
                                                               _finding("@SUM(A1:A9) claims need review", 3, "info"))),
        _submission("atsum", "class/atsum.txt", _question("1", 0, 4, "error", _finding("unreadable file")),
                    _question("2", 0, 6, "error", _finding("unreadable file"))),
        _submission("pobrien", "class/pobrien.md", _overridden(_question("1", 1, 4, "incorrect"), 0.5,
                                                               "Right idea, sign slip in line 3; see me"),
                    _question("2", 6, 6, "correct")),
        _submission("ghost", "class/ghost.md", _question("1", 4, 4, "correct"), _question("2", 6, 6, "correct")),
        _submission("-2", "class/-2.md", _question("1", 0.1, 4, "partial"), _question("2", 0, 6, "incorrect")),
    ]
    return {"assignment": "hw3", "assignment_title": "Homework 3", "grader_version": "0.1.0",
            "submissions": subs, "run": {"started": "2024-01-01T00:00:00"}}


CANVAS_ROSTER = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Homework 3 (4242),Quiz 1 (4243),Current Score\r\n"
    "    Points Possible,,,,,10,5,\r\n"
    "\"Doe, Jane\",101,S101,jdoe,Section A,,,\r\n"
    "\"Müller, Jürgen\",102,S102,jmuller,Section A,,,\r\n"
    "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"pwn\"\")\",103,S103,evil,Section B,,,\r\n"
    "+1 Plus,104,S104,plus,Section B,,,\r\n"
    "\"@SUM(1+1)\",106,S106,atsum,\"Section B, evening\",,,\r\n"
    "\"O'Brien, \"\"Pat\"\"\",107,S107,pobrien,Section A,,,\r\n"
    "-2 Minus,108,S108,-2,Section A,,,\r\n"
)

MOODLE_ROSTER = (
    "First name,Last name,ID number,Institution,Department,Email address\n"
    "Jane,Doe,S101,Uni,CS,jdoe@uni.example\n"
    "Jürgen,Müller,S102,Uni,CS,jmuller@uni.example\n"
    "\"=HYPERLINK(\"\"x\"\")\",Evil,S103,Uni,CS,evil@uni.example\n"
    "+1,Plus,S104,Uni,CS,plus@uni.example\n"
    "Nomail,Person,S109,Uni,CS,\n"
    "Pat,\"O'Brien, \"\"Jr\"\"\",S107,Uni,CS,pobrien@uni.example\n"
)

PLAIN_ROSTER = "student,name,email\npobrien,\"O'Brien, Pat\",pobrien@uni.example\njdoe,Jane Doe,jdoe@uni.example\n" \
               "plus,+1 Plus,plus@uni.example\n"


@pytest.fixture
def results() -> dict[str, Any]:
    return sample_results()


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    """A folder as `grader grade --out` leaves it: results.json (other files do not matter here)."""
    folder = tmp_path / "graded"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(sample_results(), indent=2), encoding="utf-8")
    return folder


@pytest.fixture
def rosters(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for kind, text in (("canvas", CANVAS_ROSTER), ("moodle", MOODLE_ROSTER), ("plain", PLAIN_ROSTER)):
        path = tmp_path / f"{kind}_roster.csv"
        path.write_bytes(text.encode("utf-8"))
        out[kind] = path
    return out


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, bytes], None]:
    """Compare bytes with tests/export/golden/NAME, or rewrite it under --update-goldens."""
    update = bool(request.config.getoption("--update-goldens", default=False))

    def check(name: str, actual: bytes) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual)
            return
        assert path.is_file(), f"no golden file {path}; run pytest tests/export --update-goldens and review it"
        assert actual == path.read_bytes(), f"{name} differs from its golden file (review, then --update-goldens)"

    return check


def read_csv_bytes(data: bytes) -> list[list[str]]:
    """Parse an export as an importer would: strict UTF-8, RFC 4180."""
    import csv
    import io

    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


NUMBER = r"^-?\d+(\.\d+)?$"


@pytest.fixture
def parse_csv() -> Callable[[bytes], list[list[str]]]:
    return read_csv_bytes


@pytest.fixture
def assert_spreadsheet_safe() -> Callable[[list[list[str]], set[int]], None]:
    """Every cell outside `numeric` columns is free of formula prefixes; numeric cells are plain numbers."""
    import re

    def check(rows: list[list[str]], numeric: set[int]) -> None:
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if c in numeric and r > 0 and cell != "" and re.match(NUMBER, cell):
                    continue
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"row {r} col {c}: {cell!r}"

    return check


TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def _validate_gradescope(data: Mapping[str, Any]) -> None:
    """The results.json schema of gradescope-autograders.readthedocs.io/en/latest/specs/, strictly."""
    assert set(data) <= TOP_KEYS, set(data) - TOP_KEYS
    graded = "score" in data  # the spec makes it optional; a submission in error has none (never a 0)
    assert not graded or isinstance(data["score"], float)
    assert isinstance(data.get("output", ""), str)
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert data.get(key, "text") in FORMATS
    assert data.get("visibility", "visible") in VISIBILITIES
    tests = data["tests"]
    assert isinstance(tests, list) and tests
    for test in tests:
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        assert {"max_score", "status", "name", "output", "visibility"} <= set(test)
        assert ("score" in test) == graded
        assert isinstance(test.get("score", 0.0), float) and isinstance(test["max_score"], float)
        assert 0 <= test.get("score", 0.0) <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITIES
        assert test.get("output_format", "text") == "text"
    if graded:
        assert data["score"] == pytest.approx(sum(t["score"] for t in tests))
    assert SECRET not in json.dumps(data)


@pytest.fixture
def validate_gradescope() -> Callable[[Mapping[str, Any]], None]:
    return _validate_gradescope


@pytest.fixture
def secret() -> str:
    return SECRET
