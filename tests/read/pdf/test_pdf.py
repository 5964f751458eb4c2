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
