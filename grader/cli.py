"""The `grader` command: parse arguments and hand off to one command module."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, TextIO

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


class QuietPipe:
    """Standard output that goes quiet once its reader has gone (`grader try ... | head`): the command runs on to
    its usual exit status, its later output dropped, instead of ending in a BrokenPipeError traceback."""

    def __init__(self, inner: TextIO):
        self.inner = inner
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.inner.write(text)
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.inner.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self.gone = True
        try:  # what is still buffered goes to /dev/null, so the interpreter's last flush cannot fail either
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.inner.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # not a real file (a test's capture): nothing is left to fail

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def main(argv: list[str] | None = None) -> int:
    real = sys.stdout
    sys.stdout = QuietPipe(real)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        if isinstance(sys.stdout, QuietPipe):
            sys.stdout.flush()
        sys.stdout = real


def _main(argv: list[str] | None = None) -> int:
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
