"""`grader grade`: grade a class of submissions incrementally and write results.json, grades.csv and reports."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grader import __version__
from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit
from grader.course.directory import Course
from grader.grading.defaults import DEFAULT_TIMEOUT, default_jobs
from grader.store.database import DB_NAME, RunLock, ScoreChange, Store, StoreLocked, code_version, submission_hash
from grader.terminal import safe
from grader.store.uptodate import Stamp, input_fingerprint, stamp_key, up_to_date

if TYPE_CHECKING:  # the grading machinery loads only when something is graded: a rerun with nothing changed
    from grader.run.local import Graded, Task  # stops after hashing its inputs
    from grader.grading.results import SubmissionResult
    from grader.course.rubric import LoadedRubric

EXAMPLES = """examples:
  grader grade class/*.md --assignment decoding-2021 --out reports/decoding-2021
  grader grade alice.zip bob/ --assignment attention --out graded --jobs 2 --timeout 60
  grader grade class/* --assignment attention --out graded --dry-run    # after a rubric fix: show the changes
  grader grade class/* --assignment attention --out graded --executor dask --scheduler tcp://head:8786

A rerun on the same --out grades only the write-ups whose bytes, rubric or grader version changed,
and prints every score change per student and question before it writes anything.
"""


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


def _students(args: argparse.Namespace) -> tuple[dict[str, str], list[str]] | str:
    """Student id per path (LMS download names matched to the roster, else the stem) and the warnings to print,
    or the error message."""
    from grader.run.students import student_ids

    roster = None
    if args.roster:
        from grader.export.roster import RosterError, read_roster  # the roster reader lives with the exporters
        try:
            roster = read_roster(Path(args.roster))
        except RosterError as exc:
            return str(exc)  # it names the file and the line
        except OSError as exc:
            return f"{args.roster}: {exc.strerror or exc}"
    ids, warnings = student_ids(args.submissions, roster)
    return ids, [f"grader grade: {warning}" for warning in warnings]


def run(args: argparse.Namespace) -> int:
    problem = _check_args(args)
    if problem:
        return _usage(problem)
    # what every path below keys on, computed once: the grader's and course's code, each submission's bytes
    version = code_version(__version__, Course(args.course).reference_dir)
    digests = [submission_hash(path) for path in args.submissions]
    if not (args.dry_run or args.fresh):
        done = _rerun_unchanged(args, version, digests)
        if done is not None:
            return done
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    found = _students(args)
    if isinstance(found, str):
        return _usage(found)
    students, warnings = found
    for warning in warnings:
        print(safe(warning), file=sys.stderr)
    from grader.run.local import Task
    from grader.grading.pipeline import student_id_from_path

    tasks = [Task(path, students.get(path) or student_id_from_path(path)) for path in args.submissions]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # code answers run in a sandbox that must not see the results store or other students' reports
    hidden = [p for p in os.environ.get("GRADER_SANDBOX_HIDE", "").split(":") if p]
    os.environ["GRADER_SANDBOX_HIDE"] = ":".join(dict.fromkeys([*hidden, str(out.resolve()),
                                                               *(str(Path(p).resolve().parent) for p in args.submissions)]))
    try:
        with RunLock(out), Store(out) as store:
            return _grade_locked(args, course, rubric, tasks, store, warnings, version, digests)
    except StoreLocked as exc:
        return _usage(str(exc))


def _fingerprint(args: argparse.Namespace, course: Course, version: str, digests: list[str | None],
                 store: Store) -> str | None:
    return input_fingerprint(args.assignment, args.submissions, digests, course.rubric_path(args.assignment),
                             course.templates_dir, args.roster, version, store)


def _rerun_unchanged(args: argparse.Namespace, version: str, digests: list[str | None]) -> int | None:
    """When every input matches the last export's, say so as the full run would and return its exit status;
    None when anything must be graded or written again."""
    out = Path(args.out)
    if not (out / DB_NAME).is_file():
        return None
    start = time.perf_counter()
    try:
        with RunLock(out), Store(out) as store:
            stamp = up_to_date(store, out, args.assignment,
                               _fingerprint(args, Course(args.course), version, digests, store))
            if stamp is None:
                return None
            run_id = store.begin_run(args.assignment, stamp.rubric_hash, version, args.executor,
                                     args.jobs or default_jobs(), stamp.total, stamp.total)
            store.finish_run(run_id, graded=0, failed=stamp.failed, grading_s=0.0, max_worker_rss_kb=0,
                             published=False)
    except StoreLocked:
        return None  # the full path says who holds the folder
    for message in stamp.messages:
        print(safe(message), file=sys.stderr)
    _print_summary(args, graded=0, total=stamp.total, reused=stamp.total, failed=stamp.failed, start=start,
                   flagged=stamp.flagged)
    return stamp.exit_code


def _grade_locked(args: argparse.Namespace, course: Course, rubric: LoadedRubric, tasks: list[Task],
                  store: Store, warnings: list[str], version: str, digests: list[str | None]) -> int:
    """Grade what the store does not hold, export, publish; `warnings` were printed already (a rerun with
    nothing changed prints them again)."""
    from grader.run.local import grade_all
    from grader.run.progress import RunProgress
    from grader.store.database import apply_overrides, iter_keys, roundtrip

    start = time.perf_counter()
    fingerprint = None if args.dry_run else _fingerprint(args, course, version, digests, store)
    keys = list(iter_keys([t.path for t in tasks], digests, rubric.digest, version))
    results: list[SubmissionResult | None] = [None] * len(tasks)
    if not args.fresh:
        for i, key in enumerate(keys):
            stored = store.load(key) if key is not None else None
            if stored is not None and stored.student == tasks[i].student:
                results[i] = stored
    todo = [i for i, r in enumerate(results) if r is None]
    reused = len(tasks) - len(todo)
    jobs = args.jobs or default_jobs()
    run_id = store.begin_run(rubric.assignment.assignment, rubric.digest, version, args.executor, jobs,
                             len(tasks), reused)
    progress = RunProgress(len(tasks), reused)
    peak_rss = 0
    unsaved = 0  # write-ups whose worker hung or crashed: graded again by the next run, so no stamp

    def on_done(g: Graded) -> None:
        nonlocal peak_rss, unsaved
        i = todo[g.index]
        key = keys[i]
        result = _with_timing(g)
        if key is not None and not g.executor_error:
            store.save(key, result, duration_s=g.duration_s, cpu_s=g.cpu_s, max_rss_kb=g.max_rss_kb, run_id=run_id)
        else:
            unsaved += 1
        results[i] = roundtrip(result)  # fresh results export exactly as stored ones will
        peak_rss = max(peak_rss, g.max_rss_kb)
        progress.advance(g.result.has_error)

    grading_start = time.perf_counter()
    todo_tasks = [tasks[i] for i in todo]
    try:
        if todo_tasks and args.executor == "dask":
            from grader.run.dask_cluster import DaskUnavailable, grade_all_dask
            try:
                grade_all_dask(todo_tasks, course, rubric, scheduler=args.scheduler, timeout=args.timeout,
                               on_done=on_done, tick=progress.tick)
            except DaskUnavailable as exc:
                progress.close()
                return _usage(str(exc))
        elif todo_tasks:
            grade_all(todo_tasks, course, rubric, jobs=jobs, timeout=args.timeout, on_done=on_done,
                      tick=progress.tick)
    finally:
        progress.close()
    grading_s = time.perf_counter() - grading_start
    overrides = store.overrides()
    from grader.store.overrides import moved  # a regrade that changes an overridden question says so
    messages = [f"grader grade: {m.text()}" for m in moved(store, [r for r in results if r is not None])]
    for message in messages:
        print(safe(message), file=sys.stderr)
    messages = [*warnings, *messages]
    final = [apply_overrides(r, overrides) for r in results if r is not None]
    changes = store.changes(rubric.assignment.assignment, final)
    _print_changes(changes)
    failed = [r for r in final if r.has_error]
    for r in failed:
        reason = next((f.message for q in r.questions for f in q.findings if f.severity.value == "error"), "error")
        where = "" if reason.startswith(r.submission) else f"{r.submission}: "
        messages.append(f"grader grade: {where}{reason}")
        print(safe(messages[-1]), file=sys.stderr)
    # a flagged submission's answers mostly could not be found or read: as loud as an error (DESIGN.md)
    flagged = [r for r in final if r.flagged is not None]
    for r in flagged:
        messages.append(f"grader grade: {r.submission}: flagged for review: {r.flagged}")
        print(safe(messages[-1]), file=sys.stderr)
    exit_code = ExitCode.GRADING_ERROR if failed or flagged else ExitCode.OK
    if not args.dry_run:
        assignment = rubric.assignment.assignment
        store.set_meta(stamp_key(assignment), None)  # files may change below: no stamp until they are whole
        final, files = _export(Path(args.out), course, rubric, final, store, version,
                               jobs=jobs if args.executor == "local" else 1)
        store.publish(run_id, assignment, rubric.digest, final, changes)
        if fingerprint is not None and not unsaved:
            stamp = Stamp(fingerprint, rubric.digest, tuple(files), tuple(messages), len(final), len(failed),
                          int(exit_code), len(flagged))
            store.set_meta(stamp_key(assignment), stamp.to_json())
    store.finish_run(run_id, graded=len(todo), failed=len(failed), grading_s=grading_s, max_worker_rss_kb=peak_rss,
                     published=not args.dry_run)
    _print_summary(args, graded=len(todo), total=len(final), reused=reused, failed=len(failed), start=start,
                   flagged=len(flagged))
    return exit_code


def _print_summary(args: argparse.Namespace, *, graded: int, total: int, reused: int, failed: int,
                   start: float, flagged: int = 0) -> None:
    verb = "and wrote nothing (--dry-run)" if args.dry_run else f"-> {args.out}"
    print(f"graded {graded} of {total} submission(s), {reused} unchanged, in "
          f"{time.perf_counter() - start:.1f} s {verb}" + (f"; {failed} with errors" if failed else "")
          + (f"; {flagged} flagged for review" if flagged else ""), file=sys.stderr)


def _export(out: Path, course: Course, rubric: LoadedRubric, results: list[SubmissionResult], store: Store,
            version: str, *, jobs: int) -> tuple[list[SubmissionResult], list[str]]:
    """Write results.json, grades.csv, summaries and reports, unless the files on disk were made from exactly
    these results; the results as written and the files' names relative to `out`."""
    from grader.store.database import export_fingerprint
    from grader.report.write import placed, run_files

    assignment = rubric.assignment.assignment
    fingerprint = export_fingerprint(results, rubric.digest, version, course.templates_dir)
    as_written = placed(results)
    files = run_files(as_written)
    key = f"export:{assignment}"
    if store.meta(key) == fingerprint and all((out / f).is_file() for f in files):
        return as_written, files  # a rerun with nothing changed: rendering every report again is most of its time
    from grader.report.render import Renderer  # jinja2 and the templates load only when something is exported
    from grader.report.write import write_run

    written = write_run(out, rubric.assignment, results, Renderer(course.templates_dir),
                        extra={"rubric_hash": rubric.digest}, jobs=jobs)
    store.set_meta(key, fingerprint)
    return written, files


def _with_timing(g: Graded) -> SubmissionResult:
    """The result with its run details under `details.timing`, which "identical results" leaves aside."""
    timing = {"duration_s": round(g.duration_s, 3)}
    return dataclasses.replace(g.result, details={**g.result.details, "timing": timing})


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
