"""Shared by planted_bench.py and rewrite_bench.py: one-place edits of write-up copies, graded beside their sources.

An edit (one entry of benchmarks/data/planted.yaml or rewrites.yaml) names a write-up (`submissions/...` in this
repository or `corpus/<file>` in ../shared/corpus), the question it touches, and a `find` text that must occur
exactly once in the source, replaced by `replace`. Copies are written to a temporary folder (never next to the
source) under the source's own file name, and graded with this tree's grader and rubrics.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
STATUSES = ("correct", "partial", "incorrect", "missing")
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

Result = tuple[str, float]  # a question's status and score


class EditError(ValueError):
    """A data entry that cannot be applied or is malformed (the message names the entry and the field)."""


@dataclass(frozen=True)
class Edit:
    """One edit of one write-up copy."""
    id: str
    assignment: str
    source: str
    question: str
    kind: str
    find: str
    replace: str
    ta: str | None = None  # planted errors: what a careful TA gives the question afterwards


def load_edits(path: Path, *, with_ta: bool) -> list[Edit]:
    """The entries of a data file, checked field by field; ids are unique."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, list):
        raise EditError(f"{path}: expected a list of edits")
    edits: list[Edit] = []
    seen: set[str] = set()
    for n, entry in enumerate(data, 1):
        where = f"{path.name} entry {n} ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict):
            raise EditError(f"{where}: expected a mapping")
        for key in ("id", "assignment", "source", "question", "kind", "find", "replace"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                if not (key == "replace" and entry.get(key) == ""):
                    raise EditError(f"{where}: `{key}` must be a non-empty string")
        if with_ta and entry.get("ta") not in STATUSES[1:]:
            raise EditError(f"{where}: `ta` must be one of {STATUSES[1:]} (a planted error is never correct)")
        if entry["id"] in seen:
            raise EditError(f"{where}: id {entry['id']!r} is used twice")
        seen.add(entry["id"])
        if entry["find"] == entry["replace"]:
            raise EditError(f"{where}: `replace` equals `find`")
        edits.append(Edit(**{k: entry[k] for k in Edit.__dataclass_fields__ if k in entry}))
    return edits


def select(edits: list[Edit], only: str, what: str) -> list[Edit]:
    """The edits named in `only` (comma-separated ids; all when empty); ValueError names the unknown ones."""
    if not only:
        return edits
    wanted = set(only.split(","))
    unknown = wanted - {e.id for e in edits}
    if unknown:
        raise ValueError(f"unknown {what} ids: {', '.join(sorted(unknown))}")
    return [e for e in edits if e.id in wanted]


def source_path(source: str) -> Path:
    """Where a source lives: corpus/<file> under ../shared/corpus, anything else under this repository."""
    if source.startswith("corpus/"):
        return CORPUS / source.removeprefix("corpus/")
    return REPO / source


def apply(edit: Edit, text: str) -> str:
    """The source text with the edit made; an EditError unless `find` occurs exactly once."""
    count = text.count(edit.find)
    if count != 1:
        raise EditError(f"{edit.id}: `find` occurs {count} times in {edit.source} (must be once)")
    return text.replace(edit.find, edit.replace)


@lru_cache(maxsize=None)
def _course() -> Any:
    from grader.course.directory import Course
    return Course(REPO)


def _grade(job: tuple[str, str]) -> dict[str, Result]:
    """Status and score per question of one write-up (run in a worker)."""
    from grader.grading.pipeline import grade_submission
    assignment, path = job
    result = grade_submission(path, _course().rubric(assignment), _course())
    return {q.id: (q.status.value, round(q.score, 4)) for q in result.questions}


@dataclass
class Outcome:
    """One edit graded: the question's result on the source and on the edited copy, or why it was not run."""
    edit: Edit
    before: Result | None = None
    after: Result | None = None
    skipped: str | None = None  # the corpus is absent
    error: str | None = None  # the edit could not be applied


def run(edits: list[Edit], jobs: int = 2) -> list[Outcome]:
    """Grade every source once and every edited copy once (in `jobs` processes); outcomes in the edits' order."""
    outcomes = [Outcome(e) for e in edits]
    with tempfile.TemporaryDirectory(prefix="grader-edits-") as tmp:
        grade_jobs: dict[tuple[str, str], int] = {}
        plan: list[tuple[Outcome, tuple[str, str], tuple[str, str]]] = []
        for outcome in outcomes:
            edit = outcome.edit
            source = source_path(edit.source)
            if not source.is_file():
                outcome.skipped = f"{edit.source} is not present"
                continue
            try:
                text = apply(edit, source.read_text("utf-8"))
            except EditError as exc:
                outcome.error = str(exc)
                continue
            copy = Path(tmp) / edit.id / source.name
            copy.parent.mkdir(parents=True)
            copy.write_text(text, "utf-8")
            original, edited = (edit.assignment, str(source)), (edit.assignment, str(copy))
            for job in (original, edited):
                grade_jobs.setdefault(job, len(grade_jobs))
            plan.append((outcome, original, edited))
        ordered = sorted(grade_jobs, key=grade_jobs.__getitem__)
        if jobs > 1 and len(ordered) > 1:
            with mp.get_context("spawn").Pool(jobs) as pool:
                graded = dict(zip(ordered, pool.map(_grade, ordered, chunksize=1)))
        else:
            graded = {job: _grade(job) for job in ordered}
    for outcome, original, edited in plan:
        qid = outcome.edit.question
        if qid not in graded[original]:
            outcome.error = f"{outcome.edit.id}: question {qid} is not in {outcome.edit.assignment}'s rubric"
            continue
        outcome.before, outcome.after = graded[original][qid], graded[edited][qid]
    return outcomes


def show(result: Result | None) -> str:
    return "-" if result is None else f"{result[0]} {result[1]:g}"
