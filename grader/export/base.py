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
    findings = question.get("findings") or []
    lines.extend("- " + _finding_line(f) for f in findings if isinstance(f, Mapping))
    if not findings:
        # Say only what is known: no finding is not the same as "everything was checked".
        lines.append("- no findings")
    return "\n".join(lines)


class Exporter(ABC):
    """Turns one results.json document, and optionally a roster, into one LMS's import file(s)."""

    format: ClassVar[str]
    default_name: ClassVar[str]  # under the graded folder: a file name, or a folder for per-student output
    writes_folder: ClassVar[bool] = False

    def __init__(self, results: Mapping[str, Any], roster: Roster | None = None) -> None:
        self.results = results
        self.roster = roster
        self.warnings: list[str] = []

    @property
    def submissions(self) -> list[Mapping[str, Any]]:
        return list(self.results["submissions"])

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
        return max((float(s["max_score"]) for s in self.submissions), default=0.0)

    def question_ids(self) -> list[str]:
        """Question ids in rubric order, as the first submission that has each lists it."""
        seen: dict[str, None] = {}
        for sub in self.submissions:
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
