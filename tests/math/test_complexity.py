"""O/Θ/Ω classes: equal forms, wrong classes, loose bounds (different + tight=False), assumptions."""

from __future__ import annotations

import pytest

from grader.math import compare_complexity

SAME = [
    ("O(TN^2+NT)", "O(N^2T)", ()),
    (r"\Theta(n^2 d+nd^2)", r"\Theta(nd(n+d))", ()),
    (r"O(BN\log(BN))", r"O(BN\log B+BN\log N)", ()),
    (r"O(BN \log BN)", r"O(BN\log(BN))", ()),
    (r"O(N + N) \times O(TN)", "O(TN^2)", ()),
    (r"O(N^2) + O(N) + O(NT) + O(N) + O(N) + O(1) + O(N)", "O(N^2 + NT)", ()),
    (r"\Theta(2n^2 + nd + 2nm + n^2)", r"\Theta(n^2)", ("n >> m", "n >> d")),
    (r"\Theta(n^2 d + n d^2)", r"\Theta(n^2 d)", ("n >> d",)),
    (r"O(\log N^2)", r"O(\log N)", ()),
    (r"O(N^{T+1})", r"O(N \cdot N^T)", ()),
    (r"O(\sqrt{n} n)", r"O(n^{3/2})", ()),
    ("O(TN^2)", r"\mathcal{O}(N^2 T)", ()),
    ("Θ(n^2)", r"\Theta(n \cdot n)", ()),
]


@pytest.mark.parametrize("a,b,assume", SAME)
def test_same_class(a: str, b: str, assume: tuple[str, ...]) -> None:
    v = compare_complexity(a, b, assume)
    assert v.verdict == "equivalent", v.reason


DIFFERENT = [
    ("O(N^T)", "O(N^{T+1})"),
    ("O(N^2)", "O(NT)"),
    (r"\Theta(n^2)", r"\Theta(n d)"),
    ("O(N^T)", "O(2^T)"),
    (r"\Theta(n \log n)", r"\Theta(n)"),
]


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_class(a: str, b: str) -> None:
    v = compare_complexity(a, b)
    assert v.verdict == "different", v.reason


def test_loose_upper_bound_is_different_but_not_tight() -> None:
    v = compare_complexity("O(TN^3)", "O(TN^2)")
    assert v.verdict == "different" and v.tight is False
    assert "loose" in v.reason
    v = compare_complexity("O(N^2 T)", r"\Theta(NT)")
    assert v.verdict == "different" and v.tight is False


def test_wrong_theta_is_not_loose() -> None:
    v = compare_complexity(r"\Theta(TN^3)", r"\Theta(TN^2)")
    assert v.verdict == "different" and v.tight is None


def test_too_small_is_wrong() -> None:
    v = compare_complexity("O(N)", "O(TN^2)")
    assert v.verdict == "different" and v.tight is None


def test_loose_lower_bound() -> None:
    v = compare_complexity(r"\Omega(N)", r"\Theta(N^2)")
    assert v.verdict == "different" and v.tight is False


def test_o_versus_theta_matters_when_asked() -> None:
    assert compare_complexity("O(n^2 d)", r"\Theta(n^2 d)").verdict == "equivalent"
    v = compare_complexity("O(n^2 d)", r"\Theta(n^2 d)", require_theta=True)
    assert v.verdict == "different" and "Θ" in v.reason
    assert compare_complexity(r"\Theta(n^2 d)", r"\Theta(n^2 d)", require_theta=True).verdict == "equivalent"


def test_chain_of_classes_uses_the_last() -> None:
    v = compare_complexity(r"O(N) + O(TN^2) + O(N) + O(1) + O(NT) = O(TN^2)", "O(N^2 T)")
    assert v.verdict == "equivalent", v.reason


def test_unreadable_is_unknown() -> None:
    assert compare_complexity(r"O(\foo)", "O(N)").verdict == "unknown"
    assert compare_complexity("O(N)", "O(N)", assume=[r"\n >> d"]).verdict == "unknown"
