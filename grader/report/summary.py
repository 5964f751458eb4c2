"""The class summary of a graded run: score histogram, per-question averages and statuses, common findings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from grader.grading.results import Status, SubmissionResult
from grader.course.rubric import Assignment

BINS = 10
LINE_REF = re.compile(r"\b(?:at |on )?lines? \d+(?:[–-]\d+)?\b")


@dataclass(frozen=True)
class Bar:
    """One histogram bar: the score range it covers and how many students fall in it."""

    low: float
    high: float
    count: int


def histogram(scores: list[float], max_score: float, bins: int = BINS) -> list[Bar]:
    """Equal-width bins over [0, max_score]; a full score falls in the last bin."""
    width = max_score / bins if max_score > 0 else 1.0
    counts = [0] * bins
    for s in scores:
        k = min(bins - 1, max(0, int(s / width))) if width else 0
        counts[k] += 1
    return [Bar(round(k * width, 4), round((k + 1) * width, 4), c) for k, c in enumerate(counts)]


def _pattern(message: str) -> str:
    # the same finding on different lines is the same finding for the class
    return LINE_REF.sub("at line …", message)


def summary_view(assignment: Assignment, results: list[SubmissionResult], top: int = 10) -> dict[str, Any]:
    """Plain data for the summary templates."""
    n = len(results)
    per_question = []
    for q in assignment.questions:
        rows = [next(x for x in r.questions if x.id == q.id) for r in results]
        statuses = Counter(x.status.value for x in rows)
        mean = sum(x.score for x in rows) / n if n else 0.0
        per_question.append({
            "id": q.id, "title": q.title, "points": q.points, "mean": mean,
            "share": mean / q.points if q.points else 0.0,
            "statuses": {s.value: statuses.get(s.value, 0) for s in Status},
        })
    common: Counter[tuple[str, str, str]] = Counter()
    for r in results:
        seen: set[tuple[str, str, str]] = set()
        for x in r.questions:
            for f in x.findings:
                if f.severity.value in ("error", "warning"):
                    seen.add((x.id, f.severity.value, _pattern(f.message)))
        common.update(seen)  # count students, not occurrences
    findings = [{"question": qid, "severity": sev, "message": msg, "students": count}
                for (qid, sev, msg), count in sorted(common.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    scores = [r.score for r in results]
    bars = histogram(scores, assignment.max_score)
    return {
        "assignment": assignment.assignment, "title": assignment.title or assignment.assignment,
        "students": n, "max_score": assignment.max_score,
        "mean": sum(scores) / n if n else 0.0,
        "median": sorted(scores)[n // 2] if n % 2 else (sum(sorted(scores)[n // 2 - 1:n // 2 + 1]) / 2 if n else 0.0),
        "bars": bars, "tallest": max((b.count for b in bars), default=0) or 1,
        "questions": per_question, "findings": findings,
        "errors": sum(1 for r in results if r.has_error),
        "flagged": sum(1 for r in results if r.flagged is not None),
        "review": sum(1 for r in results for x in r.questions if x.status is Status.NEEDS_REVIEW),
    }
