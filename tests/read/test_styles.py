"""Write-ups in many styles (tests/fixtures/styles): each expected answer is found, on its own question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.course.directory import Course
from grader.read.ingest import read_submission
from grader.read.segment import segment

REPO = Path(__file__).resolve().parents[2]
STYLES = REPO / "tests" / "fixtures" / "styles"
MANIFEST = yaml.safe_load((STYLES / "manifest.yaml").read_text(encoding="utf-8"))
FIXTURES: list[dict[str, Any]] = MANIFEST["fixtures"]
RETYPESET: list[dict[str, Any]] = MANIFEST["retypeset"]

# What today's reader cannot do yet, per fixture; the work on LaTeX ingest and labels should turn these green.
NOT_YET: dict[str, str] = {}


def _squash(text: str) -> str:
    return " ".join(text.split())


def _segmented(path: Path, assignment: str) -> dict[str, str]:
    """Question id -> answer text (whitespace squashed), for the ids the grader finds, split as grading splits
    (prompts and titles from the rubric)."""
    questions = Course(REPO).rubric(assignment).assignment.questions
    answers = segment(read_submission(path), [q.id for q in questions],
                      {q.id: q.prompt for q in questions if q.prompt}, {q.id: q.title for q in questions if q.title})
    return {qid: _squash(a.text) for qid, a in answers.items() if a is not None and a.found}


def _fixture_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        import json
        return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _params() -> list[Any]:
    out = []
    for entry in FIXTURES:
        reason = NOT_YET.get(entry["path"])
        marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
        out.append(pytest.param(entry, id=entry["path"], marks=marks))
    return out


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["path"]) for e in FIXTURES])
def test_manifest_phrase_occurs_once(entry: dict[str, Any]) -> None:
    """A phrase that occurs twice in a fixture could not tell a right answer from a misplaced one."""
    text = _squash(_fixture_text(STYLES / entry["path"]))
    rubric_ids = {q.id for q in Course(REPO).rubric(entry["assignment"]).assignment.questions}
    assert set(entry["expect"]) <= rubric_ids
    for qid, phrase in entry["expect"].items():
        assert text.count(_squash(phrase)) == 1, (entry["path"], qid, phrase)


@pytest.mark.parametrize("entry", _params())
def test_every_expected_answer_is_found_on_its_question(entry: dict[str, Any]) -> None:
    found = _segmented(STYLES / entry["path"], entry["assignment"])
    expect: dict[str, str] = entry["expect"]
    problems = []
    for qid, phrase in expect.items():
        text = found.get(qid)
        if text is None:
            problems.append(f"{qid}: not found")
        elif _squash(phrase) not in text:
            problems.append(f"{qid}: its phrase {phrase!r} is not in its answer")
        else:
            problems += [f"{qid}: also holds the answer of {o}" for o, p in expect.items()
                         if o != qid and _squash(p) in text]
    assert not problems, problems


def test_retypeset_files_exist_and_name_corpus_originals() -> None:
    """Every re-typeset write-up is committed; its original is named by the corpus manifest's file name."""
    assert len({e["original"] for e in RETYPESET}) >= 5
    for entry in RETYPESET:
        assert (STYLES / entry["path"]).is_file(), entry["path"]
        assert Path(entry["path"]).stem == Path(entry["original"]).stem


@pytest.mark.corpus
@pytest.mark.parametrize("entry", [pytest.param(e, id=e["path"]) for e in RETYPESET])
def test_retypeset_finds_the_same_answers_as_its_original(entry: dict[str, Any], corpus: Path) -> None:
    """The cheap half of 'grades exactly as the original' (benchmarks/segment_bench.py --retypeset does the rest)."""
    original = _segmented(corpus / entry["original"], entry["assignment"])
    retyped = _segmented(STYLES / entry["path"], entry["assignment"])
    assert sorted(retyped) == sorted(original)
