"""`free_text.decide`: evidence per rubric point and its share of the weight; unsearched points say so."""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.base import CheckContext, Verdict
from grader.checks.free_text import FreeTextParams, Point, decide
from grader.read.segment import Answer


@dataclass(frozen=True)
class Hit:
    line: int
    text: str


def ctx(text: str) -> CheckContext:
    return CheckContext(question=None, answer=Answer("1", (text,), (7,)), params=FreeTextParams(),  # type: ignore[arg-type]
                        course=None, document=None, seed=0, timeout=1.0)  # type: ignore[arg-type]


def test_short_answers_fail() -> None:
    out = decide(ctx("too short"), 5, [Point(1.0, Hit(7, "short"))])
    assert out.verdict is Verdict.FAIL and out.fraction is None


def test_share_of_the_weight_and_one_finding_per_point() -> None:
    points = [Point(2.0, Hit(7, "because")), Point(1.0), Point(1.0, None, "by the pack (a pattern)")]
    out = decide(ctx("one two three four five six"), 5, points, {"why": "x"})
    assert (out.verdict, out.fraction, out.details) == (Verdict.REVIEW, 0.5, {"why": "x"})
    assert [f.kind for f in out.findings] == ["evidence", "evidence", "pack"]
    assert out.findings[0].message == "Evidence for rubric point 1 of 3: \u201cbecause\u201d"
    assert out.findings[2].message == "Rubric point 3 of 3: not checked by the pack (a pattern)"
    assert decide(ctx("one two three four five six"), 5, []).fraction == 0.0
