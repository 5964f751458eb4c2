"""Render per-student reports (Markdown and HTML) from plain results through jinja2 templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from grader.report.mathml import page_budget, render_line
from grader.export.safety import format_score
from grader.grading.results import QuestionResult, Severity, SubmissionResult
from grader.course.rubric import Assignment
from grader.report.summary import summary_view

PACKAGE_TEMPLATES = Path(__file__).with_name("templates")
MAX_SHOWN_LINES = 3000  # answer lines shown per question; a hostile write-up can have millions
MAX_SHOWN_CHARS = 300_000  # characters of answer shown per question
STATUS_LABEL = {
    "correct": "correct", "partial": "partial credit", "incorrect": "incorrect", "missing": "missing",
    "needs_review": "needs review", "error": "error (a TA will review)",
}


@dataclass(frozen=True)
class AnswerLine:
    number: int
    text: str
    flagged: bool  # a false step or another error finding is on this line
    messages: tuple[str, ...]


def _environment(course_templates: Path | None, autoescape: bool) -> jinja2.Environment:
    # the course's own templates win over the packaged defaults, file by file
    paths = [str(p) for p in (course_templates, PACKAGE_TEMPLATES) if p is not None and p.is_dir()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["score"] = format_score
    env.filters["math"] = render_line
    env.filters["md"] = markdown_text
    return env


MAX_SHOWN_FINDINGS = 200  # a hostile answer can produce one finding per line; a report shows the first ones


def markdown_text(value: object) -> str:
    """Student-derived text for one line of the Markdown report: no raw HTML a viewer would render, no
    line break that would end the list item, no backtick that would end a code span."""
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def answer_lines(q: QuestionResult) -> list[AnswerLine]:
    lines = q.answer_text.split("\n") if q.answer_text else []
    numbers = list(q.answer_line_numbers) or list(range(q.line or 1, (q.line or 1) + len(lines)))
    flagged: dict[int, list[str]] = {}
    for f in q.findings:
        if f.severity is Severity.ERROR and f.line is not None and f.file is None:
            for n in range(f.line, (f.end_line or f.line) + 1):
                flagged.setdefault(n, []).append(f.message)
    shown: list[AnswerLine] = []
    room = MAX_SHOWN_CHARS
    for n, t in zip(numbers, lines[:MAX_SHOWN_LINES]):
        if room <= 0:
            break
        text = t if len(t) <= room else t[:room] + " …"
        room -= len(t)
        shown.append(AnswerLine(n, text, n in flagged, tuple(flagged.get(n, ()))))
    return shown


def view(result: SubmissionResult, assignment: Assignment) -> dict[str, Any]:
    """The plain data a report template sees."""
    questions = []
    for q in result.questions:
        rq = assignment.question(q.id)
        feedback = getattr(rq.feedback, q.status.value, "") if q.status.value != "error" else ""
        lines = answer_lines(q)
        questions.append({
            "id": q.id, "title": rq.title, "score": q.score, "max_score": q.max_score,
            "status": q.status.value, "status_label": STATUS_LABEL[q.status.value],
            "findings": [f.to_dict() for f in q.findings[:MAX_SHOWN_FINDINGS]], "feedback": feedback.strip(),
            "hidden_findings": max(0, len(q.findings) - MAX_SHOWN_FINDINGS),
            "lines": lines, "line": q.line, "end_line": q.end_line,
            "hidden_lines": q.answer_text.count("\n") + 1 - len(lines) if q.answer_text else 0,
            "override": q.details.get("override"),  # a TA's decision: score, note, the machine's score
        })
    return {
        "assignment": assignment.assignment, "title": assignment.title or assignment.assignment,
        "student": result.student, "submission": result.submission,
        "score": result.score, "max_score": result.max_score,
        # the flag has its own banner
        "findings": [f.to_dict() for f in result.findings if f.kind != "flagged"], "questions": questions,
        "flagged": result.flagged,  # None unless the answers mostly could not be found or read
    }


class Renderer:
    """Renders reports with the course's templates where it has them, else the packaged ones."""

    def __init__(self, course_templates: Path | None = None):
        self.markdown = _environment(course_templates, autoescape=False)
        self.html = _environment(course_templates, autoescape=True)

    def report_md(self, result: SubmissionResult, assignment: Assignment) -> str:
        return self.markdown.get_template("report.md.j2").render(**view(result, assignment))

    def report_html(self, result: SubmissionResult, assignment: Assignment) -> str:
        with page_budget():
            return self.html.get_template("report.html.j2").render(**view(result, assignment))

    def summary_md(self, assignment: Assignment, results: list[SubmissionResult]) -> str:
        return self.markdown.get_template("summary.md.j2").render(**summary_view(assignment, results))

    def summary_html(self, assignment: Assignment, results: list[SubmissionResult]) -> str:
        with page_budget():
            return self.html.get_template("summary.html.j2").render(**summary_view(assignment, results))
