"""The contract every check kind follows: a typed context in, a frozen outcome with a reason out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum
import types
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

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


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _text_of_number(v: int | float) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else str(v)


def _options(annotation: Any) -> tuple[Any, ...]:
    """The types a field accepts: the members of a union, else the type itself (Annotated unwrapped)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for arg in get_args(annotation) for a in _options(arg))
    return (annotation,)


def _text_list_item(annotation: Any) -> Any:
    """The item type of a `tuple[X, ...]` option of the field, or None when it takes no list."""
    for option in _options(annotation):
        if get_origin(option) is tuple:
            args = get_args(option)
            if len(args) == 2 and args[1] is Ellipsis:
                return args[0]
    return None


def _takes_text_only(options: tuple[Any, ...]) -> bool:
    """Text is accepted and a number is not: there a number can only have been meant as its text."""
    return str in options and not any(o in (int, float) for o in options)


def _coerce(annotation: Any, value: Any) -> Any:
    """A number where text is asked becomes its text (`expected: 12`); one item where a list is asked becomes a
    list of one (`near: output`). Anything else is left for pydantic to accept or refuse."""
    options = _options(annotation)
    if isinstance(value, str) and str in options:
        return value  # text where text is taken (`target: y` stays text though a list of names is taken too)
    if _is_number(value) and _takes_text_only(options):
        return _text_of_number(value)
    item = _text_list_item(annotation)
    if item is None:
        return value
    if isinstance(value, str) or (_is_number(value) and _takes_text_only(_options(item))):
        value = [value]
    if isinstance(value, (list, tuple)) and _takes_text_only(_options(item)):
        return [_text_of_number(v) if _is_number(v) else v for v in value]
    return value


class Params(BaseModel):
    """Base of every check's parameter model; unknown fields are rubric typos, so they are refused.

    Every kind shares one leniency (`_coerce`): a number is read as text where a field takes text, and one item as a
    list of one where it takes a list; a real type error (a mapping where a list is asked) is still refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {k: (_coerce(fields[k].annotation, v) if k in fields else v) for k, v in data.items()}


def _readable_assumption(text: str) -> str:
    """One `assume` entry, read as the math reader reads it (grader/math/assume.py: plain text), or refused with what
    to write instead."""
    from grader.math.assume import assumptions
    from grader.math.errors import MathError

    try:
        assumptions([text])
    except MathError as exc:
        plain = _plain_assumption(text)
        hint = ""
        if plain != text:
            try:
                assumptions([plain])
                hint = f" (write '{plain}')"
            except MathError:
                pass
        why = str(exc).rpartition(": ")[2]
        raise ValueError(f"cannot read the assumption '{text}': {why}{hint}; an assumption is plain text, a "
                         "comparison such as 'lambda > 0', '0 <= beta < 1', 'n >> d' or 'k integer'") from None
    return text


_LATEX_RELATIONS = {r"\geq": ">=", r"\ge": ">=", r"\leq": "<=", r"\le": "<=", r"\gg": ">>", r"\ll": "<<",
                    r"\neq": "!=", r"\ne": "!="}


def _plain_assumption(text: str) -> str:
    """The plain-text spelling of a LaTeX comparison (`\\lambda \\geq 0` -> `lambda >= 0`), offered as a hint."""
    import re

    out = text.replace("$", "")
    for command, op in _LATEX_RELATIONS.items():
        out = re.sub(re.escape(command) + r"(?![A-Za-z])", f" {op} ", out)
    out = re.sub(r"\\([A-Za-z]+)", r"\1", out).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", out).strip()


# An `assume` field: plain-text assumptions, each checked by the math reader when the rubric is loaded
Assumption = Annotated[str, AfterValidator(_readable_assumption)]


# The PDF reader's mark for a glyph of a formula it could not rebuild (grader.read.pdf.rebuild.UNREADABLE): a
# formula holding it was not read, so it cannot be judged wrong.
UNREBUILT = "\\unreadable"


def sibling_params(ctx: CheckContext, kind: str, about: Callable[[Any], Hashable]) -> list[Any]:
    """The params of the question's other checks of `kind` about the same quantity as this one (`about` says
    which; None: no quantity named, no siblings): two checks about one quantity (the momentum rule and the running
    average, one head and h heads, the best and the second beam) are told apart by their values."""
    p = ctx.params
    mine = about(p)
    if mine is None or ctx.question is None:
        return []
    out = []
    for spec in getattr(ctx.question, "checks", ()):
        if spec.kind != kind or spec.label == ctx.label:
            continue
        try:
            other = type(p).model_validate(spec.params)
        except ValueError:
            continue
        if other != p and about(other) == mine:
            out.append(other)
    return out


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
