"""The pack's kinds decide with the checks' own decision code: the same answers get the same status both ways."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import complexity, final_answer, free_text, keywords
from grader.checks.base import Check, CheckContext, Params, Verdict
from grader.pack import classes, phrases, points
from grader.pack.kinds import complexity as pack_complexity
from grader.pack.kinds import final_answer as pack_final_answer
from grader.pack.kinds import free_text as pack_free_text
from grader.pack.kinds import keywords as pack_keywords
from grader.read.segment import Answer

SALT = "kinds-salt"


def run(check: Check, params: Params, text: str) -> Any:
    lines = tuple(text.split("\n"))
    ctx = CheckContext(question=None, answer=Answer("1", lines, tuple(range(1, len(lines) + 1))),  # type: ignore[arg-type]
                       params=params, course=None, document=None, seed=0, timeout=5.0)  # type: ignore[arg-type]
    return check.run(ctx)


def test_the_kinds_call_the_checks_decisions() -> None:
    assert pack_final_answer.decide is final_answer.decide
    assert pack_complexity.decide is complexity.decide
    assert pack_keywords.decide is keywords.decide
    assert pack_free_text.decide is free_text.decide


@pytest.mark.parametrize("text,verdict", [
    ("so $y = (\\delta^2)^{T/2}$", Verdict.PASS),
    ("first $y = \\delta^{T}$, then by mistake $y = \\delta^{T+1}$", Verdict.PASS),  # one line: read together
    # the conclusion decides (issue 16): a right form followed by a different final one is judged by the final one
    ("first $y = \\delta^{T}$, then by mistake\n\n$y = \\delta^{T+1}$", Verdict.FAIL),
    ("first $y = \\delta^{T+1}$, then corrected\n\n$y = \\delta^{T}$", Verdict.PASS),
    ("$y = \\delta^{T-1}$", Verdict.FAIL),
    ("no formula here", Verdict.UNKNOWN),
])
def test_final_answer_same_status(text: str, verdict: Verdict) -> None:
    assume = ("delta >= 0", "delta < 1")
    full = final_answer.FinalAnswerParams(expected="\\delta^{T}", target="y", assume=assume)
    fp = points.fingerprint("\\delta^{T}", assume, SALT, "t")
    pack = pack_final_answer.PackFinalAnswerParams(target="y", assume=assume, forms=(fp,), salt=SALT)
    a, b = run(final_answer.FinalAnswerCheck(), full, text), run(pack_final_answer.PackFinalAnswerCheck(), pack, text)
    assert (a.verdict, b.verdict) == (verdict, verdict)
    assert (a.reason, a.findings, a.details) == (b.reason, b.findings, b.details)


@pytest.mark.parametrize("text,verdict,fraction", [
    ("the time is $\\Theta(n^2 d)$", Verdict.PASS, None),
    ("the time is $O(d n^2)$", Verdict.PASS, 0.25),  # the right growth where Θ is asked: bound credit
    ("the time is $\\Theta(n^3)$", Verdict.FAIL, None),
    ("fast enough", Verdict.UNKNOWN, None),
])
def test_complexity_same_status_and_credit(text: str, verdict: Verdict, fraction: float | None) -> None:
    common: dict[str, Any] = {"require_theta": True, "bound_credit": 0.25, "near": ("time",)}
    full = complexity.ComplexityParams(expected="\\Theta(n^2 d)", **common)
    fp = classes.fingerprint("\\Theta(n^2 d)", (), SALT)
    pack = pack_complexity.PackComplexityParams(fingerprint=fp, salt=SALT, **common)
    a, b = run(complexity.ComplexityCheck(), full, text), run(pack_complexity.PackComplexityCheck(), pack, text)
    assert (a.verdict, a.fraction) == (b.verdict, b.fraction) == (verdict, fraction)


def test_complexity_alternatives_are_in_the_pack() -> None:
    full = complexity.ComplexityParams(expected="O(n^2)", alternatives=("O(n m)",))
    fps = [classes.fingerprint(c, (), SALT) for c in ("O(n^2)", "O(n m)")]
    pack = pack_complexity.PackComplexityParams(fingerprint=fps[0], alternatives=(fps[1],), salt=SALT)
    for check, params in ((complexity.ComplexityCheck(), full), (pack_complexity.PackComplexityCheck(), pack)):
        assert run(check, params, "it takes $O(mn)$").verdict is Verdict.PASS


def test_a_loose_bound_is_credited_by_the_check_and_by_the_pack() -> None:
    full = complexity.ComplexityParams(expected="O(T N^2)")
    pack = pack_complexity.PackComplexityParams(fingerprint=classes.fingerprint("O(T N^2)", (), SALT), salt=SALT)
    a = run(complexity.ComplexityCheck(), full, "$O(T N^3)$")
    b = run(pack_complexity.PackComplexityCheck(), pack, "$O(T N^3)$")
    assert (a.verdict, a.fraction) == (Verdict.PASS, 0.5)
    assert (b.verdict, b.fraction) == (Verdict.PASS, 0.5) and "loose" in b.reason
    old = pack.model_copy(update={"fingerprint": {k: v for k, v in pack.fingerprint.items() if k != "terms"}})
    c = run(pack_complexity.PackComplexityCheck(), old, "$O(T N^3)$")  # a pack built before terms were stored
    assert c.verdict is Verdict.UNKNOWN and "cannot grade loose bounds" in c.reason


@pytest.mark.parametrize("text", ["the softmax of scores", "a softmax, but linear in n", "nothing relevant",
                                  "attention is linear"])
def test_keywords_same_outcome(text: str) -> None:
    lists = {"any": ("softmax", "normalized exponential"), "none": ("linear",)}
    full = keywords.KeywordParams(**lists)
    pack = pack_keywords.PackKeywordParams(salt=SALT, **{k: phrases.hashed(v, SALT) for k, v in lists.items()})
    a, b = run(keywords.KeywordCheck(), full, text), run(pack_keywords.PackKeywordCheck(), pack, text)
    assert (a.verdict, a.reason, a.findings) == (b.verdict, b.reason, b.findings)


@pytest.mark.parametrize("text", ["the gradient vanishes because the norm shrinks over time steps",
                                  "it explodes when the weights are large, I think", "too short"])
def test_free_text_same_outcome(text: str) -> None:
    claims = ({"claim": "vanishing", "any": ("vanishes", "vanishing"), "weight": 2.0},
              {"claim": "norm", "any": ("norm shrinks",)})
    full = free_text.FreeTextParams.model_validate({"claims": claims})
    pack = pack_free_text.PackFreeTextParams(salt=SALT, claims=tuple(
        {"weight": c.get("weight", 1.0), **phrases.hashed(c["any"], SALT)} for c in claims))
    a, b = run(free_text.FreeTextCheck(), full, text), run(pack_free_text.PackFreeTextCheck(), pack, text)
    assert (a.verdict, a.fraction, a.findings) == (b.verdict, b.fraction, b.findings)


@pytest.mark.parametrize("text", [r"$\nabla^{2} L$ and the sum of the rows", r"$\nabla L$, the rows sum",
                                  "the green rectangle then red", "nothing relevant at all here", r"$x \to 0$"])
def test_notation_and_ordered_words_same_outcome(text: str) -> None:
    lists = {"any": ({"notation": "\\nabla^2"}, {"words": ["green", "red"], "within": 2}, {"notation": "\\to 0"}),
             "none": ({"words": ["rows", "sum"]},)}
    full = keywords.KeywordParams.model_validate(lists)
    pack = pack_keywords.PackKeywordParams(salt=SALT, **{k: phrases.hashed(v, SALT) for k, v in lists.items()})
    a, b = run(keywords.KeywordCheck(), full, text), run(pack_keywords.PackKeywordCheck(), pack, text)
    assert (a.verdict, a.reason, a.findings) == (b.verdict, b.reason, b.findings)


def test_the_pack_holds_no_notation_or_word_in_plain_text() -> None:
    import json

    held = json.dumps(phrases.hashed([{"notation": "\\nabla^2"}, {"words": ["rectangle", "green"]}], SALT))
    assert "nabla" not in held and "rectangle" not in held and "green" not in held
    assert phrases.hashed([{"notation": "\\nabla^2"}], SALT)["patterns"] == 0


@pytest.mark.parametrize("text", [r"uses $\int e^{-x^2} dx$ and a sum", "only words, no notation", "three short words"])
def test_free_text_notation_same_outcome(text: str) -> None:
    claims = ({"claim": "integral", "any": ({"notation": "\\int"},)},
              {"claim": "sum", "any": ({"words": ["a", "sum"]},)})
    full = free_text.FreeTextParams.model_validate({"claims": claims})
    pack = pack_free_text.PackFreeTextParams(salt=SALT, claims=tuple(
        {"weight": 1.0, **phrases.hashed(c["any"], SALT)} for c in claims))
    a, b = run(free_text.FreeTextCheck(), full, text), run(pack_free_text.PackFreeTextCheck(), pack, text)
    assert (a.verdict, a.fraction, a.findings) == (b.verdict, b.fraction, b.findings)


@pytest.mark.parametrize("text", [r"$\hat v_t = \frac{v_t}{1-\beta^{t}}$", r"$\hat v_t = v_t (1-\beta^t)^{-1}$",
                                  r"$\mathbb{E}[v_t] = (1-\beta^t)\mathbb{E}[g]$", r"$\frac{1-\beta^t}{1-\beta}$"])
def test_a_denominator_claim_same_outcome(text: str) -> None:
    lists = {"any": ({"math": "1-\\beta^t", "part": "denominator"},)}
    full = keywords.KeywordParams.model_validate(lists)
    pack = pack_keywords.PackKeywordParams(salt=SALT, **{k: phrases.hashed(v, SALT) for k, v in lists.items()})
    a, b = run(keywords.KeywordCheck(), full, text), run(pack_keywords.PackKeywordCheck(), pack, text)
    assert a.verdict is (Verdict.PASS if "frac{v" in text or "-1}" in text else Verdict.FAIL)
    assert a.verdict == b.verdict
