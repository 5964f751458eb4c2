"""What a question's report says: points per rubric item, feedback chosen by what happened, findings once each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.course.rubric import Question
from grader.export.safety import format_score
from grader.grading.results import Finding, QuestionResult, Severity, Status

TABLE_ROLES = ("answer", "claim", "item", "steps")  # evidence checks feed provisional scores, shown as findings
ROLE_WORDS = {"answer": "final answer", "claim": "final answer", "item": "partial credit", "steps": "derivation"}
# what happened to a question, in the order a student should hear it: each picks its own feedback text
FALSE_STEP, WRONG_RESULT, NOT_FOUND, MISSING_ITEM, NEEDS_TA, RIGHT, UNFOUND = (
    "false_step", "wrong_result", "not_found", "missing_item", "needs_ta", "right", "missing")
_STATED = re.compile(r"^(?P<label>.*): the result stated at line (?P<line>\d+) is not right\.$")
EPS = 1e-9


@dataclass(frozen=True)
class ItemRow:
    """One rubric check of a question as the report's table shows it."""

    label: str
    role: str  # in words: final answer, partial credit, derivation
    result: str  # what the check found, in words
    points: float | None  # the points this row is worth, where the rubric gives it some
    earned: float | None  # None where the points are not decided yet (a TA decides)
    lost: float

    @property
    def ok(self) -> bool:
        return self.lost <= EPS

    @property
    def points_text(self) -> str:
        """`3 of 3`, `0 of 6 (-6)`, `-4` for false steps, `? of 2` where a TA decides."""
        if self.role == ROLE_WORDS["steps"]:
            return f"−{format_score(self.lost)}" if self.lost > EPS else "—"
        if self.points is None:
            return "—" if self.earned is None or self.earned <= EPS else f"+{format_score(self.earned)}"
        if self.earned is None:
            return f"? of {format_score(self.points)} (a TA decides)"
        text = f"{format_score(self.earned)} of {format_score(self.points)}"
        return text + (f" (−{format_score(self.lost)})" if self.lost > EPS else "")


def _checks(q: QuestionResult, rq: Question) -> list[tuple[dict[str, Any], float | None]]:
    """Each check that ran, with the points the rubric gives it (items only)."""
    ran = [c for c in q.details.get("checks", []) if isinstance(c, dict)]
    specs = list(rq.checks)
    same = len(specs) == len(ran) and all(s.kind == c.get("kind") for s, c in zip(specs, ran))
    return [(c, (specs[i].points if same else None)) for i, c in enumerate(ran)]


def _false_steps(q: QuestionResult) -> list[int]:
    return sorted({f.line or 0 for f in q.findings if f.kind == "false_step" and f.severity is Severity.ERROR})


def _result_words(check: dict[str, Any], role: str, q: QuestionResult) -> str:
    verdict = check.get("verdict")
    if role == "steps":
        steps = _false_steps(q)
        if steps:
            where = ", ".join(str(n) for n in steps if n)
            return f"{len(steps)} step{'s' if len(steps) > 1 else ''} that do{'' if len(steps) > 1 else 'es'} " \
                   f"not hold{' (line ' + where + ')' if where else ''}"
        return "no false step found" if verdict == "pass" else "no step could be checked"
    if verdict == "pass":
        line = (check.get("details") or {}).get("line")
        return f"right (line {line})" if isinstance(line, int) else "found"
    if verdict == "fail":
        return "not right" if role != "item" else "not found"
    if verdict == "review":
        return "a TA decides"
    return "could not be decided (a TA decides)"


def breakdown(q: QuestionResult, rq: Question) -> list[ItemRow]:
    """The question's rubric checks with the points each earned or lost; the earned column sums to the score.

    Scoring (grader/grading/scoring.py): with every final answer right the question gets its points (less the
    false-step share); with one wrong only the partial-credit items count. Rows follow that rule."""
    if q.status in (Status.MISSING, Status.ERROR) or "override" in q.details:
        return []
    rows_in = [(c, p) for c, p in _checks(q, rq) if c.get("role") in TABLE_ROLES]
    if not rows_in:
        return []
    gates = [c for c, _ in rows_in if c.get("role") in ("answer", "claim")]
    items = [(c, p or 0.0) for c, p in rows_in if c.get("role") == "item"]
    gates_right = bool(gates) and all(c.get("verdict") == "pass" for c in gates)
    gate_failed = any(c.get("verdict") == "fail" for c in gates)
    decided = q.status is not Status.NEEDS_REVIEW
    item_earned = {id(c): (p if c.get("verdict") == "pass" else 0.0) for c, p in items}
    item_sum = min(q.max_score, sum(item_earned.values()))
    pool = max(0.0, q.max_score - sum(p for _, p in items))  # what the final answer is worth beyond the items
    steps_lost = 0.0
    if decided and gates_right:
        steps_lost = max(0.0, q.max_score - q.score) if _false_steps(q) else 0.0
    failing = [c for c in gates if c.get("verdict") == "fail"]
    rows = []
    for c, p in rows_in:
        role = str(c.get("role"))
        label = str(c.get("label") or c.get("kind", ""))
        words = _result_words(c, role, q)
        if role == "item":
            earned: float | None = item_earned[id(c)]
            lost = 0.0 if gates_right and decided else (p or 0.0) - (earned or 0.0)
            if gates_right and decided and c.get("verdict") != "pass":
                words += " (not needed: the final answer is right)"
            rows.append(ItemRow(label, ROLE_WORDS[role], words, p, earned if decided else None,
                                lost if decided else 0.0))
        elif role in ("answer", "claim"):
            share = pool / len(gates)
            if not decided:
                rows.append(ItemRow(label, ROLE_WORDS[role], words, share, None, 0.0))
            elif gate_failed:
                lost = pool / len(failing) if c in failing else 0.0
                if c not in failing:
                    words += "; counts only with every final answer right"
                rows.append(ItemRow(label, ROLE_WORDS[role], words, lost or None, 0.0, lost))
            else:
                # every final answer right: the question's points, less any graded share, go to the answers
                got = max(0.0, q.score + steps_lost - item_sum) / len(gates)
                rows.append(ItemRow(label, ROLE_WORDS[role], words, share, got, max(0.0, share - got)))
        else:
            rows.append(ItemRow(label, ROLE_WORDS[role], words, None, -steps_lost if steps_lost else 0.0,
                                steps_lost))
    return rows


def outcome(q: QuestionResult) -> str:
    """What happened to the question, which decides the feedback it gets."""
    if q.status is Status.ERROR:
        return NEEDS_TA
    if q.status is Status.MISSING:
        return UNFOUND
    if any(f.kind == "flagged" for f in q.findings):
        return NOT_FOUND
    checks = [c for c in q.details.get("checks", []) if isinstance(c, dict)]
    gates = [c for c in checks if c.get("role") in ("answer", "claim")]
    if any(c.get("verdict") == "fail" for c in gates):
        return WRONG_RESULT
    if q.status is Status.NEEDS_REVIEW:
        return NEEDS_TA
    if _false_steps(q):
        return FALSE_STEP
    if q.status is Status.CORRECT:
        return RIGHT
    return MISSING_ITEM  # partial with every final answer right and no false step: graded credit or items


def feedback_text(q: QuestionResult, rq: Question) -> str:
    """The rubric's text for what happened, or our own words where its text would say something else.

    The rubric's `partial` text is written for a right answer reached through a false step, so only that case gets
    it; a wrong result gets the `incorrect` text even when items earned partial credit."""
    fb = rq.feedback
    what = outcome(q)
    if what == RIGHT:
        return fb.correct.strip()
    if what == FALSE_STEP:
        return fb.partial.strip() or "The result is right, but a step of the argument does not hold; see the marked line."
    if what == WRONG_RESULT:
        text = fb.incorrect.strip() or "The final result is not right."
        return text + (" Partial credit was given for the items found (see the table)." if q.score > EPS else "")
    if what == UNFOUND:
        return fb.missing.strip() or "No answer was found for this question."
    if what == NOT_FOUND:
        return ("No answer was found under this question's id. The write-up is flagged, so a TA will look for the "
                "answer in it; the score is 0 until then.")
    if what == NEEDS_TA:
        if q.status is Status.ERROR:
            return "The grader could not check this answer; a TA will grade it."
        return fb.needs_review.strip() or "A TA will read this answer; the score shown is provisional."
    return "Part of the answer is right: see which rubric items were found and which were not."


def message(f: Finding) -> str:
    """A finding's message as the report shows it: a wrong result says what was compared, not that it was stated."""
    m = _STATED.match(f.message)
    if f.kind == "final_answer" and m:
        return (f"{m.group('label')}: no statement of it matches the expected result "
                f"(the last one read is at line {m.group('line')}).")
    return f.message


def hit_label(f: Finding) -> str:
    """The rubric item an info-level hit is evidence for (`label: found "…"` -> `label`)."""
    # every check writes `label: what it found`; the label is what the student recognises
    return f.message.split(": ", 1)[0].strip().rstrip(".") or f.message


def unique(findings: tuple[Finding, ...]) -> list[Finding]:
    """Each finding once: a gate and an item with one label report the same thing on the same line."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.severity, f.line, f.end_line, f.file, message(f))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
