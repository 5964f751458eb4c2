"""Reading a class roster (Canvas, Moodle or plain CSV) and matching grader student ids to its rows.

A grader student id is the roster id or LMS name `grader grade` chose, else a file or folder stem.
It is matched against each roster row by these keys, in this order; the first key that names
exactly one row wins, and a key that names several rows stops the search (reported, never guessed):

1. `student` (plain roster: the grader id stated outright)
2. Canvas `ID` (the numeric Canvas user id)
3. `SIS User ID`, then `SIS Login ID`
4. email (`Email address` / `email`), then its local part (`jdoe` for `jdoe@uni.edu`), then `ID number`
5. the name, compared without case, spaces or punctuation, also as "First Last" for a sortable
   "Last, First" (so `jane_doe`, `Jane Doe`, `Doe, Jane` and `doejane` all match `Doe, Jane`)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

RosterKind = Literal["canvas", "moodle", "plain"]

# Canvas writes "Title (12345)" for an existing assignment; its importer reads the id back.
CANVAS_ASSIGNMENT = re.compile(r"^(?P<title>.*\S)\s+\((?P<id>\d+)\)$")
# Rows of a Canvas export that describe columns, not students (the importer skips them too).
CANVAS_NON_STUDENT = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)


class RosterError(Exception):
    """A roster file that cannot be read or whose header is not one of the known layouts."""


@dataclass(frozen=True)
class RosterEntry:
    """One student row of a roster; fields the roster's layout lacks are empty."""

    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    id_number: str = ""
    student: str = ""  # a plain roster's grader id

    def grader_id(self) -> str:
        """The id `grader grade --roster` gives this row's submission: its most stable identity."""
        local = self.email.partition("@")[0] if "@" in self.email else self.email
        return (self.student or self.sis_login_id or self.sis_user_id or self.id_number or local or self.canvas_id
                or self.name)

    def label(self) -> str:
        """How warnings name this row."""
        ident = self.student or self.canvas_id or self.sis_login_id or self.email or self.id_number
        return f"{self.name} ({ident})" if self.name and ident else self.name or ident or "<blank row>"


@dataclass(frozen=True)
class Roster:
    """A roster file's student rows, in file order, and (Canvas) its assignment column headers."""

    kind: RosterKind
    path: Path
    entries: tuple[RosterEntry, ...]
    assignment_columns: tuple[str, ...] = ()

    def canvas_column(self, *names: str) -> str | None:
        """The roster's `Title (id)` header whose title is one of `names` (case-insensitive), if any."""
        wanted = {n.strip().casefold() for n in names if n.strip()}
        for header in self.assignment_columns:
            found = CANVAS_ASSIGNMENT.match(header.strip())
            if found and found["title"].strip().casefold() in wanted:
                return header.strip()
        return None


@dataclass
class Match:
    """The result of matching submissions to roster rows."""

    by_entry: dict[int, Mapping[str, Any]] = field(default_factory=dict)  # roster row index -> submission
    unmatched: list[Mapping[str, Any]] = field(default_factory=list)  # submissions on no single roster row
    warnings: list[str] = field(default_factory=list)


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _name_key(value: str) -> str:
    # Letters (accents kept) and digits only: "Jane_Doe", "jane doe" and "JaneDoe" agree.
    return "".join(ch for ch in _norm(value) if ch.isalnum())


def _name_keys(name: str) -> set[str]:
    keys = {_name_key(name)}
    if "," in name:  # Canvas's sortable "Last, First"
        last, _, first = name.partition(",")
        keys.add(_name_key(f"{first} {last}"))
    return {k for k in keys if k}


KEY_KINDS = ("student id", "Canvas ID", "SIS User ID", "SIS Login ID", "email", "email local part",
             "ID number", "name")


def _entry_keys(entry: RosterEntry) -> list[set[str]]:
    """The row's keys, one set per KEY_KINDS item."""
    local = entry.email.partition("@")[0] if "@" in entry.email else ""
    exact = (entry.student, entry.canvas_id, entry.sis_user_id, entry.sis_login_id, entry.email, local,
             entry.id_number)
    return [{_norm(v)} if v.strip() else set() for v in exact] + [_name_keys(entry.name)]


def match_roster(roster: Roster, submissions: Sequence[Mapping[str, Any]]) -> Match:
    """Match each submission's `student` to at most one roster row (see the module docstring)."""
    indexes: list[dict[str, set[int]]] = [{} for _ in KEY_KINDS]
    for i, entry in enumerate(roster.entries):
        for index, values in zip(indexes, _entry_keys(entry)):
            for value in values:
                index.setdefault(value, set()).add(i)
    result = Match()
    claims: dict[int, list[Mapping[str, Any]]] = {}
    for sub in submissions:
        student = str(sub["student"])
        hit: int | None = None
        for kind, index in zip(KEY_KINDS, indexes):
            rows = index.get(_name_key(student) if kind == "name" else _norm(student), set())
            if len(rows) == 1:
                hit = next(iter(rows))
                break
            if len(rows) > 1:
                names = ", ".join(sorted(roster.entries[r].label() for r in rows))
                result.warnings.append(f"student {student!r} ({sub['submission']}) matches several roster rows "
                                       f"by {kind}: {names}; not matched")
                break
        if hit is None:
            result.unmatched.append(sub)
        else:
            claims.setdefault(hit, []).append(sub)
    for row, subs in claims.items():
        if len(subs) == 1:
            result.by_entry[row] = subs[0]
            continue
        paths = ", ".join(str(s["submission"]) for s in subs)
        result.warnings.append(f"roster row {roster.entries[row].label()} matches {len(subs)} submissions "
                               f"({paths}); its score is left empty for a TA to decide")
        result.unmatched.extend(subs)
    return result


def _rows(path: Path) -> list[list[str]]:
    try:
        # utf-8-sig drops the BOM Canvas and Excel may put first; the header must still read "Student".
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except FileNotFoundError as exc:
        raise RosterError(f"{path}: roster file not found") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"{path}: roster is not a readable UTF-8 CSV ({exc})") from exc


def _column(header: Sequence[str], *names: str) -> int | None:
    wanted = {n.casefold() for n in names}
    for i, cell in enumerate(header):
        if cell.strip().casefold() in wanted:
            return i
    return None


def _getter(header: Sequence[str]) -> Any:
    def get(row: Sequence[str], *names: str) -> str:
        i = _column(header, *names)
        return row[i].strip() if i is not None and i < len(row) else ""
    return get


def _canvas(path: Path, header: list[str], body: Iterable[list[str]]) -> Roster:
    get = _getter(header)
    entries = []
    for row in body:
        if row and "Points Possible" in row[0] or all(CANVAS_NON_STUDENT.match(c) for c in row):
            continue
        entries.append(RosterEntry(name=get(row, "Student"), canvas_id=get(row, "ID"),
                                   sis_user_id=get(row, "SIS User ID"), sis_login_id=get(row, "SIS Login ID"),
                                   section=get(row, "Section"), email=get(row, "Email")))
    columns = tuple(h.strip() for h in header if CANVAS_ASSIGNMENT.match(h.strip()))
    return Roster("canvas", path, tuple(entries), columns)


def _moodle(path: Path, header: list[str], body: Iterable[list[str]]) -> Roster:
    get = _getter(header)
    entries = []
    for row in body:
        parts = (get(row, "First name"), get(row, "Last name"))
        name = " ".join(p for p in parts if p) or get(row, "Full name", "Name")
        entries.append(RosterEntry(name=name, email=get(row, "Email address", "Email"),
                                   id_number=get(row, "ID number", "idnumber")))
    return Roster("moodle", path, tuple(entries))


def _plain(path: Path, header: list[str], body: Iterable[list[str]]) -> Roster:
    get = _getter(header)
    entries = tuple(RosterEntry(student=get(row, "student"), name=get(row, "name"), email=get(row, "email"))
                    for row in body)
    return Roster("plain", path, entries)


def read_roster(path: Path) -> Roster:
    """Read a roster, recognising its layout by its header row (see docs/exports.md)."""
    rows = _rows(path)
    if not rows:
        raise RosterError(f"{path}: roster is empty")
    header, body = [c.strip() for c in rows[0]], rows[1:]
    folded = [c.casefold() for c in header]
    # Canvas's own importer recognises its export by "Student", "ID" first and a "Section" column.
    if len(header) > 2 and "student" in folded[0] and folded[1] == "id" and "section" in folded:
        return _canvas(path, header, body)
    if folded[0] == "student":
        return _plain(path, header, body)
    if {"email address", "id number", "email", "idnumber"} & set(folded):
        return _moodle(path, header, body)
    raise RosterError(f"{path}: unrecognised roster header {', '.join(header[:6])!r}; expected a Canvas "
                      "gradebook export (Student, ID, SIS User ID, SIS Login ID, Section), a Moodle export "
                      "(Email address or ID number) or a plain 'student,name,email' file")
