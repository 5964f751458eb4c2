"""Tests of the Canvas gradebook-import CSV against the rules of Canvas's GradebookImporter."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.export import CanvasExporter, ExportError, read_roster

Rows = list[list[str]]


def canvas_reads(rows: Rows) -> dict[str, Any]:
    """The parts of Canvas's importer (app/models/gradebook_importer.rb) that decide what a file means:
    the header test, the count of student-information columns, `Title (id)` and the points row."""
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1]
    student_columns = 3
    if re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2
    assert "Section" in header[student_columns - 1]
    assignments = []
    for name in header[student_columns:]:
        found = re.match(r"^(.*)\s+\((\d+)\)$", name)
        assignments.append((found[1], found[2]) if found else (name, None))
    assert "Points Possible" in rows[1][0]
    return {"assignments": assignments, "points": rows[1][student_columns:], "students": rows[2:],
            "first_grade_column": student_columns}


def export(graded_results: dict[str, Any], roster: Path | None, tmp_path: Path) -> tuple[bytes, list[str]]:
    exporter = CanvasExporter(graded_results, read_roster(roster) if roster else None)
    out = tmp_path / "canvas.csv"
    exporter.write(out)
    return out.read_bytes(), exporter.warnings


def test_canvas_with_roster_matches_importer_rules(results: dict[str, Any], rosters: dict[str, Path], tmp_path: Path,
                                                   parse_csv: Callable[[bytes], Rows],
                                                   assert_spreadsheet_safe: Callable[[Rows, set[int]], None],
                                                   golden: Callable[[str, bytes], None]) -> None:
    data, warnings = export(results, rosters["canvas"], tmp_path)
    rows = parse_csv(data)
    seen = canvas_reads(rows)
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert seen["assignments"] == [("Homework 3", "4242")]  # the existing Canvas column, id kept
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    by_id = {r[1]: r for r in seen["students"]}
    assert [r[1] for r in seen["students"]] == ["101", "102", "103", "104", "106", "107", "108"]  # roster order
    assert by_id["101"] == ["Doe, Jane", "101", "S101", "jdoe", "Section A", "7.5"]
    assert by_id["102"][0] == "Müller, Jürgen" and by_id["102"][5] == "2.1235"  # accents kept; 4 decimals
    assert by_id["103"][0] == "'=HYPERLINK(\"http://evil.example\",\"pwn\")" and by_id["103"][5] == "10"
    assert by_id["104"][0] == "'+1 Plus" and by_id["104"][5] == ""  # on the roster, no submission
    assert by_id["106"][:1] == ["'@SUM(1+1)"] and by_id["106"][4] == "Section B, evening"
    assert by_id["107"][0] == "O'Brien, \"Pat\""
    assert by_id["108"][3] == "'-2" and by_id["108"][5] == "0.1"
    assert_spreadsheet_safe(rows, {5})
    assert any("'ghost'" in w and "left out" in w for w in warnings)
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    golden("canvas_roster.csv", data)


def test_canvas_without_matching_column_uses_bare_title(results: dict[str, Any], tmp_path: Path,
                                                        parse_csv: Callable[[bytes], Rows]) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (4243)\nDoe,101,S101,jdoe,A,\n", "utf-8")
    data, _ = export(results, roster, tmp_path)
    assert canvas_reads(parse_csv(data))["assignments"] == [("Homework 3", None)]  # Canvas makes a new column


def test_canvas_without_roster_identifies_by_sis_login_id(results: dict[str, Any], tmp_path: Path,
                                                          parse_csv: Callable[[bytes], Rows],
                                                          assert_spreadsheet_safe: Callable[[Rows, set[int]], None],
                                                          golden: Callable[[str, bytes], None]) -> None:
    data, warnings = export(results, None, tmp_path)
    rows = parse_csv(data)
    students = canvas_reads(rows)["students"]
    assert [r[3] for r in students] == ["'-2", "evil", "ghost", "jdoe", "Jürgen Müller", "pobrien"]
    assert all(r[1] == "" for r in students)  # empty ID: Canvas falls back to the SIS ids
    assert_spreadsheet_safe(rows, {5})
    assert any("no --roster" in w for w in warnings)
    golden("canvas_noroster.csv", data)


def test_canvas_refuses_a_non_canvas_roster(results: dict[str, Any], rosters: dict[str, Path]) -> None:
    with pytest.raises(ExportError, match="Canvas"):
        CanvasExporter(results, read_roster(rosters["moodle"]))


def test_canvas_warns_about_titles_its_importer_misreads(results: dict[str, Any], tmp_path: Path) -> None:
    results["assignment_title"] = "Final Score (2024)"
    exporter = CanvasExporter(results)
    exporter.write(tmp_path / "c.csv")
    assert any("ignores such columns" in w for w in exporter.warnings)
    assert any("assignment id" in w for w in exporter.warnings)
