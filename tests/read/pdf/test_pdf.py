from pathlib import Path

import pytest

from grader.read.ingest import IngestError, read_submission

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
