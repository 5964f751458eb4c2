"""Split a write-up into one answer per rubric question id, robust to conversion artifacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.ingest import Document


@dataclass(frozen=True)
class Answer:
    """The student's own text for one question: lines (question text removed) and their original numbers."""

    question_id: str
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    heading_line: int | None = None  # original line of the heading / number that opened the answer

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def found(self) -> bool:
        return any(line.strip() for line in self.lines)

    @property
    def line(self) -> int | None:
        return self.line_numbers[0] if self.line_numbers else self.heading_line

    @property
    def end_line(self) -> int | None:
        return self.line_numbers[-1] if self.line_numbers else self.heading_line


def segment(document: Document, question_ids: Sequence[str],
            prompts: Mapping[str, str] | None = None) -> dict[str, Answer | None]:
    """Map every question id to its answer, or None when it cannot be found (then it is `missing`).

    `prompts` optionally gives the handout's question text per id, so that text repeated
    before an answer is not taken for the answer.
    """
    raise NotImplementedError  # implemented in the segmentation work
