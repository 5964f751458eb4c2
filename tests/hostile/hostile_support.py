"""Helpers of the hostile suite: a small course, the CLI, and checks that output is inert."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "submissions" / "hostile"
CORPUS = REPO.parent / "shared" / "corpus"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

RUBRIC = """\
assignment: hostile
title: Hostile inputs
questions:
  - id: "1"
    points: 2
    title: Decoding
    checks:
      - kind: keywords
        label: names the decoding algorithm
        any: [viterbi]
  - id: "2"
    points: 3
    checks:
      - kind: keywords
        label: states the gradient
        all: ["2x"]
  - id: "3"
    points: 1
    checks:
      - kind: free_text
        role: evidence
        claims:
          - {claim: "the value", any: ["2.5"]}
"""

NORMAL = """\
# Homework

## Question 1

We decode with the Viterbi algorithm, a dynamic program over the trellis.

## Question 2

The gradient is $$ y' = 2x $$ so 2x it is.

## Question 3

The expected value is 2.5 because the mean of 2 and 3 is 2.5 exactly.
"""


def make_course(root: Path) -> Path:
    """A course folder with one three-question rubric (`hostile`) that needs no math layer."""
    (root / "rubrics").mkdir(parents=True, exist_ok=True)
    (root / "rubrics" / "hostile.yaml").write_text(RUBRIC, encoding="utf-8")
    return root


def grader(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run `python -m grader ARGS` in `cwd` with the repository importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


class _Inert(HTMLParser):
    """Collects every way a page could run script: script/iframe/object elements, on* handlers, js: URLs."""

    URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
                           "srcdoc", "srcset", "content"})
    ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "base", "form", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            v = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> handler")
            if name in self.URL_ATTRS and ("javascript:" in v or "vbscript:" in v or v.startswith("data:")):
                self.problems.append(f"<{tag} {name}={value!r}> script URL")
            if name == "style" and ("url(" in v or "expression(" in v):
                self.problems.append(f"<{tag} style={value!r}>")
        if tag == "meta":
            d = {k: v or "" for k, v in attrs}
            if d.get("http-equiv", "").lower() == "content-security-policy" and "default-src 'none'" in d.get("content", ""):
                self.csp = True
            elif d.get("http-equiv", "").lower() == "refresh":
                self.problems.append("<meta refresh>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def html_problems(page: str) -> list[str]:
    """Everything in `page` that could run script, plus a missing CSP meta; empty when the page is inert."""
    parser = _Inert()
    parser.feed(page)
    parser.close()
    return parser.problems + ([] if parser.csp else ["no Content-Security-Policy meta"])


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def csv_formulas(path: Path) -> list[str]:
    """Cells of a CSV file that a spreadsheet would read as a formula (numbers are not formulas)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row
                if cell.startswith(FORMULA_PREFIXES) and not is_number(cell)]


def tree(root: Path) -> dict[str, str]:
    """Every entry under `root` (not following links) with a digest of regular files: for before/after diffs."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink() or not p.is_file():
                out[rel] = "dir" if p.is_dir() and not p.is_symlink() else "other"
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    return out
