"""`grader review` lists what a TA must decide; `grader override` shows everywhere and survives reruns and rubric changes."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from grader import cli
from grader.store.overrides import moved, stored_results
from grader.store.database import Store

REPO = Path(__file__).resolve().parents[1]
SUBS = [str(REPO / "submissions" / "decoding-2021" / n) for n in ("correct.md", "flawed.md")]


def copy_course(root: Path) -> Path:
    """A copy of the course, so a test can change a rubric."""
    shutil.copytree(REPO / "rubrics", root / "rubrics")
    shutil.copytree(REPO / "reference", root / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def grade(course: Path, out: Path) -> None:
    assert cli.main(["grade", *SUBS, "--assignment", "decoding-2021", "--out", str(out), "--course", str(course),
                     "--jobs", "2"]) == 0


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(course, graded folder), graded once for the module; tests work on copies of the folder."""
    base = tmp_path_factory.mktemp("graded")
    course = copy_course(base / "course")
    grade(course, base / "out")
    return course, base / "out"


@pytest.fixture
def course(graded: tuple[Path, Path]) -> Path:
    return graded[0]


@pytest.fixture
def out(graded: tuple[Path, Path], tmp_path: Path) -> Path:
    shutil.copytree(graded[1], tmp_path / "out")
    return tmp_path / "out"


def question(out: Path, student: str, qid: str) -> dict:
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    sub = next(s for s in doc["submissions"] if s["student"] == student)
    return next(q for q in sub["questions"] if q["id"] == qid)


def test_review_lists_needs_review_and_evidence(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["review", str(out), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    keys = [(i["student"], i["question"]) for i in items]
    assert ("correct", "1.3") in keys and ("flawed", "1.3") in keys
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)  # by student, then question in rubric order
    first = next(i for i in items if i["question"] == "1.3")
    assert "explode" in first["answer"] and first["findings"] and first["why"] == ["status needs_review"]
    assert cli.main(["review", str(out)]) == 0
    text = capsys.readouterr().out
    assert "== correct  question 1.3  [needs_review" in text and "   answer (line" in text


@pytest.mark.parametrize("args,message", [
    (["nobody", "2.4.c", "1"], "no student 'nobody' in results.json"),
    (["flawed", "9.9", "1"], "no question '9.9' for 'flawed'"),
    (["flawed", "2.4.c", "3"], "SCORE must be between 0 and 1.5"),
    (["flawed", "2.4.c", "-1"], "SCORE must be between 0 and 1.5"),
    (["flawed", "2.4.c", "lots"], "SCORE must be a number"),
])
def test_override_validates(course: Path, out: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                            message: str) -> None:
    assert cli.main(["override", str(out), *args, "--note", "x", "--course", str(course)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_override_shows_everywhere_and_survives(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")  # this test changes the rubric
    out = tmp_path / "out"
    grade(course, out)
    before = question(out, "flawed", "2.4.c")
    assert before["score"] != 1.5
    assert cli.main(["override", str(out), "flawed", "2.4.c", "1.5", "--note", "both beams right",
                     "--course", str(course)]) == 0

    def shows() -> None:
        q = question(out, "flawed", "2.4.c")
        assert q["score"] == 1.5 and q["details"]["override"]["note"] == "both beams right"
        assert q["details"]["override"]["machine_score"] == before["score"]
        assert q["details"]["override"]["machine_status"] == before["status"]
        rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
        assert float(rows["flawed"]["2.4.c"]) == 1.5
        report = (out / "flawed" / "report.md").read_text(encoding="utf-8")
        section = report.split("## Question 2.4.c", 1)[1].split("## Question", 1)[0]
        assert "**1.5 / 1.5**" in section

    shows()
    grade(course, out)  # a rerun reuses the stored results and applies the override again
    shows()
    rubric = course / "rubrics" / "decoding-2021.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace(
        "bank: decoding.tree_beam", "bank: decoding.tree_beam\n    title: Beam search, B = 2", 1), encoding="utf-8")
    grade(course, out)  # a changed rubric regrades every write-up; the override stays
    shows()
    assert question(out, "flawed", "2.4.c")["details"]["override"]["machine_score"] == before["score"]


def test_a_regrade_that_moves_an_overridden_question_says_so(course: Path, out: Path) -> None:
    assert cli.main(["override", str(out), "flawed", "2.4.c", "1.5", "--note", "ok", "--course", str(course)]) == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    with Store(out) as store:
        machine = list(stored_results(store, [s["submission"] for s in doc["submissions"]], doc["rubric_hash"]).values())
        assert moved(store, machine) == []
        flawed = next(r for r in machine if r.student == "flawed")
        changed = dataclasses.replace(flawed, questions=tuple(
            dataclasses.replace(q, score=0.0) if q.id == "2.4.c" else q for q in flawed.questions))
        notes = moved(store, [changed])
    assert [n.question for n in notes] == ["2.4.c"]
    assert "the override still applies" in notes[0].text()


def test_review_no_longer_lists_a_decided_question(course: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["review", str(out), "--json"]) == 0
    assert ("flawed", "1.3") in {(i["student"], i["question"]) for i in json.loads(capsys.readouterr().out)}
    assert cli.main(["override", str(out), "flawed", "1.3", "3", "--note", "two of three", "--course", str(course)]) == 0
    capsys.readouterr()
    assert cli.main(["review", str(out), "--json"]) == 0
    keys = {(i["student"], i["question"]) for i in json.loads(capsys.readouterr().out)}
    assert ("flawed", "1.3") not in keys and ("correct", "1.3") in keys  # only the decided one leaves the list


def test_notes_on_a_whole_submission_reach_the_terminal_and_review(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "part1.md").write_text((repo / "submissions" / "attention" / "correct.md").read_text())
    (folder / "part2.md").write_text("## Question 4.4\n\nmore\n")
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(folder), "--assignment", "attention",
                           "--out", str(tmp_path / "out"), "--course", str(repo)], capture_output=True, text=True)
    assert "read 2 write-ups in this order: part1.md, part2.md" in done.stderr
    listed = subprocess.run([sys.executable, "-m", "grader", "review", str(tmp_path / "out")],
                            capture_output=True, text=True).stdout
    assert "NOTES on the whole submission" in listed and "part1.md, part2.md" in listed
