"""Measure the PDF text layers the reader could sit on: pypdfium2 (used), pdfminer.six (pdfplumber's engine), pdftotext.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_libraries.py

pdfminer.six is not a dependency: install it into the environment for the measurement (`pip install pdfminer.six`);
pdftotext (poppler-utils) is run where it is on PATH. A library that is missing is reported and skipped.
Over the typeset fixtures of tests/read/pdf/fixtures (cm_*, otf_*) it prints, per library:
- words: the share of the source's prose words (5+ letters, outside math, from the .tex each PDF was made from)
  found in the extracted text, as a plain-text reader sees it;
- junk: control and private-use characters per page in the extracted text (big delimiters, unmapped glyphs);
- ink: the share of glyphs whose box height differs from the usual height of glyphs of its font and size, by more
  than 5%. A box that follows the ink (x, l, g, a subscript) tells a script from a limit and a bar from a glyph;
  a font-wide box (the same ascent and descent for every glyph) tells none of that. Empty where a library gives
  no per-glyph boxes;
- fonts: the share of glyphs whose font name is given (what tells math italic, symbols, extensible pieces apart);
- rules: drawn horizontal lines found per page (fraction bars, radicals);
- seconds per page for reading glyphs (or text) and drawings.
It is a measurement: it always exits 0.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.pdf_bench import FIXTURES, sources  # noqa: E402


@dataclass
class Layer:
    """What one library gave for one PDF."""

    text: str
    pages: int
    boxes: list[tuple[str, float, float]] = field(default_factory=list)  # (font, size, box height) per glyph
    fonts_named: int = 0
    glyphs: int = 0
    rules: int = 0


def prose_words(tex: str) -> set[str]:
    """Words of 5+ letters of a LaTeX source's prose: the body without math, commands or comments."""
    body = tex.split("\\begin{document}", 1)[-1].split("\\end{document}", 1)[0]
    body = re.sub(r"(?<!\\)%.*", " ", body)
    body = re.sub(r"\\begin\{(equation|align|gather|multline|verbatim)\*?\}.*?\\end\{\1\*?\}", " ", body, flags=re.S)
    body = re.sub(r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$]*\$", " ", body, flags=re.S)
    body = re.sub(r"\\[A-Za-z]+\*?(\[[^\]]*\])?", " ", body)
    return {w.lower() for w in re.findall(r"[A-Za-z]{5,}", body)}


def pdfium_layer(pdf: Path) -> Layer:
    """The grader's own text layer (grader.read.pdf.layer) for glyphs and rules; pdfium's plain text for words."""
    import pypdfium2 as pdfium

    from grader.read.pdf.layer import read_layer

    pages = read_layer(str(pdf), pdf.name)
    glyphs = [g for p in pages for g in p.glyphs]
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return Layer(text=text, pages=len(pages),
                 boxes=[(g.font, round(g.size, 1), g.top - g.bottom) for g in glyphs if g.text.strip()],
                 fonts_named=sum(1 for g in glyphs if g.font), glyphs=len(glyphs),
                 rules=sum(len(p.rules) for p in pages))


def pdfminer_layer(pdf: Path) -> Layer:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTCurve, LTLine, LTRect, LTTextContainer

    out = Layer(text="", pages=0)
    texts: list[str] = []

    def walk(obj: object) -> None:
        if isinstance(obj, LTChar):
            out.glyphs += 1
            out.fonts_named += bool(obj.fontname)
            if obj.get_text().strip():
                out.boxes.append((obj.fontname, round(obj.size, 1), obj.height))
            return
        if isinstance(obj, (LTLine, LTRect, LTCurve)) and not isinstance(obj, LTChar):
            if obj.height < 2 and obj.width > 2:
                out.rules += 1
        if isinstance(obj, LTTextContainer) and type(obj).__name__ == "LTTextBoxHorizontal":
            texts.append(obj.get_text())
        for child in obj if hasattr(obj, "__iter__") else ():
            walk(child)

    for page in extract_pages(str(pdf), laparams=LAParams()):
        out.pages += 1
        walk(page)
    out.text = "\n".join(texts)
    return out


def pdftotext_layer(pdf: Path) -> Layer:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                          check=True).stdout
    return Layer(text=text, pages=text.count("\f") or 1)


def ink_share(boxes: list[tuple[str, float, float]]) -> float | None:
    """The share of glyph boxes whose height differs by over 5% from the usual one for its font and size."""
    if not boxes:
        return None
    usual: dict[tuple[str, float], float] = {}
    for key, heights in _group(boxes).items():
        usual[key] = Counter(round(h, 1) for h in heights).most_common(1)[0][0]
    differ = sum(1 for f, s, h in boxes if abs(h - usual[(f, s)]) > 0.05 * max(usual[(f, s)], 0.1))
    return differ / len(boxes)


def _group(boxes: list[tuple[str, float, float]]) -> dict[tuple[str, float], list[float]]:
    out: dict[tuple[str, float], list[float]] = {}
    for f, s, h in boxes:
        out.setdefault((f, s), []).append(h)
    return out


def junk(text: str) -> int:
    return sum(1 for c in text if (ord(c) < 32 and c not in "\n\t\f\r") or 0xE000 <= ord(c) <= 0xF8FF)


def available() -> dict[str, Callable[[Path], Layer]]:
    libs: dict[str, Callable[[Path], Layer]] = {"pypdfium2": pdfium_layer}
    try:
        import pdfminer  # noqa: F401

        libs["pdfminer.six"] = pdfminer_layer
    except ImportError:
        print("pdfminer.six: not installed (pip install pdfminer.six), skipped")
    if shutil.which("pdftotext"):
        libs["pdftotext -layout"] = pdftotext_layer
    else:
        print("pdftotext: not on PATH, skipped")
    return libs


def main() -> int:
    known = sources()
    pdfs = [p for p in sorted(FIXTURES.glob("*.pdf")) if p.stem.startswith(("cm_", "otf_"))]
    for name, read in available().items():
        found = expected = pages = bad = rules = named = glyphs = 0
        seconds = 0.0
        boxes: list[tuple[str, float, float]] = []
        for pdf in pdfs:
            source = known[pdf.stem.split("_", 1)[1]][0]
            start = time.perf_counter()
            layer = read(pdf)
            seconds += time.perf_counter() - start
            words = prose_words(source.read_text(encoding="utf-8"))
            flat = " ".join(re.sub(r"-\s*\n\s*", "", layer.text).lower().split())
            found += sum(1 for w in words if w in flat)
            expected += len(words)
            pages += layer.pages
            bad += junk(layer.text)
            rules += layer.rules
            named += layer.fonts_named
            glyphs += layer.glyphs
            boxes.extend(layer.boxes)
        ink = ink_share(boxes)
        print(f"{name}: words {found / expected:.1%} ({found}/{expected}), junk {bad / pages:.1f} per page, "
              f"ink {'-' if ink is None else f'{ink:.1%}'}, fonts {'-' if not glyphs else f'{named / glyphs:.1%}'}, "
              f"rules {rules / pages:.1f} per page, {seconds / pages:.3f} s per page over {pages} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
