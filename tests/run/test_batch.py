"""The phases of a grade run (grader/run/batch.py): plan, grade, reconcile, export and publish, each on its own, and
the rerun with nothing changed that the publish makes possible."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.run.batch import Batch, BatchError, Exported, Request, held_assignment
from grader.store.database import RunLock, Store, StoreLocked, without_run_details

RUBRIC = """\
assignment: hw
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        label: the gradient vanishes
        any: [{words}]
  - id: "2"
    points: 1
    checks:
      - kind: keywords
        label: momentum
        all: ["momentum"]
"""


def write_rubric(course: Path, words: str = '"vanishing"') -> None:
    (course / "rubrics").mkdir(parents=True, exist_ok=True)
    (course / "rubrics" / "hw.yaml").write_text(RUBRIC.format(words=words), "utf-8")


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # submission paths are relative, as a TA types them
    root = tmp_path / "course"
    write_rubric(root)
    return root


@pytest.fixture
def paths(tmp_path: Path) -> tuple[str, ...]:
    """s00 says the gradient is vanishing (question 1 right), s01 and s02 say exploding; all use momentum."""
    (tmp_path / "class").mkdir()
    for i, word in enumerate(("vanishing", "exploding", "exploding")):
        (tmp_path / "class" / f"s{i:02d}.md").write_text(
            f"## Question 1\n\nThe gradient is {word} here.\n\n## Question 2\n\nWe use momentum.\n", "utf-8")
    return tuple(f"class/s{i:02d}.md" for i in range(3))


def request(course: Path, paths: tuple[str, ...], **more: object) -> Request:
    return Request("hw", paths, Path("out"), course, **{"jobs": 1, "timeout": 60.0, **more})  # type: ignore[arg-type]


def whole_run(req: Request, said: tuple[str, ...] = (), exit_code: int = 0) -> Exported:
    """Every phase in order, as `grader grade` calls them."""
    course = Course(req.course)
    batch = Batch(req)
    plan = batch.plan(course, course.rubric(req.assignment))
    with batch:
        exported = batch.export(batch.reconcile(batch.grade(plan)))
        batch.publish(exported, said=said, exit_code=exit_code)
    return exported


def scores(results: tuple) -> dict[tuple[str, str], float]:  # type: ignore[type-arg]
    return {(r.student, q.id): q.score for r in results for q in r.questions}


# --- plan ------------------------------------------------------------------------------------------------------

def test_plan_names_students_from_the_roster_and_writes_nothing(tmp_path: Path, course: Path,
                                                                 paths: tuple[str, ...]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,email\ns00,Ann,a@x.org\ns01,Bo,b@x.org\n", "utf-8")  # no s02
    batch = Batch(request(course, (*paths, "class/gone.md"), roster=str(roster)))
    plan = batch.plan(Course(course), Course(course).rubric("hw"))
    assert [(t.path, t.student) for t in plan.tasks] == [*((p, f"s{i:02d}") for i, p in enumerate(paths)),
                                                         ("class/gone.md", "gone")]
    assert plan.warnings == (f"class/s02.md: not on the roster {roster}; graded as 's02'",
                             f"class/gone.md: not on the roster {roster}; graded as 'gone'")
    assert [k is None for k in plan.keys] == [False, False, False, True]  # an unreadable file is never reused
    assert {k.rubric_hash for k in plan.keys if k} == {plan.rubric.digest}
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text,message", [(None, "roster file not found"), ("", "roster is empty")])
def test_plan_says_which_roster_cannot_be_read(tmp_path: Path, course: Path, paths: tuple[str, ...],
                                               text: str | None, message: str) -> None:
    if text is not None:
        (tmp_path / "roster.csv").write_text(text, "utf-8")
    batch = Batch(request(course, paths, roster="roster.csv"))
    with pytest.raises(BatchError, match=rf"^roster\.csv: {message}$"):
        batch.plan(Course(course), Course(course).rubric("hw"))
    assert not (tmp_path / "out").exists()


def test_phases_after_plan_need_the_folder_held(course: Path, paths: tuple[str, ...]) -> None:
    batch = Batch(request(course, paths))
    plan = batch.plan(Course(course), Course(course).rubric("hw"))
    with pytest.raises(RuntimeError, match="inside `with batch:`"):
        batch.grade(plan)


def test_a_held_folder_is_refused(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    whole_run(request(course, paths))
    batch = Batch(request(course, paths))
    with RunLock(tmp_path / "out"):
        assert batch.unchanged() is None  # the full path says who holds it
        with pytest.raises(StoreLocked, match="another grader run"):
            with batch:
                pass


# --- grade -----------------------------------------------------------------------------------------------------

def test_grade_reuses_what_the_store_holds(course: Path, paths: tuple[str, ...]) -> None:
    first = whole_run(request(course, paths)).reconciled.grading
    assert (first.graded, first.reused, first.unsaved) == (3, 0, 0)
    assert [r.submission for r in first.results] == list(paths)
    assert scores(first.results) == {("s00", "1"): 2.0, ("s00", "2"): 1.0, ("s01", "1"): 0.0, ("s01", "2"): 1.0,
                                     ("s02", "1"): 0.0, ("s02", "2"): 1.0}
    again = whole_run(request(course, paths)).reconciled.grading
    assert (again.graded, again.reused) == (0, 3) and again.results == first.results  # timing included: stored
    fresh = whole_run(request(course, paths, fresh=True)).reconciled.grading
    assert (fresh.graded, fresh.reused) == (3, 0)
    assert scores(fresh.results) == scores(first.results)
    write_rubric(course, '"exploding"')  # another rubric: nothing stored is valid for it
    regraded = whole_run(request(course, paths)).reconciled.grading
    assert (regraded.graded, regraded.reused) == (3, 0) and scores(regraded.results)[("s01", "1")] == 2.0


def test_grade_stores_no_unreadable_write_up(course: Path, paths: tuple[str, ...]) -> None:
    more = (*paths, "class/gone.md")
    grading = whole_run(request(course, more)).reconciled.grading
    assert (grading.graded, grading.unsaved) == (4, 1) and grading.results[3].has_error
    again = whole_run(request(course, more)).reconciled.grading
    assert (again.graded, again.reused, again.unsaved) == (1, 3, 1)


def test_grade_records_the_run(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    whole_run(request(course, paths))
    whole_run(request(course, paths[:2], dry_run=True))
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
        rows = db.execute("SELECT total, reused, graded, failed, published, finished_at IS NOT NULL FROM runs"
                          " ORDER BY id").fetchall()
    assert rows == [(3, 0, 3, 0, 1, 1), (2, 2, 0, 0, 0, 1)]


# --- reconcile -------------------------------------------------------------------------------------------------

def test_reconcile_applies_overrides_and_says_which_moved(tmp_path: Path, course: Path,
                                                          paths: tuple[str, ...]) -> None:
    whole_run(request(course, paths))
    batch = Batch(request(course, paths))
    plan = batch.plan(Course(course), Course(course).rubric("hw"))
    with batch:
        batch.store.add_override("s01", "1", 1.5, "right idea", (0.0, "incorrect"), plan.rubric.digest)
        batch.store.add_override("s02", "1", 1.0, "half", (2.0, "correct"), plan.rubric.digest)  # not what it was
        reconciled = batch.reconcile(batch.grade(plan))
    assert scores(reconciled.results)[("s01", "1")] == 1.5 and scores(reconciled.results)[("s02", "1")] == 1.0
    assert scores(reconciled.grading.results)[("s01", "1")] == 0.0  # the machine's results stay as they were
    s01 = next(q for q in reconciled.results[1].questions if q.id == "1")
    assert s01.status.value == "partial" and s01.details["override"]["machine_score"] == 0.0
    assert [(m.student, m.question, m.before, m.now) for m in reconciled.moved] == [
        ("s02", "1", (2.0, "correct"), (0.0, "incorrect"))]
    assert reconciled.failed == ()


def test_reconcile_compares_with_the_last_publish(course: Path, paths: tuple[str, ...]) -> None:
    assert whole_run(request(course, paths)).reconciled.changes == ()  # a first run changes nothing seen
    write_rubric(course, '"exploding"')
    changes = whole_run(request(course, paths)).reconciled.changes
    assert [(c.student, c.question_id, c.old_score, c.new_score) for c in changes] == [
        ("s00", "1", 2.0, 0.0), ("s01", "1", 0.0, 2.0), ("s02", "1", 0.0, 2.0)]
    assert whole_run(request(course, paths, fresh=True)).reconciled.changes == ()  # published by the run before


def test_reconcile_lists_failed_write_ups(course: Path, paths: tuple[str, ...]) -> None:
    reconciled = whole_run(request(course, (*paths, "class/gone.md"))).reconciled
    assert [r.submission for r in reconciled.failed] == ["class/gone.md"]


# --- export ----------------------------------------------------------------------------------------------------

def test_export_writes_the_files_once(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    out = tmp_path / "out"
    exported = whole_run(request(course, paths))
    assert exported.rendered and exported.files[:4] == ("results.json", "grades.csv", "summary.md", "summary.html")
    assert "s01/report.html" in exported.files and all((out / f).is_file() for f in exported.files)
    assert [r.details["report_dir"] for r in exported.results] == ["s00", "s01", "s02"]
    results_json = (out / "results.json").read_bytes()
    again = whole_run(request(course, paths, fresh=True))  # graded again, to the same results
    assert not again.rendered and again.files == exported.files
    assert [without_run_details(r.to_dict()) for r in again.results] == [
        without_run_details(r.to_dict()) for r in exported.results]  # only the timing differs
    assert (out / "results.json").read_bytes() == results_json
    (out / "s02" / "report.md").unlink()
    assert whole_run(request(course, paths, fresh=True)).rendered  # a file is missing: all written again
    assert (out / "s02" / "report.md").is_file()


def test_export_under_dry_run_writes_nothing(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    exported = whole_run(request(course, paths, dry_run=True))
    assert (exported.files, exported.rendered) == ((), False) and len(exported.results) == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("grader.sqlite")) == [
        ".grader.lock"]


# --- publish ---------------------------------------------------------------------------------------------------

def test_publish_stamps_the_inputs_for_the_next_run(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    exported = whole_run(request(course, paths), said=("grader grade: said once",), exit_code=1)
    stamp = Batch(request(course, paths)).unchanged()
    assert stamp is not None
    assert (stamp.messages, stamp.exit_code, stamp.total, stamp.failed) == (("grader grade: said once",), 1, 3, 0)
    assert stamp.files == exported.files and stamp.rubric_hash == exported.reconciled.grading.plan.rubric.digest
    assert Batch(request(course, paths[:2])).unchanged() is None  # other inputs: the full path
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
        published = db.execute("SELECT student, question_id, score FROM published ORDER BY 1, 2").fetchall()
        runs = db.execute("SELECT total, reused, graded FROM runs ORDER BY id").fetchall()
    assert published == [("s00", "1", 2.0), ("s00", "2", 1.0), ("s01", "1", 0.0), ("s01", "2", 1.0),
                         ("s02", "1", 0.0), ("s02", "2", 1.0)]
    assert runs == [(3, 0, 3), (3, 3, 0)]  # the short cut is on record too


@pytest.mark.parametrize("how", ["dry_run", "unreadable", "worker_timed_out"])
def test_publish_leaves_no_stamp_when_the_next_run_must_work(tmp_path: Path, course: Path, paths: tuple[str, ...],
                                                             how: str) -> None:
    req = {"dry_run": request(course, paths, dry_run=True),
           "unreadable": request(course, (*paths, "class/gone.md")),
           "worker_timed_out": request(course, paths, timeout=1e-9)}[how]  # stopped before it could answer
    grading = whole_run(req).reconciled.grading
    assert grading.unsaved == {"dry_run": 0, "unreadable": 1, "worker_timed_out": 3}[how]
    assert Batch(dataclasses.replace(req, dry_run=False, timeout=60.0)).unchanged() is None
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
        published = db.execute("SELECT COUNT(*) FROM published").fetchone()[0]
    assert published == {"dry_run": 0, "unreadable": 8, "worker_timed_out": 6}[how]


# --- the output folder's assignment ----------------------------------------------------------------------------

def test_another_assignment_into_a_graded_folder_is_refused_unless_forced(tmp_path: Path, course: Path,
                                                                          paths: tuple[str, ...]) -> None:
    (course / "rubrics" / "other.yaml").write_text(RUBRIC.format(words="vanishing").replace("assignment: hw", "assignment: other"), "utf-8")
    assert Batch(request(course, paths)).check_folder() is None  # a new folder
    whole_run(request(course, paths))
    assert held_assignment(tmp_path / "out") == "hw"
    assert Batch(request(course, paths)).check_folder() is None  # the same assignment reruns as before
    other = dataclasses.replace(request(course, paths), assignment="other")
    with pytest.raises(BatchError, match=r"^out holds the results of assignment 'hw', not 'other': .*--force"):
        Batch(other).check_folder()
    forced = dataclasses.replace(other, force=True)
    assert Batch(forced).check_folder() == "replacing the results of assignment 'hw' in out"
    whole_run(forced)
    assert held_assignment(tmp_path / "out") == "other"
    with pytest.raises(BatchError, match="holds the results of assignment 'other', not 'hw'"):
        Batch(request(course, paths)).check_folder()


def test_a_forced_run_says_which_overrides_stay(tmp_path: Path, course: Path, paths: tuple[str, ...]) -> None:
    (course / "rubrics" / "other.yaml").write_text(RUBRIC.format(words="vanishing").replace("assignment: hw", "assignment: other"), "utf-8")
    whole_run(request(course, paths))
    with Store(tmp_path / "out") as store:
        store.add_override("s01", "1", 2.0, "fine", (0.0, "incorrect"), "h")
    forced = dataclasses.replace(request(course, paths), assignment="other", force=True)
    said = Batch(forced).check_folder()
    assert said is not None and "its 1 override(s) stay in the store" in said


def test_the_held_assignment_comes_from_results_json_without_a_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert held_assignment(out) is None
    out.mkdir()
    (out / "results.json").write_text('{"assignment": "hw", "submissions": []}', "utf-8")
    assert held_assignment(out) == "hw"
    (out / "results.json").write_text("{not json", "utf-8")
    assert held_assignment(out) is None  # nothing to refuse on: the run rewrites it
    assert not (out / "grader.sqlite").exists()  # looking made no store
