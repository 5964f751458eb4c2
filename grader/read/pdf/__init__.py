"""Read a typeset PDF write-up into a Document: text kept as text, math rebuilt as LaTeX spans, furniture removed."""

from __future__ import annotations

import re

from bisect import bisect_left
from dataclasses import dataclass, field, replace

from grader.read.document import Heading
from grader.read.pdf.furniture import furniture
from grader.read.pdf.layer import Page, PdfError, read_layer
from grader.read.pdf.rebuild import Line, rebuild_page

SCAN_COVER = 0.6  # a page whose images cover most of it ...
SCAN_GLYPHS = 20  # ... and which holds almost no text is a scan or a photo


class ScannedPdf(PdfError):
    """A PDF with pages that are scanned images: only a course's external converter can read it."""


@dataclass(frozen=True)
class PdfText:
    """The rebuilt write-up: one entry per kept line, with its page and its line on that page."""

    lines: tuple[str, ...]
    pages: tuple[int, ...]  # 1-based page of each line (0 for the blank lines set between paragraphs)
    page_lines: tuple[int, ...]  # 1-based line on that page
    notes: tuple[str, ...]
    unreadable: tuple[tuple[int, int], ...]  # (page, line) of each formula that could not be rebuilt
    page_count: int
    structure: tuple[Heading, ...] = field(default=())  # the sectioning headings the fonts show, in line order


def _pages_text(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))


def read_pdf(path: str | bytes, where: str) -> PdfText:
    """Rebuild the PDF at `path` (or its bytes); PdfError (naming file and pages) when it is unreadable or scanned."""
    return read_pages(read_layer(path, where), where)


def read_pages(pages: list[Page], where: str) -> PdfText:
    """Rebuild the text layer's pages of the PDF `where`; PdfError when they hold no text or are scanned."""
    scanned = [p.number for p in pages if p.image_cover >= SCAN_COVER and len(p.glyphs) < SCAN_GLYPHS]
    if scanned:
        raise ScannedPdf(f"{where}: {_pages_text(scanned)} of {len(pages)} {'is a scanned image' if len(scanned) == 1 else 'are scanned images'} "
                       "with no text layer, which cannot be graded; hand in the PDF made by LaTeX or your editor "
                       "(or its .tex / .md source) instead of a scan or photo. A TA will review this submission.")
    if not any(p.glyphs for p in pages):
        raise PdfError(f"{where}: the PDF holds no text on any of its {len(pages)} pages")
    rebuilt = [rebuild_page(p) for p in pages]
    drop = furniture(pages, rebuilt)
    lines: list[str] = []
    numbers: list[int] = []
    on_page: list[int] = []
    unreadable: list[tuple[int, int]] = []
    notes: list[str] = []
    headings: list[tuple[int, int, bool]] = []  # (line index, level, numbered by a counter) of each heading written
    levels = _heading_levels([line for page_lines, dropped in zip(rebuilt, drop)
                              for i, line in enumerate(page_lines) if i not in dropped])
    for page, page_lines, dropped in zip(pages, rebuilt, drop):
        pitch = _pitch(page_lines)
        previous: Line | None = None
        heading = 0  # the level of the heading the previous kept line opened or continued (0: none)
        for i, line in enumerate(page_lines):
            if i in dropped:
                continue
            gap = previous.bottom - line.top if previous is not None else 0.0
            start = previous is None or line.display or previous.display or gap > 0.6 * pitch
            level = _level(line, levels)
            if level and heading == level and not start:  # a long heading wrapped over two lines: one heading
                lines[-1] += " " + line.text
                previous = line
                continue
            heading = level if level and (start or heading) else 0
            if start:
                lines.append("")  # a paragraph break, a display or a new page: segmentation reads blank lines
                numbers.append(0)
                on_page.append(0)
            if heading:  # written as a Markdown heading, as segmentation reads a sectioning command's title
                headings.append((len(lines), heading, line.counted))
                lines.append("#" * (heading + 1) + " " + line.text)
                numbers.append(page.number)
                on_page.append(i + 1)
                previous = line
                continue
            for piece in _split_labels(line.text):
                lines.append(piece)
                numbers.append(page.number)
                on_page.append(i + 1)
            if line.unreadable:
                unreadable.append((page.number, i + 1))
                notes.append(f"{where}: page {page.number}, line {i + 1}: a formula could not be rebuilt from the "
                             "PDF (a glyph without a known meaning); its question needs review")
            previous = line
    found = [_heading(lines[i], i, level, counted) for i, level, counted in headings]
    # a counter's number is no text the student wrote: its line holds the title alone, as the source's
    # \section{...} line does, and the number stays in the structure as a counter's
    for h in found:
        if h.inferred:
            lines[h.index] = _SECTION_NUMBER.sub(r"\1 ", lines[h.index], count=1)
    # where headings are numbered, one without a number (a bold title line, an unnumbered "References") is left to
    # the text reader: as structure it would be taken for an answer's heading placed by order
    kept = [h for h in found if h.label or not any(g.label for g in found)]
    dropped_lines = _join_wrapped_math(lines, numbers, on_page)  # joins and drops lines after a formula only
    structure = tuple(replace(h, index=h.index - bisect_left(dropped_lines, h.index)) for h in kept)
    _dehyphenate(lines)
    return PdfText(lines=tuple(lines), pages=tuple(numbers), page_lines=tuple(on_page), notes=tuple(notes),
                   unreadable=tuple(unreadable), page_count=len(pages), structure=structure)


HEADING_SCALE = 1.05  # a heading is set larger than the body: \\section 1.2-1.44x, \\subsection 1.1-1.2x (11pt: 12/10.95)


def _body_size(lines: list[Line]) -> float:
    """The size most of the write-up's text is set in, counted by characters."""
    weight: dict[float, int] = {}
    for line in lines:
        key = round(line.size * 2) / 2
        weight[key] = weight.get(key, 0) + len(line.plain)
    return max(weight, key=lambda k: (weight[k], -k)) if weight else 10.0


def _heading_levels(lines: list[Line]) -> dict[float, int]:
    """Sizes of the sectioning headings, largest first, with their level (1: \\section, 2: \\subsection, ...): lines
    set wholly in bold text larger than the body, holding words. Bold text at the body size (a run-in
    \\paragraph, a bold "Solution.", bold words in a sentence) is never a heading."""
    body = _body_size(lines)
    sizes = {round(line.size * 2) / 2 for line in lines
             if line.bold and not line.display and line.size > HEADING_SCALE * body
             and any(c.isalpha() for c in line.plain)}
    return {size: rank + 1 for rank, size in enumerate(sorted(sizes, reverse=True))}


def _level(line: Line, levels: dict[float, int]) -> int:
    """The heading level of the line (0: not a heading)."""
    if not line.bold or line.display or not any(c.isalpha() for c in line.plain):
        return 0
    return levels.get(round(line.size * 2) / 2, 0)


_KINDS = ("section", "subsection", "subsubsection", "paragraph")
_SECTION_NUMBER = re.compile(r"(#+) (\d{1,2}(?:\.\d{1,2})*)\.? (?=\S)")


def _heading(line: str, index: int, level: int, counted: bool = False) -> Heading:
    """A heading the fonts show, as the markup of a LaTeX source would declare it: its number and its title. A
    number the layout shows was set by a counter (`counted`: a quad before the title) is inferred, as an
    auto-numbered \\section's is; one typed in the title (a word space after it) is the writer's."""
    m = _SECTION_NUMBER.match(line)
    label = tuple(m.group(2).split(".")) if m else ()
    title = line[m.end():] if m else line.lstrip("# ")
    return Heading(index=index, label=label, title=" ".join(title.split())[:80],
                   kind=_KINDS[min(level, len(_KINDS)) - 1], inferred=counted and bool(label))


# a list label as typeset at a line's start: "2.2", "1.", "3)", "(ii)", "(b)", "b)"
_LEAD = r"(?:\d+(?:\.\d+)*[.)]?|\((?:\d+|[a-z]|[ivx]+)\)|[a-z]\))"
# a nested list's first label right after its parent's, on the same typeset line: "(i) (a) Using ...", "2.2 (i) Solution"
_STACKED = re.compile(rf"({_LEAD})[ \t]+(\((?:\d+|[a-z]|[ivx]+)\)[ \t]+\S.*)")


def _split_labels(text: str) -> list[str]:
    """A line opening with two stacked list labels, as a nested list's first item is typeset, split into the parent's
    label alone and the item's line, so that each label opens a line as it does in the source."""
    m = _STACKED.fullmatch(text)
    return [m.group(1), m.group(2)] if m else [text]


# an inline formula cut at a line break: the first part ends in an operator or a relation, or the second starts with a
# relation ("... $\sigma^{2} =$" then "$2 / d$ with ...")
_OPEN_END = re.compile(r"(?:[=+\-<>,]|\\(?:cdot|times|le|leq|ge|geq|approx|ne|neq|to|sim|propto|pm|mp|implies|in))\s*$")
_RELATION_START = re.compile(r"^\s*(?:[=<>]|\\(?:le|leq|ge|geq|approx|ne|neq|to|sim|propto)(?![A-Za-z]))")


def _inline_only(line: str) -> bool:
    return "$$" not in line and line.count("$") % 2 == 0 and "$" in line


def _join_wrapped_math(lines: list[str], numbers: list[int], on_page: list[int]) -> list[int]:
    """An inline formula the typesetting broke over two lines is made one span on the first line, as written in the
    source: the math reader reads `$...$` within one line. The words after it stay on the second line, which is
    dropped when nothing is left of it. Returns the indices (before any drop, ascending) of the lines dropped."""
    dropped: list[int] = []
    original = list(range(len(lines)))  # each kept line's index before the drops
    i = 0
    while i < len(lines) - 1:
        line, nxt = lines[i].rstrip(), lines[i + 1]
        if not (line.endswith("$") and nxt.startswith("$") and _inline_only(line) and _inline_only(nxt)):
            i += 1
            continue
        head = line[:-1]
        tail_open = head.rfind("$")
        first_end = nxt.find("$", 1)
        second = nxt[1:first_end]
        if not (_OPEN_END.search(head[tail_open + 1:]) or _RELATION_START.match(second)):
            i += 1
            continue
        lines[i] = f"{head.rstrip()} {second.strip()}$"
        rest = nxt[first_end + 1:].lstrip()
        if rest.strip(" .,;:"):
            lines[i + 1] = rest
            i += 1
        else:  # nothing but the punctuation that ended the formula is left: it goes with it
            lines[i] += rest.strip()
            dropped.append(original[i + 1])
            del lines[i + 1], numbers[i + 1], on_page[i + 1], original[i + 1]
    return dropped


def _dehyphenate(lines: list[str]) -> None:
    """A word hyphenated at a line's end is made whole on that line, so phrases and words read as written."""
    for i in range(len(lines) - 1):
        line, nxt = lines[i], lines[i + 1]
        if len(line) > 2 and line.endswith("-") and line[-2].isalpha() and nxt[:1].islower():
            word, _, rest = nxt.partition(" ")
            lines[i] = line[:-1] + word
            lines[i + 1] = rest


def _pitch(lines: list[Line]) -> float:
    """The usual distance from one line's bottom to the next line's top on this page."""
    gaps = sorted(a.bottom - b.top for a, b in zip(lines, lines[1:]) if a.bottom > b.top)
    return gaps[len(gaps) // 2] if gaps else 3.0


__all__ = ["PdfError", "PdfText", "ScannedPdf", "read_pages", "read_pdf"]
