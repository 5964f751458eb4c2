"""The HTML report in headless Chromium: the math renders as MathML, not raw `$$`; skipped where Chromium is absent."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission
from grader.report.render import Renderer

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=60, check=True)


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG (enough to tell a blank page from a rendered one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = Course(REPO)
    rubric = course.rubric("decoding-2021")
    result = grade_submission(str(REPO / "submissions" / "decoding-2021" / "flawed.md"), rubric, course)
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(Renderer(None).report_html(result, rubric.assignment), encoding="utf-8")
    return path


def test_math_is_rendered_as_mathml(report: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert dom.count("<math") >= 20
    assert "<mfrac" in dom and "<msub" in dom  # fractions and subscripts, laid out, not as text
    visible = re.sub(r"<annotation[^>]*>.*?</annotation>", "", dom, flags=re.DOTALL)
    visible = re.sub(r"<[^>]+>", "", visible)
    assert "$$" not in visible and "\\frac" not in visible and "\\mathbf" not in visible
    assert "<script" not in dom


def test_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1000,1400", report.as_uri())
    width, height, pixels = png_pixels(png)
    assert (width, height) == (1000, 1400)
    assert len(set(pixels)) > 50  # text, math and colours, not one flat page
