from pathlib import Path

from grader.read.pdf import read_pdf

FIXTURES = Path(__file__).parent / "fixtures"


def test_page_numbers_are_removed():
    pdf = read_pdf(str(FIXTURES / "cm_section_star_written.pdf"), "w.pdf")
    assert pdf.page_count == 2
    assert not any(line.strip() in ("1", "2") for line in pdf.lines)
    assert any("Question 5" in line for line in pdf.lines)
