"""Tests of the plain gradebook CSV: grades.csv's columns, deterministic rows, roster rows first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.export import GradebookExporter, read_roster

Rows = list[list[str]]


def export(results: dict[str, Any], roster: Path | None, tmp_path: Path) -> tuple[bytes, list[str]]:
    exporter = GradebookExporter(results, read_roster(roster) if roster else None)
    exporter.write(tmp_path / "gradebook.csv")
    return (tmp_path / "gradebook.csv").read_bytes(), exporter.warnings


def test_gradebook_without_roster(results: dict[str, Any], tmp_path: Path, parse_csv: Callable[[bytes], Rows],
                                  assert_spreadsheet_safe: Callable[[Rows, set[int]], None],
                                  golden: Callable[[str, bytes], None]) -> None:
    data, warnings = export(results, None, tmp_path)
    rows = parse_csv(data)
    assert rows[0] == ["student", "submission", "score", "max_score", "1", "2"]
    assert [r[0] for r in rows[1:]] == ["'-2", "evil", "ghost", "jdoe", "Jürgen Müller", "pobrien"]
    assert rows[4] == ["jdoe", "class/jdoe.md", "7.5", "10", "4", "3.5"]
    assert_spreadsheet_safe(rows, {2, 3, 4, 5})
    assert warnings == []
    golden("gradebook_noroster.csv", data)


def test_gradebook_is_deterministic_whatever_the_input_order(results: dict[str, Any], tmp_path: Path) -> None:
    first, _ = export(results, None, tmp_path)
    results["submissions"].reverse()
    assert export(results, None, tmp_path)[0] == first


def test_gradebook_with_roster_keeps_everyone(results: dict[str, Any], rosters: dict[str, Path], tmp_path: Path,
                                              parse_csv: Callable[[bytes], Rows],
                                              golden: Callable[[str, bytes], None]) -> None:
    data, warnings = export(results, rosters["plain"], tmp_path)
    rows = parse_csv(data)
    assert [r[0] for r in rows[1:4]] == ["pobrien", "jdoe", "plus"]  # roster order
    assert rows[3] == ["plus", "", "", "", "", ""]  # on the roster, no submission
    # Nothing imports this file, so submissions on no roster row follow instead of being dropped.
    assert [r[0] for r in rows[4:]] == ["'-2", "evil", "ghost", "Jürgen Müller"]
    assert len(warnings) == 4  # atsum, in error, is left out (see test_review_state.py)
    golden("gradebook_roster.csv", data)
