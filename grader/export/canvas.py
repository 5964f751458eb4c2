"""Canvas gradebook-import CSV: Student, ID, SIS User ID, SIS Login ID, Section, then `Title (id)`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from grader.export.base import CsvExporter, ExportError, student_order
from grader.export.roster import Roster
from grader.export.safety import Cell

IDENTITY_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
# Canvas's importer reads row 2 as points possible when its first cell contains "Points Possible";
# Canvas's own export writes it with four leading spaces, and so do we.
POINTS_POSSIBLE = "    Points Possible"
# Headers Canvas's importer drops as "not an assignment" (substring match), Unposted variants included.
CANVAS_RESERVED = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points",
                   "Final Grade", "Override Score", "Override Grade", "Override Status")


class CanvasExporter(CsvExporter):
    """One assignment column for Canvas's gradebook importer, students identified through a Canvas roster.

    With `--roster` (a gradebook CSV exported from the same Canvas course) every roster row is
    written in roster order with its Canvas ID, SIS ids and section; a student without a submission
    gets an empty cell, which Canvas reads as "no change". Submissions on no roster row are left out
    and reported: Canvas would otherwise create an unknown student. Without a roster, rows carry the
    grader student id as `SIS Login ID` (Canvas falls back to it when `ID` is empty), by student id.
    """

    format = "canvas"
    default_name = "canvas.csv"

    def __init__(self, results: Mapping[str, Any], roster: Roster | None = None, *,
                 include_errors: bool = False) -> None:
        super().__init__(results, roster, include_errors=include_errors)
        if roster is not None and roster.kind != "canvas":
            raise ExportError(f"{roster.path}: the canvas format needs a roster exported from the Canvas "
                              f"gradebook (Student, ID, SIS User ID, SIS Login ID, Section), not a "
                              f"{roster.kind} roster")

    def assignment_header(self) -> str:
        """`Title (id)` when the roster already has that Canvas column, else the bare title (a new column)."""
        if self.roster is not None:
            existing = self.roster.canvas_column(self.title, self.assignment_id)
            if existing is not None:
                return existing
        for reserved in CANVAS_RESERVED:
            if reserved in self.title:
                self.warnings.append(f"assignment title {self.title!r} contains {reserved!r}; Canvas's importer "
                                     "ignores such columns, so rename the assignment or edit the header")
        if re.search(r"\(\d+\)\s*$", self.title):
            self.warnings.append(f"assignment title {self.title!r} ends in '(digits)', which Canvas reads as an "
                                 "assignment id")
        return self.title

    def header(self) -> Sequence[Cell]:
        return [*IDENTITY_COLUMNS, self.assignment_header()]

    def rows(self) -> Iterable[Sequence[Cell]]:
        yield [POINTS_POSSIBLE, None, None, None, None, self.max_score]
        if self.roster is None:
            self.warnings.append("no --roster: rows carry the grader student id as 'SIS Login ID'; export the "
                                 "Canvas gradebook and pass it as --roster to match by Canvas ID")
            for sub in self.sorted_submissions():
                yield [sub["student"], None, None, sub["student"], None, self.grade(sub)]
            return
        found = self.match()
        for i, entry in enumerate(self.roster.entries):
            matched = found.by_entry.get(i)
            yield [entry.name, entry.canvas_id, entry.sis_user_id, entry.sis_login_id, entry.section,
                   self.grade(matched) if matched else None]
        for sub in sorted(found.unmatched, key=student_order):
            self.warnings.append(f"student {sub['student']!r} ({sub['submission']}) is not on Canvas roster "
                                 f"{self.roster.path}; left out of the Canvas file")
