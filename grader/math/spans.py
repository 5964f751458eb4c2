"""Find math in Markdown/LaTeX text: $$..$$, \\[..\\], \\begin{align}.., $..$, \\(..\\), with line numbers."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

DISPLAY_ENVS = ("equation", "equation*", "align", "align*", "aligned", "gather", "gather*", "multline",
                "multline*", "eqnarray", "eqnarray*", "flalign", "flalign*", "displaymath")


@dataclass(frozen=True)
class MathSpan:
    """A piece of math found in Markdown/LaTeX text."""

    latex: str  # the LaTeX inside the delimiters
    line: int  # 1-based line (relative numbering given by first_line) where it starts
    end_line: int
    display: bool  # $$..$$, \[..\], \begin{equation|align|...} vs inline $..$ / \(..\)


_ENV_RE = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in DISPLAY_ENVS) + r")\}")


def find_spans(text: str, first_line: int = 1) -> list[MathSpan]:
    """All math spans of `text` in order of position; unclosed delimiters are skipped."""
    spans: list[tuple[int, int, str, bool]] = []  # (start, end, latex, display)
    i, n = 0, len(text)
    missing: set[str] = set()  # closers known to be absent from here on: keeps unclosed input linear

    def find(closer: str, start: int) -> int:
        if closer in missing:
            return -1
        j = text.find(closer, start)
        if j < 0:
            missing.add(closer)
        return j

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "$":
                i += 2
                continue
            if nxt in "[(":
                close = "\\]" if nxt == "[" else "\\)"
                j = find(close, i + 2)
                if j >= 0:
                    spans.append((i, j + 2, text[i + 2:j], nxt == "["))
                    i = j + 2
                    continue
            m = _ENV_RE.match(text, i)
            if m:
                env = m.group(1)
                end_tag = f"\\end{{{env}}}"
                j = find(end_tag, m.end())
                if j >= 0:
                    latex = text[i:j + len(end_tag)]
                    if env in ("equation", "equation*", "displaymath"):
                        latex = text[m.end():j]
                    spans.append((i, j + len(end_tag), latex, True))
                    i = j + len(end_tag)
                    continue
            i += 2
            continue
        if c == "$":
            if text.startswith("$$", i):
                j = find("$$", i + 2)
                if j >= 0:
                    spans.append((i, j + 2, text[i + 2:j], True))
                    i = j + 2
                    continue
                i += 2
                continue
            j = _inline_end(text, i + 1)
            if j >= 0:
                spans.append((i, j + 1, text[i + 1:j], False))
                i = j + 1
                continue
        i += 1
    newlines = [k for k, ch in enumerate(text) if ch == "\n"] if "\n" in text else []
    out = []
    for start, end, latex, display in spans:
        if not latex.strip():
            continue
        line = first_line + bisect.bisect_left(newlines, start)  # linear overall: no recount per span
        end_line = first_line + bisect.bisect_left(newlines, end - 1)
        out.append(MathSpan(latex.strip(), line, end_line, display))
    return out


def _inline_end(text: str, i: int) -> int:
    """Index of the closing single $ of an inline span, or -1 (never crosses a blank line)."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "$":
            return i
        if c == "\n" and text.startswith("\n", i + 1):
            return -1
        if c == "\n" and text[i + 1:i + 3].strip() == "" and text.startswith("\n\n", i):
            return -1
        i += 1
    return -1
