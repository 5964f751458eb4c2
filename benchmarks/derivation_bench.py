"""Benchmark of the derivation check on the corpus: time per write-up, statement counts, localisation, false alarms.

Run: .venv/bin/python benchmarks/derivation_bench.py [--corpus ../shared/corpus] [--plant]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the target says

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from grader.course.directory import Course
from grader.worlds.measure import AnswerSpec, measure

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "worlds" / "corpus_false_steps.yaml"


def load() -> tuple[list[AnswerSpec], set[tuple[str, int]]]:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    answers = [AnswerSpec(a["file"], a["question"], a["lines"][0], a["lines"][1], a["world"],
                          tuple(sorted((a.get("aliases") or {}).items()))) for a in data["answers"]]
    return answers, {(f["file"], f["line"]) for f in data["false_steps"]}


def plant(answers: list[AnswerSpec], corpus: Path, true_lines: set[tuple[str, int]], course: Course) -> None:
    """Flip the last `+` of every true checked line (one edit per run) and count how many are caught."""
    caught = tried = 0
    with tempfile.TemporaryDirectory() as tmp:
        for file, line in sorted(true_lines):
            text = (corpus / file).read_text(encoding="utf-8").split("\n")
            original = text[line - 1]
            at = original.rfind("+")
            if at < 0 or "$" not in original:
                continue
            text[line - 1] = original[:at] + "-" + original[at + 1:]
            (Path(tmp) / file).write_text("\n".join(text), encoding="utf-8")
            spec = [a for a in answers if a.file == file and a.first <= line <= a.last]
            tried += 1
            caught += (file, line) in measure(spec, Path(tmp), course.reference).flagged
    print(f"planted sign flips: {caught} of {tried} flagged at their line "
          f"(a flip inside a term that differentiates to zero, or under a condition, is rightly not flagged)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--plant", action="store_true", help="also plant a sign flip in every true line")
    args = parser.parse_args()
    answers, known = load()
    course = Course(REPO)
    start = time.perf_counter()
    m = measure(answers, args.corpus, course.reference)
    total = time.perf_counter() - start
    print(f"{'write-up':28s} {'cpu s':>8s} {'wall s':>8s}")
    for file, seconds in sorted(m.seconds.items()):
        print(f"{file:28s} {m.cpu_seconds[file]:8.2f} {seconds:8.2f}")
    print(f"all {len(m.seconds)} write-ups: {total:.2f} s (first run includes importing the worlds)")
    print(f"statements seen {m.seen}, evaluated {m.evaluated}, skipped {m.skipped}")
    found, expected = m.localised(known)
    alarms, true_lines = m.false_alarms(known)
    print(f"false steps localised: {found} of {expected} ({100 * found / max(expected, 1):.0f}%)")
    print(f"false alarms: {alarms} on {true_lines} true lines checked "
          f"({50 * alarms / max(true_lines, 1):.2f} per 50 true lines)")
    for file, line in sorted(known - m.flagged):
        print(f"  not localised: {file}:{line}")
    for file, line in sorted(m.flagged - known):
        print(f"  false alarm: {file}:{line}: {m.messages[(file, line)]}")
    if args.plant:
        plant(answers, args.corpus, m.true_lines - known, course)


if __name__ == "__main__":
    main()
