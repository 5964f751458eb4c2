"""The `final_answer` check: the answer states something equivalent to the reference, by sympy and random points."""

from __future__ import annotations

from grader.read import reading as rd
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity


class FinalAnswerParams(Params):
    expected: str  # LaTeX of the reference: an expression (with `target`) or a whole relation
    target: str | tuple[str, ...] | None = None  # LaTeX of what the answer gives ("\\lambda"), or its several names
    relation: tuple[str, ...] = ("=",)  # how the target must be related to the result: "=", "<=", "<", ">=", ">"
    alternatives: tuple[str, ...] = ()  # other accepted forms (e.g. the other sign convention)
    assume: tuple[str, ...] = ()  # plain-text assumptions: "delta >= 0", "gamma > 0"


def _candidates(ctx: CheckContext, p: FinalAnswerParams) -> list[rd.Side]:
    """What the student offers as the answer: sides of relations about `target`, or whole relations."""
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


class FinalAnswerCheck(Check):
    name = "final_answer"
    Params = FinalAnswerParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import equivalent

        p: FinalAnswerParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "final answer"
        candidates = _candidates(ctx, p)
        if not candidates:
            what = "no statement about the asked quantity" if p.target else "no math"
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: {what} found in the answer",
                                (Finding("final_answer", f"{label}: the grader found {what} to compare; "
                                         "write the result as an equation.", ctx.answer.line, ctx.answer.end_line,
                                         Severity.WARNING),))
        unknown_reasons = []
        # the last statement is the final one; an earlier equivalent form also counts as stated
        for cand in reversed(candidates):
            for ref in (p.expected, *p.alternatives):
                v = equivalent(cand.latex, ref, p.assume)
                if v.verdict == "equivalent":
                    return CheckOutcome(Verdict.PASS, f"{label}: stated at line {cand.line}",
                                        (Finding("final_answer", f"{label}: found at line {cand.line}.",
                                                 cand.line, cand.line, Severity.INFO),),
                                        details={"line": cand.line})
                if v.verdict == "unknown":
                    unknown_reasons.append(f"line {cand.line}: {v.reason}")
        last = candidates[-1]
        if unknown_reasons and len(unknown_reasons) >= len(candidates):
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not compare ({unknown_reasons[0]})",
                                (Finding("final_answer", f"{label}: the grader could not read the result "
                                         f"({unknown_reasons[0]}).", last.line, last.line, Severity.WARNING),))
        return CheckOutcome(Verdict.FAIL, f"{label}: no stated result matches",
                            (Finding("final_answer", f"{label}: the result stated at line {last.line} is not right.",
                                     last.line, last.line, Severity.ERROR),))


CHECK = FinalAnswerCheck
