"""The `complexity` check: an O/Θ/Ω claim in the answer against the reference class, loose bounds partly credited."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from grader.read import reading as rd
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

if TYPE_CHECKING:  # for types only: the math layer is imported when a check runs
    from grader.math.verdict import Verdict as MathVerdict


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


def _rank(v: MathVerdict) -> int:
    """Best verdict first: equivalent, then a loose bound, then unknown, then different."""
    return 0 if v.verdict == "equivalent" else 1 if v.tight is False else 2 if v.verdict == "unknown" else 3


def best(verdicts: Iterable[MathVerdict]) -> MathVerdict:
    """The best of one claim's verdicts against the accepted classes (the expected one and its alternatives)."""
    return min(verdicts, key=_rank)


def _never(v: MathVerdict) -> bool:
    return False


def decide(ctx: CheckContext, claims: Sequence[tuple[str, int, str]], compare: Callable[[str, bool], MathVerdict],
           require_theta: bool = False, bound_credit: float = 0.5, loose_credit: float = 0.5,
           undecided: Callable[[MathVerdict, int], CheckOutcome] | None = None,
           limit: Callable[[MathVerdict], bool] = _never) -> CheckOutcome:
    """The credit ladder from the answer's claims: the right class; the right growth stated as a bound where Θ is
    asked; a correct but loose bound; else unread or wrong.

    `compare(claim, require_theta)` is a claim's best verdict against the accepted classes: by their terms in
    grading, by their hashes in a self-check pack. Where a verdict that `limit` marks (the comparator cannot
    tell a loose bound from a wrong one) is met before any loose bound, `undecided(verdict, line)` gives the
    outcome."""
    label = ctx.label or "complexity"
    if not claims:
        return no_claim(ctx, label)
    verdicts = [(compare(claim, require_theta), line) for claim, line, _ in claims]
    for v, line in verdicts:
        if v.verdict == "equivalent":
            return right_class(label, line)
    if require_theta:
        for claim, line, _ in claims:
            if compare(claim, False).verdict == "equivalent":
                return CheckOutcome(Verdict.PASS, f"{label}: right growth, but not stated as Θ (line {line})",
                                    (Finding("complexity", f"{label}: the growth at line {line} is right, but "
                                             "the question asks for a tight (Θ) class.", line, line,
                                             Severity.WARNING),), fraction=bound_credit)
    for v, line in verdicts:
        if v.tight is False:
            return CheckOutcome(Verdict.PASS, f"{label}: a correct but loose bound (line {line})",
                                (Finding("complexity", f"{label}: the bound at line {line} holds but is not "
                                         f"tight ({v.reason}).", line, line, Severity.WARNING),),
                                fraction=loose_credit)
        if undecided is not None and limit(v):
            return undecided(v, line)
    return unread_or_wrong(label, verdicts)


class ComplexityCheck(Check):
    name = "complexity"
    Params = ComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_complexity

        p: ComplexityParams = ctx.params  # type: ignore[assignment]
        claims = claims_about(ctx.reading, p.near, p.avoid)
        references = (p.expected, *p.alternatives)

        def compare(claim: str, theta: bool) -> MathVerdict:
            return best(compare_complexity(claim, ref, p.assume, theta) for ref in references)
        return decide(ctx, claims, compare, p.require_theta, p.bound_credit, p.loose_credit)


CHECK = ComplexityCheck
