import sys
import time
from pathlib import Path

import pytest

from grader.read.ingest import IngestError, read_submission
from grader.read.pdf.convert import PdfConverter, convert
from grader.read.pdf.layer import PdfError

FIXTURES = Path(__file__).parent / "fixtures"

PRINTS_MARKDOWN = """\
import sys
assert sys.argv[-1].endswith(".pdf"), sys.argv
print("# Question 1\\n\\nThe loss is $L = \\\\frac{1}{n}\\\\sum_i \\\\ell_i$.\\n\\n# Question 2\\n\\nIt vanishes.")
"""
PRINTS_LATEX = """\
print(r"\\documentclass{article}\\begin{document}\\section*{Question 1} We use $x^2$.\\end{document}")
"""
HANGS = "import time\ntime.sleep(60)\n"
FAILS = "import sys\nprint('partial output')\nprint('ocr service: quota exceeded', file=sys.stderr)\nsys.exit(3)\n"
FLOODS = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"


def script(tmp_path: Path, text: str, name: str = "conv.py") -> tuple[str, ...]:
    path = tmp_path / name
    path.write_text(text)
    return (sys.executable, str(path))


def test_converter_reads_a_scanned_pdf_as_markdown(tmp_path):
    doc = read_submission(FIXTURES / "scanned.pdf", PdfConverter(script(tmp_path, PRINTS_MARKDOWN), 30))
    assert doc.lines[0] == "# Question 1"
    assert "\\frac{1}{n}" in doc.text
    assert doc.pages == ()  # the converter's lines are its own: no page to point at
    assert any("scanned pages read by the course's pdf_converter" in n and "as Markdown" in n for n in doc.notes)


def test_converter_writing_latex_is_read_as_latex(tmp_path):
    doc = read_submission(FIXTURES / "scanned.pdf", PdfConverter(script(tmp_path, PRINTS_LATEX), 30))
    assert doc.kind == "latex"
    assert "documentclass" not in doc.text and "x^2" in doc.text


def test_placeholder_takes_the_pdf_path(tmp_path):
    conv = PdfConverter((sys.executable, str(tmp_path / "conv.py"), "--in={pdf}", "--markdown"))
    assert conv.argv("/a/b.pdf")[-2:] == ["--in=/a/b.pdf", "--markdown"]
    assert PdfConverter(("ocr",)).argv("/a/b.pdf") == ["ocr", "/a/b.pdf"]


def test_a_hanging_converter_is_stopped_at_its_limit(tmp_path):
    start = time.monotonic()
    with pytest.raises(IngestError, match=r"pdf_converter `.*conv.py` ran past its 1 s limit"):
        read_submission(FIXTURES / "scanned.pdf", PdfConverter(script(tmp_path, HANGS), 1))
    assert time.monotonic() - start < 15


def test_a_failing_converter_is_one_line_naming_the_command_and_its_last_words(tmp_path):
    with pytest.raises(IngestError) as err:
        read_submission(FIXTURES / "scanned.pdf", PdfConverter(script(tmp_path, FAILS), 30))
    message = str(err.value)
    assert "\n" not in message
    assert "scanned.pdf: the course's pdf_converter" in message and "conv.py` failed (exit 3)" in message
    assert message.endswith("ocr service: quota exceeded")


def test_a_converter_that_cannot_start_is_named(tmp_path):
    with pytest.raises(PdfError, match=r"pdf_converter `.*no-such-ocr` could not start"):
        convert(PdfConverter((str(tmp_path / "no-such-ocr"),), 5), str(FIXTURES / "scanned.pdf"), "x.pdf")


def test_a_flooding_converter_is_cut_at_the_output_limit(tmp_path):
    with pytest.raises(PdfError, match="wrote more than 5 MB"):
        convert(PdfConverter(script(tmp_path, FLOODS), 30), str(FIXTURES / "scanned.pdf"), "x.pdf")


def test_without_a_converter_the_refusal_says_where_to_set_one():
    with pytest.raises(IngestError, match=r"scanned image .* a course can set `pdf_converter` in course\.yaml "
                                          r"\(docs/pdf\.md\)"):
        read_submission(FIXTURES / "scanned.pdf")


def test_a_typeset_pdf_never_calls_the_converter(tmp_path):
    marker = tmp_path / "called"
    conv = PdfConverter(script(tmp_path, f"open({str(marker)!r}, 'w').write('x')\nprint('# Question 1')\n"), 30)
    doc = read_submission(FIXTURES / "cm_section_star_written.pdf", conv)
    assert doc.pages and not marker.exists()


def test_a_scanned_pdf_in_a_zip_goes_to_the_converter(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "sub.zip", "w") as zf:
        zf.write(FIXTURES / "scanned.pdf", "hw/scan.pdf")
    doc = read_submission(tmp_path / "sub.zip", PdfConverter(script(tmp_path, PRINTS_MARKDOWN), 30))
    assert doc.lines[0] == "# Question 1"
