"""Benchmark of grading one assignment's largest write-up: seconds per write-up per core, and where the time goes.

    .venv/bin/python benchmarks/readonce_bench.py [--assignment decoding-2021] [--n 10] [--repeat 3] [--profile]

It copies the largest example write-up of `submissions/<assignment>/` to N distinct names in a temporary folder
and grades them with `python -m grader grade ... --jobs 1`, R times. The figure is the CPU time (user + system,
the command and every process it waited for: forked workers, sympy helpers) divided by N, median of the repeats:
what one write-up costs one core, the command's fixed cost (imports, rubric validation) spread over the N.
The wall time per write-up is printed beside it; on a loaded machine it is larger and noisier.
With --profile it also preloads as the `grade` parent does, grades one copy under cProfile in a forked child (as a
worker grades it: once, with nothing but what the parent preloaded), and prints where its time goes, by area.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the target says

import argparse
import cProfile
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.6  # seconds per write-up per core (docs/scale.md)

# where a function's own time is counted, by the first path fragment it matches
AREAS = (
    ("reference/worlds/", "world draws and world functions (reference/worlds)"),
    ("grader/worlds/", "derivation steps: evaluating links in the worlds (grader/worlds)"),
    ("grader/read/reading", "reading the answers' math once (grader/read/reading.py)"),
    ("grader/read/", "ingest and segmentation (grader/read)"),
    ("grader/math/parser", "parsing the math (grader/math/parser.py, lexer.py)"),
    ("grader/math/lexer", "parsing the math (grader/math/parser.py, lexer.py)"),
    ("grader/math/", "the rest of the math layer: nodes, equivalence, numbers (grader/math)"),
    ("grader/checks/", "checks' own code (grader/checks)"),
    ("sympy", "sympy (in this process)"),
    ("numpy", "numpy"),
)


def largest(assignment: str) -> Path:
    files = [p for p in (REPO / "submissions" / assignment).iterdir() if p.is_file() and not p.name.startswith(".")]
    if not files:
        raise SystemExit(f"submissions/{assignment}/ holds no write-up")
    return max(files, key=lambda p: (p.stat().st_size, p.name))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade_once(paths: list[Path], assignment: str, out: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one `grade` command over `paths`."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", "grade", *map(str, paths), "--assignment", assignment,
                           "--out", str(out), "--course", str(REPO), "--jobs", "1"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: some write-ups need review, still graded
        raise SystemExit(f"grade failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return children_cpu() - cpu, wall


def profile(path: Path, assignment: str, rows: int) -> None:
    sys.path.insert(0, str(REPO))
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission
    from grader.run.local import preload

    course = Course(REPO)
    rubric = course.rubric(assignment)
    preload(rubric)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "worker.prof"
        pid = os.fork()  # graded once in a forked child, as a worker grades it: no cache warmed by an earlier call
        if pid == 0:
            prof = cProfile.Profile()
            prof.enable()
            grade_submission(str(path), rubric, course)
            prof.disable()
            prof.dump_stats(str(dump))
            os._exit(0)
        os.waitpid(pid, 0)
        stats = pstats.Stats(str(dump))
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    by_area: dict[str, float] = defaultdict(float)
    for (file, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        area = next((label for frag, label in AREAS if frag in file), "other (Python library, builtins)")
        by_area[area] += own
    print(f"\nprofile of one write-up graded in a forked child as a worker grades it "
          f"(under cProfile: {total:.3f} s own time)")
    print(f"{'area':<72} {'s':>7} {'share':>6}")
    for area, secs in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"{area:<72} {secs:7.3f} {secs / total:6.1%}")
    print(f"\ntop {rows} functions by cumulative time")
    stats.sort_stats("cumulative").print_stats(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignment", default="decoding-2021")
    ap.add_argument("--n", type=int, default=10, help="copies of the write-up graded by one command")
    ap.add_argument("--repeat", type=int, default=3, help="commands timed (median)")
    ap.add_argument("--profile", action="store_true", help="also profile one write-up in this process")
    ap.add_argument("--rows", type=int, default=25, help="functions listed by --profile")
    ap.add_argument("--writeup", type=Path, default=None,
                    help="grade this write-up instead of the assignment's largest example (e.g. the corpus's "
                         "decoding-2021 solution set, ../shared/corpus/000_*.txt)")
    args = ap.parse_args()
    source = args.writeup or largest(args.assignment)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k in range(args.n):
            copy = Path(tmp) / f"{source.stem}-{k:03d}{source.suffix}"
            shutil.copyfile(source, copy)
            paths.append(copy)
        runs = [grade_once(paths, args.assignment, Path(tmp) / "out") for _ in range(args.repeat)]
    cpu = statistics.median(c for c, _ in runs) / args.n
    wall = statistics.median(w for _, w in runs) / args.n
    print(f"{args.assignment}: {source.name} ({source.stat().st_size} bytes) x {args.n}, {args.repeat} runs, --jobs 1")
    print(f"CPU per write-up per core: {cpu:.3f} s (median; runs: "
          f"{', '.join(f'{c / args.n:.3f}' for c, _ in runs)}); target {TARGET_S} s: "
          f"{'met' if cpu <= TARGET_S else 'NOT met'}")
    print(f"wall per write-up: {wall:.3f} s (median; machine load inflates it)")
    if args.profile:
        profile(source, args.assignment, args.rows)


if __name__ == "__main__":
    main()
