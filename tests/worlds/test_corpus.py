"""The derivation check on the real corpus: false steps localised at their lines, few false alarms, fast."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.worlds.measure import AnswerSpec, measure

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FIXTURE = yaml.safe_load((Path(__file__).parent / "corpus_false_steps.yaml").read_text(encoding="utf-8"))


def answers() -> list[AnswerSpec]:
    return [AnswerSpec(a["file"], a["question"], a["lines"][0], a["lines"][1], a["world"],
                       tuple(sorted((a.get("aliases") or {}).items()))) for a in FIXTURE["answers"]]


@pytest.fixture(scope="module")
def measured(course):
    if not (CORPUS / "manifest.yaml").is_file():
        pytest.skip("../shared/corpus is not present")
    return measure(answers(), CORPUS, course.reference)


def known() -> set[tuple[str, int]]:
    return {(f["file"], f["line"]) for f in FIXTURE["false_steps"]}


@pytest.mark.corpus
def test_false_steps_are_localised(measured) -> None:
    found, total = measured.localised(known())
    assert total and found / total >= 0.9, sorted(known() - measured.flagged)


@pytest.mark.corpus
def test_at_most_one_false_alarm_per_50_true_lines(measured) -> None:
    alarms, true_lines = measured.false_alarms(known())
    assert true_lines >= 100
    assert alarms * 50 <= true_lines, {k: measured.messages[k] for k in measured.flagged - known()}


@pytest.mark.corpus
def test_each_write_up_is_checked_quickly(measured) -> None:
    assert measured.seconds and max(measured.seconds.values()) < 4.0  # benchmark target: 2 s on one core


def test_fixture_lines_are_inside_their_answers() -> None:
    spans = {}
    for a in FIXTURE["answers"]:
        spans.setdefault(a["file"], []).append(tuple(a["lines"]))
    for f in FIXTURE["false_steps"]:
        assert any(lo <= f["line"] <= hi for lo, hi in spans[f["file"]]), f
        assert f["why"]
