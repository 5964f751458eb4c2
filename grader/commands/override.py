"""`grader override`: record a TA's score for one question of one student and rewrite the folder's outputs."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from grader import __version__
from grader.commands.common import ExitCode, add_course_option, interrupts_deferred, load_rubric_or_exit
from grader.store.database import RunLock, Store, StoreLocked, apply_overrides, code_version
from grader.store.overrides import GradedFolderError, from_results_json, read_results, stored_results

EXAMPLES = """examples:
  grader override reports/decoding-2021 alice 2.4.c 1.5 --note "beam kept both sequences; figure misread"
  grader override graded bob 1.3 0 --note "copied from the handout" --course ~/course

The override is kept in DIR's results store: results.json, grades.csv, the student's reports and every
export show its score (the machine's score and status stay in the question's details.override), and it
survives reruns and regrades; a regrade that changes the machine's result of an overridden question says so.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("override", help="set a question's score for one student, with a note",
                              description="Record a TA decision for one question of one student in a graded "
                                          "folder and rewrite its results, grade file and reports.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="DIR", help="a folder written by `grader grade`")
    p.add_argument("student", metavar="STUDENT", help="student id as in DIR/results.json")
    p.add_argument("question", metavar="QUESTION", help="question id, e.g. 2.4.c")
    p.add_argument("score", metavar="SCORE", help="points, between 0 and the question's maximum")
    p.add_argument("--note", required=True, metavar="TEXT", help="why (shown to the student in the report)")
    add_course_option(p)
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"grader override: {message}", file=sys.stderr)
    return ExitCode.USAGE


def _target(doc: dict[str, Any], student: str, question: str) -> dict[str, Any]:
    """The question entry of `student` in results.json; GradedFolderError naming what is not there."""
    subs = [s for s in doc["submissions"] if s.get("student") == student]
    if not subs:
        raise GradedFolderError(f"no student {student!r} in results.json")
    if len(subs) > 1:
        raise GradedFolderError(f"student id {student!r} is given by {len(subs)} submissions; resolve the clash "
                                "(--roster) and grade again")
    for q in subs[0]["questions"]:
        if q["id"] == question:
            return q
    raise GradedFolderError(f"no question {question!r} for {student!r} in results.json "
                            f"(questions: {', '.join(q['id'] for q in subs[0]['questions'])})")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except KeyboardInterrupt as exc:
        if exc.args:  # said where it happened
            raise
        raise KeyboardInterrupt("nothing half-written: no decision was recorded") from None


def _run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    try:
        doc = read_results(folder)
        entry = _target(doc, args.student, args.question)
    except GradedFolderError as exc:
        return _fail(str(exc))
    try:
        score = float(args.score)
    except ValueError:
        return _fail(f"SCORE must be a number, not {args.score!r}")
    if not math.isfinite(score) or not 0 <= score <= entry["max_score"]:
        return _fail(f"SCORE must be between 0 and {entry['max_score']:g} (question {args.question}), not {args.score}")
    if not args.note.strip():
        return _fail("--note must say why")
    machine = entry.get("details", {}).get("override") or {}
    basis = (machine.get("machine_score", entry["score"]), machine.get("machine_status", entry["status"]))
    rubric_hash = str(doc.get("rubric_hash", ""))
    try:
        with RunLock(folder), Store(folder) as store:
            # a Ctrl-C from here waits until the decision is recorded and the folder's files show it
            with interrupts_deferred(after=f"nothing half-written: the decision was recorded and {folder} "
                                           "rewritten when it stopped",
                                     cut=f"stopped again while recording it: each file in {folder} is whole, but "
                                         "may not show the decision yet; run the same override again"):
                store.add_override(args.student, args.question, score, args.note.strip(), basis, rubric_hash)
                print(f"override: {args.student} {args.question} = {score:g} (machine: {basis[0]:g}, {basis[1]})",
                      file=sys.stderr)
                return _rewrite(args, folder, doc, store)
    except StoreLocked as exc:
        return _fail(str(exc))


def _rewrite(args: argparse.Namespace, folder: Path, doc: dict[str, Any], store: Store) -> int:
    """results.json, grades.csv and the reports again, from the stored machine results plus every override."""
    course, rubric = load_rubric_or_exit(args.course, str(doc.get("assignment", "")))
    if course is None or rubric is None:
        print(f"grader override: recorded, but {folder} was not rewritten: run `grader grade` again to show it",
              file=sys.stderr)
        return ExitCode.OK
    if rubric.digest != doc.get("rubric_hash"):
        print(f"grader override: recorded; the rubric changed since {folder} was graded, so the files show it "
              "after the next `grader grade`", file=sys.stderr)
        return ExitCode.OK
    from grader.report.render import Renderer
    from grader.report.write import write_run

    paths = [s["submission"] for s in doc["submissions"]]
    stored = stored_results(store, paths, rubric.digest)
    machine = [stored.get(s["submission"]) or from_results_json(s) for s in doc["submissions"]]
    final = [apply_overrides(r, store.overrides()) for r in machine]
    assignment = rubric.assignment.assignment
    version = code_version(__version__, course.reference_dir)
    run_id = store.begin_run(assignment, rubric.digest, version, "override", 0, len(final), len(final))
    changes = store.changes(assignment, final)
    written = write_run(folder, rubric.assignment, final, Renderer(course.templates_dir),
                        extra={"rubric_hash": rubric.digest})
    store.publish(run_id, assignment, rubric.digest, written, changes)
    store.finish_run(run_id, graded=0, failed=0, grading_s=0.0, max_worker_rss_kb=0, published=True)
    print(f"rewrote {folder / 'results.json'}, grades.csv and the reports", file=sys.stderr)
    return ExitCode.OK
