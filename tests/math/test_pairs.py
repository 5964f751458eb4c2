"""Every pair of tests/math/pairs.py gets its expected verdict, with a one-line reason."""

from __future__ import annotations

import pytest

from grader.math import equivalent

from pairs_table import load_pairs

PAIRS = load_pairs()


@pytest.mark.parametrize("a,b,assume,expected", PAIRS, ids=[f"{i:03d}" for i in range(len(PAIRS))])
def test_pair(a: str, b: str, assume: tuple[str, ...], expected: str) -> None:
    v = equivalent(a, b, assume)
    assert v.verdict == expected, f"{a!r} vs {b!r}: {v.verdict} ({v.reason})"
    assert v.reason and "\n" not in v.reason


def test_enough_pairs() -> None:
    assert len(PAIRS) >= 150
    kinds = {expected for *_, expected in PAIRS}
    assert {"equivalent", "different", "unknown"} <= kinds
