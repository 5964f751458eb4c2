"""`keywords.decide`: found / missing / contradicted, and entries that could not be looked for stay open."""

from __future__ import annotations

from dataclasses import dataclass

from grader.checks.base import CheckOutcome, Verdict
from grader.checks.keywords import decide
from grader.grading.results import Finding


@dataclass(frozen=True)
class Hit:
    line: int
    text: str


def test_decided_cases() -> None:
    assert decide("c", [Hit(2, "x")], [], 0, True).verdict is Verdict.PASS
    assert decide("c", [], [], 0, False).verdict is Verdict.PASS  # no `any` list: nothing to find
    assert decide("c", [], [], 0, True).reason == "c: not found in the answer"
    assert decide("c", [Hit(2, "x")], [], 1, True).verdict is Verdict.FAIL
    contradicted = decide("c", [Hit(2, "x")], [Hit(4, "y")], 0, True)
    assert contradicted.reason == "c: contradicted by the answer"
    assert [f.line for f in contradicted.findings] == [2, 4]


def test_open_entries_are_undecided_unless_something_else_decides() -> None:
    def undecided(findings: tuple[Finding, ...]) -> CheckOutcome:
        return CheckOutcome(Verdict.REVIEW, "open", findings)

    assert decide("c", [], [], 0, True, (True, False, False), undecided).verdict is Verdict.REVIEW
    # found: the open `any` entries cannot change it; an open `none` entry could
    assert decide("c", [Hit(1, "x")], [], 0, True, (True, False, False), undecided).verdict is Verdict.PASS
    assert decide("c", [Hit(1, "x")], [], 0, True, (False, False, True), undecided).verdict is Verdict.REVIEW
    # a missing `all` phrase fails whatever is open
    assert decide("c", [Hit(1, "x")], [], 1, True, (True, True, True), undecided).verdict is Verdict.FAIL
    # open with no one to ask: unknown, never a pass
    assert decide("c", [], [], 0, True, (True, False, False)).verdict is Verdict.UNKNOWN


def _run(text: str, **params: object) -> CheckOutcome:
    from grader.checks.base import CheckContext
    from grader.checks.keywords import KeywordCheck, KeywordParams
    from grader.read.segment import Answer

    lines = tuple(text.split("\n"))
    ctx = CheckContext(question=None, answer=Answer("1", lines, tuple(range(10, 10 + len(lines)))),  # type: ignore[arg-type]
                       params=KeywordParams.model_validate(params), course=None,  # type: ignore[arg-type]
                       document=None, seed=0, timeout=5.0, label="the bias correction")  # type: ignore[arg-type]
    return KeywordCheck().run(ctx)


def test_a_formula_claim_passes_on_an_equivalent_form_and_says_where() -> None:
    out = _run("We divide:\n$$\\hat v_t = v_t (1-\\beta^t)^{-1}$$", any=[{"math": "\\frac{v_t}{1-\\beta^t}"}])
    assert out.verdict is Verdict.PASS
    assert out.findings[0].message == "the bias correction: found at line 11: v_t (1-\\beta^t)^{-1}"
    assert _run("$\\hat v_t = v_t$", any=[{"math": "\\frac{v_t}{1-\\beta^t}"}]).verdict is Verdict.FAIL


def test_synonyms_negation_and_patterns_with_reasons() -> None:
    synonyms = {"vanish": ["tend to zero"]}
    assert _run("the norm tends to zero", any=["vanish"], synonyms=synonyms).verdict is Verdict.PASS
    assert _run("the norm tends to zero", any=["vanish"]).verdict is Verdict.FAIL
    # a wrong claim that the answer denies is no contradiction
    assert _run("it is not unbiased, it vanishes", any=["vanish"], none=["unbiased"]).verdict is Verdict.PASS
    assert _run("it is unbiased and vanishes", any=["vanish"], none=["unbiased"]).verdict is Verdict.FAIL
    assert _run("x = 1", any=[{"re": "=\\s*1", "why": "a row sum"}]).verdict is Verdict.PASS


def test_a_denominator_claim_takes_any_numerator_and_never_a_factor() -> None:
    claim = {"math": "1-\\beta^t", "part": "denominator"}
    assert _run("$\\hat m_t = \\frac{\\mathbf m_t}{(1-\\beta^{t})}$", any=[claim]).verdict is Verdict.PASS
    assert _run("$\\hat v = v/(1-\\beta^t)$", any=[claim]).verdict is Verdict.PASS
    assert _run("$\\mathbb{E}[v_t] = (1-\\beta^t)\\mathbb{E}[g]$", any=[claim]).verdict is Verdict.FAIL
    assert _run("$\\hat v = \\frac{v}{1-\\beta}$", any=[claim]).verdict is Verdict.FAIL


def test_notation_and_words_claims_say_what_they_found() -> None:
    out = _run("so $\\nabla^{2} L$ is the Hessian", any=[{"notation": "\\nabla^2"}])
    assert out.verdict is Verdict.PASS and out.findings[0].message == "the bias correction: found \u201c\\nabla^{2}\u201d"
    out = _run("the big green rectangle", any=[{"words": ["big", "rectangle"], "within": 1}])
    assert out.verdict is Verdict.PASS and out.findings[0].message == "the bias correction: found \u201cbig green rectangle\u201d"
    assert _run("the big green rectangle", all=[{"words": ["big", "rectangle"], "within": 1}]).verdict is Verdict.PASS
    assert _run("the big green rectangle", all=[{"words": ["rectangle", "big"], "within": 5}]).verdict is Verdict.FAIL
