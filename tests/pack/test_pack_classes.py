"""Complexity fingerprints: another class is compared by growth on hashed names, as the full comparison does."""

from __future__ import annotations

import json

import pytest

from grader.math.complexity import compare_complexity
from grader.pack import classes

SALT = "test-salt"
CASES = [  # (student, reference, assumptions)
    ("O(TN^3)", r"\Theta(TN^2)", ()),  # loose upper bound
    ("O(n^2 m d)", r"\Theta(n m d)", ("n >> m", "n >> d")),
    ("O(n^2)", r"\Theta(nd)", ("n >> d",)),  # loose only because n >> d
    ("O(2^T)", r"\Theta(TN^2)", ()),
    (r"\Omega(N)", r"\Theta(TN^2)", ()),  # loose lower bound
    ("O(TN)", r"\Theta(TN^2)", ()),  # an O-claim that is too small: wrong
    ("O(nd)", r"\Theta(nd^2)", ("n >> d",)),
    (r"O(N^2)", r"\Theta(TN)", ()),  # not comparable
    (r"\Theta(TN^3)", r"\Theta(TN^2)", ()),
    ("O(N^2 T)", r"\Theta(TN^2)", ()),  # the same class
    (r"O(n d + n m)", r"\Theta(n m + n d)", ()),
]


@pytest.mark.parametrize("student,reference,assume", CASES)
def test_verdict_as_the_full_comparison(student: str, reference: str, assume: tuple[str, ...]) -> None:
    fp = classes.fingerprint(reference, assume, SALT)
    pack, full = classes.compare(student, fp, assume, False, SALT), compare_complexity(student, reference, assume)
    assert (pack.verdict, pack.tight) == (full.verdict, full.tight), (pack.reason, full.reason)


def test_the_reference_is_not_readable_from_its_fingerprint() -> None:
    text = json.dumps(classes.fingerprint(r"\Theta(T N^2 \log N)", (), SALT))
    for needle in ("TN", "N^", "log", '"N"', '"T"', "2/1"):
        assert needle not in text


def test_a_pack_without_terms_leaves_a_loose_bound_undecided() -> None:
    fp = classes.fingerprint(r"\Theta(TN^2)", (), SALT)
    del fp["terms"]
    v = classes.compare("O(TN^3)", fp, (), False, SALT)
    assert v.verdict == "unknown" and v.reason == classes.UNDECIDED
    assert classes.compare(r"\Theta(TN^3)", fp, (), False, SALT).verdict == "different"
