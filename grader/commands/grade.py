"""`grader grade`: grade a class of submissions incrementally and write results.json, grades.csv and reports.

The run itself is a `Batch` (grader/run/batch.py); this module reads the arguments, calls the batch's phases in
order, and says what they did and how the run ends (messages on stderr, exit status)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grader.commands.common import ExitCode, add_course_option, interrupts_deferred, load_rubric_or_exit
from grader.grading.defaults import DEFAULT_TIMEOUT
from grader.run.batch import Batch, BatchError, Plan, Request
from grader.store.database import ScoreChange, StoreLocked
from grader.terminal import safe

if TYPE_CHECKING:
    from grader.grading.results import SubmissionResult
    from grader.store.uptodate import Stamp

EXAMPLES = """examples:
  grader grade class/*.md --assignment decoding-2021 --out reports/decoding-2021
  grader grade alice.zip bob/ --assignment attention --out graded --jobs 2 --timeout 60
  grader grade class/* --assignment attention --out graded --dry-run    # after a rubric fix: show the changes
  grader grade class/* --assignment attention --out graded --executor dask --scheduler tcp://head:8786
  grader grade class/*.md --assignment newton --out graded --force   # graded holds another assignment: replace it

A rerun on the same --out grades only the write-ups whose bytes, rubric or grader version changed,
and prints every score change per student and question before it writes anything.
"""

NOTES_SHOWN = 3  # submission-level notes printed per submission; the report holds them all


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("grade", help="grade submissions and write results, grade file and reports",
                              description="Grade every SUBMISSION against the assignment's rubric.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="a write-up (.md, .txt, .tex, .ipynb), or a folder or zip of one student's files")
    p.add_argument("--assignment", required=True, metavar="ID", help="assignment id (rubrics/ID.yaml)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (it also holds the results store)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="write-ups graded at once (default: all cores)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit per write-up (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--roster", metavar="FILE", help="roster CSV mapping LMS download names to student ids")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: forked workers on this machine (default); dask: an existing dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --executor dask)")
    p.add_argument("--dry-run", action="store_true",
                   help="grade and print the score changes, but write no results, grade file or reports")
    p.add_argument("--fresh", action="store_true", help="grade every write-up again, reusing nothing from the store")
    p.add_argument("--force", action="store_true",
                   help="grade into an --out folder that holds another assignment's results, replacing them")
    add_course_option(p)
    p.set_defaults(func=run)


def _usage(message: str) -> int:
    print(safe(f"grader grade: {message}"), file=sys.stderr)
    return ExitCode.USAGE


def _check_args(args: argparse.Namespace) -> str | None:
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be at least 1"
    if args.timeout <= 0:
        return "--timeout must be positive"
    if args.executor == "dask" and not args.scheduler:
        return "--executor dask needs --scheduler ADDRESS"
    if args.scheduler and args.executor != "dask":
        return "--scheduler is only used with --executor dask"
    if Path(args.out).exists() and not Path(args.out).is_dir():
        return f"--out {args.out} exists and is not a folder"
    return None


def _request(args: argparse.Namespace) -> Request:
    return Request(args.assignment, tuple(args.submissions), Path(args.out), args.course, jobs=args.jobs,
                   timeout=args.timeout, roster=args.roster, executor=args.executor, scheduler=args.scheduler,
                   dry_run=args.dry_run, fresh=args.fresh, force=args.force)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except KeyboardInterrupt as exc:
        if exc.args:  # said where it happened
            raise
        # before the files are written, or between two graded write-ups: each one graded is committed alone
        where = "nothing was written (--dry-run)" if args.dry_run else \
            f"the files in {args.out} are those of the last run that finished"
        raise KeyboardInterrupt(f"nothing half-written: {where}; every write-up graded before Ctrl-C is kept in the store, so the same "
                                "command goes on from there") from None


def _run(args: argparse.Namespace) -> int:
    problem = _check_args(args)
    if problem:
        return _usage(problem)
    batch = Batch(_request(args))
    try:
        replaced = batch.check_folder()  # another assignment's results: refused unless --force
    except BatchError as exc:
        return _usage(str(exc))
    if replaced is not None:
        print(safe(f"grader grade: --force: {replaced}"), file=sys.stderr)
    if not (args.dry_run or args.fresh):
        start = time.perf_counter()
        stamp = batch.unchanged()
        if stamp is not None:
            return _said_again(args, stamp, start)
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    try:
        plan = batch.plan(course, rubric)
    except BatchError as exc:
        return _usage(str(exc))
    warnings = [f"grader grade: {warning}" for warning in plan.warnings]
    for warning in warnings:
        print(safe(warning), file=sys.stderr)
    try:
        with batch:
            return _grade(args, batch, plan, warnings)
    except StoreLocked as exc:
        return _usage(str(exc))


def _said_again(args: argparse.Namespace, stamp: Stamp, start: float) -> int:
    """A rerun with nothing changed says what the run that stamped it said, and ends as it ended."""
    for message in stamp.messages:
        print(safe(message), file=sys.stderr)
    _print_summary(args, graded=0, total=stamp.total, reused=stamp.total, failed=stamp.failed, start=start,
                   flagged=stamp.flagged)
    return stamp.exit_code


def _grade(args: argparse.Namespace, batch: Batch, plan: Plan, warnings: list[str]) -> int:
    """The batch's phases in order, each said as it ends; `warnings` were printed already (a rerun with nothing
    changed prints them again)."""
    start = time.perf_counter()
    try:
        grading = batch.grade(plan)
    except BatchError as exc:
        return _usage(str(exc))
    reconciled = batch.reconcile(grading)
    said = [f"grader grade: {m.text()}" for m in reconciled.moved]  # a regrade under an override says so
    for message in said:
        print(safe(message), file=sys.stderr)
    _print_changes(reconciled.changes)
    for r in reconciled.failed:
        said.append(f"grader grade: {_failure(r)}")
        print(safe(said[-1]), file=sys.stderr)
    # a flagged submission's answers mostly could not be found or read: as loud as an error (DESIGN.md)
    for r in reconciled.flagged:
        said.append(f"grader grade: {r.submission}: flagged for review: {r.flagged}")
        print(safe(said[-1]), file=sys.stderr)
    # what reading noticed about a whole submission (the order of several write-ups, a file left aside, a macro
    # that would not expand) is said here too, not only inside its report: a few lines each, the rest counted
    for r in reconciled.results:
        notes = [f.message for f in r.findings if f.kind == "ingest"]
        for note in notes[:NOTES_SHOWN]:
            said.append(f"grader grade: {note}")
            print(safe(said[-1]), file=sys.stderr)
        if len(notes) > NOTES_SHOWN:
            said.append(f"grader grade: {r.submission}: {len(notes) - NOTES_SHOWN} more note(s) in its report")
            print(safe(said[-1]), file=sys.stderr)
    exit_code = ExitCode.GRADING_ERROR if reconciled.failed or reconciled.flagged else ExitCode.OK
    # a Ctrl-C from here waits until the files and the store's record of them are all this run's
    with interrupts_deferred(after=f"nothing half-written: the run had written {args.out} and recorded it when "
                                   "it stopped",
                             cut=f"stopped again while writing {args.out}: each file there is whole, but some may "
                                 "be the last run's; the same command writes them all again"):
        exported = batch.export(reconciled)
        batch.publish(exported, said=[*warnings, *said], exit_code=exit_code)
    _print_summary(args, graded=grading.graded, total=len(exported.results), reused=grading.reused,
                   failed=len(reconciled.failed), start=start, flagged=len(reconciled.flagged))
    return exit_code


def _failure(r: SubmissionResult) -> str:
    """Why a write-up ended in `error`: its first error finding, naming the file."""
    reason = next((f.message for q in r.questions for f in q.findings if f.severity.value == "error"), "error")
    return reason if reason.startswith(r.submission) else f"{r.submission}: {reason}"


def _print_summary(args: argparse.Namespace, *, graded: int, total: int, reused: int, failed: int,
                   start: float, flagged: int = 0) -> None:
    verb = "and wrote nothing (--dry-run)" if args.dry_run else f"-> {args.out}"
    print(f"graded {graded} of {total} submission(s), {reused} unchanged, in "
          f"{time.perf_counter() - start:.1f} s {verb}" + (f"; {failed} with errors" if failed else "")
          + (f"; {flagged} flagged for review" if flagged else ""), file=sys.stderr)


def _print_changes(changes: Sequence[ScoreChange]) -> None:
    """The score changes a publish makes, per student and question, as a plain table on stderr."""
    if not changes:
        return

    def score(x: float | None, status: str | None) -> str:
        return "-" if x is None else f"{x:.4f}".rstrip("0").rstrip(".") + f" ({status})"

    rows = [(c.student, c.question_id, score(c.old_score, c.old_status), score(c.new_score, c.new_status))
            for c in changes]
    header = ("student", "question", "before", "after")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(4)]
    students = len({c.submission for c in changes})
    print(f"score changes since the last published run: {len(changes)} question(s) of {students} submission(s)",
          file=sys.stderr)
    for r in [header, *rows]:
        print(safe("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()), file=sys.stderr)
