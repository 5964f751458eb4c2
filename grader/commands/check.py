"""`grader check`: a student's self-check of one write-up, printed as feedback with no reference answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit
from grader.grading.defaults import DEFAULT_TIMEOUT
from grader.terminal import safe

EXAMPLES = """examples:
  grader check my-writeup.md --pack packs/attention          # students: the self-check pack of the course
  grader check my-writeup.md --assignment attention          # TAs, or courses that publish their references
  grader check my-writeup.md --assignment attention --course ~/course
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="self-check one write-up and print feedback per question",
                              description="Read one write-up as the grader would and print what it found, "
                                          "question by question, without revealing any reference answer.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submission", metavar="SUBMISSION")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--assignment", metavar="ID", help="check with the course's full references")
    source.add_argument("--pack", metavar="DIR", help="check with a self-check pack (from `grader pack`)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    add_course_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.pack:
        from grader.course.directory import Course
        from grader.pack.load import PackError, load_pack

        try:
            rubric = load_pack(Path(args.pack))
        except PackError as exc:
            print(f"grader check: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        course = Course(args.pack)  # a pack's public worlds live under its own reference/ folder
    else:
        course, rubric = load_rubric_or_exit(args.course, args.assignment)  # type: ignore[assignment]
        if course is None or rubric is None:
            return ExitCode.USAGE
    from grader.checks.code.params import SELF_CHECK_TRIALS, SELF_CHECK_WARMUP, self_check_rubric

    rubric, shortened = self_check_rubric(rubric)
    if any(spec.kind == "code" for q in rubric.assignment.questions for spec in q.checks):
        from grader.sandbox import shared

        shared().launch()  # the sandbox imports torch while the grader reads and segments the write-up
    # imported here, after the launch: these imports overlap with the sandbox's start too
    from grader.grading.pipeline import grade_submission
    from grader.report.feedback import render_feedback

    result = grade_submission(args.submission, rubric, course, timeout=args.timeout)
    print(safe(render_feedback(result, rubric.assignment, pack=bool(args.pack))), end="")
    if shortened:
        print(f"Code timing: this self-check times each code answer at most {SELF_CHECK_TRIALS} times after "
              f"{SELF_CHECK_WARMUP} warm-up call, fewer than grading does; its speedups are rougher than the grade's.")
    # flagged: most answers could not be found or read, as loud as an error (the feedback says how to label them)
    return ExitCode.GRADING_ERROR if result.has_error or result.flagged is not None else ExitCode.OK
