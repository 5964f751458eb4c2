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


# What a Ctrl-C leaves behind, for the commands that only read, when the command does not say it itself (with
# KeyboardInterrupt("nothing half-written: ...")); a command not named here says only that it was interrupted.
AFTER_CTRL_C: dict[str, str] = {
    "check": "nothing half-written: grader check writes no file",
    "review": "nothing half-written: grader review writes no file",
    "equiv": "nothing half-written: grader equiv writes no file",
    "validate": "nothing half-written: grader validate writes no file",
}
INTERRUPTED = 130  # 128 + SIGINT; grader.commands.common.ExitCode.INTERRUPTED, without importing it first


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # importing every command costs ~0.4 s; a run names its command first, so load just that one
    first = argv[0] if argv else None
    if first == "equiv":  # a formula starting with `-` (`-x`) is not an option
        from grader.commands.equiv import formulas_first
        argv = [first, *formulas_first(argv[1:])]
    try:
        parser = build_parser(first if first in COMMANDS else None)
        args = parser.parse_args(argv)  # argparse exits with 2 on a usage error, as the contract wants
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args))
    except KeyboardInterrupt as exc:  # Ctrl-C: one line and 130, never a traceback
        name = f"grader {first}" if first in COMMANDS else "grader"
        said = str(exc) or AFTER_CTRL_C.get(first or "", "")
        print(f"{name}: interrupted" + (f"; {said}" if said else ""), file=sys.stderr)
        return INTERRUPTED
