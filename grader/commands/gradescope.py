"""The `grader gradescope` command: grade one submission inside Gradescope's /autograder layout."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from grader.grading.defaults import DEFAULT_TIMEOUT

DEFAULT_ROOT = "/autograder"

DESCRIPTION = """\
Grade the one submission Gradescope puts in ROOT/submission and write ROOT/results/results.json
in Gradescope's autograder format (one test per rubric question). Meant to be called from the
autograder's run_autograder script; the course directory (rubrics/ and reference/) is shipped in
the autograder zip, so it lands in ROOT/source.

The assignment id comes from --assignment, else from the first line of COURSE/assignment.txt.
The student id comes from ROOT/submission_metadata.json (first submitter's email), else
"submission". A submission that cannot be graded still gets a results.json that says why.
"""

EPILOG = """\
examples:
  # run_autograder inside the Gradescope image
  grader gradescope --assignment hw3
  # a local dry run against a copy of the layout
  grader gradescope --root /tmp/autograder --course . --assignment hw3

exit status: 0 results.json written for a graded submission, 1 results.json written but the grader
itself failed (the student sees a message, the instructor sees stdout), 2 usage error (no
submission folder, no assignment id, unknown assignment or broken rubric).
"""


def add_parser(subparsers: Any) -> None:
    """Register `gradescope` on the main command's subparsers."""
    from grader.export.gradescope import VISIBILITIES

    parser = subparsers.add_parser("gradescope", help="grade inside a Gradescope autograder container",
                                   description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=DEFAULT_ROOT, help=f"the autograder folder (default: {DEFAULT_ROOT})")
    parser.add_argument("--course", help="course directory (default: ROOT/source)")
    parser.add_argument("--assignment", help="assignment id (default: first line of COURSE/assignment.txt)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per check (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--visibility", default="visible", metavar="{" + ",".join(VISIBILITIES) + "}",
                        help="when students see each question's result (default: visible)")
    parser.set_defaults(func=run)


def _usage(message: str) -> int:
    print(f"grader gradescope: error: {message}", file=sys.stderr)
    return 2


def _assignment_id(args: argparse.Namespace, course_dir: Path) -> str | None:
    if args.assignment:
        return str(args.assignment).strip() or None
    path = course_dir / "assignment.txt"
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    return lines[0].strip() if lines and lines[0].strip() else None


def _student_id(root: Path) -> str:
    """The first submitter's email from Gradescope's submission_metadata.json, else "submission"."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        users = meta.get("users") or []
        email = users[0].get("email") if users and isinstance(users[0], dict) else None
        return str(email) if email else "submission"
    except (OSError, ValueError, AttributeError):
        return "submission"


def _write(path: Path, data: dict[str, Any]) -> None:
    from grader.export.gradescope import dump

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(dump(data), encoding="utf-8")
    tmp.replace(path)  # Gradescope must never read a half-written file


def run(args: argparse.Namespace) -> int:
    """Grade ROOT/submission and write ROOT/results/results.json."""
    from grader.export.gradescope import VISIBILITIES, gradescope_results

    root = Path(args.root)
    course_dir = Path(args.course) if args.course else root / "source"
    submission = root / "submission"
    results_path = root / "results" / "results.json"
    if args.visibility not in VISIBILITIES:
        return _usage(f"--visibility {args.visibility!r} is not one of {', '.join(VISIBILITIES)}")
    if not submission.exists():
        return _usage(f"{submission}: no submission folder (is --root {root} a Gradescope autograder folder?)")
    if not course_dir.is_dir():
        return _usage(f"{course_dir}: no course directory (pass --course)")
    assignment_id = _assignment_id(args, course_dir)
    if assignment_id is None:
        return _usage(f"no assignment id: pass --assignment or write it in {course_dir / 'assignment.txt'}")

    from grader.course.directory import Course, CourseError
    from grader.grading.pipeline import grade_submission
    from grader.course.rubric import RubricError

    course = Course(course_dir)
    try:
        rubric = course.rubric(assignment_id)
    except (CourseError, RubricError) as exc:
        return _usage(str(exc))
    started = time.monotonic()
    try:
        result = grade_submission(str(submission), rubric, course, student=_student_id(root),
                                  timeout=float(args.timeout))
    except Exception as exc:  # grade_submission contains bad submissions; this is the grader failing
        print(f"grader gradescope: the grader failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        _write(results_path, {"score": 0.0, "output_format": "text", "visibility": args.visibility,
                              "output": "The grader failed on this submission, so this score is not a "
                                        "grade; please tell course staff."})
        return 1
    data = gradescope_results(result.to_dict(), visibility=args.visibility)
    data["execution_time"] = round(time.monotonic() - started, 3)
    _write(results_path, data)
    print(f"wrote {results_path}: {data['score']:g} / {result.max_score:g}")
    return 0
