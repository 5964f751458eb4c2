"""Helpers of the review page tests: the hostile write-up, the page's prefix, its CSRF field and queue entries."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask


REPO = Path(__file__).resolve().parents[2]
DECODING = REPO / "submissions" / "decoding-2021"
# the answer of question 1.3 (free text: always needs_review) as a hostile student writes it
HOSTILE_ANSWER = (
    '<script>alert("x")</script> the gradient may explode <a href="javascript:alert(1)">see</a> '
    "[link](javascript:alert(2)) <img src=x onerror=alert(3)>\n"
    "necessary but not sufficient: \u202eevil\u202c and \u2066isolated\u2069 text\n"
    "$$ y = 3x </math><script>alert(4)</script> $$ and $\\frac{a}{b}$\n"
)
ORIGIN = "http://localhost"


def hostile_writeup(folder: Path) -> Path:
    """flawed.md with its 1.3 answer replaced by HOSTILE_ANSWER."""
    text = (DECODING / "flawed.md").read_text(encoding="utf-8")
    head, rest = text.split("### 1.3\n", 1)
    tail = rest[rest.index("\n## "):]
    path = folder / "hostile.md"
    path.write_text(f"{head}### 1.3\n\n{HOSTILE_ANSWER}{tail}", encoding="utf-8")
    return path


def prefix(app: Flask) -> str:
    return f"/{app.config['REVIEW_TOKEN']}/"


def csrf_of(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "the page has no CSRF field"
    return m.group(1)


def item_index(page: str, student: str, question: str) -> int:
    """The queue index of (student, question) in a rendered page."""
    for m in re.finditer(r'href="/[^/"]+/item/(\d+)[^"]*"[^>]*>\s*<span class="who">([^<]*)</span>\s*'
                         r'<span class="q">([^<]*)</span>', page):
        if (m.group(2), m.group(3)) == (student, question):
            return int(m.group(1))
    raise AssertionError(f"{student} {question} is not in the queue")
