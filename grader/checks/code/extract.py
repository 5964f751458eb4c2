"""Finding the code of an answer: its fenced python blocks, or a `.py` file of the submission, with line numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\w*)")


@dataclass(frozen=True)
class Code:
    """The code of an answer, with the original line of each of its lines."""

    source: str
    lines: tuple[int, ...]
    file: str | None  # a `.py` file of the submission, or None for the write-up itself

    def line(self, code_line: int | None) -> int | None:
        if code_line is None or not self.lines:
            return None
        return self.lines[min(max(code_line, 1), len(self.lines)) - 1]


def fenced_python(lines: Sequence[str], numbers: Sequence[int]) -> Code | None:
    """Every fenced python block of an answer, joined in order."""
    out: list[str] = []
    where: list[int] = []
    fence: str | None = None
    for text, number in zip(lines, numbers):
        m = _FENCE.match(text)
        if fence is None:
            if m and m.group(2).lower() in ("python", "py", "python3"):
                fence = m.group(1)
        elif m and m.group(1).startswith(fence[0]) and len(m.group(1)) >= len(fence) and not m.group(2):
            fence = None
        else:
            out.append(text)
            where.append(number)
    return Code("\n".join(out) + "\n", tuple(where), None) if out else None


def find_code(answer_lines: Sequence[str], answer_numbers: Sequence[int], files: dict[str, str],
              function: str) -> Code | None:
    """The answer's python blocks if they define `function`, else a `.py` file of the submission that does."""
    defines = re.compile(rf"^\s*(async\s+)?def\s+{re.escape(function)}\s*\(", re.MULTILINE)
    block = fenced_python(answer_lines, answer_numbers)
    if block is not None and defines.search(block.source):
        return block
    for name in sorted(files):
        if name.endswith(".py") and defines.search(files[name]):
            text = files[name]
            return Code(text, tuple(range(1, text.count("\n") + 2)), name)
    return block
