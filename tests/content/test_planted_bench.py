"""benchmarks/planted_bench.py: every plant applies to its source, and a small subset runs end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from . import harness

sys.path.insert(0, str(harness.REPO / "benchmarks"))
import edited_copies  # noqa: E402
import planted_bench  # noqa: E402

PLANTS = edited_copies.load_edits(planted_bench.DATA, with_ta=True)


def test_the_plants_are_many_and_varied() -> None:
    assert len(PLANTS) >= 40
    assert len({p.assignment for p in PLANTS}) >= 5
    assert {p.source.split("/")[0] for p in PLANTS} == {"submissions", "corpus"}


@pytest.mark.parametrize("plant", PLANTS, ids=[p.id for p in PLANTS])
def test_plant_applies_once_to_a_question_of_its_rubric(plant: edited_copies.Edit) -> None:
    assert plant.question in [q.id for q in harness.course().rubric(plant.assignment).assignment.questions]
    source = edited_copies.source_path(plant.source)
    if not source.is_file():
        pytest.skip("../shared/corpus is not present")
    assert edited_copies.apply(plant, source.read_text("utf-8")) != source.read_text("utf-8")


def test_a_plant_marked_correct_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "plants.yaml"
    data.write_text("- {id: x, assignment: newton, source: s.md, question: '1.1', kind: k, find: a, replace: b, "
                    "ta: correct}\n", "utf-8")
    with pytest.raises(edited_copies.EditError, match=r"plants.yaml entry 1 \(x\): `ta`"):
        edited_copies.load_edits(data, with_ta=True)


def test_a_find_that_is_not_unique_is_an_error() -> None:
    edit = edited_copies.Edit("x", "newton", "s.md", "1.1", "k", find="a", replace="b")
    with pytest.raises(edited_copies.EditError, match="occurs 2 times"):
        edited_copies.apply(edit, "a a")


def test_two_plants_end_to_end(capsys) -> None:
    """The benchmark runs (temporary copies, grading, the report) and catches two plain errors."""
    assert planted_bench.main(["--jobs", "1", "--only", "dec-2.1-wrong-number,new-3.3-sign-flip"]) == 0
    out = capsys.readouterr().out
    assert "overall          caught 2/2 (100.0%)" in out
    assert "MISS" not in out and "ERROR" not in out
