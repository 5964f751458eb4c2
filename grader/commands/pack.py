"""`grader pack`: build the self-check pack of an assignment, a folder a course can hand to students."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit

EXAMPLES = """examples:
  grader pack --assignment decoding-2021 --out packs/decoding-2021
  grader pack --assignment attention --out /tmp/attention-pack --course ~/course

Students then run:  grader check --pack packs/decoding-2021 my-writeup.md
The pack holds no reference answer in readable form (see docs/self-check.md for what that does and does
not promise); every check it cannot run is named in the student's feedback.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pack", help="build a student self-check pack (no readable reference answers)",
                              description="Build a self-check pack for one assignment: the rubric's public text "
                                          "and fingerprints of its references.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--assignment", required=True, metavar="ID", help="assignment id (rubrics/ID.yaml)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the pack into")
    add_course_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"grader pack: --out {out} exists and is not a folder", file=sys.stderr)
        return ExitCode.USAGE
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    from grader.pack.build import (
        build_pack,  # the math layer loads only when a pack is built
    )

    built = build_pack(course, rubric, out)
    for note in built.notes:
        print(f"grader pack: {note}", file=sys.stderr)
    print(f"wrote {built.path} ({len(rubric.assignment.questions)} questions)", file=sys.stderr)
    return ExitCode.OK
