"""The rerun with nothing changed (grader/store/uptodate.py): it stops after hashing its inputs, and any changed input
takes the full path again."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import HERE, make_class, write_rubric

from grader.commands import grade as grade_command
from grader.store.uptodate import Stamp

Grade = Callable[..., tuple[int, str]]


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The assignments whose rubric a `grade` loaded: a run that takes the short cut loads none."""
    loaded: list[str] = []
    real = grade_command.load_rubric_or_exit

    def spy(course: str, assignment: str):  # type: ignore[no-untyped-def]
        loaded.append(assignment)
        return real(course, assignment)

    monkeypatch.setattr(grade_command, "load_rubric_or_exit", spy)
    return loaded


def test_nothing_changed_says_what_the_full_run_says(tmp_path: Path, grade: Grade, full_runs: list[str]) -> None:
    paths = make_class(tmp_path / "class", 4, extra={2: "RAISE"})
    code, err = grade(paths)
    assert full_runs == ["hw"] and code == 1
    full = [line for line in err.splitlines() if not line.startswith("graded ")]
    assert any("s02.md" in line and "the sleep check was told to fail" in line for line in full)
    results_before = (tmp_path / "out" / "results.json").read_bytes()
    code, err = grade(paths)
    assert full_runs == ["hw"] and code == 1  # no rubric loaded: the short cut
    assert [line for line in err.splitlines() if not line.startswith("graded ")] == full
    assert "graded 0 of 4 submission(s), 4 unchanged" in err and err.rstrip().endswith("; 1 with errors")
    assert (tmp_path / "out" / "results.json").read_bytes() == results_before
    with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:  # the run is still on record
        assert db.execute("SELECT total, reused, graded, failed FROM runs ORDER BY id").fetchall() == [
            (4, 0, 4, 1), (4, 4, 0, 1)]


@pytest.mark.parametrize("change", ["submission", "order", "fewer", "rubric", "template", "reference",
                                    "report", "override", "roster"])
def test_any_changed_input_takes_the_full_path(tmp_path: Path, course: Path, grade: Grade, full_runs: list[str],
                                               change: str) -> None:
    paths = make_class(tmp_path / "class", 3)
    (course / "reference").mkdir()
    (course / "reference" / "helper.py").write_text("X = 1\n", "utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,email\ns00,Ann,a@x.org\ns01,Bo,b@x.org\ns02,Cy,c@x.org\n", "utf-8")
    grade(paths, "out", "--roster", str(roster))
    grade(paths, "out", "--roster", str(roster))
    assert full_runs == ["hw"]
    if change == "submission":
        (tmp_path / "class" / "s01.md").write_text("## Question 1\nvanishing\n## Question 2\nmomentum\n", "utf-8")
    elif change == "order":
        paths = paths[::-1]
    elif change == "fewer":
        paths = paths[:2]
    elif change == "rubric":  # even a comment: the rubric file is hashed as bytes
        with (course / "rubrics" / "hw.yaml").open("a", encoding="utf-8") as fh:
            fh.write("# reworded\n")
    elif change == "template":
        (course / "rubrics" / "templates").mkdir()
        (course / "rubrics" / "templates" / "note.txt").write_text("x", "utf-8")
    elif change == "reference":
        (course / "reference" / "helper.py").write_text("X = 2\n", "utf-8")
    elif change == "report":
        (tmp_path / "out" / "s01" / "report.html").unlink()
    elif change == "override":
        with sqlite3.connect(tmp_path / "out" / "grader.sqlite") as db:
            db.execute("INSERT INTO overrides VALUES ('s01', '1', 1.5, 'partly right', '2024-05-01T10:00:00')")
    elif change == "roster":
        roster.write_text("student,name,email\ns00,Ann,a@x.org\ns01,Bo,b@x.org\ns02,Cyd,c@x.org\n", "utf-8")
    code, _ = grade(paths, "out", "--roster", str(roster))
    assert code == 0 and full_runs == ["hw", "hw"]
    assert (tmp_path / "out" / "s01" / "report.html").is_file()
    grade(paths, "out", "--roster", str(roster))
    assert full_runs == ["hw", "hw"]  # and the run after that is a short cut again


def test_fresh_dry_run_and_failed_workers_never_take_the_short_cut(tmp_path: Path, grade: Grade,
                                                                    full_runs: list[str]) -> None:
    paths = make_class(tmp_path / "class", 3)
    grade(paths)
    grade(paths, "out", "--fresh")
    grade(paths, "out", "--dry-run")
    assert full_runs == ["hw"] * 3
    crashing = make_class(tmp_path / "other", 2, extra={1: "CRASH"})
    grade(crashing, "crashed")
    code, err = grade(crashing, "crashed")  # the worker that died is tried again, as without the short cut
    assert code == 1 and "graded 1 of 2 submission(s), 1 unchanged" in err and full_runs == ["hw"] * 5


def test_stamp_of_another_format_is_ignored() -> None:
    stamp = Stamp("f", "r", ("results.json",), ("m",), 1, 0, 0)
    assert Stamp.from_json(stamp.to_json()) == stamp
    assert Stamp.from_json('{"fingerprint": "f"}') is None and Stamp.from_json("not json") is None


def test_short_cut_loads_no_rubric_and_no_grading_code(tmp_path: Path, course: Path) -> None:
    """What makes it fast: after the first run, the process never imports pydantic, jinja2, rich or the checks."""
    paths = make_class(tmp_path / "class", 2)
    probe = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import sleepcheck; sleepcheck.register(); "
             "from grader.cli import main; "
             f"code = main(['grade', *{paths!r}, '--assignment', 'hw', '--course', {str(course)!r}, '--out', 'out']); "
             "heavy = sorted(m for m in ('pydantic', 'jinja2', 'rich', 'grader.course.rubric', 'grader.run.local', "
             "'grader.grading.pipeline', 'sympy') if m in sys.modules); print(code, heavy)")
    subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True)
    # sleepcheck itself imports the check layer; the probe below registers nothing and needs nothing registered
    write_rubric(course)
    probe = probe.replace("import sleepcheck; sleepcheck.register(); ", "")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "0 []", done.stderr


def test_roster_warnings_are_said_again(tmp_path: Path, grade: Grade, full_runs: list[str]) -> None:
    paths = make_class(tmp_path / "class", 3)
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,email\ns00,Ann,a@x.org\ns01,Bo,b@x.org\n", "utf-8")  # no s02
    _, first = grade(paths, "out", "--roster", str(roster))
    _, again = grade(paths, "out", "--roster", str(roster))
    assert full_runs == ["hw"]
    warning = [line for line in first.splitlines() if "not on the roster" in line]
    assert len(warning) == 1 and "s02.md" in warning[0]
    assert [line for line in again.splitlines() if "not on the roster" in line] == warning
