"""Rewrite right answers in copies of write-ups without changing their meaning and print how many keep their grade.

    .venv/bin/python benchmarks/rewrite_bench.py [--jobs 2] [--only ID,ID]

Each entry of benchmarks/data/rewrites.yaml edits one place of a right answer so that it says the same thing in
other mathematics: an expanded or factored form, the relation solved differently (`-\\Delta\\theta_t = ...`),
terms reordered, a definition given with "where", a renamed symbol declared in the answer, the result as a link
of a chain, a fraction written as a product with a negative power, numbers in another form or in words.
(Typography, which changes no mathematics, is benchmarks/variants_bench.py's.) A rewrite is kept when the
question's status and score on the copy equal those on the source. Prints kept / rewritten, per assignment and
overall, and every miss with the status and score before and after. Copies live in a temporary folder;
rewrites of the corpus are skipped where ../shared/corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from edited_copies import Edit, Outcome, load_edits, run, select, show  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "rewrites.yaml"


def kept(outcome: Outcome) -> bool:
    """The copy's question has the source's status and score."""
    assert outcome.before is not None and outcome.after is not None
    return outcome.before[0] == outcome.after[0] and abs(outcome.before[1] - outcome.after[1]) < 1e-9


def report(outcomes: list[Outcome]) -> tuple[int, int, list[str]]:
    """Kept, rewritten (measured ones) and the lines to print."""
    lines: list[str] = []
    rewritten, same = Counter[str](), Counter[str]()
    misses: list[str] = []
    for o in outcomes:
        e = o.edit
        if o.skipped or o.error:
            lines.append(f"  {'skipped' if o.skipped else 'ERROR'} {e.id}: {o.skipped or o.error}")
            continue
        rewritten[e.assignment] += 1
        if kept(o):
            same[e.assignment] += 1
        else:
            misses.append(f"  MISS {e.id} ({e.assignment} {e.question}, {e.kind}): "
                          f"grader {show(o.before)} -> {show(o.after)}")
    for assignment in sorted(rewritten):
        lines.append(f"{assignment:<16} kept {same[assignment]}/{rewritten[assignment]}")
    total, total_same = sum(rewritten.values()), sum(same.values())
    pct = f"{100 * total_same / total:.1f}%" if total else "n/a"
    lines.append(f"{'overall':<16} kept {total_same}/{total} ({pct})")
    return total_same, total, lines + misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="write-ups graded at once (default 2)")
    parser.add_argument("--only", default="", help="comma-separated rewrite ids (default: all)")
    parser.add_argument("--data", type=Path, default=DATA, help="the rewrites (default benchmarks/data/rewrites.yaml)")
    args = parser.parse_args(argv)
    edits: list[Edit] = load_edits(args.data, with_ta=False)
    try:
        edits = select(edits, args.only, "rewrite")
    except ValueError as exc:
        parser.error(str(exc))
    _, _, lines = report(run(edits, args.jobs))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
