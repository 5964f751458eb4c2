"""The review page's queue: what `grader review` lists, plus what was decided since the page opened."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.commands.review import Item, collect
from grader.grading.results import QuestionResult
from grader.report.render import AnswerLine, answer_lines
from grader.store.database import DB_NAME, Store
from grader.store.overrides import read_results, stored_results

Key = tuple[str, str, str]  # student, submission, question ("" for a flagged submission's own entry)
KINDS = ("flagged", "needs_review", "error", "low confidence")
MAX_WRITEUP_BYTES = 2_000_000  # a flagged write-up is shown whole up to this size
MAX_WRITEUP_LINES = 5000


@dataclass(frozen=True)
class Entry:
    """One line of the queue as the page shows it now."""

    index: int
    item: Item  # as `grader review` lists it now, or as it was listed before the TA decided it
    decided: bool  # `grader review` no longer lists it
    kind: str  # one of KINDS: why it is in the queue
    now: dict[str, Any] | None  # the question in results.json now (score, status, details.override)

    @property
    def undecided_question(self) -> bool:
        return bool(self.item.question) and not self.decided


def key(item: Item) -> Key:
    return (item.student, item.submission, item.question)


def kind(item: Item) -> str:
    if not item.question:  # a submission-level entry: flagged, or notes on the whole submission
        return "flagged" if item.flagged is not None else "notes"
    status = item.override["machine_status"] if item.override else item.status
    return status if status in ("needs_review", "error") else "low confidence"


class Queue:
    """Keeps the order of the first listing; a question decided since stays in place, marked decided."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._items: list[Item] = []
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        fresh = {key(i): i for i in collect(self.folder)}  # the selection of `grader review`, not a copy of it
        questions = {(s["student"], s["submission"], q["id"]): q
                     for s in read_results(self.folder)["submissions"] for q in s["questions"]}
        with self._lock:
            known = {key(i) for i in self._items}
            # a regrade can list something new (an override whose machine result moved): it goes last
            self._items.extend(i for k, i in fresh.items() if k not in known)
            out = []
            for n, old in enumerate(self._items):
                item = fresh.get(key(old), old)
                out.append(Entry(n, item, key(old) not in fresh, kind(item), questions.get(key(old))))
            return out

    def answer(self, item: Item) -> list[AnswerLine] | None:
        """The answer's lines with their line numbers, error findings marked; None when the store lost the text."""
        q = self._stored(item)
        if q is None:
            return None
        return answer_lines(q)

    def writeup(self, item: Item) -> list[tuple[int, str]] | None:
        """A flagged submission's write-up, numbered, to find its answers in; None unless it is one UTF-8 text file."""
        path = Path(item.submission)
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_WRITEUP_BYTES:
                return None
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return list(enumerate(text.splitlines()[:MAX_WRITEUP_LINES], start=1))

    def _stored(self, item: Item) -> QuestionResult | None:
        if not item.question or not (self.folder / DB_NAME).is_file():
            return None
        rubric_hash = str(read_results(self.folder).get("rubric_hash"))
        with Store(self.folder) as store:
            result = stored_results(store, [item.submission], rubric_hash).get(item.submission)
        return next((q for q in result.questions if q.id == item.question), None) if result else None
