"""The `complexity` check: an O/Θ/Ω claim in the answer against the reference class, loose bounds partly credited."""

from __future__ import annotations

from grader import answer_math
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.results import Finding, Severity


class ComplexityParams(Params):
    expected: str  # e.g. "O(T N^2)"; Θ when the question asks for Θ
    alternatives: tuple[str, ...] = ()  # other classes that are right under another reading of the question
    near: tuple[str, ...] = ()  # words that introduce the claim on its line ("time"); empty: any claim
    avoid: tuple[str, ...] = ()  # words that introduce another claim ("space")
    require_theta: bool = False  # the question asks for a tight (Θ) answer
    loose_credit: float = 0.5  # share of the points for a correct but loose bound
    bound_credit: float = 0.5  # share for the right growth stated with O (or Ω) where Θ is asked
    assume: tuple[str, ...] = ()  # "n >> d"


def _rank(v: object) -> int:
    """Best verdict first: equivalent, then a loose bound, then unknown, then different."""
    verdict, tight = getattr(v, "verdict"), getattr(v, "tight")
    return 0 if verdict == "equivalent" else 1 if tight is False else 2 if verdict == "unknown" else 3


class ComplexityCheck(Check):
    name = "complexity"
    Params = ComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_complexity

        p: ComplexityParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "complexity"
        claims = answer_math.asymptotic_claims(ctx.answer)
        if p.near:
            def about(before: str) -> bool:
                low = before.lower()
                hits = [(low.rfind(w.lower()), True) for w in p.near] + [(low.rfind(w.lower()), False) for w in p.avoid]
                pos, wanted = max(hits)
                return pos >= 0 and wanted
            near = [c for c in claims if about(c[2])]
            claims = near or [c for c in claims if not any(w.lower() in c[2].lower() for w in p.avoid)]
        if not claims:
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: no O/Θ/Ω claim found",
                                (Finding("complexity", f"{label}: no complexity claim (O, Θ or Ω) was found.",
                                         ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))
        references = (p.expected, *p.alternatives)
        verdicts = [(min((compare_complexity(claim, ref, p.assume, p.require_theta) for ref in references),
                         key=_rank), line) for claim, line, _ in claims]
        for v, line in verdicts:
            if v.verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: right class (line {line})",
                                    (Finding("complexity", f"{label}: the class at line {line} is right.", line, line,
                                             Severity.INFO),))
        if p.require_theta:
            for (claim, line, _), _v in zip(claims, verdicts):
                if any(compare_complexity(claim, ref, p.assume).verdict == "equivalent" for ref in references):
                    return CheckOutcome(Verdict.PASS, f"{label}: right growth, but not stated as Θ (line {line})",
                                        (Finding("complexity", f"{label}: the growth at line {line} is right, but "
                                                 "the question asks for a tight (Θ) class.", line, line,
                                                 Severity.WARNING),), fraction=p.bound_credit)
        for v, line in verdicts:
            if v.tight is False:
                return CheckOutcome(Verdict.PASS, f"{label}: a correct but loose bound (line {line})",
                                    (Finding("complexity", f"{label}: the bound at line {line} holds but is not "
                                             f"tight ({v.reason}).", line, line, Severity.WARNING),),
                                    fraction=p.loose_credit)
        if all(v.verdict == "unknown" for v, _ in verdicts):
            v, line = verdicts[-1]
            return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the claim ({v.reason})",
                                (Finding("complexity", f"{label}: could not read the claim at line {line}: {v.reason}",
                                         line, line, Severity.WARNING),))
        v, line = verdicts[-1]
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong class",
                            (Finding("complexity", f"{label}: the class claimed at line {line} is not right.",
                                     line, line, Severity.ERROR),))


CHECK = ComplexityCheck
