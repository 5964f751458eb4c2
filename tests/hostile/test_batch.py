"""A class mixing hostile and normal write-ups through `grader grade --jobs 2 --timeout 30`, and the store under attack."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hostile_support import HOSTILE, NORMAL, REPO, csv_formulas, grader, html_problems, tree

pytestmark = pytest.mark.slow
TIMEOUT_S = 30


def _build_class(course: Path) -> tuple[list[str], set[str]]:
    """Every hostile write-up of the repo plus generated ones, around two normal ones; returns (paths, normal)."""
    cls = course / "class"
    shutil.copytree(HOSTILE, cls)
    (cls / "alice.md").write_text(NORMAL, encoding="utf-8")
    (cls / "zed.md").write_text(NORMAL.replace("Viterbi", "viterbi"), encoding="utf-8")
    (cls / "formula-1mb.md").write_text("## Question 1\n$" + "x+" * 500_000 + "x$\n## Question 2\nno\n")
    (cls / "million-spans.md").write_text("## Question 1\n" + "$a$ " * 1_000_000 + "\n## Question 2\nx\n")
    (cls / "unclosed-openers.md").write_text("## Question 1\n" + "\\(x" * 100_000 + "\n## Question 2\n$$\\[\n")
    (cls / "many-lines.md").write_text("## Question 1\nstart\n" + "\n" * 2_000_000 + "end $x$\n")
    with (cls / "huge-20mb.md").open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    with zipfile.ZipFile(cls / "traversal.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escaped.md", "## Question 1\nViterbi\n")
        zf.writestr("/tmp/absolute-escape.md", "## Question 1\nViterbi\n")
        zf.writestr("answer.md", "## Question 1\n<script>alert(1)</script>\n")
    with zipfile.ZipFile(cls / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("answer.md", "w") as fh:
            for _ in range(40):
                fh.write(b"0" * (1 << 20))
    with zipfile.ZipFile(cls / "members.zip", "w") as zf:
        for i in range(1000):
            zf.writestr(f"m{i}.md", "x")
    folder = cls / "linky"
    folder.mkdir()
    (folder / "answer.md").write_text("## Question 1\nI read the reference.\n")
    (folder / "solution.md").symlink_to(REPO / "README.md")
    os.mkfifo(folder / "fifo.md")
    deep = cls / "deep"
    nested = deep.joinpath(*["d"] * 200)
    nested.mkdir(parents=True)
    (nested / "answer.md").write_text("## Question 1\ndeep\n")
    (deep / "answer.md").write_text("## Question 1\nshallow\n")
    normal = {"class/alice.md", "class/zed.md"}
    paths = sorted(f"class/{p.name}" for p in cls.iterdir())
    return paths, normal


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], set[str]]:
    from hostile_support import make_course

    course = make_course(tmp_path_factory.mktemp("course"))
    paths, normal = _build_class(course)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(course / "class" / "linky" / "sock.md"))
    before = tree(course)
    outside = tree(course.parent)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        r = grader("grade", *paths, "--assignment", "hostile", "--out", "out", "--jobs", "2",
                   "--timeout", str(TIMEOUT_S), cwd=course, timeout=600)
    finally:
        sock.close()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and every process it waited for
    cpu = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    after = tree(course)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert all(k == "out" or k.startswith("out/") for k in changed), sorted(changed)[:10]
    assert {k for k in tree(course.parent) if not k.startswith(course.name)} == \
        {k for k in outside if not k.startswith(course.name)}
    assert cpu < TIMEOUT_S * len(paths) / 2 + 60  # CPU time: a loaded machine does not inflate it
    return course, r, normal


def _results(course: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    doc = json.loads((course / "out" / "results.json").read_text(encoding="utf-8"))
    return {s["submission"]: s for s in doc["submissions"]}


def test_batch_finishes_with_exit_1_and_every_submission_in_results(graded) -> None:  # type: ignore[no-untyped-def]
    course, r, _ = graded
    assert r.returncode == 1, r.stderr[-2000:]
    subs = _results(course)
    assert len(subs) == len(list((course / "class").iterdir()))
    for s in subs.values():
        assert [q["id"] for q in s["questions"]] == ["1", "2", "3"]


def test_normal_write_ups_are_graded_normally(graded) -> None:  # type: ignore[no-untyped-def]
    course, _, normal = graded
    subs = _results(course)
    for path in normal:
        assert [q["status"] for q in subs[path]["questions"]] == ["correct", "correct", "needs_review"], path
        assert subs[path]["score"] == 6.0


def test_every_hostile_write_up_ends_error_or_incorrect_with_a_finding(graded) -> None:  # type: ignore[no-untyped-def]
    course, _, normal = graded
    for path, s in _results(course).items():
        if path in normal:
            continue
        bad = [q for q in s["questions"] if q["status"] in ("error", "incorrect")]
        assert bad, (path, [q["status"] for q in s["questions"]])
        assert any(q["findings"] for q in bad), path
        duration = s.get("details", {}).get("timing", {}).get("duration_s")
        assert duration is None or duration <= TIMEOUT_S + 5, (path, duration)


@pytest.mark.parametrize("name, words", [
    ("huge-20mb.md", "over the 5 MB limit"), ("nul-bytes.md", "binary"), ("invalid-utf8.md", "not UTF-8"),
    ("binary-junk.md", "binary"), ("bomb.zip", "size limit"), ("members.zip", "members"),
])
def test_unreadable_write_ups_say_why(graded, name: str, words: str) -> None:  # type: ignore[no-untyped-def]
    course, r, _ = graded
    s = _results(course)[f"class/{name}"]
    assert all(q["status"] == "error" for q in s["questions"])
    assert words in s["questions"][0]["findings"][0]["message"]
    assert any(line.startswith("grader grade:") and name in line and words in line for line in r.stderr.splitlines())


def test_refused_members_are_findings_and_nothing_escaped(graded) -> None:  # type: ignore[no-untyped-def]
    course, _, _ = graded
    subs = _results(course)
    notes = " ".join(f["message"] for f in subs["class/traversal.zip"].get("findings", []))
    assert "unsafe path" in notes
    assert not (course / "escaped.md").exists() and not Path("/tmp/absolute-escape.md").exists()
    linky = " ".join(f["message"] for f in subs["class/linky"].get("findings", []))
    assert "symbolic link refused" in linky and "fifo.md: not a regular file" in linky
    assert "nested deeper" in " ".join(f["message"] for f in subs["class/deep"].get("findings", []))


def test_no_report_can_run_script(graded) -> None:  # type: ignore[no-untyped-def]
    course, _, _ = graded
    pages = sorted((course / "out").rglob("*.html"))
    assert len(pages) == len(_results(course)) + 1  # one report per submission and the summary
    for page in pages:
        assert html_problems(page.read_text(encoding="utf-8")) == [], page
        assert page.stat().st_size < 20 * 1024 * 1024, page


def test_every_report_folder_is_inside_the_output_folder(graded) -> None:  # type: ignore[no-untyped-def]
    course, _, _ = graded
    out = (course / "out").resolve()
    for s in _results(course).values():
        folder = (out / s["details"]["report_dir"]).resolve()
        assert folder.parent == out and not folder.name.startswith(".")


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle", "gradescope"])
def test_no_grade_file_holds_a_formula(graded, fmt: str) -> None:  # type: ignore[no-untyped-def]
    course, _, _ = graded
    assert csv_formulas(course / "out" / "grades.csv") == []
    target = course / f"export-{fmt}" if fmt == "gradescope" else course / f"export-{fmt}.csv"
    r = grader("export", "out", "--format", fmt, "--out", str(target), cwd=course)
    assert r.returncode == 0, r.stderr
    if fmt == "gradescope":
        for f in target.rglob("*"):
            assert target.resolve() in f.resolve().parents
        # submissions in error are left out of every LMS export (grader export --include-errors writes them)
        graded_ok = [s for s in _results(course).values() if not any(q["status"] == "error" for q in s["questions"])]
        assert len(list(target.rglob("results.json"))) == len(graded_ok)
    else:
        assert csv_formulas(target) == []
        assert "'=SUM(1+1)" in target.read_text(encoding="utf-8") or fmt in ("canvas", "moodle")


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_holds_it(course: Path) -> None:
    (course / "alice.md").write_text(NORMAL)
    (course / "out").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from grader.store.database import RunLock\n"
        "with RunLock(Path('out')):\n    print('locked', flush=True); time.sleep(60)"), str(REPO)],
        cwd=course, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        r = grader("grade", "alice.md", "--assignment", "hostile", "--out", "out", cwd=course)
        assert r.returncode == 2 and "another grader run" in r.stderr, r.stderr
        assert not (course / "out" / "results.json").exists()
    finally:
        holder.kill()
        holder.wait()
    r = grader("grade", "alice.md", "--assignment", "hostile", "--out", "out", cwd=course)
    assert r.returncode == 0, r.stderr


def test_a_killed_run_leaves_the_previous_results_readable(course: Path) -> None:
    (course / "alice.md").write_text(NORMAL)
    r = grader("grade", "alice.md", "--assignment", "hostile", "--out", "out", cwd=course)
    assert r.returncode == 0, r.stderr
    first = (course / "out" / "results.json").read_text(encoding="utf-8")
    for i in range(30):
        (course / f"s{i:02d}.md").write_text(NORMAL.replace("Viterbi", f"Viterbi {i}"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", "alice.md",
                             *[f"s{i:02d}.md" for i in range(30)], "--assignment", "hostile", "--out", "out",
                             "--jobs", "1", "--fresh"], cwd=course, env=env, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    text = (course / "out" / "results.json").read_text(encoding="utf-8")
    doc = json.loads(text)  # whole: the first run's file, or a complete new one
    assert text == first or len(doc["submissions"]) == 31
    assert not list((course / "out").glob(".*.tmp*")) or json.loads(first)
    r = grader("grade", "alice.md", "--assignment", "hostile", "--out", "out", cwd=course)
    assert r.returncode == 0, r.stderr  # the lock died with the killed run
