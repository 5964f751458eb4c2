"""Tests of grader.report.render and grader.report.mathml: what a report shows, and that student text never becomes markup."""

from __future__ import annotations

import re

from grader.report.mathml import latex_to_mathml, render_line
from grader.report.render import Renderer
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.course.rubric import Assignment, Feedback, Question

ASSIGNMENT = Assignment(assignment="demo", title="Demo", questions=(
    Question(id="1", points=2, title="Induction", feedback=Feedback(partial="Check each step.")),
    Question(id="2", points=1),
))


def result(text: str) -> SubmissionResult:
    q1 = QuestionResult("1", 1.0, 2.0, Status.PARTIAL,
                        (Finding("false_step", "this step does not hold: left 0.31, right 0.87", 11, 11, Severity.ERROR),),
                        answer_text=text, line=10, end_line=12, answer_line_numbers=(10, 11, 12))
    q2 = QuestionResult("2", 0.0, 1.0, Status.MISSING, (Finding("missing", "No answer was found.", None, None,
                                                                Severity.WARNING),))
    return SubmissionResult("alice.md", "alice", (q1, q2))


def test_markdown_report_shows_scores_findings_and_the_answer() -> None:
    md = Renderer().report_md(result("We have\n$h_t = W g_{t-1}$\ndone"), ASSIGNMENT)
    assert "Score: **1 / 3**" in md
    assert "**1 / 2** — partial credit (lines 10–12)" in md
    assert "- line 11: [error] this step does not hold: left 0.31, right 0.87" in md
    assert "      11 >> $h_t = W g_{t-1}$" in md
    assert "      10 |  We have" in md
    assert "Check each step." in md
    assert "**0 / 1** — missing" in md


def test_html_report_escapes_student_text_and_marks_the_false_step() -> None:
    hostile = "<script>alert(1)</script>\n$x^2$ <img src=x onerror=alert(1)>\n$\\text{<script>x</script>}$"
    page = Renderer().report_html(result(hostile), ASSIGNMENT)
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<li value="11" id="q-1-l11" class="flagged"', page)
    assert "<math" in page  # $x^2$ is drawn as MathML
    assert 'href="#q-1-l11"' in page


def test_mathml_whitelist_refuses_anything_but_mathml() -> None:
    assert latex_to_mathml("x^2") is not None
    assert latex_to_mathml("\\text{<script>alert(1)</script>}") is None
    assert latex_to_mathml("\\left( x") is None
    assert str(render_line("a & b < c")) == "a &amp; b &lt; c"


def test_markdown_report_renders_no_student_html_and_caps_findings() -> None:
    # warnings: info-level hits are folded to a count in Markdown (see tests/report/test_breakdown.py)
    many = tuple(Finding("evidence", f"<img src=x onerror=alert({i})>\nnext", 10, 10, Severity.WARNING)
                 for i in range(250))
    q1 = QuestionResult("1", 1.0, 2.0, Status.PARTIAL, many, answer_text="x", line=10, end_line=10,
                        answer_line_numbers=(10,))
    r = SubmissionResult("a`b.md", "<b>eve</b>", (q1, QuestionResult("2", 0.0, 1.0, Status.MISSING)))
    md = Renderer().report_md(r, ASSIGNMENT)
    assert "<img" not in md and "<b>" not in md and "&lt;img src=x onerror=alert(0)&gt; next" in md
    assert "report for &lt;b&gt;eve&lt;/b&gt;" in md and "`a'b.md`" in md
    # 200 findings listed; the "To fix" line above them names three places and counts the rest
    assert md.split("Findings:")[1].count("onerror") == 200
    assert "(50 more finding(s) not shown; results.json has them all)" in md
    assert "; and 247 more (see the findings)." in md.split("Findings:")[0]


def test_display_environments_across_lines_are_drawn_as_mathml() -> None:
    text = "We get\n\\begin{align*}\nh_t &= W g_{t-1} \\\\\n&= u\n\\end{align*}"
    q1 = QuestionResult("1", 2.0, 2.0, Status.CORRECT, (), answer_text=text, line=10, end_line=14,
                        answer_line_numbers=(10, 11, 12, 13, 14))
    page = Renderer().report_html(SubmissionResult("a.md", "a", (q1, QuestionResult("2", 0.0, 1.0, Status.MISSING))),
                                  ASSIGNMENT)
    assert "\\begin{align" not in page and "<mtable" in page  # one block, aligned rows, no raw LaTeX
    assert re.search(r'<li value="12" id="q-1-l12" class="within">', page)  # its lines keep their anchors
    md = Renderer().report_md(result("a & b"), ASSIGNMENT)
    assert "&amp;" not in md


def pdf_result() -> SubmissionResult:
    """A PDF answer over two pages whose line numbers repeat (they count on each page); a false step on page 2."""
    q1 = QuestionResult("1", 1.0, 2.0, Status.PARTIAL,
                        (Finding("false_step", "this step does not hold", 3, 3, Severity.ERROR, page=2),
                         Finding("keywords", "found", 2, 2, Severity.INFO, page=1)),
                        answer_text="We have\n$a = b$\nso\n$c = d$", line=2, end_line=3,
                        answer_line_numbers=(2, 3, 2, 3), answer_line_pages=(1, 1, 2, 2))
    return SubmissionResult("alice.pdf", "alice", (q1,))


def test_a_pdf_report_shows_the_rebuilt_text_by_page_beside_its_findings() -> None:
    md = Renderer().report_md(pdf_result(), ASSIGNMENT)
    assert "(page 1, line 2 – page 2, line 3)" in md
    assert "- page 2, line 3: [error] this step does not hold" in md
    assert "What the grader read from your PDF" in md and "Your answer:" not in md
    answer = md.split("What the grader read from your PDF", 1)[1]
    assert answer.index("    page 1\n") < answer.index("       3 |  $a = b$") < answer.index("    page 2\n") \
        < answer.index("       3 >> $c = d$")  # only page 2's line 3 holds the false step
    assert "(1 note on what was found, for: found (page 1, line 2).)" in md
    assert "To fix: the step at page 2, line 3." in md


def test_a_pdf_report_page_anchors_are_unique_per_page() -> None:
    page = Renderer().report_html(pdf_result(), ASSIGNMENT)
    assert re.search(r'<li value="3" id="q-1-p2-l3" class="flagged"', page)
    assert re.search(r'<li value="3" id="q-1-p1-l3">', page)
    assert 'href="#q-1-p2-l3"' in page and 'href="#q-1-p1-l2"' in page
    assert '<li class="page" value="2">page 2</li>' in page


def test_a_text_report_names_no_page() -> None:
    md = Renderer().report_md(result("We have\n$h_t = W g_{t-1}$\ndone"), ASSIGNMENT)
    assert "page" not in md and "Your answer:" in md
