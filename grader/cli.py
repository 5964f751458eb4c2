"""The `grader` command: parse arguments and hand off to one command module."""

from __future__ import annotations

import argparse
import importlib
import sys

from grader import __version__

# Command name -> the module exposing add_parser(subparsers); the order is the order of `grader --help`.
COMMANDS: dict[str, str] = {
    "grade": "grader.commands.grade",
    "check": "grader.commands.check",
    "validate": "grader.commands.validate",
    "review": "grader.commands.review",
    "override": "grader.commands.override",
    "serve": "grader.commands.serve",
    "pack": "grader.commands.pack",
    "equiv": "grader.commands.equiv",
    "try": "grader.commands.try_",
    "new-question": "grader.commands.new_question",
    "export": "grader.commands.export",
    "gradescope": "grader.commands.gradescope",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with `only` that one (its imports are all a run needs)."""
    parser = argparse.ArgumentParser(prog="grader", description="Grade math-heavy deep-learning write-ups.")
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # importing every command costs ~0.4 s; a run names its command first, so load just that one
    first = argv[0] if argv else None
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(argv)  # argparse exits with 2 on a usage error, as the contract wants
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))
