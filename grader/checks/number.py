"""The `number` check: a numeric result matched with the tolerance of the precision the student printed."""

from __future__ import annotations

import re
from typing import Any, Callable

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

NUMBER = re.compile(r"(?<![\w.^_{])-?\d+(?:\.\d+)?(?:\s*\\%|%)?")


class NumberParams(Params):
    expected: str  # the reference value, LaTeX or decimal: "\\frac{31}{12}", "-2.3"
    target: str | None = None  # LaTeX of what the number is, to pick it out: "\\log p(w^*)"
    near: tuple[str, ...] = ()  # words on the line before the number, when there is no equation to read


class NumberCheck(Check):
    name = "number"
    Params = NumberParams

    def _candidates(self, ctx: CheckContext, p: NumberParams) -> list[tuple[str, int]]:
        reading = ctx.reading
        if p.target is None:
            out = [(item, s.line) for s in reading.sides for item in reading.items[s.latex]]
        else:
            # only the sides of statements that name the target on another side
            out = []
            for group in reading.groups:
                named = [reading.same_quantity(s.latex, p.target) for s in group]
                if any(named):
                    out.extend((item, s.line) for s, n in zip(group, named) if not n
                               for item in reading.items[s.latex])
        if p.near:
            for text, number in zip(ctx.answer.lines, ctx.answer.line_numbers):
                low = text.lower()
                if any(w.lower() in low for w in p.near):
                    out.extend((m.group(0), number) for m in NUMBER.finditer(re.sub(r"\$[^$]*\$", " ", text)))
        return [(c, line) for c, line in out if re.search(r"\d", c)]

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_number

        p: NumberParams = ctx.params  # type: ignore[assignment]
        return self.decide(ctx, self._candidates(ctx, p), lambda c: compare_number(c, p.expected))

    def decide(self, ctx: CheckContext, candidates: list[tuple[str, int]],
               compare: Callable[[str], Any]) -> CheckOutcome:
        """The verdict from the candidates, whatever compares them (the reference, or a pack's hashes)."""
        label = ctx.label or "numeric result"
        if not candidates:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no number found",
                                (Finding("number", f"{label}: no numeric result was found.", ctx.answer.line,
                                         ctx.answer.end_line, Severity.WARNING),))
        verdicts = [(compare(c), line) for c, line in candidates]
        for v, line in reversed(verdicts):
            if v.verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: right value at line {line}",
                                    (Finding("number", f"{label}: right value at line {line}.", line, line,
                                             Severity.INFO),))
        if all(v.verdict == "unknown" for v, _ in verdicts):
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the value ({verdicts[-1][0].reason})")
        line = verdicts[-1][1]
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong value",
                            (Finding("number", f"{label}: the value at line {line} is not right.", line, line,
                                     Severity.ERROR),))


CHECK = NumberCheck
