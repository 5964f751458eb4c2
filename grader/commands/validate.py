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
    warnings: list[str] = []
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
                where = f"{loaded.where(q.id, f'checks[{i}]')}: field 'checks[{i}]'"
                cls = checks.get(spec.kind)
                hook = getattr(cls, "validate_course", None)
                if hook is not None:
                    for msg in hook(cls.Params.model_validate(spec.params), course):
                        problems.append(f"{where}: {msg}")
                if spec.kind == "derivation":
                    error, warning = world_notes(str(spec.params.get("world", "")), course)
                    where = where[:-1] + ".world'"
                    if error:
                        problems.append(f"{where}: {error}")
                    if warning:
                        warnings.append(f"warning: {where}: {warning}")
    for p in problems:
        print(p)
    for w in warnings:
        print(w)
    if not problems:
        print(f"{len(ids)} rubric(s) valid: {', '.join(ids)}" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    return ExitCode.GRADING_ERROR if problems else ExitCode.OK


def world_notes(target: str, course: Course) -> tuple[str, str]:
    """(error, warning) about a derivation check's world: it must be a World of the course's reference/ that builds;
    the stub `grader new-question` writes, left binding nothing, checks only statements made of numbers: a warning
    (a world of plain arithmetic binds nothing on purpose, and is not warned about)."""
    from grader.commands.new_question import STUB_DOC
    from grader.worlds import World
    from grader.worlds.world import Instance

    filename, _, attr = target.partition(":")
    try:
        world = getattr(course.reference(filename), attr, None)
    except CourseError as exc:
        return str(exc), ""
    if not isinstance(world, World):
        return f"reference/{filename} has no World named {attr!r}", ""
    if not world.draws:
        return f"the world {attr!r} has no draws", ""
    try:
        scope = Instance(world, world.draws[0]).scope
    except Exception as exc:  # the course's own code: any failure is the world's problem, reported as such
        return f"the world {attr!r} fails to build: {type(exc).__name__}: {exc}", ""
    bound = (scope.values, scope.lazy, scope.funcs, scope.free, scope.aliases, scope.samples, scope.solutions,
             scope.step_alias)
    if not any(bound) and (getattr(world.build, "__doc__", None) or "").strip() == STUB_DOC:
        return "", (f"the world {attr!r} is the stub `grader new-question` wrote and binds nothing: its steps are "
                    "checked only where they are made of numbers; bind the handout's symbols in it, or delete "
                    "the derivation check (and the stub)")
    return "", ""
