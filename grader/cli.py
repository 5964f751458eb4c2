"""The `grader` command: parse arguments and hand off to one command module."""

from __future__ import annotations

import argparse
import importlib
import sys

from grader import __version__

# Each module exposes add_parser(subparsers); the order is the order of `grader --help`.
COMMANDS: tuple[str, ...] = (
    "grader.commands.grade",
    "grader.commands.check",
    "grader.commands.validate",
    "grader.export.command",
    "grader.gradescope_entry",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade math-heavy deep-learning write-ups.")
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with 2 on a usage error, as the contract wants
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))
