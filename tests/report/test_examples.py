"""The example write-ups graded end to end: reports say each finding once and never contradict an error, the summary
links every student, and no submission in error reaches an LMS file by default."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.course.directory import Course

ROOT = Path(__file__).resolve().parents[2]
# the math assignments: attention-lab's code answers run in a sandbox and take minutes, and say nothing more here
ASSIGNMENTS = ("attention", "backprop", "decoding-2021", "newton", "optreg-2020")
WRONG_RESULT_KINDS = ("final_answer", "complexity", "number")  # error findings that say a result is not right


def grade(assignment: str, out: Path) -> dict[str, Any]:
    paths = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "submissions" / assignment).iterdir()
                   if not p.name.startswith("."))
    # a typo'd path: refused, so in error
    paths.append(f"submissions/{assignment}/no-such-student.md")
    done = subprocess.run([sys.executable, "-m", "grader", "grade", *paths, "--assignment", assignment,
                           "--out", str(out), "--course", str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert (out / "results.json").is_file(), done.stderr
    return json.loads((out / "results.json").read_text("utf-8"))


def sections(report: str) -> dict[str, str]:
    parts = re.split(r"^## Question (\S+?)(?::.*)?$", report, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict]:
    out = tmp_path_factory.mktemp(request.param) / "out"
    return request.param, out, grade(request.param, out)


@pytest.mark.slow
def test_no_finding_twice_and_no_feedback_against_an_error(graded: tuple[str, Path, dict]) -> None:
    assignment, out, results = graded
    rubric = Course(ROOT).rubric(assignment).assignment
    for sub in results["submissions"]:
        report = (out / sub["details"]["report_dir"] / "report.md").read_text("utf-8")
        by_id = sections(report)
        for q in sub["questions"]:
            text = by_id[q["id"]]
            findings = re.findall(r"^- (?:line [^:]+: )?\[(?:error|warning|info)\] .*$", text, flags=re.M)
            assert len(findings) == len(set(findings)), (sub["student"], q["id"], findings)
            # a final answer (not a partial-credit item) said to be wrong: its check names it by its label
            gates = [c["label"] for c in q.get("details", {}).get("checks", []) if c["role"] in ("answer", "claim")]
            wrong = [f for f in q["findings"] if f["severity"] == "error" and f["kind"] in WRONG_RESULT_KINDS
                     and any(f["message"].startswith(f"{label}:") for label in gates)]
            fb = rubric.question(q["id"]).feedback
            if wrong:
                for says_right in {fb.correct.strip(), fb.partial.strip()} - {"", fb.incorrect.strip()}:
                    assert says_right not in text, (sub["student"], q["id"], says_right)


@pytest.mark.slow
def test_summary_links_every_student(graded: tuple[str, Path, dict]) -> None:
    _, out, results = graded
    page = (out / "summary.html").read_text("utf-8")
    for sub in results["submissions"]:
        link = f'href="{sub["details"]["report_dir"]}/report.html"'
        assert link in page, sub["student"]
        assert (out / sub["details"]["report_dir"] / "report.html").is_file()
    assert "<script" not in page


@pytest.mark.slow
def test_no_submission_in_error_reaches_an_lms_file(graded: tuple[str, Path, dict]) -> None:
    _, out, results = graded
    in_error = {s["student"] for s in results["submissions"] if any(q["status"] == "error" for q in s["questions"])}
    assert "no-such-student" in in_error
    for fmt, name in (("canvas", "canvas.csv"), ("moodle", "moodle.csv"), ("csv", "gradebook.csv")):
        done = subprocess.run([sys.executable, "-m", "grader", "export", str(out), "--format", fmt],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        cells = {c for row in csv.reader(io.StringIO((out / name).read_text("utf-8"))) for c in row}
        assert not in_error & cells, fmt
        assert "'no-such-student' (submissions/" in done.stderr and "is in error" in done.stderr
    done = subprocess.run([sys.executable, "-m", "grader", "export", str(out), "--format", "gradescope"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not any((out / "gradescope" / s).exists() for s in in_error)
