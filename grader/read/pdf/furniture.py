"""Page furniture of a typeset PDF: running headers and footers, page numbers, footnotes; found and removed."""

from __future__ import annotations

import re
from collections import Counter

from grader.read.pdf.layer import Page
from grader.read.pdf.rebuild import Line

EDGE = 2  # headers and footers are among the first and the last lines of a page
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?\s*[-–—]?\s*$", re.IGNORECASE)


def _key(line: Line) -> str:
    """A header's identity across pages: its text with numbers blanked (the page number changes)."""
    return re.sub(r"\d+", "#", " ".join(line.plain.split())).lower()


def _edge(index: int, count: int) -> bool:
    return index < EDGE or index >= count - EDGE


def furniture(pages: list[Page], lines: list[list[Line]]) -> list[set[int]]:
    """For each page, the indexes of its lines that are furniture, not the write-up."""
    repeated = Counter(k for ls in lines for k in {_key(x) for i, x in enumerate(ls) if _edge(i, len(ls))})
    body_sizes = Counter(round(l.size) for ls in lines for l in ls)
    body = body_sizes.most_common(1)[0][0] if body_sizes else 10
    drop: list[set[int]] = []
    for page, ls in zip(pages, lines):
        out: set[int] = set()
        for i, l in enumerate(ls):
            if not _edge(i, len(ls)):
                continue
            first_or_last = i in (0, len(ls) - 1)
            if (first_or_last and _PAGE_NUMBER.match(l.plain)) or (len(pages) > 1 and len(_key(l)) > 12
                                                           and repeated[_key(l)] >= max(2, (len(pages) + 1) // 2)):
                out.add(i)
        # footnotes: below a short rule near the left margin in the lower part of the page, in a smaller size
        margin = min((l.x0 for l in ls), default=0.0)
        for r in page.rules:
            if r.y > page.height * 0.45 or abs(r.x0 - margin) > 3 or r.x1 - r.x0 > 0.5 * page.width:
                continue
            if any(l.top < r.y and l.bottom > r.y for l in ls):
                continue  # the rule crosses a line: a fraction bar or an overline, not a footnote rule
            below = [i for i, l in enumerate(ls) if l.top < r.y]
            if below and all(ls[i].size < 0.95 * body for i in below if i not in out):
                out.update(below)
        drop.append(out)
    return drop
