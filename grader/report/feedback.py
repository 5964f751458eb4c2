"""Plain-text feedback for a student's self-check (what was found, what was and was not checked), and the one line
of a report that says what to fix."""

from __future__ import annotations

from typing import Any

from grader.export.safety import format_score
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.course.rubric import Assignment

NOT_CHECKED = "not_checked"  # a check's details key: why it could not decide (set by the self-check pack's kinds)
CHECKED_HERE = "checked_here"  # beside it: the little the pack did check of it (a code answer: defined and parses)
# a question the self-check leaves open shows this instead of a provisional score, which would read as a grade
BY_A_TA = "not checked here (a TA grades it)"
WHEN_GRADED = "not checked here (graded when you hand it in)"
MAX_FIX_PLACES = 3  # places named on a report's "To fix" line

SAYS = {
    Status.CORRECT: "every automatic check of this question holds",
    Status.PARTIAL: "some automatic checks hold, others do not",
    Status.INCORRECT: "the automatic checks do not accept this answer",
    Status.MISSING: "no answer was found for this question",
    Status.NEEDS_REVIEW: "a person will read this answer; the machine cannot decide it",
    Status.ERROR: "the grader could not check this answer",
}
# where the pack could not run every check, the status says less than it would with the full references
SAYS_PARTLY = {
    Status.CORRECT: "every check the pack could run holds, but it could not run them all (see below)",
    Status.PARTIAL: "some checks the pack could run hold, others do not; it could not run them all (see below)",
    Status.INCORRECT: "the checks the pack could run do not accept this answer; it could not run them all",
    Status.NEEDS_REVIEW: "the pack cannot decide this answer (see what it could not check); the real grading may",
}


# what an unlabelled check looks for, in words (the pack's kinds read like the kinds they replay)
KIND_WORDS = {"free_text": "evidence for the rubric's points", "pack_free_text": "evidence for the rubric's points",
              "derivation": "the derivation steps"}


def _name(check: dict[str, Any]) -> str:
    kind = check["kind"]
    return check["label"] or KIND_WORDS.get(kind, kind.removeprefix("pack_").replace("_", " "))


def _unchecked(checks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(_name(c), c["details"][NOT_CHECKED]) for c in checks if NOT_CHECKED in (c.get("details") or {})]


def _question(q: QuestionResult, assignment: Assignment, pack: bool) -> list[str]:
    rq = assignment.question(q.id)
    ran = list(q.details.get("checks", []))
    unchecked = _unchecked(ran)
    says = SAYS_PARTLY.get(q.status, SAYS[q.status]) if unchecked else SAYS[q.status]
    unfound = any(f.kind == "flagged" for f in q.findings)  # needs_review only because the write-up is flagged
    if unfound:
        says = "no answer was found under this question's id (see how to label answers above)"
    head = f"Question {q.id}{': ' + rq.title if rq.title else ''} -- {_state(q, rq.review, unchecked, unfound)}"
    out = [head, f"  {says}."]
    decided = sorted({_name(c) for c in ran if NOT_CHECKED not in (c.get("details") or {})})
    if decided:
        out.append(f"  checked: {', '.join(decided)}")
    for c in ran:
        little = (c.get("details") or {}).get(CHECKED_HERE)
        if little:
            out.append(f"  checked here: only that {little}; not whether it gives the right values, nor how fast")
    for label, why in sorted(set(unchecked)):
        out.append(f"  not checked{' by the pack' if pack else ''}: {label} ({why})")
    # a question left open only because the pack lacks the references is not thereby a TA's
    if (rq.review or (q.status is Status.NEEDS_REVIEW and not unchecked)) and not unfound:
        out.append("  not checked automatically: the reasoning in words (a TA grades it)")
    for f in q.findings:
        if f.kind in ("pack", "flagged"):  # already said in the lines above
            continue
        where = f"{_place(f)}: " if f.line else ""
        out.append(f"  - [{f.severity.value}] {where}{f.message}")
    status = Status.MISSING if unfound else q.status
    text = getattr(rq.feedback, status.value, "") if status is not Status.ERROR else ""
    if text.strip():
        out.append(f"  feedback: {text.strip()}")
    return out + [""]


def _place(f: Finding) -> str:
    """Where a finding's line stands: "line 12", or "page 3, line 12" in a PDF write-up."""
    return f"page {f.page}, line {f.line}" if f.page is not None else f"line {f.line}"


def what_to_fix(q: QuestionResult) -> str:
    """One line naming what a student should look at again, each where a finding names its line ("" where none
    does, or where the question has full marks): the report's feedback text says why, this says where."""
    from grader.report.breakdown import hit_label, unique  # the report's own reading of findings

    if q.score >= q.max_score or q.status in (Status.NEEDS_REVIEW, Status.ERROR):
        return ""
    places: list[str] = []
    for f in unique(q.findings):
        if f.severity is Severity.INFO or f.line is None:
            continue
        place = (f"the step at {_place(f)}" if f.kind == "false_step"
                 else f"{hit_label(f)} ({_place(f)})")
        if place not in places:
            places.append(place)
    if len(places) > MAX_FIX_PLACES:  # one line: the findings below list them all
        more = len(places) - MAX_FIX_PLACES
        places = [*places[:MAX_FIX_PLACES], f"and {more} more (see the findings)"]
    return f"To fix: {'; '.join(places)}." if places else ""


def _state(q: QuestionResult, review: bool, unchecked: list[tuple[str, str]], unfound: bool) -> str:
    """The question's state on its heading line: a status with its provisional score only where the self-check
    decided it; what it could not decide says so, with no score that would read as a grade."""
    if unfound:
        return "not found under its id (no score here)"
    if q.status is Status.ERROR:
        return "error (not checked here)"
    if q.status is Status.NEEDS_REVIEW:
        return BY_A_TA if review or not unchecked else WHEN_GRADED
    return f"{q.status.value} ({format_score(q.score)}/{format_score(q.max_score)} provisional)"


def checked_points(result: SubmissionResult) -> tuple[float, float, int]:
    """(points earned, points possible) over the questions the self-check decided, and how many it left open."""
    unfound = {q.id for q in result.questions if any(f.kind == "flagged" for f in q.findings)}
    decided = [q for q in result.questions
               if q.status not in (Status.NEEDS_REVIEW, Status.ERROR) and q.id not in unfound]
    return (sum(q.score for q in decided), sum(q.max_score for q in decided), len(result.questions) - len(decided))


def labelling_howto(assignment: Assignment) -> list[str]:
    """How to label answers so the grader finds them, with this assignment's own ids as the examples."""
    ids = [q.id for q in assignment.questions]
    first = ids[0]
    sub = next((i for i in ids if i.count(".") >= 2 and i.rsplit(".", 1)[1].isalpha()), None)
    out = ["How to label your answers so the grader finds them:",
           "  start each answer with its question id, as the assignment numbers it, on a line of its own:",
           f"      ## Question {first}",
           f"      {first}",
           f"      \\section*{{Question {first}}}        (LaTeX)"]
    if sub is not None:
        parent, part = sub.rsplit(".", 1)
        out.append(f"  a lettered part under its question: \"{part})\" or \"({part})\" under {parent}, or {sub} itself")
    out += ["  if you copy the question text, put \"Solution:\" before your answer;",
            "  write each part once, and keep the rubric's numbering even where your PDF renumbered it.",
            f"  This assignment's question ids: {', '.join(ids)}", ""]
    return out


def render_feedback(result: SubmissionResult, assignment: Assignment, pack: bool = False) -> str:
    """Per-question feedback. It never claims a question passed beyond the checks that actually ran."""
    out = [f"{assignment.title or assignment.assignment}: self-check of {result.submission}", ""]
    for f in result.findings:
        out.append(f"  note: {f.message}")
    if result.flagged is not None:  # most answers were not found: the labels are the likely cause
        out += ["", *labelling_howto(assignment)]
    if pack and any(c.get("kind") == "pack_code" for q in result.questions for c in q.details.get("checks", [])):
        out += ["Code answers: this pack only checks that each function is defined, parses and takes the arguments "
                "asked for. It does not run your code, so it cannot tell whether the results are right or how fast "
                "it is: the grading does.", ""]
    for q in result.questions:
        out.extend(_question(q, assignment, pack))
    earned, possible, left = checked_points(result)
    if possible:
        total = f"Total: {format_score(earned)} of {format_score(possible)} checked points"
        out.append(total + (f"; {left} question(s) not checked here." if left else "."))
    else:
        out.append(f"Total: no points checked here; {left} question(s) not checked here.")
    out.append("This is a self-check, not your grade: a passing check means only what it says it checked.")
    if pack:
        out.append("Checked with a self-check pack: it compares fingerprints of the references, never the "
                   "references themselves, and names above every check it could not run.")
    return "\n".join(out) + "\n"
