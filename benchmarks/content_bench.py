"""Grade the four corpus write-ups and print how far the grader agrees with the team's TA reading.

    .venv/bin/python benchmarks/content_bench.py [--jobs 2]

The TA reading (tests/content/ta_reading.yaml) gives each question of each graded corpus write-up the status a
careful TA gives under the rubric, or `undecidable` where the rubric sends the answer to review. Per write-up
and overall this prints: decidable questions, how many the grader decided (status not needs_review), how many
of those agree (status equal to the TA reading), and every disagreement with both statuses and the TA's reason.
Undecidable questions on which the grader nevertheless decided are listed as a note (not counted).
Skips cleanly (exit 0, with a message) where ../shared/corpus is absent.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
READING = REPO / "tests" / "content" / "ta_reading.yaml"
sys.path.insert(0, str(REPO))

UNDECIDABLE = "undecidable"
REVIEW = "needs_review"


def load_reading(path: Path = READING) -> dict[str, dict]:
    """The TA reading: assignment -> {file, questions: {qid: {status, reason, pending?}}} (checked as it loads)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    allowed = {"correct", "partial", "incorrect", "missing", UNDECIDABLE}
    for assignment, entry in data.items():
        for qid, q in entry["questions"].items():
            if q.get("status") not in allowed or not q.get("reason"):
                raise ValueError(f"{path}: {assignment} {qid}: needs a status in {sorted(allowed)} and a reason")
    return data


def _grade(job: tuple[str, str]) -> tuple[str, dict[str, tuple[str, float]]]:
    """Status and score per question of one write-up, graded with this tree's rubric."""
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission
    assignment, path = job
    course = Course(REPO)
    result = grade_submission(path, course.rubric(assignment), course)
    return assignment, {q.id: (q.status.value, round(q.score, 4)) for q in result.questions}


@dataclass
class Tally:
    """Counts of one write-up (or all of them)."""
    decidable: int = 0
    decided: int = 0
    agreed: int = 0
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.decidable += other.decidable
        self.decided += other.decided
        self.agreed += other.agreed

    def line(self, name: str) -> str:
        decided = f"{self.decided}/{self.decidable} decided ({_pct(self.decided, self.decidable)})"
        return f"{name:<16} {decided}, {self.agreed}/{self.decided} agree ({_pct(self.agreed, self.decided)})"


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "n/a"


def compare(reading: dict[str, dict], got: dict[str, tuple[str, float]]) -> Tally:
    """Tally one write-up's grader statuses against its TA reading."""
    tally = Tally()
    for qid, ta in reading["questions"].items():
        status = got.get(qid, ("absent", 0.0))[0]
        if ta["status"] == UNDECIDABLE:
            if status != REVIEW:
                tally.notes.append(f"  {qid}: undecidable for a TA, grader says {status} ({ta['reason']})")
            continue
        tally.decidable += 1
        if status == REVIEW:
            continue
        tally.decided += 1
        if status == ta["status"]:
            tally.agreed += 1
        else:
            tally.disagreements.append(f"  {qid}: grader {status}, TA {ta['status']}: {ta['reason']}")
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="write-ups graded at once (default 2)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"content bench: skipped, {CORPUS} is not present")
        return 0
    reading = load_reading()
    jobs = [(a, str(CORPUS / entry["file"])) for a, entry in reading.items()]
    if args.jobs > 1:
        with mp.get_context("spawn").Pool(args.jobs) as pool:
            results = dict(pool.map(_grade, jobs))
    else:
        results = dict(map(_grade, jobs))
    total = Tally()
    for assignment, entry in reading.items():
        tally = compare(entry, results[assignment])
        total.add(tally)
        print(tally.line(f"{assignment}"))
        for text in tally.disagreements + tally.notes:
            print(text)
    print(total.line("overall"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
