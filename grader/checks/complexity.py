"""The `complexity` check: an O/Θ/Ω claim in the answer against the reference class, loose bounds partly credited."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import field_validator

from grader.read import reading as rd
from grader.checks.base import Assumption, Check, CheckContext, CheckOutcome, Params, Verdict, sibling_params
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
    assume: tuple[Assumption, ...] = ()  # "n >> d"

    @field_validator("expected", mode="after")
    @classmethod
    def _a_class(cls, v: str) -> str:
        return as_class(v)

    @field_validator("alternatives", mode="after")
    @classmethod
    def _classes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(as_class(a) for a in v)


def as_class(text: str) -> str:
    """A rubric's class as the grader reads it: `n^2 d` written without O/Θ/Ω is Θ(n^2 d) (grader.math.complexity
    reads a bare growth as Θ), written out so that `grader try --variants` states it as a student would; text the
    math reader cannot read is refused."""
    from grader.math import MathError, nodes as N, parse

    try:
        root = parse(text).root
    except (MathError, RecursionError) as exc:
        raise ValueError(f"cannot read {text!r} as a class such as '\\Theta(n^2 d)' ({exc})") from None
    if any(isinstance(n, N.Asym) for n in N.walk(root)):
        return text
    if isinstance(root, (N.Relation, N.Chain, N.System)):
        raise ValueError(f"{text!r} names no O, \u0398 or \u03a9 class: write one, e.g. '\\Theta(n^2 d)'")
    return f"\\Theta({text})"


SENTENCE = re.compile(r"[.;!?](?:\s|$)")  # where a sentence ends, for the words a claim is introduced by


def claims_about(answer: object, near: tuple[str, ...], avoid: tuple[str, ...],
                 foreign: tuple[str, ...] = ()) -> list[tuple[str, int, str]]:
    """The O/Θ/Ω claims of the answer (its Reading, or the Answer itself) introduced by a `near` word rather than
    an `avoid` word or a `foreign` one (the `near` words of the question's other checks: "The time is
    $\\Theta(n^2 d)$. The memory is $\\Theta(n^2)$." gives the memory's claim to the memory's check); all,
    without `near`."""
    claims = list(answer.claims) if isinstance(answer, rd.Reading) else rd.asymptotic_claims(answer)  # type: ignore[arg-type]
    if not near:
        return claims

    def last(scope: str, word: str) -> int:
        """Where `word` (a phrase, or `re:` and a pattern) last occurs in `scope`, -1 if nowhere."""
        if word.startswith("re:"):
            try:
                return max((m.start() for m in re.finditer(word[3:], scope, re.IGNORECASE)), default=-1)
            except re.error:  # not a pattern after all: read as the words it is
                pass
        return scope.lower().rfind(word.lower())

    others = tuple(w for w in (*avoid, *foreign) if w.lower() not in {n.lower() for n in near})

    def about(before: str) -> bool:
        # the claim's own sentence first ("Enumerating all sequences takes $O(TN^T)$"), then its line; a
        # sentence that names another check's words is that check's, whatever an earlier sentence named
        sentence = before[max((m.end() for m in SENTENCE.finditer(before)), default=0):]
        for scope in (sentence, before):
            hits = [(last(scope, w), True) for w in near] + [(last(scope, w), False) for w in others]
            pos, wanted = max(hits)
            if pos >= 0:
                return wanted
        return False

    chosen = [c for c in claims if about(c[2])]
    return chosen or [c for c in claims if not any(last(c[2], w) >= 0 for w in avoid)]


def foreign_near(ctx: CheckContext) -> tuple[str, ...]:
    """The `near` words of the question's other checks of this kind that are not this check's own: a claim
    whose sentence names them is theirs."""
    own = tuple(getattr(ctx.params, "near", ()))
    out: list[str] = []
    for spec in getattr(ctx.question, "checks", ()) if ctx.question is not None else ():
        if spec.kind != ctx_kind(ctx) or spec.label == ctx.label:
            continue
        words = spec.params.get("near", ()) if isinstance(spec.params, dict) else ()
        if isinstance(words, str):
            words = (words,)
        if tuple(words) != own:
            out.extend(w for w in words if isinstance(w, str) and w not in own and w not in out)
    return tuple(out)


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
           limit: Callable[[MathVerdict], bool] = _never,
           others: Sequence[Callable[[str, bool], MathVerdict]] = ()) -> CheckOutcome:
    """The credit ladder from the answer's conclusion: the right class; the right growth stated as a bound where
    Θ is asked; a correct but loose bound; else unread or wrong.

    The conclusion is the last claim marked as the answer ("overall", "the answer is", a box), else the last
    claim (`rd.conclusion`); the claims before it are steps (the cost of one loop, a term of a sum). A right
    class stated earlier does not rescue a different conclusion, and is named in its finding; two claims each
    marked as the answer, one right and one not, go to a person. Where the conclusion cannot be read, every
    claim is weighed as before (the best one counts).

    `compare(claim, require_theta)` is a claim's best verdict against the accepted classes: by their terms in
    grading, by their hashes in a self-check pack. Where a verdict that `limit` marks (the comparator cannot
    tell a loose bound from a wrong one) is met before any loose bound, `undecided(verdict, line)` gives the
    outcome. `others` compare a claim with the classes of the question's other checks about the same words
    (the time of one head, of h heads): a claim of another check's class is that check's, never this one's
    conclusion."""
    label = ctx.label or "complexity"
    if not claims:
        return no_claim(ctx, label)
    if others and ctx.role == "answer":
        own = [c for c in claims if compare(c[0], False).verdict == "equivalent"
               or not any(o(c[0], False).verdict == "equivalent" for o in others)]
        claims = own or claims
    verdicts = [(compare(claim, require_theta), line) for claim, line, _ in claims]
    formulas = [_formula(line, before) for _, line, before in claims]
    chosen = rd.conclusion([rd.mark_before(before, claim) for claim, _, before in claims], formulas)
    v, line = verdicts[chosen.final]
    # a `claim` or an `item` asks that the answer state something on the way: any claim counts there
    if v.verdict != "unknown" and ctx.role == "answer":
        return _concluded(label, claims, verdicts, chosen, formulas, compare, require_theta, bound_credit,
                          loose_credit, undecided, limit)
    for v, line in verdicts:
        if v.verdict == "equivalent":
            return right_class(label, line)
    if require_theta:
        for claim, line, _ in claims:
            if compare(claim, False).verdict == "equivalent":
                return _bound(label, line, bound_credit)
    for v, line in verdicts:
        if v.tight is False:
            return _loose(label, line, v, loose_credit)
        if undecided is not None and limit(v):
            return undecided(v, line)
    return unread_or_wrong(label, verdicts)


def _formula(line: int, before: str) -> tuple[int, str]:
    """Which formula of its line a claim sits in (the claims of `$O(N) + O(TN^2) = O(TN^2)$` are one
    statement): the line and the text before that formula's opening `$`."""
    text = before.replace("$$", "$")
    return (line, text[:text.rfind("$")]) if text.count("$") % 2 else (line, text)


def _bound(label: str, line: int, credit: float) -> CheckOutcome:
    return CheckOutcome(Verdict.PASS, f"{label}: right growth, but not stated as Θ (line {line})",
                        (Finding("complexity", f"{label}: the growth at line {line} is right, but "
                                 "the question asks for a tight (Θ) class.", line, line, Severity.WARNING),),
                        fraction=credit)


def _loose(label: str, line: int, v: MathVerdict, credit: float, note: str = "") -> CheckOutcome:
    return CheckOutcome(Verdict.PASS, f"{label}: a correct but loose bound (line {line})",
                        (Finding("complexity", f"{label}: the bound at line {line} holds but is not "
                                 f"tight ({v.reason}).{note}", line, line, Severity.WARNING),),
                        fraction=credit)


def _concluded(label: str, claims: Sequence[tuple[str, int, str]], verdicts: list[tuple[MathVerdict, int]],
               chosen: rd.Conclusion, formulas: Sequence[tuple[int, str]],
               compare: Callable[[str, bool], MathVerdict], require_theta: bool,
               bound_credit: float, loose_credit: float,
               undecided: Callable[[MathVerdict, int], CheckOutcome] | None,
               limit: Callable[[MathVerdict], bool]) -> CheckOutcome:
    """The ladder on a conclusion that could be read."""
    from grader.math.complexity import INCOMPARABLE

    v, line = verdicts[chosen.final]
    right = v.verdict == "equivalent"
    # a claim marked as the answer elsewhere that disagrees with the conclusion: one right, the other not
    rival = next((verdicts[i][1] for i in chosen.rivals
                  if (verdicts[i][0].verdict == "equivalent") != right and verdicts[i][0].verdict != "unknown"), None)
    if rival is not None:
        first, second = sorted((rival, line))
        return CheckOutcome(Verdict.REVIEW, f"{label}: two different final classes (lines {first} and {second})",
                            (Finding("complexity", f"{label}: the answer states two different classes (lines "
                                     f"{first} and {second}); a person decides which one is meant.", first, second,
                                     Severity.WARNING),), fraction=0.5)
    if right:
        return right_class(label, line)
    # a right class in another formula (the terms of the concluding sum are its own steps)
    earlier = next((verdicts[i][1] for i in chosen.steps if formulas[i] != formulas[chosen.final]
                    and verdicts[i][0].verdict == "equivalent"), None)
    note = f" The class at line {earlier} was right, but the conclusion is what counts." if earlier is not None else ""
    if earlier is not None and v.reason.endswith(INCOMPARABLE):
        # neither class bounds the other: the conclusion counts another resource or assumes a regime (N >= T)
        # that the right class stated earlier does not; the right class was shown, and the conclusion is named
        return CheckOutcome(Verdict.PASS, f"{label}: right class (line {earlier})", (
            Finding("complexity", f"{label}: the class at line {earlier} is right.", earlier, earlier, Severity.INFO),
            Finding("complexity", f"{label}: the conclusion at line {line} is of another class, not comparable "
                    f"with the right one at line {earlier} ({v.reason}); it holds only in some regime.", line, line,
                    Severity.WARNING)))
    if require_theta and compare(claims[chosen.final][0], False).verdict == "equivalent":
        return _bound(label, line, bound_credit)
    if v.tight is False:
        return _loose(label, line, v, loose_credit, note)
    if undecided is not None and limit(v):
        return undecided(v, line)
    if note:
        return CheckOutcome(Verdict.FAIL, f"{label}: wrong class", (Finding(
            "complexity", f"{label}: the class claimed at line {line} is not right.{note}", min(earlier or line, line),
            line, Severity.ERROR),))
    return unread_or_wrong(label, [(v, line)])


def siblings(ctx: CheckContext) -> list[Any]:
    """The params of the question's other checks of this kind about the same words (`near`): the time of one
    head and the time of h heads are told apart by their classes."""
    return sibling_params(ctx, ctx_kind(ctx), lambda q: tuple(getattr(q, "near", ())))


def ctx_kind(ctx: CheckContext) -> str:
    """The rubric kind of the check that runs in `ctx` (the full check or a pack's)."""
    return "pack_complexity" if type(ctx.params).__name__.startswith("Pack") else "complexity"


class ComplexityCheck(Check):
    name = "complexity"
    Params = ComplexityParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        from grader.math import compare_complexity

        p: ComplexityParams = ctx.params  # type: ignore[assignment]
        claims = claims_about(ctx.reading, p.near, p.avoid, foreign_near(ctx))
        references = (p.expected, *p.alternatives)

        def comparer(refs: Sequence[str], assume: tuple[str, ...]) -> Callable[[str, bool], MathVerdict]:
            return lambda claim, theta: best(compare_complexity(claim, ref, assume, theta) for ref in refs)
        others = [comparer((o.expected, *o.alternatives), o.assume) for o in siblings(ctx)]
        return decide(ctx, claims, comparer(references, p.assume), p.require_theta, p.bound_credit,
                      p.loose_credit, others=others)


CHECK = ComplexityCheck
