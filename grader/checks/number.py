"""The `number` check: a numeric result matched with the tolerance of the precision the student printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

NUMBER = re.compile(r"(?<![\w.^_{])-?\d+(?:\.\d+)?(?:\s*\\%|%)?")


class NumberParams(Params):
    expected: str  # the reference value, LaTeX or decimal: "\\frac{31}{12}", "-2.3"
    target: str | None = None  # LaTeX of what the number is, to pick it out: "\\log p(w^*)"
    near: tuple[str, ...] = ()  # words on the line before the number, when there is no equation to read


@dataclass(frozen=True)
class Candidate:
    """A value the answer states, where, and how it may be read."""

    text: str
    line: int
    last: bool = True  # it ends its statement: `13 \times 13` there may be a size per side, not `13 \times 13 = 169`
    prose: bool = False  # read from prose outside math (a write-up without math delimiters)


class NumberCheck(Check):
    name = "number"
    Params = NumberParams

    def candidates(self, ctx: CheckContext, p: NumberParams) -> list[Candidate]:
        """The numbers the student offers as the result (a self-check pack reads them so too)."""
        reading = ctx.reading
        if p.target is None:
            out = [Candidate(item, s.line, s.index == s.of - 1) for s in reading.sides for item in reading.items[s.latex]]
        else:
            # only the sides of statements that name the target on another side
            out = []
            for group in reading.groups:
                named = [reading.same_quantity(s.latex, p.target) for s in group]
                if any(named):
                    out.extend(Candidate(item, s.line, s.index == s.of - 1) for s, n in zip(group, named) if not n
                               for item in reading.items[s.latex])
        if p.near:
            for text, number in zip(ctx.answer.lines, ctx.answer.line_numbers):
                low = text.lower()
                if any(w.lower() in low for w in p.near):
                    out.extend(Candidate(m.group(0), number, False)
                               for m in NUMBER.finditer(re.sub(r"\$[^$]*\$", " ", text)))
        out = [c for c in out if re.search(r"\d", c.text)]
        if not out:  # no math states a number: a plain-text write-up ("The output size is 13.")
            from grader.read.reading import prose_numbers

            out = [Candidate(text, line, True, True)
                   for text, line in prose_numbers(ctx.answer.lines, ctx.answer.line_numbers, ctx.label)]
        return out

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_number

        p: NumberParams = ctx.params  # type: ignore[assignment]
        return self.decide(ctx, self.candidates(ctx, p), lambda c: compare_number(c, p.expected))

    def decide(self, ctx: CheckContext, candidates: list[Candidate],
               compare: Callable[[str], Any]) -> CheckOutcome:
        """The verdict from the candidates, whatever compares them (the reference, or a pack's hashes)."""
        from grader.math.numbers import equal_factors

        label = ctx.label or "numeric result"
        if not candidates:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no number found",
                                (Finding("number", f"{label}: no numeric result was found.", ctx.answer.line,
                                         ctx.answer.end_line, Severity.WARNING),))
        verdicts = []
        for c in candidates:
            v, how = compare(c.text), ""
            side = equal_factors(c.text) if c.last and v.verdict != "equivalent" else None
            if side is not None:  # `13 \times 13` for a size asked as one number: one side of it
                per_side = compare(side)
                if per_side.verdict == "equivalent":
                    v, how = per_side, f"{c.text.strip()} read as {side} per side"
            if c.prose:
                how = f"read from the text{', ' + how if how else ''}"
            verdicts.append((v, c.line, how))
        for v, line, how in reversed(verdicts):
            if v.verdict == "equivalent":
                said = f" ({how})" if how else ""
                return CheckOutcome(Verdict.PASS, f"{label}: right value at line {line}{said}",
                                    (Finding("number", f"{label}: right value at line {line}{said}.", line, line,
                                             Severity.INFO),))
        if all(v.verdict == "unknown" for v, _, _ in verdicts):
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the value ({verdicts[-1][0].reason})")
        line, how = verdicts[-1][1], verdicts[-1][2]
        said = f" ({how})" if how else ""
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong value{said}",
                            (Finding("number", f"{label}: the value at line {line} is not right{said}.", line, line,
                                     Severity.ERROR),))


CHECK = NumberCheck
