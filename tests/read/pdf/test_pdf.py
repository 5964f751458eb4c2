from pathlib import Path

import pytest

from grader.read.document import Document
from grader.read.ingest import IngestError, read_submission
from grader.read.pdf import read_pages
from grader.read.pdf.layer import Glyph, Page
from grader.read.pdf.rebuild import Line

FIXTURES = Path(__file__).parent / "fixtures"
STYLES = Path(__file__).parents[2] / "fixtures" / "styles" / "tex"


def test_pdf_submission_has_pages_and_lines_on_the_page():
    doc = read_submission(FIXTURES / "cm_section_star_written.pdf")
    index = next(i for i, line in enumerate(doc.lines) if "Question 5" in line)
    assert doc.pages[index] == 2
    assert doc.location(index).startswith("page 2, line ")


def test_scanned_pdf_is_refused_naming_the_page():
    with pytest.raises(IngestError, match=r"page 2 of 2 is a scanned image .* hand in the PDF made by LaTeX"):
        read_submission(FIXTURES / "scanned.pdf")


def test_empty_pdf_is_refused(tmp_path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(612, 792)
    doc.save(str(tmp_path / "empty.pdf"))
    with pytest.raises(IngestError, match="no text"):
        read_submission(tmp_path / "empty.pdf")


def test_source_beside_its_pdf_is_read_and_said(tmp_path):
    (tmp_path / "hw.tex").write_bytes((STYLES / "section_star_written.tex").read_bytes())
    (tmp_path / "hw.pdf").write_bytes((FIXTURES / "cm_section_star_written.pdf").read_bytes())
    doc = read_submission(tmp_path)
    assert doc.path.endswith("hw.tex")
    assert any("graded the source hw.tex; the PDF hw.pdf beside it was not read" in n for n in doc.notes)


def test_folder_with_only_a_pdf_reads_it(tmp_path):
    (tmp_path / "hw.pdf").write_bytes((FIXTURES / "cm_section_star_written.pdf").read_bytes())
    doc = read_submission(tmp_path)
    assert doc.pages and any("Question 2" in line for line in doc.lines)


def test_nested_list_labels_typeset_on_one_line_open_lines_of_their_own():
    # enumitem sets a nested list's first "(a)" on its parent's "(i)" line; the exam class sets "(i)" after "2.2"
    lines = read_submission(FIXTURES / "cm_enumerate_enumitem.pdf").lines
    at = lines.index("(i)")
    assert lines[at + 1].startswith("(a) Using independence twice")
    assert lines[lines.index("(ii)") + 1].startswith("(a) The")
    exam = read_submission(FIXTURES / "cm_exam_class.pdf").lines
    assert exam[exam.index("2.2") + 1].startswith("(i) Solution:")


@pytest.mark.parametrize("text, pieces", [
    ("(i) (a) Using x", ["(i)", "(a) Using x"]),
    ("2.2 (iv) Solution: y", ["2.2", "(iv) Solution: y"]),
    ("1. (b) text", ["1.", "(b) text"]),
    ("(a) (see above) it holds", ["(a) (see above) it holds"]),  # a bracketed aside is no label
    ("We have (a) (b) here", ["We have (a) (b) here"]),
    ("(i) (a)", ["(i) (a)"]),  # nothing after the labels: left for segmentation as written
])


def test_split_labels(text, pieces):
    from grader.read.pdf import _split_labels

    assert _split_labels(text) == pieces


def test_hyphen_ending_a_line_is_read_and_the_word_made_whole():
    # pdfium marks a line-ending hyphen as 0x02 in newer builds; it must read as "-", never as a control character
    lines = read_submission(FIXTURES / "cm_exam_class.pdf").lines
    assert not any("\x02" in line for line in lines)
    assert any(line.endswith("time, $O ( T N )$ memory") for line in lines)
    assert any(line.endswith("With the eigenvalue assumption") for line in lines)


def test_an_inline_formula_broken_over_two_lines_is_one_span_again():
    from grader.read.pdf import _join_wrapped_math

    lines = ["so we double it: $\\sigma^{2} =$", "$2 / d$ with $\\mu = 0$.", "the sum is $a +$", "$b$",
             "then $x$", "$y$ stays apart", "$$z =$$", "$w$"]
    numbers, pages = list(range(1, 9)), [1] * 8
    _join_wrapped_math(lines, numbers, pages)
    assert lines == ["so we double it: $\\sigma^{2} = 2 / d$", "with $\\mu = 0$.", "the sum is $a + b$",
                     "then $x$", "$y$ stays apart", "$$z =$$", "$w$"]
    assert numbers == [1, 2, 3, 5, 6, 7, 8] and len(pages) == 7  # the emptied line went with its number
    starts = ["$\\frac{a}{b}$", "$= c$ as said"]
    _join_wrapped_math(starts, [1, 2], [1, 1])
    assert starts == ["$\\frac{a}{b} = c$", "as said"]


def test_a_wrapped_formula_of_a_fixture_is_read_whole():
    lines = read_submission(FIXTURES / "cm_enumerate_enumitem.pdf").lines
    assert any(line.endswith("$\\sigma^{2} = 2 / d$") for line in lines)
    assert any("( \\mathbb{E} Y )^{2} + \\operatorname{Var} Y ( \\mathbb{E} X )^{2}$" in line for line in lines)


def test_inline_math_wrapped_at_a_line_break_is_made_one_formula():
    from grader.read.pdf import _join_wrapped_math

    lines = ["so $E [ h^{2} ] =$", "$\\frac{1}{2}$.", "then $a +$", "$b$ holds", "ends $x$", "$y$ too"]
    numbers, on_page = [1] * 6, [1, 2, 3, 4, 5, 6]
    _join_wrapped_math(lines, numbers, on_page)
    assert lines == ["so $E [ h^{2} ] = \\frac{1}{2}$.", "then $a + b$", "holds", "ends $x$", "$y$ too"]
    assert on_page == [1, 3, 4, 5, 6] and len(numbers) == 5


def test_a_wrapped_formula_reads_whole_from_the_pdf():
    doc = read_submission(FIXTURES / "cm_enumerate_enumitem.pdf")
    assert any(line.endswith("so $\\mathbb{E} [ h^{2} ] = \\frac{1}{2}$.") for line in doc.lines)


# cm_newuser_bob.pdf and cm_newuser_hank.pdf: typeset with pdfLaTeX by a new-instructor trial of the grader (a
# session writing its own course, dl_basics_course) from its own write-ups newuser_bob.tex and newuser_hank.tex,
# copied beside them unchanged


def test_sectioning_headings_are_read_from_their_font_as_markdown_headings():
    doc = read_submission(FIXTURES / "cm_newuser_bob.pdf")
    heads = [line for line in doc.lines if line.startswith("#")]
    # the numbers were set by LaTeX's counter (a quad before each title): the lines hold the titles, as the source's
    # \section{...} lines do, and the numbers stay in the structure as a counter's
    assert heads == ["## Softmax cross-entropy", "## Adam", "## Attention cost", "## Convolution",
                     "## Ridge regression", "## KL divergence"]
    assert [(h.label, h.kind, h.title, h.inferred) for h in doc.structure][:2] == [
        (("1",), "section", "Softmax cross-entropy", True), (("2",), "section", "Adam", True)]
    assert all(doc.lines[h.index].startswith("## ") for h in doc.structure)


def test_heading_levels_follow_the_size_rank():
    doc = read_submission(FIXTURES / "cm_article_auto_sections.pdf")
    assert "## Recurrent networks and the activation order" in doc.lines
    assert "### Vanishing gradients" in doc.lines
    assert [h.kind for h in doc.structure[:3]] == ["section", "subsection", "subsection"]
    for name in ("cm_article_auto_sections.pdf", "otf_article_auto_sections.pdf"):  # pdfLaTeX and XeLaTeX quads
        assert [(h.label, h.inferred) for h in read_submission(FIXTURES / name).structure][-2:] == [
            (("4",), True), (("4", "1"), True)]
    assert not any("Homework 2" in line and line.startswith("#") for line in doc.lines)  # a large title, not bold


def test_bold_text_at_the_body_size_stays_text():
    exam = read_submission(FIXTURES / "cm_exam_class.pdf")  # a bold centred title line and bold labels
    assert not any(line.startswith("#") for line in exam.lines)
    assert exam.structure == ()


def test_a_word_before_inline_math_keeps_its_space():
    lines = read_submission(FIXTURES / "cm_newuser_bob.pdf").lines
    assert any(line.startswith("Since $\\log p_{k} = z_{k}") for line in lines)


def test_sentence_punctuation_after_a_formula_ends_it_and_an_upright_name_joins_it():
    lines = read_submission(FIXTURES / "cm_newuser_hank.pdf").lines
    assert ("1. For the logits $\\boldsymbol{z} \\in R^{K}$: $\\frac{\\partial L}{\\partial \\boldsymbol{z}} = "
            "\\operatorname{softmax} ( \\boldsymbol{z} ) - \\boldsymbol{y}$.") in lines
    assert any(line.startswith("2. $\\hat{m}_{2} = \\frac{0.58}{0.19} = 3.053$, $\\hat{v}_{2}") for line in lines)
    assert any(line.startswith("6. $\\mathrm{KL} ( p \\| q ) = \\log") for line in lines)


def test_the_trials_pdfs_grade_as_their_sources():
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission

    course = Course(FIXTURES / "dl_basics_course")
    rubric = course.rubric("dl-basics")
    for name in ("bob", "hank"):
        source = {q.id: q.status for q in grade_submission(str(FIXTURES / f"newuser_{name}.tex"), rubric,
                                                           course).questions}
        pdf = {q.id: q.status for q in grade_submission(str(FIXTURES / f"cm_newuser_{name}.pdf"), rubric,
                                                        course).questions}
        assert pdf == source, name


def _line(text: str, size: float, bold: bool) -> Line:
    return Line(text=text, top=0.0, bottom=0.0, x0=0.0, size=size, display=False, unreadable=0, plain=text,
                bold=bold)


def test_heading_levels_rank_bold_sizes_above_the_body():
    from grader.read.pdf import _heading_levels, _level

    body = [_line("Some running text of the answer, long enough to be the body.", 10.0, False)] * 5
    section, subsection = _line("1 Softmax", 14.4, True), _line("1.1 Gradient", 12.0, True)
    run_in, title = _line("Solution.", 10.0, True), _line("Homework 3", 17.3, False)
    levels = _heading_levels(body + [section, subsection, run_in, title])
    assert [_level(x, levels) for x in (section, subsection, run_in, title, body[0])] == [1, 2, 0, 0, 0]
    assert _level(_line("2", 14.4, True), levels) == 0  # a bold number alone (a page number) holds no words


@pytest.mark.parametrize("line, level, label, kind, title", [
    ("## 1.2 Vanishing gradients", 2, ("1", "2"), "subsection", "Vanishing gradients"),
    ("## 3 Attention cost", 1, ("3",), "section", "Attention cost"),
    ("## Question 2", 1, (), "section", "Question 2"),
])
def test_heading_structure(line, level, label, kind, title):
    from grader.read.pdf import _heading

    h = _heading(line, 7, level)
    assert (h.index, h.label, h.kind, h.title, h.inferred) == (7, label, kind, title, False)


# A write-up of the team's own, skipping question 5 of the trial's course under auto-numbered sections: its
# "5 KL divergence" answers question 6. No TeX here, so its PDF is typeset below as LaTeX would set it: bold 14.4pt
# headings whose counter's number stands a quad before the title, body text in CMR10 at 10pt.
SKIPPED = [("Softmax cross-entropy", "Differentiating the loss gives the softmax of the logits minus the label."),
           ("Adam", "The corrected first moment is 3.05 and the corrected second moment is 10.00 here."),
           ("Attention cost", "The score matrix has n squared entries and each one costs d multiplications."),
           ("Convolution", "The output size is twelve after flooring the quotient and adding one to it."),
           ("KL divergence", "The divergence is the log of the ratio of the deviations plus a quadratic term.")]


def _set(words: list[str], font: str, size: float, base: float, after_first: float) -> list[Glyph]:
    """Glyphs of one line from the left margin: each character half an em wide, words a third of an em apart,
    `after_first` em after the first word."""
    out, x = [], 72.0
    for k, word in enumerate(words):
        for ch in word:
            out.append(Glyph(text=ch, font=font, size=size, x0=x + 0.02 * size, x1=x + 0.47 * size,
                             bottom=base - 0.2 * size, top=base + 0.7 * size, baseline=base, origin_x=x,
                             adv_x0=x, adv_x1=x + 0.5 * size))
            x += 0.5 * size
        x += (after_first if k == 0 else 1 / 3) * size
    return out


def _typeset(sections: list[tuple[str, str]], number_gap: float) -> Page:
    """A page of numbered sections, each number `number_gap` em before its title."""
    glyphs: list[Glyph] = []
    base = 740.0
    for n, (title, body) in enumerate(sections, 1):
        glyphs += _set([str(n)] + title.split(), "CMBX12", 14.35, base, number_gap)
        base -= 24.0
        glyphs += _set(body.split(), "CMR10", 10.0, base, 1 / 3)
        base -= 30.0
    return Page(number=1, width=612.0, height=792.0, glyphs=tuple(glyphs), rules=(), image_cover=0.0)


def _placed(doc: Document) -> dict[str, str]:
    """Question id -> the first words of the answer segmentation gives it, graded with the trial's course."""
    from grader.course.directory import Course
    from grader.read.segment import segment

    qs = Course(FIXTURES / "dl_basics_course").rubric("dl-basics").assignment.questions
    answers = segment(doc, [q.id for q in qs], {q.id: q.prompt for q in qs if q.prompt},
                      {q.id: q.title for q in qs if q.title})
    return {qid: " ".join(a.text.split()[:3]) for qid, a in answers.items() if a is not None and a.found}


def _pdf_document(page: Page) -> Document:
    pdf = read_pages([page], "skip.pdf")
    return Document(path="skip.pdf", lines=pdf.lines, line_numbers=pdf.page_lines, pages=pdf.pages,
                    structure=pdf.structure)


def test_a_counters_number_is_told_from_a_typed_one_by_the_quad_after_it():
    counted = _pdf_document(_typeset(SKIPPED, 1.0))
    assert [(h.label, h.title, h.inferred) for h in counted.structure][-1] == (("5",), "KL divergence", True)
    assert "## KL divergence" in counted.lines  # the line shows what the student wrote, as the source's \section
    typed = _pdf_document(_typeset(SKIPPED, 1 / 3))
    assert [(h.label, h.inferred) for h in typed.structure][-1] == (("5",), False)
    assert "## 5 KL divergence" in typed.lines


def test_a_skipped_question_under_counted_sections_is_placed_as_the_source_places_it(tmp_path):
    source = tmp_path / "skip.tex"
    source.write_text("\\documentclass{article}\n\\begin{document}\n" + "".join(
        f"\\section{{{title}}}\n{body}\n\n" for title, body in SKIPPED) + "\\end{document}\n", encoding="utf-8")
    by_source = _placed(read_submission(source))
    assert by_source.get("6") == "The divergence is" and "5" not in by_source  # by content, as the source is read
    assert _placed(_pdf_document(_typeset(SKIPPED, 1.0))) == by_source
    # the same numbers typed by the student ("\\section*{5 KL divergence}", a word space after it) are the
    # student's: a written number is never moved
    typed = tmp_path / "typed.tex"
    typed.write_text("\\documentclass{article}\n\\begin{document}\n" + "".join(
        f"\\section*{{{n} {title}}}\n{body}\n\n" for n, (title, body) in enumerate(SKIPPED, 1))
        + "\\end{document}\n", encoding="utf-8")
    by_typed = _placed(read_submission(typed))
    assert by_typed.get("5") == "The divergence is"
    assert _placed(_pdf_document(_typeset(SKIPPED, 1 / 3))) == by_typed


def test_headings_stay_on_their_lines_when_a_wrapped_formula_joins_the_line_before():
    # in 5.(a) an inline formula broken over two lines is joined and its second line dropped: the "(b)" after it
    # must still point at its own line
    for name in ("cm_section_star_written.pdf", "otf_section_star_written.pdf"):
        doc = read_submission(FIXTURES / name)
        assert [doc.lines[h.index] for h in doc.structure if h.title == "(b)"] == ["### (b)", "### (b)"]
