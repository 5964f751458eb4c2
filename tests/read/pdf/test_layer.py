from pathlib import Path

import pypdfium2 as pdfium
import pytest

from grader.read.pdf.layer import PdfError, read_layer

FIXTURES = Path(__file__).parent / "fixtures"


def _blank_pdf(tmp_path: Path, pages: int) -> str:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(612, 792)
    out = tmp_path / "blank.pdf"
    doc.save(str(out))
    return str(out)


def test_glyphs_carry_font_size_and_baseline():
    page = read_layer(str(FIXTURES / "cm_section_star_written.pdf"), "w.pdf")[0]
    fonts = {g.font for g in page.glyphs}
    assert {"CMR10", "CMMI10", "CMSY10"} <= fonts
    assert page.rules, "fraction bars are drawn rules"


def test_white_space_codes_of_a_raw_code_math_font_are_glyphs():
    # CMEX without a Unicode map: 0x0D is a piece of \left\|, 0x20 a big `(`; text spaces are still left out
    page = read_layer(str(FIXTURES / "cm_rt_004.pdf"), "w.pdf")[1]
    codes = {g.text for g in page.glyphs if g.font.startswith("CMEX")}
    assert {"\r", " "} <= codes
    assert not any(g.text == " " for g in page.glyphs if not g.font.startswith("CM"))


def test_broken_and_oversized_pdfs_get_a_message(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.5\n garbage")
    with pytest.raises(PdfError, match="broken.pdf: not a readable PDF"):
        read_layer(str(broken), "broken.pdf")
    with pytest.raises(PdfError, match="500 pages, over the limit"):
        read_layer(_blank_pdf(tmp_path, 500), "big.pdf")


def test_deadline_stops_reading(tmp_path):
    with pytest.raises(PdfError, match="took more than"):
        read_layer(_blank_pdf(tmp_path, 3), "slow.pdf", deadline_s=-1.0)
