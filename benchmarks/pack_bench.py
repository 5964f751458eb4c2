"""How many self-check pack checks cannot decide on the example write-ups, by reason and by kind.

For every example write-up of an assignment without code (submissions/<assignment>/*), the assignment's pack is
built with a fixed salt, the write-up is graded with it (`grade_submission` with `load_pack`, as
tests/pack/test_pack_vs_full.py does), and each check of the pack counts once: undecided when its outcome
carries a "not checked" reason. Only checks that ran count: those of an answer that was not found never run.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/pack_bench.py [assignment ...] [--show]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.course.directory import Course
from grader.grading.pipeline import grade_submission
from grader.pack.build import build_pack
from grader.pack.load import load_pack
from grader.report.feedback import NOT_CHECKED

REPO = Path(__file__).resolve().parents[1]
SALT = "pack-bench"  # fixed: the figures do not depend on a random salt


@dataclass(frozen=True)
class Undecided:
    writeup: str  # assignment/file
    question: str
    check: int  # 1-based, in the rubric's order
    kind: str  # the rubric's kind (derivation, keywords, ...)
    why: str


def assignments_without_code() -> list[str]:
    out = []
    for rubric in sorted((REPO / "rubrics").glob("*.yaml")):
        if "kind: code" not in rubric.read_text(encoding="utf-8") and (REPO / "submissions" / rubric.stem).is_dir():
            out.append(rubric.stem)
    return out


def reason(why: str) -> str:
    """A reason with its line numbers left out, so that one cause counts once."""
    return re.sub(r"\bline \d+", "line N", why)


def measure(course: Course, assignment: str, pack_dir: Path) -> tuple[int, list[Undecided]]:
    """(checks counted, the undecided ones) over the assignment's example write-ups."""
    rubric = course.rubric(assignment)
    build_pack(course, rubric, pack_dir, salt=SALT)
    pack, pack_course = load_pack(pack_dir), Course(pack_dir)
    kinds = {q.id: [c.kind for c in q.checks] for q in rubric.assignment.questions}
    total, undecided = 0, []
    for path in sorted((REPO / "submissions" / assignment).iterdir()):
        if not path.is_file():
            continue
        result = grade_submission(str(path), pack, pack_course, timeout=60)
        for q in result.questions:
            for i, c in enumerate(q.details.get("checks", [])):
                total += 1
                why = (c.get("details") or {}).get(NOT_CHECKED)
                if why:
                    undecided.append(Undecided(f"{assignment}/{path.name}", q.id, i + 1, kinds[q.id][i], why))
    return total, undecided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignments", nargs="*", help="default: every assignment without code")
    parser.add_argument("--show", action="store_true", help="list every undecided check")
    args = parser.parse_args()
    course = Course(REPO)
    names = args.assignments or assignments_without_code()
    total, undecided = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            n, u = measure(course, name, Path(tmp) / name)
            total += n
            undecided += u
            print(f"{name:16s} {len(u):4d} of {n:4d} undecided")
    writeups = sum(1 for n in names for p in (REPO / "submissions" / n).iterdir() if p.is_file())
    print(f"\nundecided: {len(undecided)} of {total} pack checks ({100 * len(undecided) / max(total, 1):.1f}%) "
          f"on {writeups} write-ups of {len(names)} assignments")
    print("\nby kind:")
    for kind, n in sorted(Counter(u.kind for u in undecided).items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:4d}  {kind}")
    print("\nby reason:")
    for why, n in sorted(Counter(reason(u.why) for u in undecided).items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:4d}  {why}")
    if args.show:
        print("\nundecided checks:")
        for u in undecided:
            print(f"  {u.writeup} {u.question} check {u.check} ({u.kind}): {u.why}")


if __name__ == "__main__":
    main()
