"""Benchmark grading at scale: throughput with 1 and 2 jobs, rerun time, worker memory, Dask, and a SIGKILL resume.

    .venv/bin/python benchmarks/scale_bench.py [--n 200] [--kill] [--no-dask] [--keep DIR]

It builds a class of N write-ups from the corpus (each file under the manifest's assignment) and the example
write-ups under submissions/ (a file whose folder or name starts with an assignment id), copied to distinct
names, and grades it with `python -m grader grade`, one command per assignment. Assignments with no rubric in
rubrics/ yet get a stand-in rubric: the manifest's question ids, each with a keywords check, and one `busy`
check that spends --check-cost CPU seconds per write-up, standing in for the math layer until the real rubrics land.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
# The code under test: a frozen copy of the repository, so edits made while the benchmark runs change nothing.
SNAPSHOT_ENV = "GRADER_BENCH_SNAPSHOT"
CODE = Path(os.environ.get(SNAPSHOT_ENV, REPO))
SNAPSHOT_PARTS = ("grader", "rubrics", "reference", "submissions")
sys.path.insert(0, str(CODE))

from grader.store.database import DB_NAME, without_run_details

TARGETS = {"ratio": 1.7, "median_s": 2.0, "rerun_speedup": 20.0, "rss_mb": 1536.0}
BUSY_ENV = "GRADER_BENCH_BUSY"  # set when a stand-in rubric uses the `busy` check of busy_check.py


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    x = 0
    while time.process_time() < end:
        x = (x * 31 + 7) % 1000003


def machine_ratio(seconds: float = 1.0) -> float:
    """How much faster two CPU-bound processes finish together than one after the other, right now.

    Other load on the machine caps what 2 jobs can gain; this says where that cap stands.
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    start = time.perf_counter()
    _spin(seconds)
    _spin(seconds)
    serial = time.perf_counter() - start
    procs = [ctx.Process(target=_spin, args=(seconds,)) for _ in range(2)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return serial / (time.perf_counter() - start)


def grader_command(*args: str) -> list[str]:
    """`grader ...` as a TA runs it; through this file, which registers the `busy` kind first, when a stand-in
    rubric needs it (registering it imports the check layer, which a rerun with nothing changed never loads)."""
    if os.environ.get(BUSY_ENV):
        return [sys.executable, str(Path(__file__).resolve()), "--grader", *args]
    return [sys.executable, "-m", "grader", *args]


@dataclass
class Run:
    """What one configuration cost, summed over the assignments' grade commands."""

    wall_s: float
    grading_s: float
    writeups: int
    durations: list[float]
    cpu: list[float]
    peak_rss_kb: int
    errors: int  # write-ups with a question in `error`: a broken rubric or course would show here

    @property
    def rate(self) -> float:
        return self.writeups / self.wall_s

    @property
    def grading_rate(self) -> float:
        return self.writeups / self.grading_s if self.grading_s else float("inf")


def build_class(root: Path, n: int) -> dict[str, list[str]]:
    """Write N write-ups under root/class/<assignment>/; the paths per assignment, relative to root."""
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
    ids = list(manifest["assignments"])
    sources = [(CORPUS / name, spec["assignment"]) for name, spec in sorted(manifest["submissions"].items())]
    for path in sorted((CODE / "submissions").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".tex"):
            owner = next((a for a in ids if a in path.relative_to(CODE / "submissions").parts
                          or path.stem.startswith(a)), None)
            if owner:
                sources.append((path, owner))
    out: dict[str, list[str]] = {}
    for i in range(n):
        src, assignment = sources[i % len(sources)]
        folder = root / "class" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        name = f"student{i:03d}{src.suffix}"
        shutil.copyfile(src, folder / name)
        out.setdefault(assignment, []).append(f"class/{assignment}/{name}")
    return out


def build_course(root: Path, manifest: dict, assignments: list[str], cost: float) -> tuple[Path, list[str]]:
    """A course folder with the repo's rubric per assignment where there is one, else a stand-in."""
    course = root / "course"
    (course / "rubrics").mkdir(parents=True)
    (course / "reference").symlink_to(CODE / "reference")
    stand_ins = []
    for a in assignments:
        real = CODE / "rubrics" / f"{a}.yaml"
        if real.is_file():
            shutil.copyfile(real, course / "rubrics" / real.name)
            continue
        stand_ins.append(a)
        questions = [{"id": qid, "points": float(points or 1),
                      "checks": [{"kind": "keywords", "label": "gradient", "any": ["gradient", "\\nabla"]}]}
                     for qid, points in manifest["assignments"][a]["questions"].items()]
        if cost > 0:
            questions[0]["checks"].append({"kind": "busy", "role": "item", "points": 0.0, "cpu_s": cost})
        (course / "rubrics" / f"{a}.yaml").write_text(yaml.safe_dump({"assignment": a, "questions": questions}))
    return course, stand_ins


def grade(root: Path, course: Path, classes: dict[str, list[str]], out: str, *more: str) -> Run:
    wall = grading = 0.0
    durations: list[float] = []
    cpu: list[float] = []
    rss = errors = 0
    for assignment, paths in classes.items():
        folder = root / out / assignment
        start = time.perf_counter()
        done = subprocess.run(grader_command("grade", *paths, "--assignment", assignment,
                                             "--course", str(course), "--out", str(folder), *more),
                              cwd=root, capture_output=True, text=True)
        wall += time.perf_counter() - start
        if done.returncode not in (0, 1):
            raise SystemExit(f"grader grade failed ({done.returncode}): {done.stderr[-2000:]}")
        with sqlite3.connect(folder / DB_NAME) as db:
            run_id, run_grading_s = db.execute("SELECT id, grading_s FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            grading += run_grading_s or 0.0
            rows = db.execute("SELECT duration_s, cpu_s, max_rss_kb FROM writeups WHERE run_id=?",
                              (run_id,)).fetchall()
        durations += [d for d, _, _ in rows]
        cpu += [c for _, c, _ in rows]
        rss = max([rss, *(r for _, _, r in rows)])
        doc = json.loads((folder / "results.json").read_text("utf-8"))
        errors += sum(any(q["status"] == "error" for q in s["questions"]) for s in doc["submissions"])
    return Run(wall, grading, sum(len(p) for p in classes.values()), durations, cpu, rss, errors)


def same_results(root: Path, a: str, b: str, assignments: list[str]) -> bool:
    def load(out: str, assignment: str) -> object:
        return without_run_details(json.loads((root / out / assignment / "results.json").read_text("utf-8")))

    return all(load(a, x) == load(b, x) for x in assignments)


def kill_and_resume(root: Path, course: Path, classes: dict[str, list[str]]) -> tuple[int, int, bool]:
    """SIGKILL a 2-job run of the largest assignment half-way, rerun it; (committed, total, identical)."""
    assignment = max(classes, key=lambda a: len(classes[a]))
    paths = classes[assignment]
    folder = root / "killed" / assignment
    cmd = grader_command("grade", *paths, "--assignment", assignment, "--course", str(course),
                         "--out", str(folder), "--jobs", "2")
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = 0
    while committed < len(paths) // 2 and proc.poll() is None:
        time.sleep(0.02)
        try:
            with sqlite3.connect(folder / DB_NAME) as db:
                committed = db.execute("SELECT count(*) FROM writeups").fetchone()[0]
        except sqlite3.Error:
            continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(cmd, cwd=root, capture_output=True, check=False)
    return committed, len(paths), same_results(root, "killed", "jobs2", [assignment])


def main() -> int:
    if sys.argv[1:2] == ["--grader"]:
        from grader import checks
        from grader.cli import main as grader_main

        checks.BUILTIN["busy"] = "busy_check"  # beside this file, importable from its own folder
        return grader_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="write-ups in the class (default 200)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser.add_argument("--kill", action="store_true", help="also SIGKILL a run half-way and resume it")
    parser.add_argument("--repeat", type=int, default=2, help="trials of 1 and 2 jobs, best kept (default 2)")
    parser.add_argument("--check-cost", type=float, default=0.25, metavar="CPU_S",
                        help="CPU seconds per write-up of the stand-in rubrics' busy check (default 0.25; 0: none)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (kept) instead of a temporary folder")
    parser.add_argument("--in-snapshot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (CORPUS / "manifest.yaml").is_file():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    root = Path(args.keep or tempfile.mkdtemp(prefix="scale-bench-"))
    if not args.in_snapshot:
        # copy the code, then start again on the copy: this process has already imported the live tree
        root.mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for part in SNAPSHOT_PARTS:
            if (REPO / part).exists():
                shutil.copytree(REPO / part, root / "snapshot" / part, ignore=ignore, dirs_exist_ok=True)
        env = {**os.environ, SNAPSHOT_ENV: str(root / "snapshot"),
               "PYTHONPATH": os.pathsep.join(p for p in (str(root / "snapshot"), os.environ.get("PYTHONPATH")) if p)}
        argv = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:], "--in-snapshot"]
        if not args.keep:
            argv += ["--keep", str(root)]
        done = subprocess.run(argv, env=env, check=False)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return done.returncode
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
    classes = build_class(root, args.n)
    course, stand_ins = build_course(root, manifest, sorted(classes), args.check_cost)
    print(f"class: {args.n} write-ups in {root / 'class'}: "
          + ", ".join(f"{a} {len(p)}" for a, p in sorted(classes.items())))
    if stand_ins:
        os.environ[BUSY_ENV] = "1"
        print(f"stand-in rubrics (no rubrics/ID.yaml yet; keywords + {args.check_cost:g} CPU s per write-up): "
              f"{', '.join(stand_ins)}")

    load_before = os.getloadavg()[0]
    cap_before = machine_ratio()
    # 1 and 2 jobs alternate, best of --repeat each: other load on the machine hits both alike
    ones: list[Run] = []
    twos: list[Run] = []
    for trial in range(args.repeat):
        ones.append(grade(root, course, classes, f"jobs1-{trial}", "--jobs", "1"))
        twos.append(grade(root, course, classes, f"jobs2-{trial}", "--jobs", "2"))
    one, two = max(ones, key=lambda r: r.rate), max(twos, key=lambda r: r.rate)
    for trial in range(args.repeat):
        shutil.copytree(root / f"jobs1-{trial}", root / "jobs1", dirs_exist_ok=True)
    shutil.copytree(root / f"jobs2-{args.repeat - 1}", root / "jobs2")
    rerun = grade(root, course, classes, "jobs2", "--jobs", "2")
    median = statistics.median(one.durations) if one.durations else float("nan")
    median_cpu = statistics.median(one.cpu) if one.cpu else float("nan")
    ratio, grading_ratio = two.rate / one.rate, two.grading_rate / one.grading_rate
    rss_mb = max(one.peak_rss_kb, two.peak_rss_kb) / 1024
    speedup = two.wall_s / rerun.wall_s

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"1 job : {one.rate:6.2f} write-ups/s end to end ({one.wall_s:.1f} s), "
          f"{one.grading_rate:6.2f}/s while grading ({one.grading_s:.1f} s)")
    print(f"2 jobs: {two.rate:6.2f} write-ups/s end to end ({two.wall_s:.1f} s), "
          f"{two.grading_rate:6.2f}/s while grading ({two.grading_s:.1f} s)")
    print(f"ratio 2/1: {ratio:.2f} end to end, {grading_ratio:.2f} while grading "
          f"[target >= {TARGETS['ratio']}: {verdict(ratio >= TARGETS['ratio'])}]")
    print(f"median per write-up per core (1 job): {median:.3f} s wall, {median_cpu:.3f} s CPU "
          f"[target < {TARGETS['median_s']} s: {verdict(median < TARGETS['median_s'])}]")
    print(f"rerun, nothing changed: {rerun.wall_s:.2f} s vs {two.wall_s:.2f} s, {speedup:.1f}x faster "
          f"[target >= {TARGETS['rerun_speedup']}x: {verdict(speedup >= TARGETS['rerun_speedup'])}]")
    print(f"peak memory per worker: {rss_mb:.0f} MB [target < {TARGETS['rss_mb']:.0f} MB: "
          f"{verdict(rss_mb < TARGETS['rss_mb'])}]")
    print(f"1-job and 2-job results identical: {same_results(root, 'jobs1', 'jobs2', list(classes))}")
    print(f"write-ups with a question in `error`: {one.errors} of {one.writeups}"
          + (" [the figures above are not of real grading: see the reports]" if one.errors else ""))
    print(f"machine: {os.cpu_count()} cores, load average before / after {load_before:.2f} / "
          f"{os.getloadavg()[0]:.2f}; two CPU-bound processes run {cap_before:.2f} / {machine_ratio():.2f}x "
          "as fast as one after the other (the cap on any 2-job ratio)")

    if not args.no_dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:
            with Client(cluster) as client:  # the workers are fresh processes: give them the `busy` kind too
                client.run(exec, f"import sys; sys.path[:0] = [{str(CODE)!r}, {str(Path(__file__).parent)!r}]; "
                                 "from grader import checks; checks.BUILTIN['busy'] = 'busy_check'")
            dask = grade(root, course, classes, "dask", "--executor", "dask", "--scheduler", cluster.scheduler_address)
        print(f"dask LocalCluster (2 workers x 1 thread): {dask.rate:6.2f} write-ups/s end to end "
              f"({dask.wall_s:.1f} s), {dask.grading_rate:6.2f}/s while grading; "
              f"results equal the local run's: {same_results(root, 'dask', 'jobs2', list(classes))}")
    if args.kill:
        committed, total, same = kill_and_resume(root, course, classes)
        print(f"SIGKILL after {committed}/{total} committed, rerun: results.json identical to the "
              f"uninterrupted run (timing fields aside): {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
