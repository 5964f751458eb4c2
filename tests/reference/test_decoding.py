"""Reference for decoding: Viterbi against brute force, beam search limits, and the reconstructed 2.4 tree."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("decoding.py")


def _random_chain(n: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row = [rng.random() for _ in range(n)]
        total = sum(row)
        rows.append([x / total for x in row])
    return rows


@pytest.mark.parametrize("n,T,seed", [(2, 1, 0), (3, 4, 1), (4, 5, 2), (5, 3, 3)])
def test_viterbi_equals_brute_force(n: int, T: int, seed: int) -> None:
    P = _random_chain(n, seed)
    result = ref.viterbi(P, T, bos=0)
    lm = ref.markov_model(P)
    best = max(itertools.product(range(n), repeat=T), key=lambda s: ref.sequence_log_prob(lm, s, bos=0))
    assert result.sequence == best
    assert result.log_prob == pytest.approx(ref.sequence_log_prob(lm, best, bos=0))
    assert ref.exhaustive(lm, T, bos=0)[0] == best


def test_viterbi_tables_follow_the_recurrence() -> None:
    P = _random_chain(4, 7)
    res = ref.viterbi(P, 4, bos=0)
    for t in range(1, 5):
        for j in range(4):
            cands = [res.log_delta[t - 1][i] + math.log(P[i][j]) for i in range(4)]
            assert res.log_delta[t][j] == pytest.approx(max(cands))  # delta_t(j) = max_i P_ij delta_{t-1}(i)
            assert res.backpointers[t - 1][j] == max(range(4), key=cands.__getitem__)
    # w*_t = a_{t+1}(w*_{t+1}) and w*_T = argmax_j delta_T(j)
    seq = res.sequence
    assert seq[-1] == max(range(4), key=lambda j: res.log_delta[4][j])
    for t in range(1, 4):
        assert seq[t - 1] == res.backpointers[t][seq[t]]


def test_greedy_is_beam_of_width_one_and_full_beam_is_exact() -> None:
    P = _random_chain(3, 11)
    lm = ref.markov_model(P)
    assert ref.beam_search(lm, 4, 1, bos=0)[0][0] == ref.greedy(lm, 4, bos=0)[0]
    assert ref.beam_search(lm, 4, 3 ** 4, bos=0)[0][0] == ref.exhaustive(lm, 4, bos=0)[0]


def test_number_of_sequences() -> None:
    assert ref.num_sequences(5, 3) == 125 == len(list(itertools.product(range(5), repeat=3)))
    assert ref.num_sequences(5, 3, bos_allowed_later=False) == 64


def test_tree_answers_under_reading_a() -> None:
    answers = ref.tree_answers()
    assert answers["ml"] == (("the", "green", "rectangle"), -8.2)
    assert answers["greedy"] == (("the", "red", "rectangle"), -9.1)
    assert answers["beam"] == [(("a", "blue", "square"), -9.3), (("a", "red", "circle"), -9.4)]
    assert ref.smallest_beam_finding_ml() == 4


def test_tree_reading_b_changes_only_the_beam() -> None:
    a, b = ref.tree_answers(ref.TREE_JOINTS_A), ref.tree_answers(ref.TREE_JOINTS_B)
    assert a["ml"] == b["ml"] and a["greedy"] == b["greedy"]
    assert b["beam"] == [(("the", "red", "rectangle"), -9.1), (("a", "blue", "square"), -9.3)]


def test_tree_reproduces_every_number_the_write_up_prints() -> None:
    leaves = sorted(v for k, v in ref.TREE_JOINTS_A.items() if len(k) == 3)
    assert leaves == sorted([-85, -97, -82, -91, -94, -94, -93, -96])
    level2 = sorted(v for k, v in ref.TREE_JOINTS_A.items() if len(k) == 2)
    assert level2 == [-49, -46, -45, -43]
    # every conditional is a log-probability (<= 0) and siblings' probabilities sum to at most 1
    lm = ref.tree_model()
    for prefix in [("<BOS>",), ("<BOS>", "the"), ("<BOS>", "a"), ("<BOS>", "the", "red"), ("<BOS>", "a", "blue")]:
        probs = [math.exp(v) for v in lm(prefix).values()]
        assert all(p <= 1 for p in probs) and sum(probs) <= 1
