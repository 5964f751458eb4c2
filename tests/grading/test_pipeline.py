"""grade_submission and the garbage collector: what was alive before a write-up is left out of its collections."""

from __future__ import annotations

import gc
from pathlib import Path

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission

REPO = Path(__file__).resolve().parents[2]


def grade(tmp_path: Path) -> None:
    course = Course(REPO)
    path = tmp_path / "s01.md"
    path.write_text("## Question 2.1\n\nThere are $N^T$ sequences.\n", encoding="utf-8")
    result = grade_submission(str(path), course.rubric("decoding-2021"), course)
    assert len(result.questions) == len(course.rubric("decoding-2021").assignment.questions)


def test_objects_frozen_for_a_write_up_rejoin_the_collector(tmp_path: Path) -> None:
    assert gc.get_freeze_count() == 0
    grade(tmp_path)
    assert gc.get_freeze_count() == 0  # unfrozen at the end: a long-lived process keeps collecting them


def test_a_freeze_made_by_the_caller_is_left_alone(tmp_path: Path) -> None:
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        grade(tmp_path)
        assert gc.get_freeze_count() > 0  # still frozen (less what was freed): grading did not undo it
    finally:
        gc.unfreeze()


PDF_RUBRIC = """\
assignment: demo
questions:
  - id: "1"
    points: 1
    checks:
      - kind: keywords
        any: [differentiability]
  - id: "5"
    points: 1
    checks:
      - kind: keywords
        any: [zyxnotwritten]
"""


def test_findings_of_a_pdf_write_up_carry_their_page(tmp_path: Path) -> None:
    from grader.read.ingest import read_submission
    from grader.report.feedback import render_feedback
    from grader.report.render import Renderer

    pdf = Path(__file__).parents[1] / "read" / "pdf" / "fixtures" / "cm_section_star_written.pdf"
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(PDF_RUBRIC)
    course = Course(tmp_path)
    rubric = course.rubric("demo")
    result = grade_submission(str(pdf), rubric, course)
    doc = read_submission(pdf)
    hit = result.questions[0].findings[0]
    index = next(i for i, line in enumerate(doc.lines) if "differentiability" in line.lower())
    assert (hit.page, hit.line) == (doc.pages[index], doc.line_numbers[index]) == (1, hit.line)
    assert result.questions[0].to_dict()["findings"][0]["page"] == 1
    miss = result.questions[1].findings[0]  # the failed check names the answer's first line, on page 2
    assert miss.severity.value == "warning" and miss.page == 2
    shown = f"page 2, line {miss.line}"
    assert shown in Renderer().report_md(result, rubric.assignment)
    assert shown in Renderer().report_html(result, rubric.assignment)
    assert shown in render_feedback(result, rubric.assignment)


def test_findings_of_a_text_write_up_have_no_page(tmp_path: Path) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(PDF_RUBRIC)
    (tmp_path / "a.md").write_text("# Question 1\n\nBy differentiability it holds.\n")
    course = Course(tmp_path)
    result = grade_submission(str(tmp_path / "a.md"), course.rubric("demo"), course)
    assert result.questions[0].findings[0].page is None
    assert "page" not in result.questions[0].to_dict()["findings"][0]


def test_each_line_of_a_pdf_answer_carries_its_page_through_the_store(tmp_path: Path) -> None:
    from grader.store.database import roundtrip

    pdf = Path(__file__).parents[1] / "read" / "pdf" / "fixtures" / "cm_section_star_written.pdf"
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(PDF_RUBRIC)
    course = Course(tmp_path)
    result = grade_submission(str(pdf), course.rubric("demo"), course)
    first, fifth = result.questions
    assert set(first.answer_line_pages) == {1} and set(fifth.answer_line_pages) == {2}
    assert len(fifth.answer_line_pages) == len(fifth.answer_line_numbers) == fifth.answer_text.count("\n") + 1
    stored = roundtrip(result)  # what `grader grade` writes comes back from the store: the pages must survive it
    assert stored.questions[1].answer_line_pages == fifth.answer_line_pages
    assert stored.questions[1].findings[0].page == 2
    assert stored.to_dict() == result.to_dict()
