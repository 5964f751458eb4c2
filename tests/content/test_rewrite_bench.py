"""benchmarks/rewrite_bench.py: every rewrite applies to its source, and a small subset runs end to end."""

from __future__ import annotations

import sys

import pytest

from . import harness

sys.path.insert(0, str(harness.REPO / "benchmarks"))
import edited_copies  # noqa: E402
import rewrite_bench  # noqa: E402

REWRITES = edited_copies.load_edits(rewrite_bench.DATA, with_ta=False)


def test_the_rewrites_are_many_and_varied() -> None:
    assert len(REWRITES) >= 40
    assert len({r.assignment for r in REWRITES}) >= 5
    assert len({r.kind for r in REWRITES}) >= 8


@pytest.mark.parametrize("rewrite", REWRITES, ids=[r.id for r in REWRITES])
def test_rewrite_applies_once_to_a_question_of_its_rubric(rewrite: edited_copies.Edit) -> None:
    assert rewrite.question in [q.id for q in harness.course().rubric(rewrite.assignment).assignment.questions]
    source = edited_copies.source_path(rewrite.source)
    if not source.is_file():
        pytest.skip("../shared/corpus is not present")
    assert edited_copies.apply(rewrite, source.read_text("utf-8")) != source.read_text("utf-8")


def test_two_rewrites_end_to_end(capsys) -> None:
    """The benchmark runs (temporary copies, grading, the report) and two plain rewrites keep their grade."""
    assert rewrite_bench.main(["--jobs", "1", "--only", "bp-5b-expanded-lambda,new-2.2-factor-outside"]) == 0
    out = capsys.readouterr().out
    assert "overall          kept 2/2 (100.0%)" in out
    assert "MISS" not in out and "ERROR" not in out
