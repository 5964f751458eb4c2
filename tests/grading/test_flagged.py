"""Flagged submissions (answers mostly not found or not read) and several write-ups graded as one submission."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from grader import cli
from grader.course.directory import Course
from grader.grading.pipeline import FLAG_FOUND_SHARE, flag_reason, grade_submission
from grader.grading.results import Status
from grader.read.document import Document
from grader.store.database import roundtrip

RUBRIC = """\
assignment: demo
title: Demo
questions:
""" + "".join(f"""\
  - id: "{i}"
    points: 2
    checks:
      - kind: keywords
        any: [word{i}]
""" for i in range(1, 5))

GOOD = "".join(f"## Question {i}\n\nThe answer uses word{i}.\n\n" for i in range(1, 5))
# one heading the reader knows, the rest run on under it with nothing that marks where an answer starts (headings
# without labels are placed by their order since segmentation learnt to, so they would not show the rule)
UNLIKE = ("## Question 1\n\nword1 here.\n\nThen word2 follows on, and word3, and word4 without any break.\n")


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "demo.yaml").write_text(RUBRIC)
    (tmp_path / "alice.md").write_text(GOOD)
    (tmp_path / "zed.md").write_text(UNLIKE)
    return tmp_path


def grade(course: Path, path: str):
    c = Course(course)
    return grade_submission(str(course / path), c.rubric("demo"), c)


def doc(unreadable: tuple[str, ...] = ()) -> Document:
    return Document(path="a.md", lines=("x",), line_numbers=(1,), unreadable=unreadable)


@pytest.mark.parametrize("found, total, flagged", [(2, 4, False), (1, 4, True), (0, 1, True), (1, 1, False),
                                                   (3, 7, True), (4, 7, False), (0, 0, False)])
def test_fewer_than_half_found_is_the_rule(found: int, total: int, flagged: bool) -> None:
    assert FLAG_FOUND_SHARE == 0.5
    reason = flag_reason(doc(), found, total)
    assert (reason is not None) is flagged
    if flagged:
        assert reason is not None and f"only {found} of {total} questions were found" in reason


def test_an_unreadable_file_beside_the_writeup_flags_even_when_every_answer_is_found() -> None:
    reason = flag_reason(doc(("s/k.py: not UTF-8 text (invalid byte at offset 3)", "s/x.py: symbolic link refused")),
                         4, 4)
    assert reason == ("a file of the submission could not be read: s/k.py: not UTF-8 text (invalid byte at offset 3) "
                      "(and 1 more)")


def test_unlike_headings_flag_the_submission_and_put_unfound_questions_to_review(course: Path) -> None:
    r = grade(course, "zed.md")
    assert r.flagged is not None and "only 1 of 4 questions were found" in r.flagged
    statuses = [(q.id, q.status, q.score) for q in r.questions]
    assert statuses == [("1", Status.CORRECT, 2.0)] + [(i, Status.NEEDS_REVIEW, 0.0) for i in "234"]
    assert [f.kind for f in r.questions[1].findings] == ["flagged"]
    assert r.findings[0].kind == "flagged" and r.findings[0].severity.value == "error"
    d = r.to_dict()
    assert d["flagged"] == r.flagged and list(d)[:5] == ["submission", "student", "score", "max_score", "flagged"]
    assert roundtrip(r).flagged == r.flagged and roundtrip(r).to_dict() == d  # the store keeps the flag


def test_a_labelled_writeup_is_not_flagged(course: Path) -> None:
    r = grade(course, "alice.md")
    assert r.flagged is None and "flagged" not in r.to_dict()
    assert all(q.status is Status.CORRECT for q in r.questions)


def test_an_undecodable_code_file_in_a_folder_flags_it(course: Path) -> None:
    sub = course / "bob"
    sub.mkdir()
    (sub / "answers.md").write_text(GOOD)
    (sub / "kernel.py").write_bytes(b"x = '\xe9'\n")
    r = grade(course, "bob")
    assert r.flagged is not None and "kernel.py: not UTF-8 text" in r.flagged
    assert all(q.status is Status.CORRECT for q in r.questions)  # every answer was found: nothing to review


def test_grade_is_loud_about_a_flagged_submission(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = course / "out"
    args = ["grade", str(course / "alice.md"), str(course / "zed.md"), "--assignment", "demo", "--out", str(out),
            "--course", str(course), "--jobs", "1"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "flagged for review:" in line]
    assert lines == [f"grader grade: {course / 'zed.md'}: flagged for review: only 1 of 4 questions were found "
                     "under the rubric's question ids: the write-up's headings may be unlike the rubric's, or most "
                     "questions are not answered"]
    assert err.rstrip().endswith("; 1 flagged for review")
    doc = json.loads((out / "results.json").read_text())
    assert [s.get("flagged") is not None for s in doc["submissions"]] == [False, True]
    assert "flagged: 1" in (out / "summary.md").read_text()
    assert "flagged: 1" in (out / "summary.html").read_text()
    report = (out / "zed" / "report.md").read_text()
    assert "**Flagged for review:** only 1 of 4" in report and "(provisional)" in report
    assert "Flagged for review" not in (out / "alice" / "report.md").read_text()
    # the rerun with nothing changed stops early, and says and exits the same
    assert cli.main(args) == 1
    again = capsys.readouterr().err
    assert "graded 0 of 2 submission(s), 2 unchanged" in again
    assert [line for line in again.splitlines() if "flagged for review:" in line] == lines
    assert again.rstrip().endswith("; 1 flagged for review")


def test_review_lists_flagged_submissions_first(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed = "any: [word1]\n    review: true\n    review_reason: a TA reads it"
    (course / "rubrics" / "demo.yaml").write_text(RUBRIC.replace("any: [word1]", reviewed))
    out = course / "out"
    # alice sorts before zed and has a question to review (1); zed is flagged, so all of zed comes first
    assert cli.main(["grade", str(course / "alice.md"), str(course / "zed.md"), "--assignment", "demo", "--out",
                     str(out), "--course", str(course), "--jobs", "1"]) == 1
    capsys.readouterr()
    assert cli.main(["review", str(out), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    keys = [(i["student"], i["question"]) for i in items]
    assert keys[0] == ("zed", "") and items[0]["status"] == "flagged" and items[0]["flagged"]
    assert keys[1:] == [("zed", "1"), ("zed", "2"), ("zed", "3"), ("zed", "4"), ("alice", "1")]
    assert cli.main(["review", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("== zed  FLAGGED") and "1 flagged submission(s) and" in text


def test_check_tells_a_student_how_to_label_answers(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(course / "zed.md"), "--assignment", "demo", "--course", str(course)]) == 1
    text = capsys.readouterr().out
    assert "How to label your answers so the grader finds them:" in text
    assert "## Question 1" in text and "This assignment's question ids: 1, 2, 3, 4" in text
    assert "Question 2 -- not found under its id (no score here)" in text  # no provisional 0 that reads as a grade
    assert "no answer was found under this question's id" in text
    assert cli.main(["check", str(course / "alice.md"), "--assignment", "demo", "--course", str(course)]) == 0
    assert "How to label" not in capsys.readouterr().out


# --- several write-ups in one submission -----------------------------------------------------------------------

def test_a_writeup_split_in_two_files_is_graded_whole(course: Path) -> None:
    sub = course / "carol"
    sub.mkdir()
    (sub / "part1.md").write_text("## Question 1\n\nword1\n\n## Question 2\n\nword2\n")
    (sub / "part2.md").write_text("## Question 3\n\nword3\n\n## Question 4\n\nwordX is wrong\n")
    r = grade(course, "carol")
    assert r.flagged is None and r.score == 6.0
    assert [q.status for q in r.questions] == [Status.CORRECT] * 3 + [Status.INCORRECT]
    notes = [f.message for f in r.findings]
    assert notes == [f"{sub}: read 2 write-ups in this order: part1.md, part2.md"]
    # a finding about the second file names it; line numbers are that file's own (7, not 14 of the two together)
    q4 = r.questions[3]
    assert q4.line == 7 and all(f.file == f"{sub}/part2.md" for f in q4.findings if f.line is not None)
    assert q4.findings and all("file" in f.to_dict() for f in q4.findings if f.line is not None)
    assert all(f.file is None for f in r.questions[0].findings)


def test_a_zip_of_a_class_is_refused_with_how_to_grade_it(course: Path) -> None:
    z = course / "class.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("class/alice/answers.md", GOOD)
        zf.writestr("class/bob/answers.md", GOOD)
    r = grade(course, "class.zip")
    assert r.has_error
    message = r.questions[0].findings[0].message
    assert "looks like a whole class" in message and "grader grade class/*" in message
