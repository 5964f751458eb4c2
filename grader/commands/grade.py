"""`grader grade`: grade a class of submissions and write results.json, grades.csv and reports."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit
from grader.executor import Task, default_jobs, grade_all
from grader.pipeline import DEFAULT_TIMEOUT
from grader.report import Renderer
from grader.writer import write_run

EXAMPLES = """examples:
  grader grade class/*.md --assignment decoding-2021 --out reports/decoding-2021
  grader grade alice.zip bob/ --assignment attention --out graded --jobs 2 --timeout 60
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("grade", help="grade submissions and write results, grade file and reports",
                              description="Grade every SUBMISSION against the assignment's rubric.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="a write-up (.md, .txt, .tex, .ipynb), or a folder or zip of one student's files")
    p.add_argument("--assignment", required=True, metavar="ID", help="assignment id (rubrics/ID.yaml)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="write-ups graded at once (default: all cores)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit per write-up (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--roster", metavar="FILE", help="roster CSV mapping LMS download names to student ids")
    add_course_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    if args.jobs is not None and args.jobs < 1:
        print("grader grade: --jobs must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    if args.timeout <= 0:
        print("grader grade: --timeout must be positive", file=sys.stderr)
        return ExitCode.USAGE
    roster = None
    if args.roster:
        from grader.export.roster import RosterError, read_roster  # the roster reader lives with the exporters
        try:
            roster = read_roster(Path(args.roster))
        except (OSError, RosterError) as exc:
            print(f"grader grade: {args.roster}: {exc}", file=sys.stderr)
            return ExitCode.USAGE
    from grader.students import student_ids
    students, warnings = student_ids(args.submissions, roster)
    for w in warnings:
        print(f"grader grade: {w}", file=sys.stderr)
    tasks = [Task(path, students[path]) for path in args.submissions]
    start = time.perf_counter()
    results = grade_all(tasks, course, args.assignment, jobs=args.jobs or default_jobs(), timeout=args.timeout)
    written = write_run(Path(args.out), rubric.assignment, results, Renderer(course.templates_dir),
                        extra={"rubric_hash": rubric.digest})
    failed = [r for r in written if r.has_error]
    for r in failed:
        reason = next((f.message for q in r.questions for f in q.findings if f.severity.value == "error"), "error")
        where = "" if reason.startswith(r.submission) else f"{r.submission}: "
        print(f"grader grade: {where}{reason}", file=sys.stderr)
    print(f"graded {len(written)} submission(s) in {time.perf_counter() - start:.1f} s -> {args.out}"
          + (f"; {len(failed)} with errors" if failed else ""), file=sys.stderr)
    return ExitCode.GRADING_ERROR if failed else ExitCode.OK
