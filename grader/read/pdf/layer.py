"""The text layer of a PDF through pypdfium2: glyphs with font, size, baseline and box; drawn rules; images."""

from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass

from grader.read.pdf.glyphs import family

MAX_PAGES = 60  # a write-up is a few to a few dozen pages; more is not a write-up
MAX_GLYPHS_PER_PAGE = 20_000  # a dense page of math holds ~4,000 glyphs
MAX_OBJECTS_PER_PAGE = 20_000
DEFAULT_DEADLINE_S = 30.0


class PdfError(Exception):
    """A PDF that cannot be read; the message names what and where."""


@dataclass(frozen=True)
class Glyph:
    """One character as drawn: its text (or the raw code when the font has no Unicode map) and its geometry."""

    text: str
    font: str  # base font name without the subset prefix, e.g. CMMI10, LatinModernMath-Regular
    size: float  # font size in points (scaled by the text matrix)
    x0: float
    x1: float
    bottom: float  # glyph box, PDF points, y grows upwards
    top: float
    baseline: float  # y of the glyph origin
    origin_x: float
    adv_x0: float = 0.0  # the glyph's advance box (ink plus side bearings): word spaces are measured on it
    adv_x1: float = 0.0


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal line or thin filled rectangle: fraction bars, radical bars, overlines."""

    x0: float
    x1: float
    y: float
    thickness: float


@dataclass(frozen=True)
class Page:
    """One page of the text layer."""

    number: int  # 1-based
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...]
    image_cover: float  # share of the page area covered by images (0..1, overlaps counted once per image)


def _font_name(textpage: object, index: int, buf: ctypes.Array[ctypes.c_char], cache: dict[bytes, str]) -> str:
    import pypdfium2.raw as raw

    flags = ctypes.c_int(0)
    n = raw.FPDFText_GetFontInfo(textpage, index, buf, len(buf), ctypes.byref(flags))
    key = buf.raw[: max(n - 1, 0)]
    name = cache.get(key)
    if name is None:
        name = key.decode("latin-1", "replace")
        name = name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name  # subset tag ABCDEF+
        cache[key] = name
    return name


def _raw_code_font(font: str) -> bool:
    """A Computer Modern math font without a Unicode map: its codes 0x0A, 0x0D and 0x20 are glyphs (a big `(`,
    `\\|`, `\\langle`), not white space."""
    return family(font) in ("CMEX", "CMSY", "CMMI", "CMBSY", "CMMIB")


def _page(pdf: object, number: int, where: str) -> Page:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    page = pdf[number - 1]  # type: ignore[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        raw_tp = textpage.raw
        count = raw.FPDFText_CountChars(raw_tp)
        if count > MAX_GLYPHS_PER_PAGE:
            raise PdfError(f"{where}: page {number} holds {count} characters, over the limit of "
                           f"{MAX_GLYPHS_PER_PAGE}")
        glyphs: list[Glyph] = []
        buf = ctypes.create_string_buffer(256)
        cache: dict[bytes, str] = {}
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        loose = raw.FS_RECTF()
        skip = -1
        for i in range(count):
            if i == skip:
                continue
            if raw.FPDFText_IsGenerated(raw_tp, i) == 1:
                continue  # spaces and line breaks pdfium infers; we infer our own from geometry
            code = raw.FPDFText_GetUnicode(raw_tp, i)
            if code == 0xFFFF or code in (0x20, 0x0D, 0x0A) and not _raw_code_font(
                    _font_name(raw_tp, i, buf, cache)):
                continue  # a space or line break typed in the text, not a glyph drawn from a raw-code math font
            if code == 0xFFFE or raw.FPDFText_IsHyphen(raw_tp, i) == 1:
                code = 0x2D  # a hyphen that ends a line: pdfium hands it as 0xFFFE or (newer builds) 0x02
            if 0xD800 <= code < 0xDC00:  # pdfium hands astral characters (math italic 𝑎) as UTF-16 pairs
                low = raw.FPDFText_GetUnicode(raw_tp, i + 1) if i + 1 < count else 0
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    skip = i + 1
            elif 0xDC00 <= code < 0xE000:
                if i == skip:
                    continue
                code = 0xFFFD
            raw.FPDFText_GetCharBox(raw_tp, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom),
                                    ctypes.byref(top))
            raw.FPDFText_GetCharOrigin(raw_tp, i, ctypes.byref(ox), ctypes.byref(oy))
            raw.FPDFText_GetLooseCharBox(raw_tp, i, ctypes.byref(loose))
            size = raw.FPDFText_GetFontSize(raw_tp, i)
            text = chr(code) if 0 <= code < 0x110000 else "\ufffd"
            glyphs.append(Glyph(text=text, font=_font_name(raw_tp, i, buf, cache), size=round(size, 2),
                                x0=left.value, x1=right.value, bottom=bottom.value, top=top.value,
                                baseline=oy.value, origin_x=ox.value, adv_x0=loose.left, adv_x1=loose.right))
        rules: list[Rule] = []
        image_area = 0.0
        seen = 0
        for obj in page.get_objects(max_depth=2):
            seen += 1
            if seen > MAX_OBJECTS_PER_PAGE:
                raise PdfError(f"{where}: page {number} draws more than {MAX_OBJECTS_PER_PAGE} objects, over the limit")
            kind = obj.type
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                l, b, r, t = obj.get_bounds()
                image_area += max(0.0, min(r, width) - max(l, 0.0)) * max(0.0, min(t, height) - max(b, 0.0))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                l, b, r, t = obj.get_bounds()
                # a rule is long and thin; stroked lines report their width in the bounds
                if r - l > 1.5 and 0 <= t - b <= 1.6 and (r - l) > 3 * (t - b):
                    rules.append(Rule(x0=l, x1=r, y=(b + t) / 2, thickness=t - b))
        textpage.close()
    except PdfError:
        raise
    except pdfium.PdfiumError as exc:
        raise PdfError(f"{where}: page {number} cannot be read ({exc})") from None
    finally:
        page.close()
    cover = min(1.0, image_area / (width * height)) if width > 0 and height > 0 else 0.0
    return Page(number=number, width=width, height=height, glyphs=tuple(glyphs), rules=tuple(rules),
                image_cover=cover)


def read_layer(path: str | bytes, where: str, *, deadline_s: float = DEFAULT_DEADLINE_S,
               max_pages: int = MAX_PAGES) -> list[Page]:
    """Every page of the PDF at `path`; PdfError names the file (and the page) for anything unreadable."""
    import pypdfium2 as pdfium

    start = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise PdfError(f"{where}: the PDF is encrypted with a password; hand in an unprotected PDF "
                           "(or the .tex source)") from None
        raise PdfError(f"{where}: not a readable PDF ({exc})") from None
    try:
        n = len(pdf)
        if n == 0:
            raise PdfError(f"{where}: the PDF has no pages")
        if n > max_pages:
            raise PdfError(f"{where}: the PDF has {n} pages, over the limit of {max_pages} for a write-up")
        pages = []
        for number in range(1, n + 1):
            if time.monotonic() - start > deadline_s:
                raise PdfError(f"{where}: reading the PDF took more than {deadline_s:.0f} s "
                               f"(stopped at page {number} of {n})")
            pages.append(_page(pdf, number, where))
        return pages
    finally:
        pdf.close()
