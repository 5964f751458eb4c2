"""The class summary of a graded run: score histogram, per-question averages and statuses, common findings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from grader.grading.results import QuestionResult, Severity, Status, SubmissionResult
from grader.report.contract import safe_dirname
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


QUESTION_BINS = 5  # bars of a question's small distribution


def _folder(r: SubmissionResult) -> str:
    folder = r.details.get("report_dir")
    return folder if isinstance(folder, str) and folder else safe_dirname(r.student)


def student_rows(results: list[SubmissionResult]) -> list[dict[str, Any]]:
    """One row per submission, by student id (then path): score, status counts and the report's folder."""
    rows = []
    for r in sorted(results, key=lambda r: (r.student.casefold(), r.student, r.submission)):
        counts = Counter(q.status.value for q in r.questions)
        rows.append({"student": r.student, "submission": r.submission, "folder": _folder(r),
                     "score": r.score, "max_score": r.max_score, "error": r.has_error,
                     "flagged": r.flagged is not None,
                     "statuses": {st.value: counts.get(st.value, 0) for st in Status}})
    return rows


def _low_confidence(q: QuestionResult) -> bool:
    """A provisional score because the grader could not decide a final answer (not because a rubric asks a TA)."""
    return q.status is Status.NEEDS_REVIEW and any(
        isinstance(c, dict) and c.get("role") in ("answer", "claim") and c.get("verdict") == "unknown"
        for c in q.details.get("checks", []))


def attention(results: list[SubmissionResult]) -> list[dict[str, Any]]:
    """What a TA should look at first: errors, flagged write-ups, unread files, inferred placements, undecided answers."""
    out: list[dict[str, Any]] = []
    for r in sorted(results, key=lambda r: (r.student.casefold(), r.student, r.submission)):
        def add(what: str, why: str, question: str = "", r: SubmissionResult = r) -> None:
            out.append({"student": r.student, "folder": _folder(r), "what": what, "why": why, "question": question})
        if r.has_error:
            why = next((f.message for q in r.questions for f in q.findings if f.severity is Severity.ERROR), "")
            add("error", why or "the grader could not grade it")
        if r.flagged is not None and not r.has_error:  # an unreadable write-up is flagged too: its error says why
            add("flagged", r.flagged)
        for f in r.findings:
            if f.kind in ("unreadable", "ingest") and not r.has_error:
                add("unread file", f.message)
        for q in r.questions:
            for f in q.findings:
                if f.kind == "segment" and "located by its" in f.message:
                    add("inferred placement", f.message, q.id)
            if _low_confidence(q):
                add("low confidence", str(q.details.get("reason", "the final answer could not be decided")), q.id)
    return out


def question_bars(assignment: Assignment, results: list[SubmissionResult]) -> dict[str, list[Bar]]:
    """Each question's score distribution in a few bars over [0, its points]."""
    out = {}
    for q in assignment.questions:
        scores = [x.score for r in results for x in r.questions if x.id == q.id]
        out[q.id] = histogram(scores, q.points, bins=QUESTION_BINS)
    return out


def summary_view(assignment: Assignment, results: list[SubmissionResult], top: int = 10) -> dict[str, Any]:
    """Plain data for the summary templates."""
    n = len(results)
    per_question: list[dict[str, Any]] = []
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
    small = question_bars(assignment, results)
    for row in per_question:
        row["bars"] = small[row["id"]]
        row["tallest"] = max((b.count for b in row["bars"]), default=0) or 1
    return {
        "rows": student_rows(results), "attention": attention(results),
        "assignment": assignment.assignment, "title": assignment.title or assignment.assignment,
        "students": n, "max_score": assignment.max_score,
        "mean": sum(scores) / n if n else 0.0,
        "median": sorted(scores)[n // 2] if n % 2 else (sum(sorted(scores)[n // 2 - 1:n // 2 + 1]) / 2 if n else 0.0),
        "bars": bars, "tallest": (tallest := max((b.count for b in bars), default=0) or 1),
        "yticks": list(range(0, tallest + 1, max(1, -(-tallest // 4)))),
        "questions": per_question, "findings": findings,
        "errors": sum(1 for r in results if r.has_error),
        "flagged": sum(1 for r in results if r.flagged is not None),
        "review": sum(1 for r in results for x in r.questions if x.status is Status.NEEDS_REVIEW),
    }
