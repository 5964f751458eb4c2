"""Moodle grade-import CSV: an identity column, `Assignment: <title> (Real)` and its `(Feedback)` column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from grader.export.base import CsvExporter, ExportError, question_feedback, student_order
from grader.export.roster import Roster, RosterEntry
from grader.export.safety import Cell

# Moodle's import form pre-selects "Map from"/"Map to" when a header equals a user-field label
# ("Email address", "ID number"), a grade item when a header is "<item name> (Real)", and its
# feedback when a header is "<item name> (Feedback)" (English labels; grade/import/grade_import_form.php).
EMAIL = "Email address"
ID_NUMBER = "ID number"
# Moodle refuses a grade above $CFG->gradepointmax, 100 unless the site raised it.
MOODLE_DEFAULT_GRADE_MAX = 100.0


class MoodleExporter(CsvExporter):
    """Rows for Moodle's CSV grade import (Grades > Import > CSV file), one per student.

    Moodle aborts the whole import on a row whose user it cannot find, and carries the previous
    row's user over a blank identity cell, so a row is written only with a non-empty identity and
    submissions on no roster row are left out (reported). Identity: `Email address` when the roster
    (or, without one, every student id) has an email, else `ID number`.
    """

    format = "moodle"
    default_name = "moodle.csv"

    def __init__(self, results: Mapping[str, Any], roster: Roster | None = None, *,
                 include_errors: bool = False) -> None:
        super().__init__(results, roster, include_errors=include_errors)
        if roster is not None and roster.kind == "canvas":
            raise ExportError(f"{roster.path}: the moodle format needs a Moodle or plain roster "
                              "(Email address / ID number, or student,name,email), not a Canvas export")
        self.identity = self._choose_identity()

    def _choose_identity(self) -> str:
        if self.roster is None:
            students = [s["student"] for s in self.submissions]
            return EMAIL if students and all("@" in s for s in students) else ID_NUMBER
        return EMAIL if any(e.email for e in self.roster.entries) else ID_NUMBER

    def _identity_of(self, entry: RosterEntry) -> str:
        if self.identity == EMAIL:
            return entry.email
        return entry.id_number or entry.student

    @property
    def item(self) -> str:
        return f"Assignment: {self.title}"

    def header(self) -> Sequence[Cell]:
        return [self.identity, "Full name", f"{self.item} (Real)", f"{self.item} (Feedback)"]

    @staticmethod
    def feedback(sub: Mapping[str, Any]) -> str:
        """Every question's status, points, TA note and findings as plain text, one question after another."""
        return "\n".join(question_feedback(q) for q in sub["questions"])

    def _row(self, ident: str, name: str, sub: Mapping[str, Any] | None) -> list[Cell]:
        if sub is None:
            return [ident, name, None, None]
        return [ident, name, self.grade(sub), self.feedback(sub)]

    def rows(self) -> Iterable[Sequence[Cell]]:
        if self.max_score > MOODLE_DEFAULT_GRADE_MAX:
            self.warnings.append(f"maximum score {self.max_score:g} is above Moodle's default grade limit of 100; "
                                 "the import fails unless the site's gradepointmax allows it")
        if self.roster is None:
            self.warnings.append(f"no --roster: the grader student id is written as {self.identity!r}; map it "
                                 "in Moodle's import form or pass a roster with emails")
            for sub in self.sorted_submissions():
                yield self._row(sub["student"], "", sub)
            return
        found = self.match()
        for i, entry in enumerate(self.roster.entries):
            ident = self._identity_of(entry)
            if not ident:
                self.warnings.append(f"roster row {entry.label()} has no {self.identity}; left out of the Moodle file")
                continue
            yield self._row(ident, entry.name, found.by_entry.get(i))
        for sub in sorted(found.unmatched, key=student_order):
            self.warnings.append(f"student {sub['student']!r} ({sub['submission']}) is not on roster "
                                 f"{self.roster.path}; left out of the Moodle file")
