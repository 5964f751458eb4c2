"""Benchmark of code answers: spread of the measured speedup over repeated runs, and the sandbox's overhead per run.

    .venv/bin/python benchmarks/code_bench.py [--repeats 5] [--question 1] [--runs 20]

Targets (issue 6): every speedup within +-10% of their median; overhead per run under 1 s.
On a machine with a GPU the same command times on CUDA (the rubric's `cuda_case` sizes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.checks.base import CheckContext
from grader.checks.code.check import CodeCheck, CodeParams
from grader.course.directory import Course
from grader.read.document import Document
from grader.sandbox import Limits, shared
from grader.read.segment import Answer


def _params(qid: str) -> CodeParams:
    rubric = yaml.safe_load((ROOT / "rubrics" / "attention-lab.yaml").read_text())
    raw = dict(next(q for q in rubric["questions"] if q["id"] == qid)["checks"][0])
    for key in ("kind", "role", "label", "points"):
        raw.pop(key, None)
    return CodeParams.model_validate(raw)


def _answer(qid: str) -> str:
    text = (ROOT / "submissions" / "attention-lab" / "efficient.md").read_text()
    start = text.index(f"## Question {qid}")
    end = text.find("## Question", start + 1)
    return text[start:] if end < 0 else text[start:end]


def speedup_spread(qid: str, repeats: int) -> None:
    params, text = _params(qid), _answer(qid)
    lines = tuple(text.split("\n"))
    numbers = tuple(range(1, len(lines) + 1))
    doc = Document(path=str(ROOT / "submissions" / "attention-lab" / "efficient.md"), lines=lines, line_numbers=numbers)
    speedups = []
    for i in range(repeats):
        ctx = CheckContext(question=None, answer=Answer(qid, lines, numbers), params=params,  # type: ignore[arg-type]
                           course=Course(ROOT), document=doc, seed=1000 + i, timeout=300)
        started = time.perf_counter()
        outcome = CodeCheck().run(ctx)
        t = outcome.details["timing"]
        speedups.append(t["speedup"])
        print(f"  run {i + 1}: {outcome.verdict.value:6s} credit {outcome.fraction:.3f}  speedup {t['speedup']:7.2f}x  "
              f"student {t['student']['median_s'] * 1e3:7.3f} ms (IQR {t['student']['iqr_s'] * 1e3:.3f})  "
              f"reference {t['reference']['median_s'] * 1e3:7.3f} ms (IQR {t['reference']['iqr_s'] * 1e3:.3f})  "
              f"check {time.perf_counter() - started:.1f} s")
    median = statistics.median(speedups)
    worst = max(abs(s / median - 1) for s in speedups)
    print(f"device: {outcome.details['device']}, timing sizes {outcome.details['timing_case']}")
    print(f"speedup median {median:.2f}x, min {min(speedups):.2f}x, max {max(speedups):.2f}x, "
          f"largest deviation from the median {worst:.1%} (target: within 10%)")


def overhead(runs: int) -> None:
    sandbox = shared()
    started = time.perf_counter()
    sandbox.start()
    print(f"fork server start (imports torch, once per grading process): {time.perf_counter() - started:.2f} s")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        worker = sandbox.spawn(io_bytes=4096, limits=Limits(), hide=[str(ROOT)])
        worker.request({"op": "load", "source": "def f(x):\n    return x\n", "function": "f", "arg_names": ["x"]}, 30)
        np.frombuffer(worker.io, dtype=np.float32, count=4)[:] = 1.0
        worker.request({"op": "call", "args": [{"offset": 0, "shape": [4], "dtype": "float32"}],
                        "out": {"offset": 64, "capacity": 16, "shape": [4], "dtype": "float32"}}, 30)
        worker.close()
        times.append(time.perf_counter() - started)
    print(f"sandbox overhead per run (spawn isolated worker, load, one call, exit), {runs} runs: "
          f"median {statistics.median(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms (target: under 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="times the honest submission is timed (default 5)")
    parser.add_argument("--question", default="1", help="attention-lab question id (default 1)")
    parser.add_argument("--runs", type=int, default=20, help="runs for the overhead measurement (default 20)")
    args = parser.parse_args()
    overhead(args.runs)
    print(f"attention-lab question {args.question}, submissions/attention-lab/efficient.md, {args.repeats} runs:")
    speedup_spread(args.question, args.repeats)


if __name__ == "__main__":
    main()
