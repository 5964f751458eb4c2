"""The results store: an embedded SQLite database in the output folder that makes reruns incremental and crash-safe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult

DB_NAME = "grader.sqlite"
LOCK_NAME = ".grader.lock"
SCHEMA_VERSION = 1

# Keys of a results.json that are run details, not results: two runs are "identical" when all else is equal.
# `duration_s` anywhere, and anything under `details.timing` (per submission or per question) or top-level `run`.
RUN_DETAIL_KEYS = frozenset({"duration_s", "timing", "run"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- one row per graded write-up: its submission-level findings and details, and what grading it cost
CREATE TABLE IF NOT EXISTS writeups (
    submission TEXT NOT NULL, submission_hash TEXT NOT NULL, rubric_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL, student TEXT NOT NULL, result TEXT NOT NULL,
    duration_s REAL NOT NULL, cpu_s REAL NOT NULL, max_rss_kb INTEGER NOT NULL, graded_at TEXT NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (submission, submission_hash, rubric_hash, grader_version));
-- one row per write-up and question, written in the same transaction as its write-up row
CREATE TABLE IF NOT EXISTS question_results (
    submission TEXT NOT NULL, submission_hash TEXT NOT NULL, rubric_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL, question_id TEXT NOT NULL, position INTEGER NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, status TEXT NOT NULL, result TEXT NOT NULL,
    PRIMARY KEY (submission, submission_hash, rubric_hash, grader_version, question_id));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, assignment TEXT NOT NULL, rubric_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL, executor TEXT NOT NULL, jobs INTEGER NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, total INTEGER NOT NULL DEFAULT 0, reused INTEGER NOT NULL DEFAULT 0,
    graded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, grading_s REAL,
    max_worker_rss_kb INTEGER, published INTEGER NOT NULL DEFAULT 0);
-- the scores the last exporting run published, per submission and question: what a regrade is compared with
CREATE TABLE IF NOT EXISTS published (
    assignment TEXT NOT NULL, submission TEXT NOT NULL, question_id TEXT NOT NULL, student TEXT NOT NULL,
    score REAL NOT NULL, status TEXT NOT NULL, rubric_hash TEXT NOT NULL, run_id INTEGER NOT NULL,
    PRIMARY KEY (assignment, submission, question_id));
-- every published score change, with the score it replaced
CREATE TABLE IF NOT EXISTS score_changes (
    run_id INTEGER NOT NULL, assignment TEXT NOT NULL, student TEXT NOT NULL, submission TEXT NOT NULL,
    question_id TEXT NOT NULL, old_score REAL, new_score REAL, old_status TEXT, new_status TEXT,
    old_rubric_hash TEXT, new_rubric_hash TEXT NOT NULL);
-- TA overrides (`grader override`); an override wins over the machine's score at export
CREATE TABLE IF NOT EXISTS overrides (
    student TEXT NOT NULL, question TEXT NOT NULL, score REAL NOT NULL, note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
-- the machine's score and status when each override was made: a regrade that moves it says so
CREATE TABLE IF NOT EXISTS override_basis (
    student TEXT NOT NULL, question TEXT NOT NULL, machine_score REAL NOT NULL, machine_status TEXT NOT NULL,
    rubric_hash TEXT NOT NULL, created_at TEXT NOT NULL);
"""


class StoreLocked(Exception):
    """Another grader run holds the output folder."""


@dataclass(frozen=True)
class Key:
    """What a stored result is valid for: the path as given, its bytes, the rubric and the grader version.

    The path is part of the key because results name it (findings, reports): two students who hand in
    identical bytes are still graded, and reported, each under their own file.
    """

    submission: str
    submission_hash: str
    rubric_hash: str
    grader_version: str


@dataclass(frozen=True)
class ScoreChange:
    """A question whose published score or status differs from the new result."""

    student: str
    submission: str
    question_id: str
    old_score: float | None  # None: the question was never published (new question or new submission)
    new_score: float | None  # None: the question is gone from the rubric
    old_status: str | None
    new_status: str | None
    old_rubric_hash: str | None


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def code_version(version: str, course_reference: Path) -> str:
    """The grader version a result is keyed by: the release, plus a hash of the engine's and the course's code.

    A fix in a check, the math layer or a reference module changes what a write-up scores without
    changing the release number; hashing the code makes the next run grade again instead of reusing.
    """
    h = hashlib.sha256()
    for root in (Path(__file__).resolve().parent, course_reference):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".j2") and "__pycache__" not in path.parts and path.is_file():
                h.update(path.relative_to(root).as_posix().encode() + b"\0")
                hash_file(h, path)
    return f"{version}+{h.hexdigest()[:12]}"


def submission_hash(path: str) -> str | None:
    """sha256 of a submission's bytes: the file, or every file of a folder (names included); None if unreadable."""
    h = hashlib.sha256()
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False):
                dirnames.sort()
                for name in sorted(filenames):
                    full = Path(dirpath) / name
                    rel = full.relative_to(p).as_posix()
                    h.update(b"F\x00" + rel.encode("utf-8", "surrogateescape") + b"\x00")
                    if full.is_symlink():
                        h.update(b"L" + os.readlink(full).encode("utf-8", "surrogateescape"))
                    elif full.is_file():
                        hash_file(h, full)
                    h.update(b"\x00")
            return "d" + h.hexdigest()
        if stat.S_ISREG(st.st_mode):
            hash_file(h, p)
            return "f" + h.hexdigest()
    except OSError:
        return None
    return None


class Hasher(Protocol):
    """What the hashing helpers feed: a `hashlib` object."""

    def update(self, data: bytes, /) -> None: ...


def hash_file(h: Hasher, path: Path) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)


def hash_folder(h: Hasher, folder: Path) -> None:
    """Every file under `folder` (names and bytes, in sorted order); nothing when there is no such folder."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                hash_file(h, path)


# --- encoding results: every field, so a stored result renders the same report as a fresh one ---------------

def _finding_json(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "message": f.message, "line": f.line, "end_line": f.end_line,
            "severity": f.severity.value, "file": f.file, **({"page": f.page} if f.page is not None else {})}


def _finding(d: dict[str, Any]) -> Finding:
    return Finding(d["kind"], d["message"], d["line"], d["end_line"], Severity(d["severity"]), d.get("file"),
                   d.get("page"))


def _dumps(value: Any) -> str:
    # default=repr keeps one odd value (a numpy float in a check's details) from losing a graded write-up
    return json.dumps(value, ensure_ascii=False, default=repr)


def encode_question(q: QuestionResult) -> str:
    return _dumps({"id": q.id, "score": q.score, "max_score": q.max_score, "status": q.status.value,
                   "findings": [_finding_json(f) for f in q.findings], "answer_text": q.answer_text,
                   "line": q.line, "end_line": q.end_line, "details": q.details,
                   "answer_line_numbers": list(q.answer_line_numbers),
                   **({"answer_line_pages": list(q.answer_line_pages)} if q.answer_line_pages else {})})


def decode_question(text: str) -> QuestionResult:
    d = json.loads(text)
    return QuestionResult(d["id"], d["score"], d["max_score"], Status(d["status"]),
                          tuple(_finding(f) for f in d["findings"]), d["answer_text"], d["line"], d["end_line"],
                          d["details"], tuple(d["answer_line_numbers"]), tuple(d.get("answer_line_pages", ())))


def encode_submission(r: SubmissionResult) -> str:
    return _dumps({"submission": r.submission, "student": r.student,
                   "findings": [_finding_json(f) for f in r.findings], "details": r.details,
                   "flagged": r.flagged})


def decode_submission(text: str, questions: Sequence[QuestionResult]) -> SubmissionResult:
    d = json.loads(text)
    return SubmissionResult(d["submission"], d["student"], tuple(questions),
                            tuple(_finding(f) for f in d["findings"]), d["details"], d.get("flagged"))


def roundtrip(result: SubmissionResult) -> SubmissionResult:
    """The result as the store would give it back, so fresh and stored results export byte for byte alike."""
    return decode_submission(encode_submission(result), [decode_question(encode_question(q))
                                                         for q in result.questions])


def without_run_details(value: Any) -> Any:
    """A results.json document with its run details removed: what "identical results" compares."""
    if isinstance(value, dict):
        return {k: without_run_details(v) for k, v in value.items() if k not in RUN_DETAIL_KEYS}
    if isinstance(value, list):
        return [without_run_details(v) for v in value]
    return value


# --- the lock --------------------------------------------------------------------------------------------------

class RunLock:
    """An exclusive flock on DIR/.grader.lock for the whole run; the kernel drops it when the process dies."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise StoreLocked(f"another grader run (pid {holder}) is using {self.path.parent}; "
                              "wait for it to finish or use another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


# --- the store -------------------------------------------------------------------------------------------------

class Store:
    """DIR/grader.sqlite: graded results by Key, runs, published scores, score changes, overrides with the machine
    results they replaced, and small facts kept between runs. Every SQL statement of the grader is a method here."""

    def __init__(self, folder: Path):
        self.path = folder / DB_NAME
        # isolation_level=None: transactions are explicit, one per graded write-up
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL under WAL survives a killed process; only a power cut can drop the last commits
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> _Transaction:
        return _Transaction(self.db)

    # runs
    def begin_run(self, assignment: str, rubric_hash: str, grader_version: str, executor: str, jobs: int,
                  total: int, reused: int) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (assignment, rubric_hash, grader_version, executor, jobs, started_at, total, reused)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (assignment, rubric_hash, grader_version, executor, jobs, now_iso(), total, reused))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, graded: int, failed: int, grading_s: float, max_worker_rss_kb: int,
                   published: bool) -> None:
        self.db.execute("UPDATE runs SET finished_at=?, graded=?, failed=?, grading_s=?, max_worker_rss_kb=?,"
                        " published=? WHERE id=?",
                        (now_iso(), graded, failed, grading_s, max_worker_rss_kb, int(published), run_id))

    # results
    def load(self, key: Key) -> SubmissionResult | None:
        k = dataclasses.astuple(key)
        row = self.db.execute("SELECT result FROM writeups WHERE submission=? AND submission_hash=?"
                              " AND rubric_hash=? AND grader_version=?", k).fetchone()
        return None if row is None else self._with_questions(key, row[0])

    def latest(self, submission: str, rubric_hash: str) -> SubmissionResult | None:
        """The newest stored result of the submission path graded under `rubric_hash`, whatever its bytes and
        grader version (what `review` and `override` read back)."""
        row = self.db.execute("SELECT submission_hash, grader_version, result FROM writeups WHERE submission=? AND"
                              " rubric_hash=? ORDER BY graded_at DESC, rowid DESC LIMIT 1",
                              (submission, rubric_hash)).fetchone()
        return None if row is None else self._with_questions(Key(submission, row[0], rubric_hash, row[1]), row[2])

    def _with_questions(self, key: Key, submission_json: str) -> SubmissionResult:
        qs = self.db.execute("SELECT result FROM question_results WHERE submission=? AND submission_hash=?"
                             " AND rubric_hash=? AND grader_version=? ORDER BY position",
                             dataclasses.astuple(key)).fetchall()
        return decode_submission(submission_json, [decode_question(q[0]) for q in qs])

    def save(self, key: Key, result: SubmissionResult, *, duration_s: float, cpu_s: float, max_rss_kb: int,
             run_id: int | None) -> None:
        """Commit one graded write-up and all its questions at once: a kill leaves it whole or absent."""
        k = dataclasses.astuple(key)
        with self._tx():
            self.db.execute("DELETE FROM question_results WHERE submission=? AND submission_hash=?"
                            " AND rubric_hash=? AND grader_version=?", k)
            self.db.execute("INSERT OR REPLACE INTO writeups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (*k, result.student, encode_submission(result), duration_s, cpu_s, max_rss_kb,
                             now_iso(), run_id))
            self.db.executemany("INSERT INTO question_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [(*k, q.id, i, q.score, q.max_score, q.status.value, encode_question(q))
                                 for i, q in enumerate(result.questions)])

    # small facts kept between runs: what the last export wrote (grader/run/batch.py, grader/store/uptodate.py)
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # overrides
    def add_override(self, student: str, question: str, score: float, note: str, machine: tuple[float, str],
                     rubric_hash: str) -> None:
        """Record a TA's score (the newest per student and question wins) and the machine's (score, status) it
        replaces, at once."""
        created = now_iso()
        with self._tx():
            self.db.execute("INSERT INTO overrides (student, question, score, note, created_at) VALUES (?, ?, ?, ?, ?)",
                            (student, question, score, note, created))
            self.db.execute("INSERT INTO override_basis VALUES (?, ?, ?, ?, ?, ?)",
                            (student, question, machine[0], machine[1], rubric_hash, created))

    def overrides(self) -> dict[tuple[str, str], tuple[float, str, str]]:
        """The newest override per (student, question): (score, note, created_at)."""
        rows = self.db.execute("SELECT student, question, score, note, created_at FROM overrides"
                               " ORDER BY created_at, rowid").fetchall()
        return {(s, q): (score, note, created) for s, q, score, note, created in rows}

    def override_bases(self) -> dict[tuple[str, str], tuple[float, str]]:
        """The machine's (score, status) that the newest override of each (student, question) replaced."""
        rows = self.db.execute("SELECT student, question, machine_score, machine_status FROM override_basis"
                               " ORDER BY created_at, rowid").fetchall()
        return {(s, q): (score, status) for s, q, score, status in rows}

    # publishing
    def last_published_assignment(self) -> str | None:
        """The assignment of the last run that published here (the one results.json holds); None before any."""
        row = self.db.execute("SELECT assignment FROM published ORDER BY run_id DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def published(self, assignment: str) -> dict[tuple[str, str], tuple[str, float, str, str]]:
        """(submission, question) -> (student, score, status, rubric_hash) as last exported."""
        rows = self.db.execute("SELECT submission, question_id, student, score, status, rubric_hash FROM published"
                               " WHERE assignment=?", (assignment,)).fetchall()
        return {(sub, q): (student, score, status, rh) for sub, q, student, score, status, rh in rows}

    def changes(self, assignment: str, results: Iterable[SubmissionResult]) -> list[ScoreChange]:
        """Per student and question, what a publish of `results` would change, in submission and rubric order."""
        before = self.published(assignment)
        out: list[ScoreChange] = []
        if not before:
            return out  # a first run changes nothing a student has seen
        for r in results:
            old_ids = sorted(q for (sub, q) in before if sub == r.submission)
            new_ids = [q.id for q in r.questions]
            for q in r.questions:
                old = before.get((r.submission, q.id))
                new_score = round(q.score, 4)
                if old is None:
                    out.append(ScoreChange(r.student, r.submission, q.id, None, new_score, None, q.status.value,
                                           None))
                elif round(old[1], 4) != new_score or old[2] != q.status.value:
                    out.append(ScoreChange(r.student, r.submission, q.id, old[1], new_score, old[2],
                                           q.status.value, old[3]))
            for qid in old_ids:
                if qid not in new_ids:
                    old = before[(r.submission, qid)]
                    out.append(ScoreChange(r.student, r.submission, qid, old[1], None, old[2], None, old[3]))
        return out

    def publish(self, run_id: int, assignment: str, rubric_hash: str, results: Iterable[SubmissionResult],
                changes: Sequence[ScoreChange]) -> None:
        """Record what was exported, and the scores it replaced."""
        with self._tx():
            self.db.executemany(
                "INSERT INTO score_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, assignment, c.student, c.submission, c.question_id, c.old_score, c.new_score,
                  c.old_status, c.new_status, c.old_rubric_hash, rubric_hash) for c in changes])
            results = list(results)
            self.db.executemany("DELETE FROM published WHERE assignment=? AND submission=?",
                                [(assignment, r.submission) for r in results])
            self.db.executemany(
                "INSERT INTO published VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(assignment, r.submission, q.id, r.student, round(q.score, 4), q.status.value, rubric_hash,
                  run_id) for r in results for q in r.questions])


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def apply_overrides(result: SubmissionResult, overrides: dict[tuple[str, str], tuple[float, str, str]]
                    ) -> SubmissionResult:
    """The result as exported: an overridden question reports the TA's score, and keeps the machine's in details."""
    changed = False
    questions = []
    for q in result.questions:
        o = overrides.get((result.student, q.id))
        if o is None:
            questions.append(q)
            continue
        score, note, created = o
        status = Status.CORRECT if score >= q.max_score else Status.INCORRECT if score <= 0 else Status.PARTIAL
        details = {**q.details, "override": {"score": score, "note": note, "created_at": created,
                                             "machine_score": round(q.score, 4),
                                             "machine_status": q.status.value}}
        questions.append(dataclasses.replace(q, score=score, status=status, details=details))
        changed = True
    return dataclasses.replace(result, questions=tuple(questions)) if changed else result


def export_fingerprint(results: Sequence[SubmissionResult], rubric_hash: str, grader_version: str,
                       templates: Path) -> str:
    """A hash of everything the exported files are made from: results (run details aside) and templates."""
    h = hashlib.sha256(f"{rubric_hash}\0{grader_version}\0".encode())
    for r in results:
        h.update(_dumps(without_run_details(r.to_dict())).encode() + b"\0")
    hash_folder(h, templates)
    return h.hexdigest()


def iter_keys(paths: Sequence[str], digests: Sequence[str | None], rubric_hash: str,
              grader_version: str) -> Iterator[Key | None]:
    """The Key of each path from its `submission_hash`, or None where its bytes could not be read (it is graded,
    never reused)."""
    for path, digest in zip(paths, digests):
        yield None if digest is None else Key(path, digest, rubric_hash, grader_version)
