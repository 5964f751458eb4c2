"""The plain gradebook CSV: the columns of grades.csv, with roster students added when a roster is given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from grader.export.base import CsvExporter, student_order
from grader.export.safety import Cell


class GradebookExporter(CsvExporter):
    """student, submission, score, max_score, then one column per question id (rubric order).

    With a roster, roster rows come first in roster order (a student without a submission gets
    empty cells); submissions on no roster row follow, by student id, each reported as a warning:
    nothing imports this file, so no grade is dropped from it.
    """

    format = "csv"
    default_name = "gradebook.csv"

    def header(self) -> Sequence[Cell]:
        return ["student", "submission", "score", "max_score", *self.question_ids()]

    def _row(self, student: str, sub: Mapping[str, Any] | None) -> list[Cell]:
        ids = self.question_ids()
        if sub is None:
            return [student, None, None, None, *(None for _ in ids)]
        graded = self.grade(sub) is not None  # a submission in error has no grade, not a 0
        scores = {str(q["id"]): float(q["score"]) for q in sub["questions"] if graded}
        return [student, sub["submission"], self.grade(sub), float(sub["max_score"]),
                *(scores.get(qid) for qid in ids)]

    def rows(self) -> Iterable[Sequence[Cell]]:
        if self.roster is None:
            for sub in self.sorted_submissions():
                yield self._row(sub["student"], sub)
            return
        found = self.match()
        for i, entry in enumerate(self.roster.entries):
            matched = found.by_entry.get(i)
            # a student with no submission is listed under the id a submission of theirs would have had
            ident = matched["student"] if matched else entry.grader_id()
            yield self._row(ident, matched)
        for sub in sorted(found.unmatched, key=student_order):
            self.warnings.append(f"student {sub['student']!r} ({sub['submission']}) is not on roster "
                                 f"{self.roster.path}; listed after the roster rows")
            yield self._row(sub["student"], sub)
