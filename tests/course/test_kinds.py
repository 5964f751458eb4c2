"""Tests of grader.course.kinds: the kinds a rubric may name, without the self-check pack's own."""

from __future__ import annotations

from grader.course import kinds
from grader.pack import PACK_KINDS


def test_rubric_kinds_leave_out_the_packs_kinds() -> None:
    assert PACK_KINDS and set(PACK_KINDS) <= set(kinds.kinds())
    assert not set(PACK_KINDS) & set(kinds.rubric_kinds())
    assert {"final_answer", "number", "complexity", "keywords", "constraint"} <= set(kinds.rubric_kinds())
    assert kinds.rubric_kinds() == sorted(kinds.rubric_kinds())
