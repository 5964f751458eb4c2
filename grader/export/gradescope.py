"""Gradescope autograder results: one `results.json` per student, one test per rubric question."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.export.base import Exporter, in_error, question_feedback
from grader.export.roster import Roster
from grader.export.safety import format_score

# Gradescope's visibility values (gradescope-autograders.readthedocs.io/en/latest/specs/).
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
RESULTS_FILE = "results.json"


def _points(value: Any) -> float:
    return float(format_score(float(value)))


def gradescope_results(sub: Mapping[str, Any], *, visibility: str = "visible") -> dict[str, Any]:
    """One submission of results.json in Gradescope's autograder format.

    Every string is plain text (`output_format` "text"): the top-level default would render
    HTML, and findings quote the student's own words. A test passes only when the question is
    `correct`; `needs_review` fails with its provisional score and says a TA will look at it.
    A submission in error has no score at all (Gradescope then shows none), never a 0 it did not earn;
    a TA's override note is part of its question's output.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
    graded = not in_error(sub)
    tests = [{
        "name": f"Question {q['id']}",
        "number": str(q["id"]),
        **({"score": _points(q["score"])} if graded else {}),
        "max_score": _points(q["max_score"]),
        "status": "passed" if q["status"] == "correct" else "failed",
        "output": question_feedback(q),
        "output_format": "text",
        "visibility": visibility,
    } for q in sub["questions"]]
    summary = [f"Total: {format_score(sub['score'])} / {format_score(sub['max_score'])} points" if graded else
               "Not graded: the grader could not read or check this submission; a TA will grade it."]
    if any(q["status"] in ("needs_review", "error") for q in sub["questions"]):
        summary.append("Some questions await a TA's review; their scores may change.")
    summary.extend(f"[{f.get('severity', 'info')}] {f.get('message', '')}" for f in sub.get("findings") or []
                   if isinstance(f, Mapping))
    return {
        **({"score": _points(sub["score"])} if graded else {}),
        "output": "\n".join(summary),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": visibility,
        "tests": tests,
    }


def dump(data: Mapping[str, Any]) -> str:
    """Stable JSON text: fixed key order, two-space indent, UTF-8 kept readable."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def safe_folder_name(student: str) -> str:
    """A student id usable as one folder name: no separators, no leading dot, nothing empty."""
    name = re.sub(r"[\\/\x00-\x1f]+", "_", student).strip()
    name = name.lstrip(".") or "student"
    return name[:120]


class GradescopeExporter(Exporter):
    """`<out>/<student>/results.json` for every submission, for upload or for a Gradescope harness.

    A roster only adds warnings here: a roster student without a submission has nothing to report.
    Two submissions of one student id get `<student>`, then `<student>~2`, and a warning.
    """

    format = "gradescope"
    default_name = "gradescope"
    writes_folder = True

    def __init__(self, results: Mapping[str, Any], roster: Roster | None = None, *,
                 visibility: str = "visible", include_errors: bool = False) -> None:
        super().__init__(results, roster, include_errors=include_errors)
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
        self.visibility = visibility

    def write(self, out: Path) -> int:
        if self.roster is not None:
            found = self.match()
            for sub in found.unmatched:
                self.warnings.append(f"student {sub['student']!r} ({sub['submission']}) is not on roster "
                                     f"{self.roster.path}; written anyway")
        used: set[str] = set()
        for sub in self.sorted_submissions():
            base = safe_folder_name(sub["student"])
            name, n = base, 1
            while name.casefold() in used:  # case-insensitive file systems would merge them
                n += 1
                name = f"{base}~{n}"
            if base != sub["student"]:
                self.warnings.append(f"student id {sub['student']!r} is not a safe folder name; written to {base}/")
            if name != base:
                self.warnings.append(f"student {sub['student']!r} has several submissions; "
                                     f"{sub['submission']} written to {name}/")
            used.add(name.casefold())
            path = out / name / RESULTS_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump(gradescope_results(sub, visibility=self.visibility)), encoding="utf-8")
        return len(used)
