"""`grader review`: what a TA must look at in a graded folder: needs_review, error and low-confidence questions."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.commands.common import ExitCode
from grader.store.database import DB_NAME, Store
from grader.store.overrides import GradedFolderError, read_results, stored_results
from grader.terminal import safe

EXAMPLES = """examples:
  grader review reports/decoding-2021
  grader review reports/decoding-2021 --json > review.json

Listed first: every flagged submission (its answers mostly could not be found or read), then its questions.
Then every question whose status is needs_review or error, and every low-confidence one: an answer,
claim or item check that could not decide (verdict unknown) under a machine status, or a derivation whose worlds skipped more
statements than they evaluated (at least 3 skipped). Then decide with `grader override`.
"""

SKIPPED_MIN = 3  # a derivation with fewer skipped statements is not called low-confidence


@dataclass(frozen=True)
class Item:
    """One question a TA should look at, with why, the student's answer and the evidence."""

    student: str
    submission: str
    question: str
    status: str
    score: float
    max_score: float
    why: list[str]
    answer: str | None  # None: the store no longer holds the answer text
    line: int | None
    findings: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    override: dict[str, Any] | None
    flagged: str | None = None  # the submission is flagged: its answers mostly could not be found or read


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("review", help="list the questions a TA must decide, with answers and evidence",
                              description="List every needs_review, error and low-confidence question of a "
                                          "graded folder: flagged submissions first, then by student and question.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="DIR", help="a folder written by `grader grade`")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run)


def low_confidence(q: dict[str, Any]) -> list[str]:
    """Why a question the machine scored may still be wrong."""
    why = []
    for c in (q.get("details") or {}).get("checks", []):
        name = c.get("label") or c.get("kind")
        d = c.get("details") or {}
        # an undecided gate leaves the score in doubt; a derivation that found nothing to check does not
        if c.get("verdict") == "unknown" and c.get("role") in ("answer", "claim", "item"):
            why.append(f"{name}: could not decide ({c.get('reason', '')})")
        skipped, evaluated = d.get("skipped", 0), d.get("evaluated", 0)
        if c.get("kind") == "derivation" and skipped >= SKIPPED_MIN and skipped > evaluated:
            why.append(f"{name}: {skipped} statements skipped, {evaluated} evaluated")
    return why


def collect(folder: Path) -> list[Item]:
    doc = read_results(folder)
    order: dict[str, int] = {}  # question id -> its place in the rubric
    answers: dict[tuple[str, str], tuple[str, int | None]] = {}
    basis: dict[tuple[str, str], tuple[float, str]] = {}
    if (folder / DB_NAME).is_file():
        with Store(folder) as store:
            stored = stored_results(store, [s["submission"] for s in doc["submissions"]], str(doc.get("rubric_hash")))
            basis = store.override_bases()
        answers = {(path, q.id): (q.answer_text, q.line) for path, r in stored.items() for q in r.questions}
    items = []
    for sub in doc["submissions"]:
        flag = sub.get("flagged")
        notes = [f["message"] for f in sub.get("findings", []) if f.get("kind") == "ingest"]
        if flag is not None:  # the whole write-up first: its unfound answers may be under other headings
            items.append(Item(sub["student"], sub["submission"], "", "flagged", sub["score"], sub["max_score"],
                              [f"submission flagged: {flag}", *notes], None, None, [], [], None, flag))
        elif notes:  # what reading noticed about the whole submission (several write-ups, a file left aside)
            items.append(Item(sub["student"], sub["submission"], "", "notes", sub["score"], sub["max_score"],
                              notes, None, None, [], [], None, None))
        for k, q in enumerate(sub["questions"]):
            order.setdefault(q["id"], k)
            override = (q.get("details") or {}).get("override")
            status = override["machine_status"] if override else q["status"]
            why = [f"status {status}"] if status in ("needs_review", "error") else []
            if status not in ("needs_review", "error", "missing"):
                why += low_confidence(q)
            before = basis.get((sub["student"], q["id"]))
            if override and before and (round(before[0], 4), before[1]) != (round(override["machine_score"], 4),
                                                                             override["machine_status"]):
                why.append(f"overridden, and the machine's result moved from {before[0]:g} ({before[1]}) to "
                           f"{override['machine_score']:g} ({override['machine_status']}) since")
            elif override:  # a TA decided it: listed again only when the machine's result moved since
                continue
            if not why:
                continue
            text, line = answers.get((sub["submission"], q["id"]), (None, q.get("line")))
            checks = [{k2: c.get(k2) for k2 in ("kind", "role", "label", "verdict", "reason")}
                      for c in (q.get("details") or {}).get("checks", [])]
            items.append(Item(sub["student"], sub["submission"], q["id"], q["status"], q["score"], q["max_score"],
                              why, text, line, q["findings"], checks, override, flag))
    # flagged submissions first, each opened by its submission-level item
    return sorted(items, key=lambda i: (i.flagged is None, i.student, i.submission if i.flagged else "",
                                        bool(i.question), order.get(i.question, 0), i.submission))


def _text(items: list[Item]) -> str:
    out: list[str] = []
    for i in items:
        if not i.question and i.flagged is None:
            out.append(f"== {i.student}  NOTES on the whole submission  ({i.submission})")
            out.extend(f"   note: {w}" for w in i.why)
            out.append("")
            continue
        if not i.question:
            out.append(f"== {i.student}  FLAGGED: the whole write-up needs a look  [{i.score:g}/{i.max_score:g}]  "
                       f"({i.submission})")
            out.extend(f"   why: {w}" for w in i.why)
            out.append("")
            continue
        out.append(f"== {i.student}  question {i.question}  [{i.status}, {i.score:g}/{i.max_score:g}]  ({i.submission})")
        for w in i.why:
            out.append(f"   why: {w}")
        if i.override:
            out.append(f"   override: {i.override['score']:g} -- {i.override['note']}")
        out.append(f"   answer{f' (line {i.line})' if i.line else ''}:")
        if i.answer is None:
            out.append("     (the answer text is not in the results store)")
        else:
            out.extend(f"     | {line}" for line in (i.answer.splitlines() or ["(empty)"]))
        for c in i.checks:
            out.append(f"   check {c['label'] or c['kind']}: {c['verdict']} -- {c['reason']}")
        for f in i.findings:
            where = f"line {f['line']}: " if f.get("line") else ""
            out.append(f"   - [{f['severity']}] {where}{f['message']}")
        out.append("")
    flagged = sum(1 for i in items if not i.question and i.flagged is not None)
    noted = sum(1 for i in items if not i.question and i.flagged is None)
    out.append((f"{flagged} flagged submission(s) and " if flagged else "")
               + (f"{noted} submission(s) with notes and " if noted else "")
               + f"{len(items) - flagged - noted} question(s) to review" + ("; decide with `grader override DIR STUDENT QUESTION SCORE "
                                                         "--note TEXT`" if items else ""))
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        items = collect(Path(args.folder))
    except GradedFolderError as exc:
        print(f"grader review: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if args.json:
        print(json.dumps([asdict(i) for i in items], indent=2, ensure_ascii=False))
    else:
        print(safe(_text(items)), end="")
    return ExitCode.OK
