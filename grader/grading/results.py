"""Plain, immutable result records: findings, question results and submission results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Outcome of one question; the closed set of DESIGN.md's `results.json` contract."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    NEEDS_REVIEW = "needs_review"
    ERROR = "error"


class Severity(str, Enum):
    """How much a finding matters; a false step is always `error`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One thing the grader noticed about an answer, anchored at 1-based lines of the original file."""

    kind: str
    message: str
    line: int | None = None
    end_line: int | None = None
    severity: Severity = Severity.INFO
    file: str | None = None  # set only when the finding is about another file of the submission
    page: int | None = None  # a PDF write-up's page of `line` (which then counts lines on that page)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "end_line": self.end_line,
            "severity": self.severity.value,
        }
        if self.file is not None:
            out["file"] = self.file
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass(frozen=True)
class QuestionResult:
    """Score, status and findings of one rubric question for one submission."""

    id: str
    score: float
    max_score: float
    status: Status
    findings: tuple[Finding, ...] = ()
    answer_text: str = ""
    line: int | None = None  # first line of the answer in the original file
    end_line: int | None = None
    details: dict[str, Any] = field(default_factory=dict)  # run details: timings, trials, evidence
    answer_line_numbers: tuple[int, ...] = ()  # original line of each line of answer_text (reports)
    answer_line_pages: tuple[int, ...] = ()  # a PDF write-up's page of each line of answer_text (0: not known)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "status": self.status.value,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.line is not None:
            out["line"] = self.line
            out["end_line"] = self.end_line
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True)
class SubmissionResult:
    """Every question's result for one submission, in rubric order."""

    submission: str  # the path exactly as given on the command line
    student: str
    questions: tuple[QuestionResult, ...]
    findings: tuple[Finding, ...] = ()  # about the submission as a whole (unreadable file, id clash)
    details: dict[str, Any] = field(default_factory=dict)
    # why the answers mostly could not be found or read: a TA must look at the whole write-up (DESIGN.md)
    flagged: str | None = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def has_error(self) -> bool:
        return any(q.status is Status.ERROR for q in self.questions)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "submission": self.submission,
            "student": self.student,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            **({"flagged": self.flagged} if self.flagged is not None else {}),
            "questions": [q.to_dict() for q in self.questions],
        }
        if self.findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        if self.details:
            out["details"] = self.details
        return out
