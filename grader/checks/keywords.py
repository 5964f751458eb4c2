"""The `keywords` check: a claim is present when its phrases or formulas occur (any / all), and absent ones stay
absent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pydantic import Field, field_validator

from grader.checks.base import Assumption, Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity
from grader.read.evidence import (Entry, MathClaim, NotationClaim, Pattern, WordsClaim, find_math, find_notation,
                                  find_words)


class KeywordParams(Params):
    any: tuple[Entry, ...] = ()  # at least one of these phrases / formulas
    all: tuple[Entry, ...] = ()  # every one of these
    none: tuple[Entry, ...] = ()  # none of these (a known wrong claim)
    # other words for a phrase of the lists: {vanish: [go to zero, tend to zero]}
    synonyms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    assume: tuple[Assumption, ...] = ()  # for formulas, with the question's final_answer assumptions
    aliases: dict[str, str] = Field(default_factory=dict)  # for formulas: the answer's LaTeX -> the rubric's

    @field_validator("synonyms")
    @classmethod
    def _words(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, words in v.items():
            if not key.strip() or any(not w.strip() for w in words):
                raise ValueError(f"empty phrase among the synonyms of {key!r}")
        return v

    @field_validator("aliases")
    @classmethod
    def _readable(cls, v: dict[str, str]) -> dict[str, str]:
        from grader.math import MathError, parse

        for theirs, ours in v.items():
            for latex in (theirs, ours):
                try:
                    parse(latex)
                except (MathError, RecursionError) as exc:
                    raise ValueError(f"cannot read the alias {latex!r} as LaTeX: {exc}") from None
        return v


def question_assumptions(ctx: CheckContext) -> tuple[str, ...]:
    """The `assume` of the question's checks (its final answer's): a formula claim compares under them too."""
    out: list[str] = []
    for spec in getattr(ctx.question, "checks", ()) or ():
        for a in (getattr(spec, "params", None) or {}).get("assume", ()) or ():
            if isinstance(a, str) and a not in out:
                out.append(a)
    return tuple(out)


def locate(ctx: CheckContext, entry: Any, synonyms: dict[str, tuple[str, ...]] | None = None,
           assume: tuple[str, ...] = (), aliases: dict[str, str] | None = None) -> Any:
    """Where the answer says one claim entry: a phrase (or one of its synonyms), a pattern, notation, words
    in order or a formula."""
    if isinstance(entry, MathClaim):
        return find_math(ctx.reading.sides, entry.math, (*assume, *question_assumptions(ctx)), aliases, entry.part)
    if isinstance(entry, NotationClaim):
        return find_notation(ctx.reading.phrases, entry.notation)
    if isinstance(entry, WordsClaim):
        return find_words(ctx.reading.phrases, entry)
    if isinstance(entry, Pattern):
        return ctx.reading.find("re:" + entry.regex)
    for phrase in (entry, *((synonyms or {}).get(" ".join(entry.lower().split()), ()))):
        hit = ctx.reading.find(phrase)
        if hit is not None:
            return hit
    return None


class Hit(Protocol):
    """Where the answer says a phrase: its line and the student's own words (read-only, as frozen records are)."""

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...


def _formula(hit: Hit) -> bool:
    return str(getattr(hit, "pattern", "")).startswith("math:")


def decide(label: str, found: Sequence[Hit], wrong: Sequence[Hit], missing: int, any_given: bool,
           unseen: tuple[bool, bool, bool] = (False, False, False),
           undecided: Callable[[tuple[Finding, ...]], CheckOutcome] | None = None) -> CheckOutcome:
    """The verdict from what was found: `any` phrases found, how many `all` phrases are missing, `none` phrases
    found. `unseen` says, for any / all / none, that some of its entries could not be looked for (a self-check
    pack lacks patterns); where only those could decide, `undecided(findings)` gives the outcome."""
    findings = [Finding("evidence", f"{label}: found at line {m.line}: {m.text}" if _formula(m) else
                        f"{label}: found \u201c{m.text}\u201d", m.line, m.line, Severity.INFO) for m in found]
    findings += [Finding("claim", f"{label}: the answer states \u201c{m.text}\u201d, which does not hold",
                         m.line, m.line, Severity.WARNING) for m in wrong]
    # True / False where what was looked for decides; None where only an unseen entry could
    any_ok = True if not any_given or found else (None if unseen[0] else False)
    all_ok = False if missing else (None if unseen[1] else True)
    none_ok = False if wrong else (None if unseen[2] else True)
    decided = (any_ok, all_ok, none_ok)
    if False in decided:
        reason = f"{label}: not found in the answer" if not wrong else f"{label}: contradicted by the answer"
        return CheckOutcome(Verdict.FAIL, reason, tuple(findings))
    if None in decided:
        if undecided is not None:
            return undecided(tuple(findings))
        return CheckOutcome(Verdict.UNKNOWN, f"{label}: some of what it looks for could not be looked for",
                            tuple(findings))
    return CheckOutcome(Verdict.PASS, f"{label}: present", tuple(findings))


class KeywordCheck(Check):
    name = "keywords"
    Params = KeywordParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: KeywordParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the expected claim"
        synonyms = {" ".join(k.lower().split()): v for k, v in p.synonyms.items()}

        def where(entry: Any) -> Any:
            return locate(ctx, entry, synonyms, p.assume, p.aliases)
        found = [m for m in (where(e) for e in p.any) if m]
        missing_all = [e for e in p.all if where(e) is None]
        wrong = [m for m in (where(e) for e in p.none) if m]
        return decide(label, found, wrong, len(missing_all), bool(p.any))


CHECK = KeywordCheck
