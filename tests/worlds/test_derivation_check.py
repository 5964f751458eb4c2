"""The `derivation` check kind: verdicts, findings at original lines, counts in the details, rubric params."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from grader.checks.base import CheckContext, Verdict
from grader.checks.derivation import CHECK, DerivationParams
from grader.read.ingest import Document
from grader.grading.results import Severity
from grader.grading.scoring import is_false_step
from grader.read.segment import Answer

INDUCTION = [
    "If the relation holds for $t-1$, then:",
    "$$\\mathbf{h}_t = \\mathbf{W}\\sigma(\\mathbf{h}_{t-1}) + \\mathbf{U}\\mathbf{x}_t + \\mathbf{b}$$",
    "Substituting $\\sigma(\\mathbf{h}_{t-1}) = \\mathbf{g}_{t-1}$:",
    "$$\\mathbf{h}_t = \\mathbf{W}\\mathbf{g}_{t-1} + \\mathbf{U}\\mathbf{x}_t + \\mathbf{b}$$",
    "$$\\sigma(\\mathbf{h}_t) = \\mathbf{g}_t$$",
]


def run(course, lines: list[str], numbers: list[int], **params):
    p = DerivationParams(world="worlds/rnn_world.py:induction", **params)
    doc = Document("w.md", tuple(lines), tuple(numbers))
    ctx = CheckContext(question=None, answer=Answer("1.1", tuple(lines), tuple(numbers)),  # type: ignore[arg-type]
                       params=p, course=course, document=doc, seed=0, timeout=10.0)
    return CHECK().run(ctx)


def test_correct_derivation_passes_with_counts(course) -> None:
    out = run(course, INDUCTION, [20, 21, 22, 23, 24])
    assert out.verdict is Verdict.PASS and not out.findings
    assert out.details["evaluated"] == 4 and out.details["false"] == 0
    assert "none false" in out.reason


def test_false_step_is_an_error_at_its_original_line(course) -> None:
    lines = list(INDUCTION)
    lines[3] = "$$\\mathbf{h}_t = \\mathbf{W}\\mathbf{g}_{t-1} - \\mathbf{U}\\mathbf{x}_t + \\mathbf{b}$$"
    out = run(course, lines, [20, 21, 22, 23, 24])
    assert out.verdict is Verdict.FAIL
    (finding,) = out.findings
    assert finding.line == 23 and finding.severity is Severity.ERROR and is_false_step(finding)
    assert "left" in finding.message and "right" in finding.message and "t = " in finding.message


def test_nothing_evaluable_is_unknown(course) -> None:
    out = run(course, ["The recurrence is what it is.", "$$\\zeta = \\xi$$"], [1, 2])
    assert out.verdict is Verdict.UNKNOWN and not out.findings


def test_aliases_bind_student_names(course) -> None:
    lines = ["$$\\mathbf{h}_t = \\mathbf{A}\\mathbf{g}_{t-1} + \\mathbf{U}\\mathbf{x}_t + \\mathbf{b}$$"]
    assert run(course, lines, [5]).verdict is Verdict.UNKNOWN
    assert run(course, lines, [5], aliases={"A": "W"}).verdict is Verdict.PASS


def test_params_refuse_typos() -> None:
    with pytest.raises(ValidationError):
        DerivationParams(world="worlds/rnn_world.py:induction", draw=2)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        DerivationParams(world="worlds/rnn_world.py:induction", draws=0)


def test_world_that_is_not_a_world_is_unknown(course) -> None:
    p = DerivationParams(world="worlds/rnn_world.py:ACTS")
    ctx = CheckContext(question=None, answer=Answer("1", ("$a=b$",), (1,)), params=p,  # type: ignore[arg-type]
                       course=course, document=Document("w.md", ("$a=b$",), (1,)), seed=0, timeout=5.0)
    assert CHECK().run(ctx).verdict is Verdict.UNKNOWN
