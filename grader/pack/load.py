"""Read a pack folder back into a rubric whose checks are the pack's kinds, for `grader check --pack`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from grader.pack import FORMAT, PACK_FILE
from grader.course.rubric import Assignment, LoadedRubric


class PackError(Exception):
    """A folder that is not a readable self-check pack; the message is one line for the student."""


def load_pack(folder: Path) -> LoadedRubric:
    path = folder / PACK_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(f"{folder}: not a self-check pack (no {PACK_FILE})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot be read ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError(f"{path}: not valid JSON (line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PackError(f"{path}: not a {FORMAT} pack; ask for a pack built by this grader version")
    try:
        assignment = Assignment.model_validate({k: doc[k] for k in ("assignment", "title", "questions")})
    except (KeyError, ValidationError) as exc:
        raise PackError(f"{path}: damaged pack ({str(exc).splitlines()[0]})") from None
    return LoadedRubric(assignment=assignment, path=path, digest=hashlib.sha256(text.encode()).hexdigest()[:16])
