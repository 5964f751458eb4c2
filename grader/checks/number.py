"""The `number` check: a numeric result matched with the tolerance of the precision the student printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict, sibling_params
from grader.grading.results import Finding, Severity
from grader.read.reading import Mark, conclusion, mark_before

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
    mark: Mark = Mark()  # how the prose before it presents it ("so", "the answer is")
    reading: str = ""  # how it was read when not as written ("k = 3 (line 2) substituted")


class NumberCheck(Check):
    name = "number"
    Params = NumberParams

    def candidates(self, ctx: CheckContext, p: NumberParams) -> list[Candidate]:
        """The numbers the student offers as the result (a self-check pack reads them so too)."""
        reading = ctx.reading
        # a number question asks for the value in its own setting: "for $n = 28$" is no special case here
        def mark(m: Mark) -> Mark:
            return Mark(m.strength)

        if p.target is None:
            out = [Candidate(item, s.line, s.index == s.of - 1, mark=mark(s.mark))
                   for s in reading.sides for item in reading.items[s.latex]]
        else:
            # only the sides of statements that name the target on another side
            out = []
            for group in reading.groups:
                named = [reading.same_quantity(s.latex, p.target) for s in group]
                if any(named):
                    out.extend(Candidate(item, s.line, s.index == s.of - 1, mark=mark(s.mark))
                               for s, n in zip(group, named) if not n for item in reading.items[s.latex])
        if p.near:
            for text, number in zip(ctx.answer.lines, ctx.answer.line_numbers):
                low = text.lower()
                if any(w.lower() in low for w in p.near):
                    masked = re.sub(r"\$[^$]*\$", lambda m: " " * len(m.group(0)), text)
                    out.extend(Candidate(m.group(0), number, False, mark=mark(mark_before(text[:m.start()])))
                               for m in NUMBER.finditer(masked))
            out.sort(key=lambda c: c.line)
        out = [c for c in _substituted(reading, out, p.target) if re.search(r"\d", c.text)]
        if not out:  # no math states a number: a plain-text write-up ("The output size is 13.")
            from grader.read.reading import prose_numbers

            out = [Candidate(text, line, True, True)
                   for text, line in prose_numbers(ctx.answer.lines, ctx.answer.line_numbers, ctx.label, p.target)]
        return out

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_number

        p: NumberParams = ctx.params  # type: ignore[assignment]
        others = [lambda c, o=o: compare_number(c, o.expected) for o in siblings(ctx)]
        return self.decide(ctx, self.candidates(ctx, p), lambda c: compare_number(c, p.expected), others)

    def decide(self, ctx: CheckContext, candidates: list[Candidate],
               compare: Callable[[str], Any], others: Sequence[Callable[[str], Any]] = ()) -> CheckOutcome:
        """The verdict from the candidates, whatever compares them (the reference, or a pack's hashes).
        `others` compare a value with the question's other number checks about the same quantity (the best
        and the second beam): a value one of them expects is that check's, never this one's conclusion."""
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
            if c.reading:
                how = f"{c.reading}{', ' + how if how else ''}"
            if c.prose:
                how = f"read from the text{', ' + how if how else ''}"
            verdicts.append((v, c.line, how))
        # the conclusion decides the `answer` where the asked quantity is known; a claim or an item: any value
        asked = bool(getattr(ctx.params, "target", None) or getattr(ctx.params, "near", ())) and ctx.role == "answer"
        if asked:
            keep = [k for k, (c, v) in enumerate(zip(candidates, verdicts)) if v[0].verdict == "equivalent"
                    or not any(o(c.text).verdict == "equivalent" for o in others)] if others else []
            if others and keep:
                candidates, verdicts = [candidates[k] for k in keep], [verdicts[k] for k in keep]
            return self._concluded(label, candidates, verdicts)
        for v, line, how in reversed(verdicts):
            if v.verdict == "equivalent":
                return _right(label, line, how)
        if all(v.verdict == "unknown" for v, _, _ in verdicts):
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the value ({verdicts[-1][0].reason})")
        return _wrong(label, verdicts[-1][1], verdicts[-1][2])

    @staticmethod
    def _concluded(label: str, candidates: list[Candidate], verdicts: list[tuple[Any, int, str]]) -> CheckOutcome:
        """With the asked quantity known (a target, words before it), the conclusion decides: the last statement
        marked as the answer, else the last one; any value of a list or chain in it may be the one asked."""
        # the values of one line are one statement: a list, a chain, or words around them ("after step 2 ... -9.3")
        statement = [c.line for c in candidates]
        chosen = conclusion([c.mark for c in candidates], statement)

        def of(group: int) -> tuple[str, int, str]:
            members = [verdicts[i] for i in range(len(candidates)) if statement[i] == group]
            hit = next((m for m in reversed(members) if m[0].verdict == "equivalent"), None)
            if hit is not None:
                return "equivalent", hit[1], hit[2]
            last = members[-1]
            return ("unknown" if all(m[0].verdict == "unknown" for m in members) else "different"), last[1], last[2]

        final = statement[chosen.final]
        verdict, line, how = of(final)
        rivals = {statement[i] for i in chosen.rivals}
        clash = next((of(g) for g in sorted(rivals, key=statement.index)
                      if of(g)[0] not in ("unknown", verdict)), None)
        if clash is not None and verdict != "unknown":
            first, second = sorted((clash[1], line))
            return CheckOutcome(Verdict.REVIEW, f"{label}: two different final values (lines {first} and {second})",
                                (Finding("number", f"{label}: the answer states two different values (lines {first} "
                                         f"and {second}); a person decides which one is meant.", first, second,
                                         Severity.WARNING),), fraction=0.5)
        if verdict == "equivalent":
            return _right(label, line, how)
        earlier = next((of(statement[i]) for i in chosen.steps if statement[i] != final
                        and of(statement[i])[0] == "equivalent"), None)
        if verdict == "unknown":
            if earlier is not None:
                return _right(label, earlier[1], earlier[2])
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the value ({verdicts[chosen.final][0].reason})")
        if earlier is not None and earlier[1] != line:
            said = f" ({how})" if how else ""
            return CheckOutcome(Verdict.FAIL, f"{label}: wrong value{said}",
                                (Finding("number", f"{label}: the value concluded at line {line} is not right{said}; "
                                         f"the value at line {earlier[1]} was, but the conclusion is what counts.",
                                         earlier[1], line, Severity.ERROR),))
        return _wrong(label, line, how)


def _substituted(reading: Any, candidates: list[Candidate], target: str | None) -> list[Candidate]:
    """Each candidate with the answer's definitions of new symbols substituted ("$N = k^2$ where $k = 3$" states
    9), as final_answer reads them; the asked quantity itself is never one ("let $N = 9$" is the answer)."""
    from grader.checks.final_answer import new_definitions
    from grader.math import MathError, parse
    from grader.math.printer import Unprintable, to_latex
    from grader.math.solve import substitute

    definitions = new_definitions(reading.definitions, () if target is None else (target,))
    if not definitions:
        return candidates
    out = []
    for c in candidates:
        try:
            node = root = parse(c.text).root
        except (MathError, RecursionError):
            out.append(c)
            continue
        used: list[str] = []
        for _ in range(3):  # a definition may use another
            before = node
            for name, value, line, latex in definitions:
                after = substitute(node, {name: value})
                if after != node and f"{latex} (line {line}) substituted" not in used:
                    used.append(f"{latex} (line {line}) substituted")
                node = after
            if node == before:
                break
        try:
            out.append(c if node == root else replace(c, text=to_latex(node), reading="; ".join(used)))
        except (Unprintable, RecursionError):
            out.append(c)
    return out


def siblings(ctx: CheckContext) -> list[Any]:
    """The params of the question's other checks of this kind about the same quantity (the same `target` and
    `near` words): the log-likelihoods of the best and the second beam are told apart by their values."""
    kind = "pack_number" if type(ctx.params).__name__.startswith("Pack") else "number"
    return sibling_params(ctx, kind, lambda q: (getattr(q, "target", None), tuple(getattr(q, "near", ()))))


def _right(label: str, line: int, how: str) -> CheckOutcome:
    said = f" ({how})" if how else ""
    return CheckOutcome(Verdict.PASS, f"{label}: right value at line {line}{said}",
                        (Finding("number", f"{label}: right value at line {line}{said}.", line, line,
                                 Severity.INFO),))


def _wrong(label: str, line: int, how: str) -> CheckOutcome:
    said = f" ({how})" if how else ""
    return CheckOutcome(Verdict.FAIL, f"{label}: wrong value{said}",
                        (Finding("number", f"{label}: the value at line {line} is not right{said}.", line, line,
                                 Severity.ERROR),))


CHECK = NumberCheck
