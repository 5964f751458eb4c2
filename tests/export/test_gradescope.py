"""Tests of the Gradescope results.json export against Gradescope's autograder output format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.export import GradescopeExporter, gradescope_results

def test_each_submission_becomes_a_valid_results_json(results: dict[str, Any], tmp_path: Path,
                                                      golden: Callable[[str, bytes], None],
                                                      validate_gradescope: Callable[[Any], None]) -> None:
    exporter = GradescopeExporter(results)
    count = exporter.write(tmp_path / "gs")
    folders = sorted(p.name for p in (tmp_path / "gs").iterdir())
    assert count == 6 and folders == sorted(["-2", "evil", "ghost", "jdoe", "Jürgen Müller", "pobrien"])
    for folder in folders:
        validate_gradescope(json.loads((tmp_path / "gs" / folder / "results.json").read_text("utf-8")))
    golden("gradescope_jdoe.json", (tmp_path / "gs" / "jdoe" / "results.json").read_bytes())


def test_status_and_output_per_question(results: dict[str, Any]) -> None:
    evil = gradescope_results(results["submissions"][2], visibility="after_published")
    assert [t["status"] for t in evil["tests"]] == ["passed", "failed"]  # needs_review is not a pass
    assert evil["tests"][1]["output"].startswith("Q2: needs TA review (provisional score), 6 / 6 points")
    assert "await a TA's review" in evil["output"]
    assert {t["visibility"] for t in evil["tests"]} == {"after_published"}
    jdoe = gradescope_results(results["submissions"][0])
    assert jdoe["tests"][1]["output"] == ("Q2: partial, 3.5 / 6 points\n"
                                          "- [error] line 12: this step does not hold: left side 0.31, "
                                          "right side \"0.87\", at t = 5\n"
                                          "- [warning] line 14 of helper.py: =1+1 is what you wrote")
    assert jdoe["output"] == "Total: 7.5 / 10 points"


def test_unsafe_and_duplicate_student_ids_get_distinct_folders(results: dict[str, Any], tmp_path: Path) -> None:
    first = results["submissions"][0]
    results["submissions"] = [dict(first, student="../escape"), dict(first, student="JDOE"), first]
    exporter = GradescopeExporter(results)
    assert exporter.write(tmp_path / "gs") == 3
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == ["JDOE", "_escape", "jdoe~2"]
    assert not (tmp_path / "escape").exists()
    assert len(exporter.warnings) == 2


def test_unknown_visibility_is_refused(results: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        gradescope_results(results["submissions"][0], visibility="sometimes")
