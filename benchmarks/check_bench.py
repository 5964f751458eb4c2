"""Benchmark of `grader check` on a code write-up, cold: a fresh process each time, median wall and CPU of 3 runs.

    .venv/bin/python benchmarks/check_bench.py [--runs 3] [--submission submissions/attention-lab/efficient.md]

Target (issue 13): under 5 s wall on the 2-core machine. The wall time moves with the machine's load (the
reference's calls are timed and take what the CPU gives them), so the load average is printed with it; the CPU
time of the command and everything it started (fork server, workers) does not, and is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_run(submission: str, assignment: str) -> tuple[float, float, int]:
    """One `grader check` in a fresh interpreter: wall seconds, CPU seconds of its whole process tree, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", "check", submission, "--assignment", assignment],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
    return wall, cpu, done.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--submission", default="submissions/attention-lab/efficient.md")
    ap.add_argument("--assignment", default="attention-lab")
    args = ap.parse_args()
    walls, cpus = [], []
    for i in range(args.runs):
        load = os.getloadavg()[0]
        wall, cpu, code = cold_run(args.submission, args.assignment)
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run {i + 1}: {wall:6.2f} s wall, {cpu:6.2f} s CPU (exit {code}, load average {load:.2f} before)")
    print(f"grader check {args.submission}, cold: median {statistics.median(walls):.2f} s wall "
          f"(target < 5 s), {statistics.median(cpus):.2f} s CPU, over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
