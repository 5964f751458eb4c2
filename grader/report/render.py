"""Render per-student reports (Markdown and HTML) from plain results through jinja2 templates."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from grader.report.breakdown import breakdown, feedback_text, hit_label, message, unique
from grader.report.feedback import what_to_fix
from grader.report.mathml import open_env, page_budget, render_text
from grader.export.safety import format_score
from grader.grading.results import Finding, QuestionResult, Severity, SubmissionResult
from grader.course.rubric import Assignment
from grader.report.summary import summary_view

PACKAGE_TEMPLATES = Path(__file__).with_name("templates")
MAX_SHOWN_LINES = 3000  # answer lines shown per question; a hostile write-up can have millions
MAX_SHOWN_CHARS = 300_000  # characters of answer shown per question
STATUS_LABEL = {
    "correct": "correct", "partial": "partial credit", "incorrect": "incorrect", "missing": "missing",
    "needs_review": "needs review", "error": "error (a TA will review)",
}


MAX_BLOCK_LINES = 60  # a display environment longer than this is shown line by line, as source


@dataclass(frozen=True)
class AnswerLine:
    number: int
    text: str
    flagged: bool  # a false step or another error finding is on this line (or, for a block, on any of its lines)
    messages: tuple[str, ...]
    block: str = ""  # where a display environment starts here and ends lines below: all of its lines
    within: bool = False  # a line inside the block above: drawn by it, kept for its number and anchor
    page: int = 0  # a PDF write-up's page of the line (its number counts lines on that page); 0 otherwise
    page_start: bool = False  # the answer's first line on this page: the report names the page there
    anchor: str = ""  # the line's id in the HTML report: "l12", or "p2-l12" in a PDF write-up


def _environment(course_templates: Path | None, autoescape: bool) -> jinja2.Environment:
    # the course's own templates win over the packaged defaults, file by file
    paths = [str(p) for p in (course_templates, PACKAGE_TEMPLATES) if p is not None and p.is_dir()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["score"] = format_score
    env.filters["math"] = render_text
    env.filters["md"] = markdown_text
    env.filters["cell"] = markdown_cell
    env.filters["one"] = one_decimal
    return env


ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
MAX_SHOWN_FINDINGS = 200  # a hostile answer can produce one finding per line; a report shows the first ones


def markdown_text(value: object) -> str:
    """Student-derived text for one line of the Markdown report: no raw HTML a viewer would render, no
    line break that would end the list item, no backtick that would end a code span."""
    text = " ".join(str(value).split())
    # `&` only where a viewer would read an entity (`&lt;`): LaTeX's alignment `&` stays as written
    text = ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def one_decimal(value: float) -> str:
    """A class figure (mean, median) to one decimal: `60.3`, and `60` rather than `60.0`."""
    return format_score(round(float(value), 1))


def markdown_cell(value: object) -> str:
    """Like `markdown_text`, for one cell of a Markdown table (a `|` would end the cell)."""
    return markdown_text(value).replace("|", "\\|")


def anchor(number: int, page: int | None = None) -> str:
    """The HTML id suffix of an answer line: its number, with its page in a PDF write-up (numbers repeat per page)."""
    return f"p{page}-l{number}" if page else f"l{number}"


def answer_lines(q: QuestionResult) -> list[AnswerLine]:
    lines = q.answer_text.split("\n") if q.answer_text else []
    numbers = list(q.answer_line_numbers) or list(range(q.line or 1, (q.line or 1) + len(lines)))
    pages = list(q.answer_line_pages) if len(q.answer_line_pages) == len(numbers) else [0] * len(numbers)
    # keyed by (page, line): in a PDF write-up line numbers count on each page; None where the page is not known
    flagged: dict[tuple[int | None, int], list[str]] = {}
    for f in q.findings:
        if f.severity is Severity.ERROR and f.line is not None and f.file is None:
            for n in range(f.line, (f.end_line or f.line) + 1):
                flagged.setdefault((f.page, n), []).append(f.message)
    shown: list[AnswerLine] = []
    room = MAX_SHOWN_CHARS
    previous = 0
    for n, page, t in zip(numbers, pages, lines[:MAX_SHOWN_LINES]):
        if room <= 0:
            break
        text = t if len(t) <= room else t[:room] + " …"
        room -= len(t)
        messages = tuple(flagged.get((page or None, n), ())) + (tuple(flagged.get((None, n), ())) if page else ())
        shown.append(AnswerLine(n, text, bool(messages), messages, page=page,
                                page_start=bool(page) and page != previous, anchor=anchor(n, page)))
        previous = page or previous
    return _blocks(shown)


def _blocks(lines: list[AnswerLine]) -> list[AnswerLine]:
    """Join the lines of each display environment that spans several (`\\begin{align}` … `\\end{align}`)."""
    out = list(lines)
    i = 0
    while i < len(out):
        closer = open_env(out[i].text)
        end = next((k for k in range(i + 1, min(len(out), i + MAX_BLOCK_LINES)) if closer and closer in out[k].text),
                   None)
        if closer is None or end is None:
            i += 1
            continue
        part = out[i:end + 1]
        messages = tuple(m for line in part for m in line.messages)
        out[i] = dataclasses.replace(out[i], block="\n".join(line.text for line in part),
                                     flagged=any(line.flagged for line in part), messages=messages)
        for k in range(i + 1, end + 1):
            out[k] = dataclasses.replace(out[k], within=True)
        i = end + 1
    return out


def _line_texts(q: QuestionResult) -> dict[tuple[int, int], str]:
    """Each answer line's text by (page, number); page 0 outside a PDF write-up."""
    lines = q.answer_text.split("\n") if q.answer_text else []
    numbers = list(q.answer_line_numbers) or list(range(q.line or 1, (q.line or 1) + len(lines)))
    pages = list(q.answer_line_pages) if len(q.answer_line_pages) == len(numbers) else [0] * len(numbers)
    out: dict[tuple[int, int], str] = {}
    for page, n, text in zip(pages, numbers, lines):
        out.setdefault((page, n), text)
    return out


def _where(lines: list[tuple[int, int]]) -> str:
    """`line 3`, `lines 3, 5`, or in a PDF write-up `page 2, lines 3, 5; page 3, line 1`."""
    parts = []
    for page in dict.fromkeys(p for p, _ in lines):
        numbers = [str(n) for p, n in lines if p == page]
        said = ("line " if len(numbers) == 1 else "lines ") + ", ".join(numbers)
        parts.append(f"page {page}, {said}" if page else said)
    return "; ".join(parts)


def _evidence(q: QuestionResult, infos: list[Finding]) -> list[dict[str, Any]]:
    """Info-level hits grouped by the rubric item they are evidence for, each with the student's lines."""
    texts = _line_texts(q)
    groups: dict[str, list[tuple[int, int]]] = {}
    for f in infos:
        lines = groups.setdefault(hit_label(f), [])
        at = (f.page or 0, f.line) if f.line is not None else None
        if at is not None and at not in lines:
            lines.append(at)
    return [{"label": label, "where": _where(sorted(lines)),
             "lines": [{"number": n, "page": p, "anchor": anchor(n, p), "where": f"page {p}, line {n}" if p
                        else f"line {n}", "text": texts.get((p, n), "")} for p, n in sorted(lines)]}
            for label, lines in groups.items()]


def _span(q: QuestionResult) -> str:
    """Where the answer stands: `lines 3–40`, or in a PDF write-up `page 1, line 3 – page 2, line 10`."""
    pages = [p for p in q.answer_line_pages if p]
    if not pages or q.line is None:
        return f"lines {q.line}–{q.end_line}"
    if pages[0] == pages[-1]:
        return f"page {pages[0]}, lines {q.line}–{q.end_line}"
    return f"page {pages[0]}, line {q.line} – page {pages[-1]}, line {q.end_line}"


def view(result: SubmissionResult, assignment: Assignment) -> dict[str, Any]:
    """The plain data a report template sees."""
    questions = []
    for q in result.questions:
        rq = assignment.question(q.id)
        lines = answer_lines(q)
        once = unique(q.findings)
        # the flag's own words are the feedback text; info-level hits are folded away under the table
        shown = [f for f in once if f.severity is not Severity.INFO and f.kind != "flagged"]
        infos = [f for f in once if f.severity is Severity.INFO]
        rows = breakdown(q, rq)
        questions.append({
            "id": q.id, "title": rq.title, "score": q.score, "max_score": q.max_score,
            "status": q.status.value, "status_label": STATUS_LABEL[q.status.value],
            "findings": [{**f.to_dict(), "message": message(f), "anchor": anchor(f.line or 0, f.page)}
                         for f in shown[:MAX_SHOWN_FINDINGS]],
            "feedback": feedback_text(q, rq), "fix": what_to_fix(q), "rubric_items": rows,
            "provisional": q.status.value == "needs_review",
            "evidence": _evidence(q, infos[:MAX_SHOWN_FINDINGS]), "evidence_count": len(infos),
            "hidden_findings": max(0, len(shown) - MAX_SHOWN_FINDINGS),
            "lines": lines, "line": q.line, "end_line": q.end_line, "span": _span(q),
            # a PDF write-up: the lines shown are the text the grader rebuilt from the PDF, math as LaTeX
            "from_pdf": any(q.answer_line_pages),
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
        "ungraded": result.has_error,  # a TA grades it: no score is shown, as grades.csv and the exports leave it empty
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
