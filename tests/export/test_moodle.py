"""Tests of the Moodle CSV grade import file against gradeimport_csv's rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.export import ExportError, MoodleExporter, read_roster

Rows = list[list[str]]


def export(results: dict[str, Any], roster: Path | None, tmp_path: Path) -> tuple[bytes, list[str]]:
    exporter = MoodleExporter(results, read_roster(roster) if roster else None)
    out = tmp_path / "moodle.csv"
    exporter.write(out)
    return out.read_bytes(), exporter.warnings


def test_moodle_with_roster(results: dict[str, Any], rosters: dict[str, Path], tmp_path: Path,
                            parse_csv: Callable[[bytes], Rows],
                            assert_spreadsheet_safe: Callable[[Rows, set[int]], None],
                            golden: Callable[[str, bytes], None], secret: str) -> None:
    data, warnings = export(results, rosters["moodle"], tmp_path)
    rows = parse_csv(data)
    # Moodle pre-selects the identity mapping by label and the grade / feedback items by "(Real)" / "(Feedback)".
    assert rows[0] == ["Email address", "Full name", "Assignment: Homework 3 (Real)",
                       "Assignment: Homework 3 (Feedback)"]
    body = {r[0]: r for r in rows[1:]}
    assert list(body) == ["jdoe@uni.example", "jmuller@uni.example", "evil@uni.example", "plus@uni.example",
                          "pobrien@uni.example"]  # roster order; the row without an email is left out
    assert all(r[0] for r in rows[1:])  # Moodle would carry the previous user over a blank identity
    assert body["plus@uni.example"][2:] == ["", ""]  # no submission: empty grade
    assert body["jdoe@uni.example"][2] == "7.5"
    assert body["evil@uni.example"][1] == "'=HYPERLINK(\"x\") Evil"
    assert body["pobrien@uni.example"][1] == "Pat O'Brien, \"Jr\""
    feedback = body["jdoe@uni.example"][3]
    assert feedback.splitlines()[0] == "Q1: correct, 4 / 4 points"
    assert "line 12: this step does not hold" in feedback and "line 14 of helper.py" in feedback
    assert secret not in data.decode("utf-8")
    for row in rows[1:]:
        assert row[2] == "" or 0 <= float(row[2]) <= 100
    assert_spreadsheet_safe(rows, {2})
    assert any("Nomail Person" in w for w in warnings)
    assert any("'ghost'" in w for w in warnings)
    golden("moodle_roster.csv", data)


def test_moodle_with_plain_roster_uses_email(results: dict[str, Any], rosters: dict[str, Path], tmp_path: Path,
                                             parse_csv: Callable[[bytes], Rows]) -> None:
    rows = parse_csv(export(results, rosters["plain"], tmp_path)[0])
    assert [r[0] for r in rows] == ["Email address", "pobrien@uni.example", "jdoe@uni.example", "plus@uni.example"]


def test_moodle_without_roster_uses_id_number(results: dict[str, Any], tmp_path: Path,
                                              parse_csv: Callable[[bytes], Rows],
                                              golden: Callable[[str, bytes], None]) -> None:
    data, warnings = export(results, None, tmp_path)
    rows = parse_csv(data)
    assert rows[0][0] == "ID number"
    assert [r[0] for r in rows[1:]] == ["'-2", "evil", "ghost", "jdoe", "Jürgen Müller", "pobrien"]
    assert any("no --roster" in w for w in warnings)
    golden("moodle_noroster.csv", data)


def test_moodle_warns_above_default_grade_limit(results: dict[str, Any], tmp_path: Path) -> None:
    for sub in results["submissions"]:
        sub["max_score"] = 150
    exporter = MoodleExporter(results)
    exporter.write(tmp_path / "m.csv")
    assert any("gradepointmax" in w for w in exporter.warnings)


def test_moodle_refuses_a_canvas_roster(results: dict[str, Any], rosters: dict[str, Path]) -> None:
    with pytest.raises(ExportError, match="Moodle"):
        MoodleExporter(results, read_roster(rosters["canvas"]))
