"""The `derivation` check kind: verdicts, findings at original lines, counts in the details, rubric params."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from grader.checks.base import CheckContext, Verdict
from grader.checks.derivation import CHECK, DerivationParams
from grader.read.document import Document
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


# part (a) defines the kernel size and the stride; part (b) uses k for a wider kernel it never writes down
CONV = """# Convolutions

## 2.a

The kernel size is $k = 3$ and the stride is $s = 2$, so on an input of length 9
$$\\frac{9 - k}{s} + 1 = 4$$

## 2.b

Now the kernel is wider. With an input of length $n = 7$ and stride one the output has length
$$n - k + 1 = 3$$

## 2.c

With the kernel and stride of 2.a, an input of length 11 gives
$$\\frac{11 - k}{s} + 1 = 5$$
"""


def grade_conv(course, builds_b: str = "", builds_c: str = ""):
    from pathlib import Path

    from grader.course.rubric import parse_rubric
    from grader.grading.pipeline import grade_document

    check = '[{kind: derivation, role: steps, world: "worlds/arithmetic_world.py:numbers"}]'
    text = "assignment: conv\nquestions:\n" + "".join(
        f'  - id: "{qid}"\n    points: 2\n    checks: {check}\n' + (f"    builds_on: {b}\n" if b else "")
        for qid, b in (("2.a", ""), ("2.b", builds_b), ("2.c", builds_c)))
    rubric = parse_rubric(text, Path("conv.yaml"))
    lines = tuple(CONV.split("\n"))
    doc = Document("conv.md", lines, tuple(range(1, len(lines) + 1)))
    result = grade_document("conv.md", doc, rubric, course, student="s")
    return {q.id: q.details["checks"][0] for q in result.questions}, {q.id: q.findings for q in result.questions}


def test_definitions_stay_in_the_answer_that_states_them(course) -> None:
    checks, findings = grade_conv(course)
    assert checks["2.a"]["verdict"] == "pass" and checks["2.a"]["details"]["evaluated"] == 3
    # k = 3 of part (a) is not the k of part (b): its step is not evaluated, never reported false
    assert checks["2.b"]["verdict"] == "pass" and not findings["2.b"]
    assert checks["2.b"]["details"]["evaluated"] == 1  # only n = 7
    # part (c) uses k and s without the rubric saying it builds on (a): nothing to evaluate
    assert checks["2.c"]["verdict"] == "unknown"


def test_builds_on_lends_the_definitions_of_another_answer(course) -> None:
    checks, findings = grade_conv(course, builds_c='["2.a"]')
    assert checks["2.c"]["verdict"] == "pass" and checks["2.c"]["details"]["evaluated"] == 1
    # where the rubric says (b) builds on (a), k is 3 there too, and n - k + 1 = 3 is false (left 5)
    checks, findings = grade_conv(course, builds_b='["2.a"]')
    assert checks["2.b"]["verdict"] == "fail"
    (finding,) = findings["2.b"]
    assert finding.line == 11 and "left 5, right 3" in finding.message


def test_an_answer_redefining_a_symbol_it_builds_on_uses_its_own(course) -> None:
    lines = ["With $k = 5$ this time:", "$$n - k + 1 = 3$$"]
    base = ["$k = 3$", "$n = 7$"]
    from grader.read.reading import statements
    from grader.worlds import steps
    from grader.worlds.measure import load_world

    world = load_world(course.reference, "worlds/arithmetic_world.py:numbers")
    report = steps.check(statements(lines, [1, 2]), world, builds_on=[statements(base, [1, 2])])
    # "with $k = 5$" is a setting (not itself counted as a checked step); the step after it uses 5, not 3
    assert not report.false and report.evaluated == 1 and report.verdicts[1].results[0].status == "held"
    report = steps.check(statements(lines[1:], [2]), world, builds_on=[statements(base, [1, 2])])
    assert [v.statement.line for v in report.false] == [2]
