"""`pack_final_answer`: the final-answer check with each accepted form known only by its values at seeded points."""

from __future__ import annotations

from typing import Any

from grader.checks.base import Check, CheckContext, CheckOutcome, Verdict
from grader.checks.final_answer import (
    _candidates,  # the same reading of the answer as the full check
)
from grader.pack import points
from grader.pack.kinds.base import PackParams, not_checked
from grader.grading.results import Finding, Severity


class PackFinalAnswerParams(PackParams):
    target: str | tuple[str, ...] | None = None  # public: what the question asks for (one or several names)
    relation: tuple[str, ...] = ("=",)  # public: how the target is linked to the result
    assume: tuple[str, ...] = ()
    forms: tuple[dict[str, Any] | None, ...]  # fingerprints of the expected form and its alternatives; None: not held


class PackFinalAnswerCheck(Check):
    name = "pack_final_answer"
    Params = PackFinalAnswerParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: PackFinalAnswerParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "final answer"
        candidates = _candidates(ctx, p)  # type: ignore[arg-type]
        if not candidates:
            what = "no statement about the asked quantity" if p.target else "no math"
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: {what} found in the answer",
                                (Finding("final_answer", f"{label}: the grader found {what} to compare; "
                                         "write the result as an equation.", ctx.answer.line, ctx.answer.end_line,
                                         Severity.WARNING),))
        unknown_reasons = []
        for cand in reversed(candidates):
            for fp in p.forms:
                if fp is None:
                    continue
                v = points.compare(cand.latex, fp, p.assume, p.salt)
                if v.verdict == "equivalent":
                    return CheckOutcome(Verdict.PASS, f"{label}: stated at line {cand.line}",
                                        (Finding("final_answer", f"{label}: found at line {cand.line}.",
                                                 cand.line, cand.line, Severity.INFO),),
                                        details={"line": cand.line})
                if v.verdict == "unknown":
                    unknown_reasons.append(f"line {cand.line}: {v.reason}")
        last = candidates[-1]
        held = sum(fp is not None for fp in p.forms)
        if unknown_reasons and len(unknown_reasons) >= len(candidates):
            limit = next((r for r in unknown_reasons if "the pack" in r), None)
            if limit is not None:
                return not_checked(ctx, "final_answer", f"could not compare the result ({limit})")
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not compare ({unknown_reasons[0]})",
                                (Finding("final_answer", f"{label}: the grader could not read the result "
                                         f"({unknown_reasons[0]}).", last.line, last.line, Severity.WARNING),))
        if held < len(p.forms):
            return not_checked(ctx, "final_answer", "the result matches none of the forms the pack holds, "
                                                    "and some accepted forms cannot be put in a pack")
        return CheckOutcome(Verdict.FAIL, f"{label}: no stated result matches",
                            (Finding("final_answer", f"{label}: the result stated at line {last.line} is not right.",
                                     last.line, last.line, Severity.ERROR),))


CHECK = PackFinalAnswerCheck
