"""The results store through `grader grade`: incremental reruns, regrade diffs, overrides, the lock."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from .conftest import make_class, results, write_rubric

from grader.store.database import RunLock, Store, submission_hash, without_run_details

Grade = Callable[..., tuple[int, str]]


def test_rerun_grades_nothing_and_gives_identical_results(tmp_path: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 6)
    code, err = grade(paths)
    assert code == 0 and "graded 6 of 6 submission(s), 0 unchanged" in err
    first = (tmp_path / "out" / "results.json").read_text("utf-8")
    code, err = grade(paths)
    assert code == 0 and "graded 0 of 6 submission(s), 6 unchanged" in err
    assert "score changes" not in err
    assert results(tmp_path / "out") == without_run_details(json.loads(first))
    # one changed write-up is the only one graded again
    (tmp_path / "class" / "s03.md").write_text("## Question 1\nvanishing\n## Question 2\nnothing\n", "utf-8")
    code, err = grade(paths)
    assert "graded 1 of 6 submission(s), 5 unchanged" in err
    assert "  s03      2         3 (correct)    1 (partial)" in err


def test_rubric_change_regrades_all_and_prints_the_changes_first(tmp_path: Path, course: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 4)
    grade(paths)
    before = (tmp_path / "out" / "results.json").read_text("utf-8")
    write_rubric(course, words='"vanishing", "exploding"')
    code, err = grade(paths, "out", "--dry-run")
    assert code == 0 and "graded 4 of 4 submission(s)" in err and "wrote nothing" in err
    assert (tmp_path / "out" / "results.json").read_text("utf-8") == before  # nothing exported
    assert err.splitlines()[:4] == [
        "score changes since the last published run: 2 question(s) of 2 submission(s)",
        "  student  question  before         after",
        "  s01      1         0 (incorrect)  2 (correct)",
        "  s03      1         0 (incorrect)  2 (correct)",
    ]
    code, err = grade(paths)  # the dry run's grading is reused; the changes are shown again, then published
    assert "graded 0 of 4" in err and "  s01      1         0 (incorrect)  2 (correct)" in err
    assert [s["score"] for s in results(tmp_path / "out")["submissions"]] == [5, 5, 5, 5]
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
        rows = db.execute("SELECT student, question_id, old_score, new_score FROM score_changes"
                          " ORDER BY student").fetchall()
    assert rows == [("s01", "1", 0.0, 2.0), ("s03", "1", 0.0, 2.0)]
    assert "score changes" not in grade(paths)[1]  # published: nothing changes any more


def test_override_wins_and_keeps_the_machine_score(tmp_path: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 2)
    grade(paths)
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
        db.execute("INSERT INTO overrides VALUES ('s01', '1', 1.5, 'partly right', '2024-05-01T10:00:00')")
    _, err = grade(paths)
    assert "graded 0 of 2" in err and "  s01      1         0 (incorrect)  1.5 (partial)" in err
    q = results(tmp_path / "out")["submissions"][1]["questions"][0]
    assert (q["score"], q["status"]) == (1.5, "partial")
    assert q["details"]["override"] == {"score": 1.5, "note": "partly right", "created_at": "2024-05-01T10:00:00",
                                        "machine_score": 0, "machine_status": "incorrect"}


def test_second_run_on_the_same_folder_is_refused(tmp_path: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 1)
    (tmp_path / "out").mkdir()
    with RunLock(tmp_path / "out"):
        code, err = grade(paths)
    assert code == 2
    assert err.startswith("grader grade: another grader run (pid ") and "is using out" in err
    assert not (tmp_path / "out" / "results.json").exists()
    assert grade(paths)[0] == 0  # released


def test_submission_hash_covers_every_file_of_a_folder(tmp_path: Path) -> None:
    sub = tmp_path / "alice"
    sub.mkdir()
    (sub / "writeup.md").write_text("x", "utf-8")
    first = submission_hash(str(sub))
    (sub / "helper.py").write_text("y = 1", "utf-8")
    assert first is not None and submission_hash(str(sub)) not in (first, None)
    assert submission_hash(str(tmp_path / "missing.md")) is None


def test_store_is_wal_and_keyed_per_question(tmp_path: Path, grade: Grade) -> None:
    grade(make_class(tmp_path / "class", 2))
    with Store(tmp_path / "out") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = store.db.execute("SELECT submission, question_id, score FROM question_results"
                                " ORDER BY submission, position").fetchall()
    assert rows == [("class/s00.md", "1", 2.0), ("class/s00.md", "2", 3.0),
                    ("class/s01.md", "1", 0.0), ("class/s01.md", "2", 3.0)]
