"""`grader check`: a student's self-check of one write-up, printed as feedback with no reference answer."""

from __future__ import annotations

import argparse

from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit
from grader.feedback import render_feedback
from grader.pipeline import DEFAULT_TIMEOUT, grade_submission

EXAMPLES = """examples:
  grader check my-writeup.md --assignment attention
  grader check my-writeup.md --assignment attention --course ~/course
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="self-check one write-up and print feedback per question",
                              description="Read one write-up as the grader would and print what it found, "
                                          "question by question, without revealing any reference answer.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submission", metavar="SUBMISSION")
    p.add_argument("--assignment", required=True, metavar="ID")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    add_course_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    result = grade_submission(args.submission, rubric, course, timeout=args.timeout)
    print(render_feedback(result, rubric.assignment), end="")
    return ExitCode.GRADING_ERROR if result.has_error else ExitCode.OK
