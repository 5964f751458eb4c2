"""Student ids for submission paths: LMS download names matched to a roster, else the file or folder stem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from grader.export.roster import Roster, match_roster
from grader.grading.pipeline import student_id_from_path

# Canvas "Download Submissions": lastfirst[_LATE]_<user id>_<submission id>_<original name>
CANVAS_DOWNLOAD = re.compile(r"^(?P<name>[a-z0-9-]+?)(?:_late)?_(?P<user>\d+)_(?P<sub>\d+)(?:_(?P<rest>.*))?$",
                             re.IGNORECASE)
# Moodle "Download all submissions": <Full Name>_<participant id>_assignsubmission_<plugin>[_<original name>]
MOODLE_DOWNLOAD = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_?(?P<rest>.*)$")


def _candidates(stem: str) -> list[str]:
    """What a download name may be matched by, most specific first."""
    m = CANVAS_DOWNLOAD.match(stem)
    if m:
        return [m["user"], m["name"]]
    m = MOODLE_DOWNLOAD.match(stem)
    if m:
        return [m["name"]]
    return [stem]


def student_ids(paths: Sequence[str], roster: Roster | None) -> tuple[dict[str, str], list[str]]:
    """Map each path to a student id, and the warnings for paths the roster does not know."""
    ids: dict[str, str] = {}
    warnings: list[str] = []
    for path in paths:
        stem = student_id_from_path(path)
        if roster is None:
            ids[path] = stem
            continue
        found = None
        for candidate in _candidates(Path(stem).name):
            match = match_roster(roster, [{"student": candidate, "submission": path}])
            if match.by_entry:
                found = roster.entries[next(iter(match.by_entry))]
                break
        if found is None:
            warnings.append(f"{path}: not on the roster {roster.path}; graded as {stem!r}")
            ids[path] = stem
        else:
            ids[path] = found.grader_id()
    return ids, warnings
