"""benchmarks/content_bench.py: the TA reading it compares with is complete and well formed, and its counts are right."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from . import harness

sys.path.insert(0, str(harness.REPO / "benchmarks"))
import content_bench  # noqa: E402


def test_reading_covers_every_question_of_each_rubric() -> None:
    reading = content_bench.load_reading()
    assert sorted(reading) == ["attention", "backprop", "decoding-2021", "newton"]
    for assignment, entry in reading.items():
        ids = [q.id for q in harness.course().rubric(assignment).assignment.questions]
        assert list(entry["questions"]) == ids, assignment


def test_reading_names_the_manifest_files() -> None:
    manifest = harness.CORPUS / "manifest.yaml"
    if not manifest.is_file():
        pytest.skip("../shared/corpus is not present")
    import yaml
    submissions = yaml.safe_load(manifest.read_text("utf-8"))["submissions"]
    for assignment, entry in content_bench.load_reading().items():
        assert submissions[entry["file"]]["assignment"] == assignment


def test_a_reading_without_a_reason_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "reading.yaml"
    bad.write_text('newton: {file: x.txt, questions: {"1.1": {status: correct}}}\n', "utf-8")
    with pytest.raises(ValueError, match="newton 1.1"):
        content_bench.load_reading(bad)


def test_compare_counts_decided_and_agreeing_questions() -> None:
    reading = {"questions": {
        "a": {"status": "correct", "reason": "r1"}, "b": {"status": "partial", "reason": "r2"},
        "c": {"status": "incorrect", "reason": "r3"}, "d": {"status": "undecidable", "reason": "r4"},
        "e": {"status": "undecidable", "reason": "r5"}}}
    got = {"a": ("correct", 1.0), "b": ("correct", 1.0), "c": ("needs_review", 0.0), "d": ("needs_review", 1.0),
           "e": ("partial", 0.5)}
    tally = content_bench.compare(reading, got)
    assert (tally.decidable, tally.decided, tally.agreed) == (3, 2, 1)
    assert tally.disagreements == ["  b: grader correct, TA partial: r2"]
    assert tally.notes == ["  e: undecidable for a TA, grader says partial (r5)"]
    assert tally.line("x") == "x                2/3 decided (67%), 1/2 agree (50%)"


def test_skips_cleanly_without_the_corpus(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.setattr(content_bench, "CORPUS", tmp_path / "absent")
    assert content_bench.main(["--jobs", "1"]) == 0
    assert "skipped" in capsys.readouterr().out


@pytest.mark.corpus
def test_runs_on_the_corpus(capsys) -> None:
    if not harness.CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    assert content_bench.main(["--jobs", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out if not line.startswith(" ")] == [
        "decoding-2021", "attention", "backprop", "newton", "overall"]
