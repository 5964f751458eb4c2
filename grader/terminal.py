"""Text for a TA's terminal: student-controlled control and bidi characters are shown escaped, never sent raw."""

from __future__ import annotations


def safe(text: str) -> str:
    """`text` with every non-printable character but newline and tab escaped (`\\x1b`, `\\u202e`)."""
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text)
