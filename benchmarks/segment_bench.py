"""Measure how many answers the grader finds in write-ups of many styles, and whether each lands on its own question.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/segment_bench.py [--show]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/segment_bench.py --retypeset [--jobs 1]

Default mode: every fixture of tests/fixtures/styles/manifest.yaml is read with grader.read.ingest.read_submission
and split with grader.read.segment.segment (question ids and prompts from the rubric, loaded through
grader.course). An expected id is *right* when its answer holds the manifest's phrase for that id and no other
expected id's phrase, *wrong* when it is found but fails that check, *missing* when it is not found.

--retypeset: every LaTeX re-typesetting of a ../shared/corpus write-up is graded with `python -m grader grade`
next to its Markdown original, and each question's status and score are compared. Skipped (with a line saying
so) where ../shared/corpus is absent.

It is a measurement: it always exits 0 and ends with one summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
STYLES = REPO / "tests" / "fixtures" / "styles"
MANIFEST = STYLES / "manifest.yaml"
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

TARGET_SHARE = 0.97


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces: a phrase may wrap across lines in the write-up."""
    return " ".join(text.split())


def fixture_text(path: Path) -> str:
    """All text of a fixture (a file, or every file of a folder), for checking the manifest itself."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells)
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def manifest_problems(entry: dict[str, Any]) -> list[str]:
    """Phrases that do not occur exactly once in the fixture: the check would then prove nothing."""
    text = squash(fixture_text(STYLES / entry["path"]))
    problems = []
    for qid, phrase in entry["expect"].items():
        n = text.count(squash(phrase))
        if n != 1:
            problems.append(f"{entry['path']}: phrase for {qid} occurs {n} times in the fixture (need exactly 1)")
    return problems


@dataclass
class FixtureResult:
    """One fixture: per expected id, 'right', 'wrong' or 'missing'; ids found beyond those expected."""

    path: str
    assignment: str
    status: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    error: str = ""
    detail: dict[str, str] = field(default_factory=dict)  # id -> why it is wrong or missing

    def count(self, what: str) -> int:
        return sum(1 for s in self.status.values() if s == what)


def evaluate(entry: dict[str, Any]) -> FixtureResult:
    """Read and segment one fixture, and classify each expected id by the phrase check."""
    from grader.course.directory import Course
    from grader.read.ingest import IngestError, read_submission
    from grader.read.segment import segment

    expect: dict[str, str] = entry["expect"]
    result = FixtureResult(entry["path"], entry["assignment"])
    questions = Course(REPO).rubric(entry["assignment"]).assignment.questions
    try:
        doc = read_submission(STYLES / entry["path"])
        answers = segment(doc, [q.id for q in questions], {q.id: q.prompt for q in questions if q.prompt},
                          {q.id: q.title for q in questions if q.title})
    except IngestError as exc:
        result.error = str(exc)
        answers = {}
    texts = {qid: squash(a.text) for qid, a in answers.items() if a is not None and a.found}
    for qid, phrase in expect.items():
        text = texts.get(qid)
        if text is None:
            result.status[qid] = "missing"
            result.detail[qid] = "no answer found"
            continue
        others = [o for o, p in expect.items() if o != qid and squash(p) in text]
        if squash(phrase) not in text:
            holder = [o for o, t in texts.items() if squash(phrase) in t]
            result.status[qid] = "wrong"
            result.detail[qid] = f"its phrase is in {', '.join(holder) or 'no answer'}; its answer begins {text[:60]!r}"
        elif others:
            result.status[qid] = "wrong"
            result.detail[qid] = f"its answer also holds the answer of {', '.join(others)}"
        else:
            result.status[qid] = "right"
    result.extra = [qid for qid in texts if qid not in expect]
    return result


def load_manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def run_segments(show: bool) -> str:
    entries = load_manifest().get("fixtures", [])
    problems = [p for e in entries for p in manifest_problems(e)]
    for p in problems:
        print(f"MANIFEST: {p}")
    head = f"{'fixture':<38} {'assignment':<14} {'expect':>6} {'found':>5} {'right':>5} {'wrong':>5} {'extra':>5}"
    print(head)
    print("-" * len(head))
    totals = {"expect": 0, "found": 0, "right": 0, "wrong": 0}
    for entry in entries:
        r = evaluate(entry)
        n = len(r.status)
        found = n - r.count("missing")
        totals["expect"] += n
        totals["found"] += found
        totals["right"] += r.count("right")
        totals["wrong"] += r.count("wrong")
        print(f"{r.path:<38} {r.assignment:<14} {n:>6} {found:>5} {r.count('right'):>5} {r.count('wrong'):>5} "
              f"{len(r.extra):>5}" + (f"  ERROR {r.error}" if r.error else ""))
        if show:
            for qid, why in r.detail.items():
                print(f"    {r.status[qid]:<7} {qid:<6} {why}")
            if r.extra:
                print(f"    extra   {', '.join(r.extra)}")
    e = max(totals["expect"], 1)
    share = totals["right"] / e
    verdict = "MEETS" if share >= TARGET_SHARE and totals["wrong"] == 0 and not problems else "BELOW"
    return (f"SUMMARY segment: {len(entries)} fixtures, {totals['expect']} ids expected, "
            f"{totals['found']} found ({totals['found'] / e:.1%}), {totals['right']} at the right place "
            f"({share:.1%}), {totals['wrong']} at the wrong place; target >= {TARGET_SHARE:.0%} right and 0 wrong: "
            f"{verdict}" + (f"; {len(problems)} manifest problems" if problems else ""))


def grade(path: Path, assignment: str, out: Path, jobs: int) -> dict[str, tuple[str, float]]:
    """Grade one write-up with the command line; question id -> (status, score), or {} with a printed reason."""
    cmd = [sys.executable, "-m", "grader", "grade", str(path), "--assignment", assignment, "--out", str(out),
           "--jobs", str(jobs), "--course", str(REPO)]
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    results = out / "results.json"
    if not results.is_file():
        print(f"    grade failed for {path} (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
        return {}
    data = json.loads(results.read_text(encoding="utf-8"))
    sub = data["submissions"][0]
    return {q["id"]: (q["status"], float(q["score"])) for q in sub["questions"]}


def run_retypeset(jobs: int) -> str:
    entries = load_manifest().get("retypeset", [])
    if not (CORPUS / "manifest.yaml").is_file():
        print(f"../shared/corpus is absent ({CORPUS}): the re-typeset write-ups have no originals to compare with")
        return "SUMMARY retypeset: skipped (no ../shared/corpus)"
    same_q = all_q = same_files = 0
    with tempfile.TemporaryDirectory(prefix="segment-bench-") as tmp:
        originals: dict[str, dict[str, tuple[str, float]]] = {}
        for i, entry in enumerate(entries):
            original = CORPUS / entry["original"]
            assignment = entry["assignment"]
            if entry["original"] not in originals:
                originals[entry["original"]] = grade(original, assignment, Path(tmp) / f"orig-{i}", jobs)
            base = originals[entry["original"]]
            mine = grade(STYLES / entry["path"], assignment, Path(tmp) / f"tex-{i}", jobs)
            print(f"{entry['path']}  vs  {entry['original']}  ({assignment})")
            print(f"    {'id':<7} {'original':<22} {'re-typeset':<22} same")
            equal = 0
            for qid, (status, score) in base.items():
                other = mine.get(qid)
                same = other == (status, score)
                equal += same
                shown = f"{other[0]} {other[1]:g}" if other else "(none)"
                print(f"    {qid:<7} {status + ' ' + format(score, 'g'):<22} {shown:<22} {'yes' if same else 'NO'}")
            same_q += equal
            all_q += len(base)
            same_files += bool(base) and equal == len(base)
            print(f"    {equal}/{len(base)} questions equal")
    return (f"SUMMARY retypeset: {len(entries)} re-typeset write-ups, {same_files} grade exactly as their original; "
            f"{same_q}/{all_q} questions with equal status and score")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print why each id is wrong or missing")
    ap.add_argument("--retypeset", action="store_true", help="compare grades of re-typeset LaTeX and originals")
    ap.add_argument("--jobs", type=int, default=1, help="--jobs passed to grader grade (retypeset mode)")
    args = ap.parse_args(argv)
    try:
        summary = run_retypeset(args.jobs) if args.retypeset else run_segments(args.show)
    except Exception as exc:  # a measurement: report the failure, do not fail the caller
        summary = f"SUMMARY: benchmark failed: {type(exc).__name__}: {exc}"
    print(re.sub(r"\s+", " ", summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
