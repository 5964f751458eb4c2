"""Plant one student error in copies of write-ups and print how many the grader catches.

    .venv/bin/python benchmarks/planted_bench.py [--jobs 2] [--only ID,ID]

Each entry of benchmarks/data/planted.yaml edits one place of a right answer (an example write-up's
submissions/<assignment>/correct.md, or a corpus write-up's question that the TA reading calls correct) so that it
carries one error a student makes: a sign flip, a dropped factor, a wrong exponent, a swapped index, a wrong
complexity, a wrong number, a wrong conclusion after right steps, a false step in a derivation. A plant is caught
when the question's status on the copy is no longer `correct` (where it was) or its score drops. Prints
caught / planted, per assignment and overall, and every miss with the status and score before and after.
Copies live in a temporary folder; plants on the corpus are skipped where ../shared/corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edited_copies import Edit, Outcome, load_edits, run, select, show  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "planted.yaml"


def caught(outcome: Outcome) -> bool:
    """The plant changed the verdict: no longer correct where it was, or fewer points."""
    assert outcome.before is not None and outcome.after is not None
    (status_before, score_before), (status_after, score_after) = outcome.before, outcome.after
    return (status_before == "correct" and status_after != "correct") or score_after < score_before - 1e-9


def report(outcomes: list[Outcome]) -> tuple[int, int, list[str]]:
    """Caught, planted (measured ones) and the lines to print."""
    lines: list[str] = []
    planted, hit = Counter[str](), Counter[str]()
    misses: list[str] = []
    for o in outcomes:
        e = o.edit
        if o.skipped or o.error:
            lines.append(f"  {'skipped' if o.skipped else 'ERROR'} {e.id}: {o.skipped or o.error}")
            continue
        planted[e.assignment] += 1
        if caught(o):
            hit[e.assignment] += 1
            if o.after is not None and o.after[0] == "needs_review":
                lines.append(f"  note {e.id} ({e.question}): caught only as needs_review ({show(o.after)})")
        else:
            misses.append(f"  MISS {e.id} ({e.assignment} {e.question}, {e.kind}): TA {e.ta}; "
                          f"grader {show(o.before)} -> {show(o.after)}")
    for assignment in sorted(planted):
        lines.append(f"{assignment:<16} caught {hit[assignment]}/{planted[assignment]}")
    total, total_hit = sum(planted.values()), sum(hit.values())
    pct = f"{100 * total_hit / total:.1f}%" if total else "n/a"
    lines.append(f"{'overall':<16} caught {total_hit}/{total} ({pct})")
    return total_hit, total, lines + misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="write-ups graded at once (default 2)")
    parser.add_argument("--only", default="", help="comma-separated plant ids (default: all)")
    parser.add_argument("--data", type=Path, default=DATA, help="the plants (default benchmarks/data/planted.yaml)")
    args = parser.parse_args(argv)
    edits: list[Edit] = load_edits(args.data, with_ta=True)
    try:
        edits = select(edits, args.only, "plant")
    except ValueError as exc:
        parser.error(str(exc))
    _, _, lines = report(run(edits, args.jobs))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
