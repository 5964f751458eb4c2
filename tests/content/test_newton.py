"""Content of `newton`: the exact status and score of every question of each example write-up and of the corpus one.

Where the right verdict needs a part of the engine that is not there yet (the derivation checker of issue 4, a
fix in another module), the expected value is still the right one and the case is marked `xfail` with the reason,
so it turns into a pass, not a silent change, when that part lands.
"""

from __future__ import annotations

import pytest

from grader.course.directory import Course

from .harness import CORPUS, REPO, cases, graded

ASSIGNMENT = "newton"


CORRECT = {
    "1.1": ("correct", 4), "1.2": ("correct", 6), "1.3": ("needs_review", 4),
    "2.1": ("correct", 4), "2.2": ("correct", 4), "2.3": ("correct", 4),
    "3.1": ("correct", 4), "3.2": ("correct", 4), "3.3": ("correct", 4),
    "4.1": ("correct", 6), "4.2": ("correct", 6), "4.3": ("correct", 4),
}
# flawed.md, planted: 1.1 a false step inside the induction (W g_t for W g_{t-1}); 1.2 a dropped exponent
# (δ for δ^T); 1.3 "sufficient"; 2.1 ε = δ; 2.3 1 - β^{t-1}; 3.1 a sign slip; 3.3 a false step (½H);
# 4.2 a wrong s; 4.3 the conclusion reversed.
FLAWED = {
    "1.1": ("partial", 3.0), "1.2": ("partial", 3), "1.3": ("needs_review", 1.3333),
    "2.1": ("partial", 2), "2.2": ("correct", 4),
    "2.3": ("incorrect", 0),  # the rescaling by 1/(1 - β^{t-1}) is wrong too: no item
    "3.1": ("incorrect", 0), "3.2": ("correct", 4), "3.3": ("partial", 2.0),
    "4.1": ("correct", 6), "4.2": ("incorrect", 0), "4.3": ("partial", 2),
}
FLAWED_XFAIL: dict[str, str] = {}
# nearly empty, so flagged (fewer than half the questions found): the unfound ones are needs_review at a provisional 0
EMPTY = {
    "1.1": ("needs_review", 0), "1.2": ("needs_review", 0), "1.3": ("needs_review", 0),
    "2.1": ("needs_review", 0), "2.2": ("needs_review", 0), "2.3": ("needs_review", 0),
    "3.1": ("needs_review", 0), "3.2": ("needs_review", 0), "3.3": ("correct", 4),
    "4.1": ("needs_review", 0), "4.2": ("incorrect", 0), "4.3": ("needs_review", 0),
}


@pytest.mark.parametrize("name, qid, status, score",
                         cases("correct.md", CORRECT, {}) + cases("flawed.md", FLAWED, FLAWED_XFAIL)
                         + cases("empty.md", EMPTY, {}))
def test_example_writeups(name: str, qid: str, status: str, score: float) -> None:
    got = graded(ASSIGNMENT, str(REPO / "submissions" / ASSIGNMENT / name))
    assert got[qid] == (status, pytest.approx(score, abs=1e-4))


def test_example_writeups_cover_every_question() -> None:
    ids = [q.id for q in Course(REPO).rubric(ASSIGNMENT).assignment.questions]
    for table in (CORRECT, FLAWED, EMPTY):
        assert list(table) == ids


# The corpus write-up (004), as a careful TA grades it:
#   1.1 partial: the step uses σ^{-1} (σ need not be invertible) and line 19 states g_t = σ^{-1}(h_t);
#   1.2 partial: the bound is for ∂g_T/∂g_0, not ∂h_T/∂h_0, and line 59 drops an exponent
#       (γ^T (δ/γ)^T = γ^T (δ/γ)); 1.3 is free text (a TA reads it);
#   2.1, 2.2 correct; 2.3 partial: E[v_t] is left as a sum (never 1 - β^t), bias not stated, the rescaling only
#       implicit; 3.1 correct; 3.2 partial: "iff ε < 2gᵀg/gᵀHg" ignores gᵀHg ≤ 0 (the bound is then wrong);
#   3.3 correct; 4.1 partial: line 165 writes Var[wᵀx + b] = ... = E[wᵀx w] - 0², and E[wᵀx w] = (wᵀE[x]) w is
#       the zero vector, not E[(wᵀx)²] = ‖w‖² (false as written; the result ‖w‖² is right); 4.2, 4.3 correct.
CORPUS_TA = {
    "1.1": ("partial", 3.0), "1.2": ("partial", 3.0), "1.3": ("needs_review", 4.0),
    "2.1": ("correct", 4), "2.2": ("correct", 4), "2.3": ("partial", 1.0),
    "3.1": ("correct", 4), "3.2": ("partial", 3), "3.3": ("correct", 4),
    "4.1": ("partial", 3.0),  # line 165: E[wᵀx w] for E[(wᵀx)²] (a vector, zero), see above
    "4.2": ("correct", 6), "4.3": ("correct", 4),
}
CORPUS_XFAIL = {
    "1.2": "rnn.vanishing_bound targets ∂h_T/∂h_0; the write-up bounds ∂g_T/∂g_0 (needs_review now), and the "
           "dropped exponent at line 59 needs the derivation checker",
    "2.3": "momentum.bias (content A) gives no credit for E[v_t] left as the weighted sum",
}


@pytest.mark.corpus
@pytest.mark.parametrize("qid, status, score",
                         [pytest.param(q, s, p, id=q, marks=[pytest.mark.xfail(reason=CORPUS_XFAIL[q], strict=False)]
                                       if q in CORPUS_XFAIL else []) for q, (s, p) in CORPUS_TA.items()])
def test_corpus_writeup(qid: str, status: str, score: float) -> None:
    path = CORPUS / "004_65c86a72d8dc8382.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    assert graded(ASSIGNMENT, str(path))[qid] == (status, pytest.approx(score, abs=1e-4))
