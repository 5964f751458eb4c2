"""The `complexity` check: an O/Θ/Ω claim in the answer against the reference class, loose bounds partly credited."""

from __future__ import annotations

from typing import Any

from grader.read import reading as rd
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity


class ComplexityParams(Params):
    expected: str  # e.g. "O(T N^2)"; Θ when the question asks for Θ
    alternatives: tuple[str, ...] = ()  # other classes that are right under another reading of the question
    near: tuple[str, ...] = ()  # words that introduce the claim on its line ("time"); empty: any claim
    avoid: tuple[str, ...] = ()  # words that introduce another claim ("space")
    require_theta: bool = False  # the question asks for a tight (Θ) answer
    loose_credit: float = 0.5  # share of the points for a correct but loose bound
    bound_credit: float = 0.5  # share for the right growth stated with O (or Ω) where Θ is asked
    assume: tuple[str, ...] = ()  # "n >> d"


def claims_about(answer: object, near: tuple[str, ...], avoid: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """The O/Θ/Ω claims of the answer (its Reading, or the Answer itself) introduced by a `near` word rather than
    an `avoid` word (all, without `near`)."""
    claims = list(answer.claims) if isinstance(answer, rd.Reading) else rd.asymptotic_claims(answer)  # type: ignore[arg-type]
    if not near:
        return claims

    def about(before: str) -> bool:
        low = before.lower()
        hits = [(low.rfind(w.lower()), True) for w in near] + [(low.rfind(w.lower()), False) for w in avoid]
        pos, wanted = max(hits)
        return pos >= 0 and wanted

    chosen = [c for c in claims if about(c[2])]
    return chosen or [c for c in claims if not any(w.lower() in c[2].lower() for w in avoid)]


def no_claim(ctx: CheckContext, label: str) -> CheckOutcome:
    return CheckOutcome(Verdict.UNKNOWN, f"{label}: no O/Θ/Ω claim found",
                        (Finding("complexity", f"{label}: no complexity claim (O, Θ or Ω) was found.",
                                 ctx.answer.line, ctx.answer.end_line, Severity.WARNING),))


def right_class(label: str, line: int) -> CheckOutcome:
    return CheckOutcome(Verdict.PASS, f"{label}: right class (line {line})",
                        (Finding("complexity", f"{label}: the class at line {line} is right.", line, line,
                                 Severity.INFO),))


def unread_or_wrong(label: str, verdicts: list[tuple[Any, int]]) -> CheckOutcome:
    """When no claim matched: unknown if none could be read, else the last claim is the wrong class."""
    v, line = verdicts[-1]
    if all(x.verdict == "unknown" for x, _ in verdicts):
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: could not read the claim ({v.reason})",
                            (Finding("complexity", f"{label}: could not read the claim at line {line}: {v.reason}",
                                     line, line, Severity.WARNING),))
    return CheckOutcome(Verdict.FAIL, f"{label}: wrong class",
                        (Finding("complexity", f"{label}: the class claimed at line {line} is not right.",
                                 line, line, Severity.ERROR),))


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
        claims = claims_about(ctx.reading, p.near, p.avoid)
        if not claims:
            return no_claim(ctx, label)
        references = (p.expected, *p.alternatives)
        verdicts = [(min((compare_complexity(claim, ref, p.assume, p.require_theta) for ref in references),
                         key=_rank), line) for claim, line, _ in claims]
        for v, line in verdicts:
            if v.verdict == "equivalent":
                return right_class(label, line)
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
        return unread_or_wrong(label, verdicts)


CHECK = ComplexityCheck
