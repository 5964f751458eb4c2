"""The `grader equiv` command: compare two LaTeX formulas, or a JSON-lines batch of pairs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from grader.math.equivalence import equivalent
from grader.math.verdict import Verdict

EXIT_CODES = {"equivalent": 0, "different": 1, "unknown": 3}
USAGE_ERROR = 2

EPILOG = r"""examples:
  grader equiv '\frac{a}{b}' 'a b^{-1}'                  # equivalent, exit 0
  grader equiv '\mathbf{W}\mathbf{x}' '\mathbf{x}\mathbf{W}'  # different: bold symbols do not commute, exit 1
  grader equiv '\delta^T' '(\delta^2)^{T/2}' --assume 'delta >= 0'
  grader equiv 'O(TN^2 + NT)' 'O(N^2 T)'
  grader equiv '-x + y' 'y - x'                          # a formula may start with -
  grader equiv --batch pairs.jsonl > verdicts.jsonl     # lines {"a": ..., "b": ..., "assume": [...]}

exit status: 0 equivalent, 1 different, 3 unknown, 2 usage error (batch mode: 0)."""


def add_parser(subparsers: Any) -> None:
    """Register `equiv` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "equiv", help="compare two LaTeX formulas (equivalent / different / unknown)",
        description="Compare two LaTeX formulas: expressions, relations, chains, systems, sets, matrices, "
                    "O/Θ/Ω classes. Prints the verdict on line 1 and its reason on line 2.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    configure(p)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", nargs="?", help="first formula (LaTeX, without $ delimiters)")
    p.add_argument("b", nargs="?", help="second formula")
    p.add_argument("--assume", action="append", default=[], metavar="TEXT",
                   help="plain-text assumption over the same names, e.g. 'delta >= 0', 'n >> d' (repeatable)")
    p.add_argument("--batch", metavar="FILE.jsonl",
                   help='read {"a", "b", "assume"} per line ("-" for stdin); write one JSON verdict per line')
    p.set_defaults(func=run)


VALUED = ("--assume", "--batch")  # options that take the next argument as their value


def formulas_first(argv: list[str]) -> list[str]:
    """`grader equiv -x '-(x)'`: a formula that starts with `-` is not an option. The options are put first,
    then `--`, then the formulas, so argparse reads each formula as given (no `--` needed from the user)."""
    options: list[str] = []
    formulas: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            formulas.extend(argv[i + 1:])
            break
        if arg in VALUED and i + 1 < len(argv):
            options += [arg, argv[i + 1]]
            i += 2
            continue
        if arg in ("-h", "--help") or any(arg.startswith(v + "=") for v in VALUED) or \
                (arg.startswith("--") and not formulas and len(arg) > 2 and arg[2:3].isalpha()):
            options.append(arg)
        else:
            formulas.append(arg)
        i += 1
    if not any(f.startswith("-") for f in formulas):
        return argv
    return [*options, "--", *formulas]


def _line_verdict(line: str) -> Verdict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return Verdict("unknown", f"malformed line: {exc.msg}")
    if not isinstance(item, dict):
        return Verdict("unknown", "malformed line: expected a JSON object")
    a, b, assume = item.get("a"), item.get("b"), item.get("assume", [])
    if not isinstance(a, str) or not isinstance(b, str):
        return Verdict("unknown", 'malformed line: "a" and "b" must be strings')
    if assume is None:
        assume = []
    if isinstance(assume, str):
        assume = [assume]
    if not isinstance(assume, list) or not all(isinstance(x, str) for x in assume):
        return Verdict("unknown", 'malformed line: "assume" must be a list of strings')
    return _safe(a, b, assume)


def _safe(a: str, b: str, assume: list[str]) -> Verdict:
    try:
        return equivalent(a, b, assume)
    except Exception as exc:  # noqa: BLE001 - one bad pair never stops a batch
        return Verdict("unknown", f"internal error: {type(exc).__name__}: {exc}")


def run_batch(src: TextIO, out: TextIO) -> int:
    for line in src:
        if not line.strip():
            continue
        v = _line_verdict(line)
        record: dict[str, Any] = {"verdict": v.verdict, "reason": v.reason}
        if v.tight is not None:
            record["tight"] = v.tight
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of `grader equiv`; returns the exit status."""
    out = sys.stdout
    if args.batch:
        if args.a is not None or args.b is not None:
            print("grader equiv: give either two formulas or --batch FILE, not both", file=sys.stderr)
            return USAGE_ERROR
        try:
            if args.batch == "-":
                return run_batch(sys.stdin, out)
            with open(args.batch, encoding="utf-8") as src:
                return run_batch(src, out)
        except OSError as exc:
            print(f"grader equiv: cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
            return USAGE_ERROR
    if args.a is None or args.b is None:
        print("grader equiv: two formulas are needed (or --batch FILE)", file=sys.stderr)
        return USAGE_ERROR
    v = _safe(args.a, args.b, list(args.assume))
    out.write(f"{v.verdict}\n{v.reason}\n")
    return EXIT_CODES[v.verdict]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader equiv", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Compare two LaTeX formulas.")
    configure(parser)
    try:
        args = parser.parse_args(formulas_first(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
