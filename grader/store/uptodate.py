"""The rerun with nothing changed: a fingerprint of every input of `grader grade`, checked against the last export's.

A TA reruns grading for every assignment of a course after fixing one rubric. For the assignments that did not
change, the full path still validates the rubric, loads every stored result and renders nothing new; this
module lets such a run stop after hashing its inputs. The fingerprint covers what the exported files are made
from: the grader's and the course's code (`code_version`), the rubric file, the course's report templates, the
submissions as given (paths, order and bytes), the roster file and the TA overrides. Anything else that differs
-- a file missing from the output folder, an unreadable submission, --fresh or --dry-run -- takes the full path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.store.database import Store, hash_file, hash_folder

FORMAT = 2  # bump when the fingerprint's recipe changes, so old stamps never match


@dataclass(frozen=True)
class Stamp:
    """What the last exporting run of an assignment was made from, and what it wrote and said."""

    fingerprint: str
    rubric_hash: str
    files: tuple[str, ...]  # written files, relative to the output folder
    messages: tuple[str, ...]  # what it printed on stderr before its summary line (moved overrides, failures)
    total: int
    failed: int
    exit_code: int
    flagged: int = 0  # submissions flagged for review (their lines are among `messages`)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Stamp | None:
        try:
            d = json.loads(text)
            return cls(d["fingerprint"], d["rubric_hash"], tuple(d["files"]), tuple(d["messages"]), int(d["total"]),
                       int(d["failed"]), int(d["exit_code"]), int(d.get("flagged", 0)))
        except (ValueError, KeyError, TypeError):
            return None  # a stamp from another format: the full path decides


def input_fingerprint(assignment: str, submissions: Sequence[str], digests: Sequence[str | None], rubric: Path,
                      templates: Path, roster: str | None, version: str, store: Store) -> str | None:
    """The hash of every input a grade run's exported files depend on (`digests`: each submission's
    `submission_hash`); None where one cannot be read."""
    h = hashlib.sha256(f"grade-inputs/{FORMAT}\0{assignment}\0{version}\0".encode())
    try:
        hash_file(h, rubric)
        h.update(b"T\0")
        hash_folder(h, templates)
        h.update(b"R\0")
        if roster is not None:
            hash_file(h, Path(roster))
    except OSError:
        return None
    for path, digest in zip(submissions, digests):
        if digest is None:
            return None  # an unreadable submission is graded (to an error) on every run
        h.update(b"S\0" + path.encode("utf-8", "surrogateescape") + b"\0" + digest.encode() + b"\0")
    for (student, question), (score, note, created) in sorted(store.overrides().items()):
        h.update(b"O\0" + json.dumps([student, question, score, note, created]).encode() + b"\0")
    return h.hexdigest()


def stamp_key(assignment: str) -> str:
    return f"uptodate:{assignment}"


def up_to_date(store: Store, out: Path, assignment: str, fingerprint: str | None) -> Stamp | None:
    """The last export's stamp when `fingerprint` is its fingerprint and every file it wrote is still there."""
    if fingerprint is None:
        return None
    text = store.meta(stamp_key(assignment))
    stamp = Stamp.from_json(text) if text is not None else None
    if stamp is None or stamp.fingerprint != fingerprint:
        return None
    if not all((out / name).is_file() for name in stamp.files):
        return None
    return stamp
