"""Output safety on hostile results: reports inert and bounded, report folders contained, CSV cells neutralised."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_support import HOSTILE, csv_formulas, html_problems

from grader.report import mathml
from grader.report.contract import grades_csv, report_dirs
from grader.report.render import MAX_SHOWN_LINES, Renderer
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.course.rubric import Assignment, Question

ASSIGNMENT = Assignment(assignment="hostile", title="<script>alert(0)</script>",
                        questions=(Question(id="1", points=2), Question(id="2", points=1)))


def result(text: str, student: str = "alice", message: str = "a finding") -> SubmissionResult:
    lines = text.split("\n")
    q1 = QuestionResult("1", 0.0, 2.0, Status.INCORRECT, (Finding("x", message, 1, 1, Severity.ERROR),),
                        answer_text=text, line=1, end_line=len(lines), answer_line_numbers=tuple(range(1, len(lines) + 1)))
    q2 = QuestionResult("2", 0.0, 1.0, Status.ERROR, (Finding("unreadable", message, None, None, Severity.ERROR),))
    return SubmissionResult(f"{student}.md", student, (q1, q2), findings=(Finding("ingest", message, None, None,
                                                                                   Severity.WARNING),))


@pytest.mark.parametrize("name", ["script-in-text.md", "script-in-math.md", "controls-and-rtl.md", "macros.md",
                                  "huge-formulas.md", "nested-braces.md", "=SUM(1+1).md"])
def test_hostile_write_up_renders_an_inert_page(name: str) -> None:
    text = (HOSTILE / name).read_text(encoding="utf-8")
    page = Renderer().report_html(result(text, student=text[:40], message=text[:200]), ASSIGNMENT)
    assert html_problems(page) == []
    summary = Renderer().summary_html(ASSIGNMENT, [result(text, student=text[:40], message=text[:200])])
    assert html_problems(summary) == []


def test_a_million_distinct_spans_render_in_bounded_time_and_size() -> None:
    text = " ".join(f"$x_{{{i}}}$" for i in range(300_000))
    start = time.process_time()
    page = Renderer().report_html(result(text), ASSIGNMENT)
    assert time.process_time() - start < 10.0
    assert page.count("<math") <= mathml.MAX_PAGE_SPANS and len(page) < 20_000_000
    assert html_problems(page) == []


@pytest.mark.parametrize("line", ["\\[" * 100_000, "\\(x" * 100_000, "$$x" * 100_000, "$" * 200_000])
def test_unclosed_math_openers_render_in_linear_time(line: str) -> None:
    start = time.process_time()
    mathml.render_line(line)
    assert time.process_time() - start < 2.0


def test_millions_of_answer_lines_are_cut_in_the_report() -> None:
    text = "start\n" + "\n" * 1_000_000 + "end"
    start = time.process_time()
    page = Renderer().report_html(result(text), ASSIGNMENT)
    md = Renderer().report_md(result(text), ASSIGNMENT)
    assert time.process_time() - start < 10.0
    assert page.count("<li value=") <= MAX_SHOWN_LINES and "more line(s) of this answer are not shown" in page
    assert "more line(s) of this answer are not shown" in md and len(md) < 2_000_000


@pytest.mark.parametrize("student", ["../../etc/passwd", "..", ".", "", "/abs/path", "a/b\\c", ".hidden", "\x00nul",
                                     "\u202eexe.txt", "CON", "x" * 5000, "=1+1", "-", "@", "~root", "$HOME"])
def test_report_folders_from_student_ids_stay_inside_the_output_folder(tmp_path: Path, student: str) -> None:
    (name,) = report_dirs([result("x", student=student)])
    folder = (tmp_path / name).resolve()
    assert folder.parent == tmp_path.resolve() and not name.startswith(".") and 0 < len(name) <= 100


def test_clashing_hostile_ids_get_distinct_folders() -> None:
    names = report_dirs([result("x", student=s) for s in ["../a", "..a", "/a", "a"]])
    assert len(set(names)) == 4


@pytest.mark.parametrize("student", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                     "=cmd|' /C calc'!A0", "a\n=1+1"])
def test_grades_csv_neutralises_formula_prefixes(tmp_path: Path, student: str) -> None:
    p = tmp_path / "grades.csv"
    p.write_text(grades_csv(ASSIGNMENT, [result("x", student=student)]), encoding="utf-8")
    assert csv_formulas(p) == []
