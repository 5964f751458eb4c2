"""`grader new-question` end to end: it scaffolds a valid entry, world and samples, and refuses to overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.cli import main


def test_scaffold_validates_and_grades_its_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = ["--course", str(tmp_path)]
    assert main(["new-question", "topic", "first", "--assignment", "hw", *course]) == 0
    assert main(["new-question", "topic", "second", "--assignment", "hw", *course]) == 0  # appended
    assert (tmp_path / "reference/worlds/topic_world.py").read_text().count("= World(") == 2
    capsys.readouterr()
    assert main(["validate", *course]) == 0
    samples = tmp_path / "reference/samples/topic/second"
    assert main(["try", "--assignment", "hw", "--question", "2", *course, str(samples / "right.md")]) == 0
    assert "question 2: correct" in capsys.readouterr().out
    assert main(["try", "--assignment", "hw", "--question", "2", *course, str(samples / "wrong.md")]) == 0
    assert "question 2: incorrect" in capsys.readouterr().out


def test_it_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    course = ["--course", str(tmp_path)]
    assert main(["new-question", "topic", "first", *course]) == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["new-question", "topic", "first", *course]) == 2
    assert "already has an entry 'first'" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("argv, words", [
    (["Bad-Topic", "x"], "use lowercase"),
    (["topic", "1.2"], "use lowercase"),
])
def test_bad_names_are_refused(tmp_path: Path, argv: list[str], words: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-question", *argv, "--course", str(tmp_path)]) == 2
    assert words in capsys.readouterr().err and not any(tmp_path.iterdir())


def test_a_bank_whose_questions_are_not_last_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "reference/bank/topic.yaml"
    bank.parent.mkdir(parents=True)
    bank.write_text("questions:\n  a: {title: x}\nnotes: after\n")
    assert main(["new-question", "topic", "b", "--course", str(tmp_path)]) == 2
    assert "would not land under" in capsys.readouterr().err and bank.read_text().endswith("notes: after\n")
