"""One `grader grade` over a class, phase by phase: plan, grade, reconcile, export, publish.

`grader grade` (grader/commands/grade.py) builds a `Batch` from its arguments, calls the phases in that order and
prints what each returns; what a phase decides, reads or writes is here, and each returns a frozen record that
carries the one before it. Before them, `Batch.unchanged` is the rerun with nothing changed: it stops after
hashing the inputs (grader/store/uptodate.py). So that it stays fast, this module imports the grading machinery
(the rubric layer, the checks, the executors, the progress bar, the report templates) only in the phases that
use it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader import __version__
from grader.course.directory import Course
from grader.grading.defaults import DEFAULT_TIMEOUT, default_jobs
from grader.store.database import (
    DB_NAME,
    Key,
    RunLock,
    ScoreChange,
    Store,
    StoreLocked,
    apply_overrides,
    code_version,
    export_fingerprint,
    iter_keys,
    roundtrip,
    submission_hash,
)
from grader.store.uptodate import Stamp, input_fingerprint, stamp_key, up_to_date

if TYPE_CHECKING:
    from grader.course.rubric import LoadedRubric
    from grader.export.roster import Roster
    from grader.grading.results import SubmissionResult
    from grader.run.local import Graded, OnDone, Task
    from grader.store.overrides import Moved

SANDBOX_HIDE = "GRADER_SANDBOX_HIDE"  # folders a code answer's sandbox must not see (grader/checks/code)


class BatchError(Exception):
    """The batch cannot go on: a roster that cannot be read, an executor that cannot run it; one line for the TA."""


@dataclass(frozen=True)
class Request:
    """What `grader grade` was asked to do: its arguments, already checked."""

    assignment: str
    submissions: tuple[str, ...]  # paths as given, in the order given
    out: Path  # the output folder; it also holds the results store
    course: str | Path = "."
    jobs: int | None = None  # write-ups graded at once; None: every core
    timeout: float = DEFAULT_TIMEOUT  # seconds per write-up
    roster: str | None = None  # roster CSV mapping LMS download names to student ids
    executor: str = "local"  # "local" (forked workers) or "dask"
    scheduler: str | None = None  # the Dask scheduler's address
    dry_run: bool = False  # grade and compare, write no file and publish nothing
    fresh: bool = False  # reuse no stored result
    force: bool = False  # grade into a folder that holds another assignment's results


@dataclass(frozen=True)
class Plan:
    """Who is graded from which file, and the store key each result is kept under."""

    course: Course
    rubric: LoadedRubric
    tasks: tuple[Task, ...]  # one per submission, in the order given
    keys: tuple[Key | None, ...]  # None: the bytes could not be read, so the result is never reused
    warnings: tuple[str, ...]  # submissions the roster does not know (graded under their file name)


@dataclass(frozen=True)
class Grading:
    """The machine's results of every write-up, reused or graded now, and what grading them cost."""

    plan: Plan
    run_id: int  # the run's row in the store
    fingerprint: str | None  # of every input (grader/store/uptodate.py); None under --dry-run or when unreadable
    results: tuple[SubmissionResult, ...]  # in submission order
    reused: int  # taken from the store
    graded: int  # graded by this run
    unsaved: int  # graded, but not stored: an unreadable file, or a worker that hung or crashed
    grading_s: float
    max_worker_rss_kb: int


@dataclass(frozen=True)
class Reconciled:
    """The results as they are exported: the TA's overrides applied, compared with what was last published."""

    grading: Grading
    results: tuple[SubmissionResult, ...]
    moved: tuple[Moved, ...]  # overridden questions whose machine result changed since the override
    changes: tuple[ScoreChange, ...]  # against the last published run, per student and question
    failed: tuple[SubmissionResult, ...]  # the results that ended in `error`
    flagged: tuple[SubmissionResult, ...] = ()  # answers mostly not found or a file unread: a TA looks first


@dataclass(frozen=True)
class Exported:
    """What the output folder holds for the reconciled results (nothing new under --dry-run)."""

    reconciled: Reconciled
    results: tuple[SubmissionResult, ...]  # as written: id clashes marked, each one's report folder named
    files: tuple[str, ...]  # relative to the output folder; () under --dry-run
    rendered: bool  # False: nothing was written, because the files were made from exactly these results


class Batch:
    """One grade run of a `Request`.

    `unchanged` may end the run early. Otherwise: `plan` reads nothing but the roster and writes nothing; then,
    inside `with batch:` (output folder made, run lock held, store open), `grade`, `reconcile`, `export` and
    `publish`, each taking what the one before returned.
    """

    def __init__(self, request: Request):
        self.request = request
        # what every phase keys on, computed once: the grader's and the course's code, each submission's bytes
        self.version = code_version(__version__, Course(request.course).reference_dir)
        self.digests = tuple(submission_hash(path) for path in request.submissions)
        self.jobs = request.jobs or default_jobs()
        self._held: ExitStack | None = None
        self._store: Store | None = None

    # --- the output folder's assignment ------------------------------------------------------------------------

    def check_folder(self) -> str | None:
        """BatchError when the output folder holds another assignment's results and `force` is not set (a run
        would replace them, and the TA's overrides there would meet this assignment's questions); with `force`,
        what the TA is told about the folder's results being replaced (None: it held none, or the same)."""
        request = self.request
        held = held_assignment(request.out)
        if held is None or held == request.assignment:
            return None
        if request.force:
            said = f"replacing the results of assignment {held!r} in {request.out}"
            overrides = 0
            if (request.out / DB_NAME).is_file():  # a results.json alone keeps no override
                with Store(request.out) as store:
                    overrides = len(store.overrides())
            if overrides:
                said += (f"; its {overrides} override(s) stay in the store and apply to any question of "
                         f"{request.assignment!r} with the same student and question id")
            return said
        raise BatchError(f"{request.out} holds the results of assignment {held!r}, not {request.assignment!r}: "
                         f"grade into another --out, or pass --force to replace them")

    # --- the rerun with nothing changed ------------------------------------------------------------------------

    def unchanged(self) -> Stamp | None:
        """The last export's stamp, with this run recorded against it, when every input is as it was then and
        all its files are still there; None when anything must be graded or written again, or when another
        run holds the folder (the full path says who)."""
        request, out = self.request, self.request.out
        if not (out / DB_NAME).is_file():
            return None
        try:
            with RunLock(out), Store(out) as store:
                stamp = up_to_date(store, out, request.assignment, self._fingerprint(Course(request.course), store))
                if stamp is None:
                    return None
                run_id = store.begin_run(request.assignment, stamp.rubric_hash, self.version, request.executor,
                                         self.jobs, stamp.total, stamp.total)
                store.finish_run(run_id, graded=0, failed=stamp.failed, grading_s=0.0, max_worker_rss_kb=0,
                                 published=False)
        except StoreLocked:
            return None
        return stamp

    def _fingerprint(self, course: Course, store: Store) -> str | None:
        r = self.request
        return input_fingerprint(r.assignment, r.submissions, self.digests, course.rubric_path(r.assignment),
                                 course.templates_dir, r.roster, self.version, store)

    # --- plan --------------------------------------------------------------------------------------------------

    def plan(self, course: Course, rubric: LoadedRubric) -> Plan:
        """A task per submission, its student id taken from the roster (LMS download names) or its file name;
        BatchError when the roster cannot be read. Writes nothing."""
        from grader.grading.pipeline import student_id_from_path
        from grader.run.local import Task
        from grader.run.students import student_ids

        request = self.request
        ids, warnings = student_ids(request.submissions, self._roster())
        tasks = tuple(Task(path, ids.get(path) or student_id_from_path(path)) for path in request.submissions)
        keys = tuple(iter_keys(request.submissions, self.digests, rubric.digest, self.version))
        return Plan(course, rubric, tasks, keys, tuple(warnings))

    def _roster(self) -> Roster | None:
        if not self.request.roster:
            return None
        from grader.export.roster import RosterError, read_roster  # the roster reader lives with the exporters

        try:
            return read_roster(Path(self.request.roster))
        except RosterError as exc:
            raise BatchError(str(exc)) from None  # it names the file and the line
        except OSError as exc:
            raise BatchError(f"{self.request.roster}: {exc.strerror or exc}") from None

    # --- the output folder, held from grading to publishing ----------------------------------------------------

    def __enter__(self) -> Batch:
        """Make the output folder, hide it from code answers, take the run lock (StoreLocked when another run
        holds it) and open the store."""
        out = self.request.out
        out.mkdir(parents=True, exist_ok=True)
        # code answers run in a sandbox that must not see the results store or other students' reports
        hidden = [p for p in os.environ.get(SANDBOX_HIDE, "").split(":") if p]
        os.environ[SANDBOX_HIDE] = ":".join(dict.fromkeys(
            [*hidden, str(out.resolve()), *(str(Path(p).resolve().parent) for p in self.request.submissions)]))
        with ExitStack() as stack:
            stack.enter_context(RunLock(out))
            self._store = stack.enter_context(Store(out))
            self._held = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._held is not None:
            self._held.close()
        self._held = self._store = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("a Batch grades, exports and publishes inside `with batch:`")
        return self._store

    # --- grade -------------------------------------------------------------------------------------------------

    def grade(self, plan: Plan) -> Grading:
        """Reuse every result the store holds for the same bytes, rubric and code (none with `fresh`), grade the
        rest on the executor and store each write-up as it finishes; BatchError when the executor cannot run."""
        from grader.run.progress import RunProgress

        request, store = self.request, self.store
        fingerprint = None if request.dry_run else self._fingerprint(plan.course, store)
        results: list[SubmissionResult | None] = [None] * len(plan.tasks)
        if not request.fresh:
            for i, key in enumerate(plan.keys):
                stored = store.load(key) if key is not None else None
                if stored is not None and stored.student == plan.tasks[i].student:
                    results[i] = stored
        todo = [i for i, r in enumerate(results) if r is None]
        reused = len(plan.tasks) - len(todo)
        run_id = store.begin_run(plan.rubric.assignment.assignment, plan.rubric.digest, self.version,
                                 request.executor, self.jobs, len(plan.tasks), reused)
        progress = RunProgress(len(plan.tasks), reused)
        peak_rss = 0
        unsaved = 0  # graded again by the next run, so this one leaves no stamp

        def on_done(g: Graded) -> None:
            nonlocal peak_rss, unsaved
            i = todo[g.index]
            key = plan.keys[i]
            result = with_timing(g)
            if key is not None and not g.executor_error:
                store.save(key, result, duration_s=g.duration_s, cpu_s=g.cpu_s, max_rss_kb=g.max_rss_kb,
                           run_id=run_id)
            else:
                unsaved += 1
            results[i] = roundtrip(result)  # fresh results export exactly as stored ones will
            peak_rss = max(peak_rss, g.max_rss_kb)
            progress.advance(g.result.has_error)

        start = time.perf_counter()
        try:
            self._dispatch(plan, [plan.tasks[i] for i in todo], on_done, progress.tick)
        finally:
            progress.close()
        return Grading(plan, run_id, fingerprint, tuple(r for r in results if r is not None), reused, len(todo),
                       unsaved, time.perf_counter() - start, peak_rss)

    def _dispatch(self, plan: Plan, tasks: Sequence[Task], on_done: OnDone, tick: Callable[[], None]) -> None:
        if not tasks:
            return
        request = self.request
        if request.executor == "dask":
            from grader.run.dask_cluster import DaskUnavailable, grade_all_dask

            try:
                grade_all_dask(tasks, plan.course, plan.rubric, scheduler=request.scheduler, timeout=request.timeout,
                               on_done=on_done, tick=tick)
            except DaskUnavailable as exc:
                raise BatchError(str(exc)) from None
        else:
            from grader.run.local import grade_all

            grade_all(tasks, plan.course, plan.rubric, jobs=self.jobs, timeout=request.timeout, on_done=on_done,
                      tick=tick)

    # --- reconcile ---------------------------------------------------------------------------------------------

    def reconcile(self, grading: Grading) -> Reconciled:
        """The TA's overrides on top of the machine's results, the overridden questions a regrade moved, the
        score changes a publish would make, the write-ups that failed and those flagged for review."""
        from grader.store.overrides import moved

        store = self.store
        overrides = store.overrides()
        final = tuple(apply_overrides(r, overrides) for r in grading.results)
        changes = store.changes(grading.plan.rubric.assignment.assignment, final)
        return Reconciled(grading, final, tuple(moved(store, grading.results)), tuple(changes),
                          tuple(r for r in final if r.has_error), tuple(r for r in final if r.flagged is not None))

    # --- export ------------------------------------------------------------------------------------------------

    def export(self, reconciled: Reconciled) -> Exported:
        """Write results.json, grades.csv, the summaries and the reports, unless the files on disk were made from
        exactly these results; nothing under --dry-run."""
        if self.request.dry_run:
            return Exported(reconciled, reconciled.results, (), rendered=False)
        from grader.report.write import placed, run_files

        store, out = self.store, self.request.out
        plan = reconciled.grading.plan
        assignment = plan.rubric.assignment.assignment
        store.set_meta(stamp_key(assignment), None)  # files may change below: no stamp until they are whole
        results = list(reconciled.results)
        fingerprint = export_fingerprint(results, plan.rubric.digest, self.version, plan.course.templates_dir)
        as_written = placed(results)
        files = tuple(run_files(as_written))
        key = f"export:{assignment}"
        if store.meta(key) == fingerprint and all((out / f).is_file() for f in files):
            # a rerun with nothing changed: rendering every report again is most of its time
            return Exported(reconciled, tuple(as_written), files, rendered=False)
        from grader.report.render import Renderer  # jinja2 and the templates load only when something is exported
        from grader.report.write import write_run

        written = write_run(out, plan.rubric.assignment, results, Renderer(plan.course.templates_dir),
                            extra={"rubric_hash": plan.rubric.digest},
                            jobs=self.jobs if self.request.executor == "local" else 1)
        store.set_meta(key, fingerprint)
        return Exported(reconciled, tuple(written), files, rendered=True)

    # --- publish -----------------------------------------------------------------------------------------------

    def publish(self, exported: Exported, *, said: Sequence[str], exit_code: int) -> None:
        """Record the exported scores and the changes they make, and stamp the inputs so that the next run with
        nothing changed stops early, repeating `said` (what the command printed before its summary line) and
        `exit_code`; then close the run's record. Under --dry-run only the run's record."""
        reconciled = exported.reconciled
        grading = reconciled.grading
        rubric = grading.plan.rubric
        store = self.store
        if not self.request.dry_run:
            assignment = rubric.assignment.assignment
            store.publish(grading.run_id, assignment, rubric.digest, exported.results, reconciled.changes)
            if grading.fingerprint is not None and not grading.unsaved:
                stamp = Stamp(grading.fingerprint, rubric.digest, exported.files, tuple(said), len(exported.results),
                              len(reconciled.failed), int(exit_code), len(reconciled.flagged))
                store.set_meta(stamp_key(assignment), stamp.to_json())
        store.finish_run(grading.run_id, graded=grading.graded, failed=len(reconciled.failed),
                         grading_s=grading.grading_s, max_worker_rss_kb=grading.max_worker_rss_kb,
                         published=not self.request.dry_run)


def held_assignment(out: Path) -> str | None:
    """The assignment whose results `out` holds: its store's last publish, else its results.json's; None when it
    holds neither (a new folder, or one whose first run ended before it published)."""
    if (out / DB_NAME).is_file():
        try:
            with Store(out) as store:
                held = store.last_published_assignment()
        except sqlite3.Error:
            held = None  # an unreadable store is said by the run itself, with its own message
        if held is not None:
            return held
    try:
        doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    assignment = doc.get("assignment") if isinstance(doc, dict) else None
    return assignment if isinstance(assignment, str) else None


def with_timing(g: Graded) -> SubmissionResult:
    """The result with its run details under `details.timing`, which "identical results" leaves aside."""
    timing = {"duration_s": round(g.duration_s, 3)}
    return dataclasses.replace(g.result, details={**g.result.details, "timing": timing})
