"""The contract every check kind follows: a typed context in, a frozen outcome with a reason out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from grader.grading.results import Finding

if TYPE_CHECKING:  # imported for types only, to keep check modules light to import
    from grader.math.shapes import Notation
    from grader.course.directory import Course
    from grader.read.document import Document
    from grader.course.rubric import Question
    from grader.read.reading import Reading
    from grader.read.segment import Answer


class Verdict(str, Enum):
    """What one check concluded about one answer."""

    PASS = "pass"  # the check holds (right final answer, claim present, code correct)
    FAIL = "fail"  # the check does not hold, and the grader can say why
    UNKNOWN = "unknown"  # the grader could not decide (unparsable, nothing to compare)
    REVIEW = "review"  # by design a person decides (free text); `fraction` is the provisional credit


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at; checks never read files or globals on their own."""

    question: "Question"
    answer: "Answer"
    params: "Params"  # this check's rubric entry, validated into the kind's own Params model
    course: "Course"
    document: "Document"  # the whole submission (its extra files, e.g. `.py` answers)
    seed: int  # deterministic per submission and question
    timeout: float  # seconds this check may take
    label: str = ""  # the rubric's words for what this check looks for
    role: str = "answer"  # the check's role in the rubric: the `answer` is concluded; a `claim` or `item` may be any step
    # the answer read once (statements, sides, claims), shared by the question's checks; read here when not given
    reading: "Reading" = None  # type: ignore[assignment]
    # the readings of the answers this question builds on (the rubric's `builds_on`), in the rubric's order
    builds_on: tuple["Reading", ...] = ()

    def __post_init__(self) -> None:
        if self.reading is None:
            from grader.read.reading import Reading

            object.__setattr__(self, "reading", Reading(self.answer))

    @cached_property
    def notation(self) -> "Notation":
        """The question's `symbols:` block (the assignment's merged in): declared shapes and aliases."""
        from grader.math.shapes import EMPTY, Notation, NotationError

        try:
            return Notation.read(getattr(self.question, "symbols", None))
        except NotationError:  # `grader validate` reports it; grading goes on with the notation's defaults
            return EMPTY


@dataclass(frozen=True)
class CheckOutcome:
    """A check's result: never a bare bool, always a verdict with its reason.

    Findings and reasons are shown to students: they never quote a reference answer.
    """

    verdict: Verdict
    reason: str
    findings: tuple[Finding, ...] = ()
    fraction: float | None = None  # graded checks (speedup, keyword share): credit in [0, 1]
    details: dict[str, Any] = field(default_factory=dict)


class Params(BaseModel):
    """Base of every check's parameter model; unknown fields are rubric typos, so they are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# The PDF reader's mark for a glyph of a formula it could not rebuild (grader.read.pdf.rebuild.UNREADABLE): a
# formula holding it was not read, so it cannot be judged wrong.
UNREBUILT = "\\unreadable"


def review_unrebuilt(out: CheckOutcome, ctx: CheckContext) -> CheckOutcome:
    """A failing verdict on an answer holding an unrebuilt formula becomes a review: the formula may be the answer.
    The pipeline applies it to every check's outcome (a plugin's too), so no kind has to remember it."""
    if out.verdict is Verdict.FAIL and UNREBUILT in ctx.answer.text:
        return CheckOutcome(Verdict.REVIEW, "a formula of this answer could not be read from the PDF (a glyph "
                            "without a known meaning), so it is not judged: a TA reviews it", out.findings,
                            None, {**out.details, "unrebuilt_formula": True, "failed_because": out.reason})
    return out


class Check:
    """One kind of check. Subclasses set `name`, `Params`, and implement `run`."""

    name: ClassVar[str] = ""
    Params: ClassVar[type[Params]] = Params

    def run(self, ctx: CheckContext) -> CheckOutcome:  # pragma: no cover - interface
        raise NotImplementedError
