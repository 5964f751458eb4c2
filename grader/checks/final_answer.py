"""The `final_answer` check: the answer states something equivalent to the reference, by sympy and random points."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from grader.read import reading as rd
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

if TYPE_CHECKING:  # for types only: the math layer is imported when a check runs
    from grader.math.verdict import Verdict as MathVerdict

Form = TypeVar("Form")  # what the comparator compares with: the reference's LaTeX, or a pack's fingerprint


class FinalAnswerParams(Params):
    expected: str  # LaTeX of the reference: an expression (with `target`) or a whole relation
    target: str | tuple[str, ...] | None = None  # LaTeX of what the answer gives ("\\lambda"), or its several names
    relation: tuple[str, ...] = ("=",)  # how the target must be related to the result: "=", "<=", "<", ">=", ">"
    alternatives: tuple[str, ...] = ()  # other accepted forms (e.g. the other sign convention)
    assume: tuple[str, ...] = ()  # plain-text assumptions: "delta >= 0", "gamma > 0"


def read_candidates(ctx: CheckContext, p: FinalAnswerParams) -> list[rd.Side]:
    """What the student offers as the answer: sides of relations about `target`, or whole relations (the check
    and a self-check pack read it so alike)."""
    all_sides = ctx.reading.sides
    if p.target is None:
        seen, out = set(), []
        for s in all_sides:
            key = (s.relation, s.line)
            if key not in seen:
                seen.add(key)
                out.append(rd.Side(s.relation, s.line, 0, 1, s.relation))
        return out
    targets = (p.target,) if isinstance(p.target, str) else p.target
    allowed = {rd.relation_symbol(r) for r in p.relation}
    out = []
    for group in ctx.reading.groups:
        if len(group) < 2:
            continue
        # the target as written (`\lambda`), not any side that happens to have its value
        is_target = [any(ctx.reading.same_quantity(s.latex, t) for t in targets) for s in group]
        ops = [rd.relation_symbol(o) for o in group[0].ops]
        for j, side in enumerate(group):
            if is_target[j]:
                continue
            # a result is linked to a target through relations of the asked kind only (`b \le m` is not `b = m`)
            if any(is_target[i] and all(op in allowed for op in ops[min(i, j):max(i, j)]) for i in range(len(group))):
                out.append(side)
    return out


def _never(reason: str) -> bool:
    return False


def decide(ctx: CheckContext, candidates: Sequence[rd.Side], forms: Sequence[Form | None],
           compare: Callable[[str, Form], MathVerdict],
           undecided: Callable[[str | None], CheckOutcome] | None = None,
           limit: Callable[[str], bool] = _never) -> CheckOutcome:
    """The verdict from the answer's candidate results, each compared with every accepted form.

    `compare(latex, form)` compares a result with one form: the reference itself in grading, its fingerprint in a
    self-check pack. A None form is one the comparator does not hold. Where the comparator's limits rather than
    the answer leave the result open, `undecided` gives the outcome: called with the first `unknown` reason that
    `limit` marks as such a limit, or with None when no held form matched and some forms are not held."""
    label = ctx.label or "final answer"
    if not candidates:
        what = "no statement about the asked quantity" if getattr(ctx.params, "target", None) else "no math"
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: {what} found in the answer",
                            (Finding("final_answer", f"{label}: the grader found {what} to compare; "
                                     "write the result as an equation.", ctx.answer.line, ctx.answer.end_line,
                                     Severity.WARNING),))
    unknown_reasons = []
    # the last statement is the final one; an earlier equivalent form also counts as stated
    for cand in reversed(candidates):
        for form in forms:
            if form is None:
                continue
            v = compare(cand.latex, form)
            if v.verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: stated at line {cand.line}",
                                    (Finding("final_answer", f"{label}: found at line {cand.line}.",
                                             cand.line, cand.line, Severity.INFO),),
                                    details={"line": cand.line})
            if v.verdict == "unknown":
                unknown_reasons.append(f"line {cand.line}: {v.reason}")
    last = candidates[-1]
    if unknown_reasons and len(unknown_reasons) >= len(candidates):
        limited = next((r for r in unknown_reasons if limit(r)), None)
        if undecided is not None and limited is not None:
            return undecided(limited)
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not compare ({unknown_reasons[0]})",
                            (Finding("final_answer", f"{label}: the grader could not read the result "
                                     f"({unknown_reasons[0]}).", last.line, last.line, Severity.WARNING),))
    if undecided is not None and any(form is None for form in forms):
        return undecided(None)
    return CheckOutcome(Verdict.FAIL, f"{label}: no stated result matches",
                        (Finding("final_answer", f"{label}: the result stated at line {last.line} is not right.",
                                 last.line, last.line, Severity.ERROR),))


class FinalAnswerCheck(Check):
    name = "final_answer"
    Params = FinalAnswerParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import equivalent

        p: FinalAnswerParams = ctx.params  # type: ignore[assignment]
        candidates = read_candidates(ctx, p)
        return decide(ctx, candidates, (p.expected, *p.alternatives),
                      lambda latex, ref: equivalent(latex, ref, p.assume, ctx.notation))


CHECK = FinalAnswerCheck
