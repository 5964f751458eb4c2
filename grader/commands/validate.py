"""`grader validate`: check course.yaml, rubrics and references, reporting every problem with file, question and field."""

from __future__ import annotations

import argparse
import sys

from grader.commands.common import ExitCode, add_course_option
from grader.course.directory import Course, CourseError
from grader.course.rubric import RubricError
from grader.course.settings import SettingsError

EXAMPLES = """examples:
  grader validate                      # every rubric of the course in the current directory
  grader validate --assignment newton --course ~/course
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check rubrics and references for problems",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--assignment", metavar="ID", help="only this assignment (default: all)")
    add_course_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    course = Course(args.course)
    ids = [args.assignment] if args.assignment else course.assignment_ids()
    if not ids:
        print(f"grader validate: no rubrics in {course.rubrics_dir} (pass the course folder with --course DIR, "
              "or run the command from it)", file=sys.stderr)
        return ExitCode.USAGE
    problems: list[str] = []
    try:
        course.settings()
    except SettingsError as exc:
        problems.extend(exc.problems)
    for aid in ids:
        try:
            loaded = course.rubric(aid)
        except CourseError as exc:
            problems.append(str(exc))
            continue
        except RubricError as exc:
            problems.extend(exc.problems)
            continue
        from grader import checks
        for q in loaded.assignment.questions:
            for i, spec in enumerate(q.checks, start=1):
                cls = checks.get(spec.kind)
                hook = getattr(cls, "validate_course", None)
                if hook is not None:
                    for msg in hook(cls.Params.model_validate(spec.params), course):
                        problems.append(f"{loaded.where(q.id, f'checks[{i}]')}: field 'checks[{i}]': {msg}")
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(ids)} rubric(s) valid: {', '.join(ids)}")
    return ExitCode.GRADING_ERROR if problems else ExitCode.OK
