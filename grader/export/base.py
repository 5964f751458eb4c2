"""The exporter base classes, reading a graded folder's results.json, and plain-text feedback."""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from grader.export.roster import Match, Roster, match_roster
from grader.export.safety import Cell, format_score, write_csv

RESULTS_NAME = "results.json"


class ExportError(Exception):
    """Input an export cannot use: a missing or malformed results.json, roster or option."""


def _expect(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise ExportError(f"{where}: expected {what}")


def _is_number(value: object) -> bool:
    # json.loads accepts NaN and Infinity; no LMS does.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate_results(data: object, path: Path) -> dict[str, Any]:
    """Check `data` against DESIGN.md's results.json contract; extra fields are allowed and ignored."""
    _expect(isinstance(data, dict), str(path), "a JSON object")
    assert isinstance(data, dict)
    _expect(isinstance(data.get("assignment"), str), f"{path}: assignment", "a string")
    subs = data.get("submissions")
    _expect(isinstance(subs, list), f"{path}: submissions", "a list")
    assert isinstance(subs, list)
    for i, sub in enumerate(subs):
        where = f"{path}: submissions[{i}]"
        _expect(isinstance(sub, dict), where, "an object")
        for key in ("submission", "student"):
            _expect(isinstance(sub.get(key), str), f"{where}.{key}", "a string")
        for key in ("score", "max_score"):
            _expect(_is_number(sub.get(key)), f"{where}.{key}", "a finite number")
        _expect(isinstance(sub.get("questions"), list), f"{where}.questions", "a list")
        for j, q in enumerate(sub["questions"]):
            qwhere = f"{where}.questions[{j}]"
            _expect(isinstance(q, dict), qwhere, "an object")
            for key in ("id", "status"):
                _expect(isinstance(q.get(key), str), f"{qwhere}.{key}", "a string")
            for key in ("score", "max_score"):
                _expect(_is_number(q.get(key)), f"{qwhere}.{key}", "a finite number")
            _expect(isinstance(q.get("findings", []), list), f"{qwhere}.findings", "a list")
    return data


def load_results(folder: Path) -> dict[str, Any]:
    """The validated results.json of a graded folder; ExportError naming the file otherwise."""
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such graded folder")
    path = folder / RESULTS_NAME
    if not path.is_file():
        raise ExportError(f"{path}: not found; grade into {folder} first (grader grade ... --out {folder})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{path}: not readable JSON ({exc})") from exc
    return validate_results(data, path)


def student_order(sub: Mapping[str, Any]) -> tuple[str, str, str]:
    """Sort key without a roster: student id ignoring case, then exactly, then the path."""
    return (str(sub["student"]).casefold(), str(sub["student"]), str(sub["submission"]))


def _finding_line(finding: Mapping[str, Any]) -> str:
    where = ""
    if isinstance(finding.get("line"), int):
        where = f"line {finding['line']}"
        if isinstance(finding.get("end_line"), int) and finding["end_line"] != finding["line"]:
            where += f"-{finding['end_line']}"
        if finding.get("file"):
            where += f" of {finding['file']}"
        where += ": "
    elif finding.get("file"):
        where = f"{finding['file']}: "
    return f"[{finding.get('severity', 'info')}] {where}{finding.get('message', '')}"


def in_error(sub: Mapping[str, Any]) -> bool:
    """A submission the grader could not grade whole: a refused path, an unreadable file, a crashed check."""
    return any(q.get("status") == "error" for q in sub["questions"]) or not sub["questions"]


def provisional(sub: Mapping[str, Any]) -> list[str]:
    """Ids of the questions whose score only proposes one: a TA has yet to decide them (needs_review)."""
    return [str(q["id"]) for q in sub["questions"] if q.get("status") == "needs_review"]


def is_flagged(sub: Mapping[str, Any]) -> bool:
    return isinstance(sub.get("flagged"), str)


def override_note(question: Mapping[str, Any]) -> str:
    """The note a TA wrote with an override of this question (results.json `details.override.note`), or ""."""
    details = question.get("details")
    override = details.get("override") if isinstance(details, Mapping) else None
    note = override.get("note") if isinstance(override, Mapping) else None
    return " ".join(note.split()) if isinstance(note, str) else ""


def question_heading(question: Mapping[str, Any]) -> str:
    """`Q2: partial, 3 / 5 points`: one line saying how a question went."""
    status = str(question["status"])
    label = "needs TA review (provisional score)" if status == "needs_review" else status
    points = f"{format_score(question['score'])} / {format_score(question['max_score'])}"
    return f"Q{question['id']}: {label}, {points} points"


def question_feedback(question: Mapping[str, Any]) -> str:
    """A question's heading and findings as plain text. Only `findings[].message` is shown:
    `details` may hold reference evidence and never leaves the grader."""
    lines = [question_heading(question)]
    note = override_note(question)
    if note:  # the only part of `details` that is meant for the student
        lines.append(f"- TA: {note}")
    findings = question.get("findings") or []
    lines.extend("- " + _finding_line(f) for f in findings if isinstance(f, Mapping))
    if not findings:
        # Say only what is known: no finding is not the same as "everything was checked".
        lines.append("- no findings")
    return "\n".join(lines)


def _who(sub: Mapping[str, Any]) -> str:
    return f"{sub['student']!r} ({sub['submission']})"


def error_notices(results: Mapping[str, Any], include_errors: bool) -> list[str]:
    """One line per submission in error, saying what the export does with it."""
    what = ("written with an empty grade" if include_errors
            else "left out of the LMS file (--include-errors writes it with an empty grade)")
    out = []
    for sub in sorted(results["submissions"], key=student_order):
        if in_error(sub):
            why = next((str(f.get("message", "")) for q in sub["questions"] for f in q.get("findings") or []
                        if isinstance(f, Mapping) and f.get("severity") == "error"), "")
            out.append(f"submission {_who(sub)} is in error{': ' + why if why else ''}; {what}")
    return out


def pending_reviews(results: Mapping[str, Any]) -> list[str]:
    """One line per submission a TA has yet to decide: flagged, or with provisional (needs_review) scores."""
    out = []
    for sub in sorted(results["submissions"], key=student_order):
        if in_error(sub):
            continue  # said by error_notices
        ids = provisional(sub)
        if is_flagged(sub) and ids:
            out.append(f"submission {_who(sub)} is flagged for review ({sub['flagged']}); "
                       f"questions {', '.join(ids)} have provisional scores")
        elif ids:
            out.append(f"submission {_who(sub)}: question{'s' if len(ids) > 1 else ''} {', '.join(ids)} "
                       f"ha{'ve' if len(ids) > 1 else 's'} a provisional score awaiting a TA's review")
    return out


class Exporter(ABC):
    """Turns one results.json document, and optionally a roster, into one LMS's import file(s)."""

    format: ClassVar[str]
    default_name: ClassVar[str]  # under the graded folder: a file name, or a folder for per-student output
    writes_folder: ClassVar[bool] = False

    def __init__(self, results: Mapping[str, Any], roster: Roster | None = None, *,
                 include_errors: bool = False) -> None:
        self.results = results
        self.roster = roster
        self.include_errors = include_errors
        self.warnings: list[str] = []

    @property
    def submissions(self) -> list[Mapping[str, Any]]:
        """The submissions this export writes: those in error only with `include_errors` (and then ungraded)."""
        return [s for s in self.results["submissions"] if self.include_errors or not in_error(s)]

    def grade(self, sub: Mapping[str, Any]) -> float | None:
        """The grade to upload: None (an empty cell) for a submission in error, never a 0 it did not earn."""
        return None if in_error(sub) else float(sub["score"])

    @property
    def assignment_id(self) -> str:
        return str(self.results["assignment"])

    @property
    def title(self) -> str:
        """The assignment's display title: results.json `assignment_title`, else its id."""
        title = self.results.get("assignment_title")
        return title.strip() if isinstance(title, str) and title.strip() else self.assignment_id

    @property
    def max_score(self) -> float:
        """The assignment's maximum, the largest any submission reports (they agree per the contract)."""
        return max((float(s["max_score"]) for s in self.results["submissions"]), default=0.0)

    def question_ids(self) -> list[str]:
        """Question ids in rubric order, as the first submission that has each lists it."""
        seen: dict[str, None] = {}
        for sub in self.results["submissions"]:  # the same columns whether or not errors are written
            for q in sub["questions"]:
                seen.setdefault(str(q["id"]), None)
        return list(seen)

    def sorted_submissions(self) -> list[Mapping[str, Any]]:
        """Without a roster rows go by student id, then by path, so output is stable across runs."""
        return sorted(self.submissions, key=student_order)

    def match(self) -> Match:
        """The roster rows matched to submissions; every problem becomes a warning."""
        assert self.roster is not None
        found = match_roster(self.roster, self.submissions)
        self.warnings.extend(found.warnings)
        return found

    @abstractmethod
    def write(self, out: Path) -> int:
        """Write the export at `out`; returns the number of rows (CSV) or student folders written."""


class CsvExporter(Exporter):
    """An exporter whose output is one CSV file: a header, then rows of text and number cells."""

    @abstractmethod
    def header(self) -> Sequence[Cell]:
        """The first row."""

    @abstractmethod
    def rows(self) -> Iterable[Sequence[Cell]]:
        """Every row after the header, in a deterministic order."""

    def write(self, out: Path) -> int:
        return write_csv(out, self.header(), self.rows())
