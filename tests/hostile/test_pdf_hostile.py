"""Hostile PDFs: each one gets a clear finding naming the file, within the time limit, and costs only itself."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from grader.read.ingest import IngestError, read_submission

FIXTURES = Path(__file__).resolve().parents[1] / "read" / "pdf" / "fixtures"
LIMIT_S = 35.0  # the reader's own deadline is 30 s


def _refused(path: Path) -> str:
    start = time.monotonic()
    with pytest.raises(IngestError) as err:
        read_submission(path)
    assert time.monotonic() - start < LIMIT_S
    message = str(err.value)
    assert path.name in message
    return message


def _raw_pdf(content: bytes, pages: int = 1) -> bytes:
    """A minimal PDF by hand: `pages` pages sharing one content stream in Helvetica, with a valid xref table."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    font = 4 + pages
    for _ in range(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_encrypted(tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    out = tmp_path / "locked.pdf"
    subprocess.run(["qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--",
                    str(FIXTURES / "cm_exam_class.pdf"), str(out)], check=True)
    assert "password" in _refused(out).lower()


def test_broken(tmp_path: Path) -> None:
    out = tmp_path / "broken.pdf"
    out.write_bytes((FIXTURES / "cm_exam_class.pdf").read_bytes()[:3000])
    _refused(out)


def test_not_a_pdf_at_all(tmp_path: Path) -> None:
    out = tmp_path / "renamed.pdf"
    out.write_bytes(b"PK\x03\x04 this is a zip renamed to .pdf")
    _refused(out)


def test_five_hundred_pages(tmp_path: Path) -> None:
    out = tmp_path / "huge.pdf"
    out.write_bytes(_raw_pdf(b"BT /F1 12 Tf 72 700 Td (page) Tj ET", pages=500))
    assert "500" in _refused(out)


def test_zero_pages(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    out.write_bytes(_raw_pdf(b"", pages=0))
    _refused(out)


def test_image_only_names_the_pages_and_what_to_hand_in(tmp_path: Path) -> None:
    out = tmp_path / "scan.pdf"
    out.write_bytes((FIXTURES / "scanned.pdf").read_bytes())
    message = _refused(out)
    assert "page 2 of 2" in message and ".tex" in message  # the fixture's first page is blank


def test_font_bomb(tmp_path: Path) -> None:
    out = tmp_path / "bomb.pdf"
    out.write_bytes(_raw_pdf(b"BT /F1 1 Tf 10 700 Td (" + b"x" * 60_000 + b") Tj ET"))
    assert "20000" in _refused(out).replace(",", "")


def test_wordproc_is_read_as_far_as_its_text_layer_allows() -> None:
    doc = read_submission(FIXTURES / "wordproc.pdf")
    text = "\n".join(doc.lines)
    assert len(text) > 200
    assert doc.pages and max(doc.pages) >= 1
