"""Grade one submission: ingest, segment, run each question's checks, score; every step contained."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from pathlib import Path

from grader import checks
from grader.checks.base import CheckContext, CheckOutcome, Verdict, review_unrebuilt
from grader.course.directory import Course
from grader.grading.defaults import DEFAULT_TIMEOUT
from grader.read.ingest import IngestError, read_submission
from grader.read.document import Document
from grader.grading.results import Finding, QuestionResult, Severity, Status, SubmissionResult
from grader.course.rubric import CheckSpec, LoadedRubric, Question
from grader.course.settings import SettingsError
from grader.grading.scoring import score_question
from grader.read.reading import Reading
from grader.read.segment import Answer, segment
from grader.grading.containment import run_step


def student_id_from_path(path: str) -> str:
    """The student id a path gives without a roster: the file or folder stem."""
    p = Path(path.rstrip("/\\"))
    name = p.name
    for suffix in (".zip", ".ipynb", ".md", ".markdown", ".txt", ".tex"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or name
    return p.stem or name or "submission"


# A write-up is flagged when fewer than this share of the rubric's questions are found: so many unfound answers
# mean headings the reader does not know far more often than a student who skipped most of the work, and either
# way a TA should look before a grade of (nearly) zero goes out.
FLAG_FOUND_SHARE = 0.5


def _seed(doc: Document, qid: str) -> int:
    digest = hashlib.sha256((doc.text + "\x00" + qid).encode()).digest()
    return int.from_bytes(digest[:4], "big")


UNREAD_FLAG = "the write-up could not be read (the error below says why); a TA grades it, and its grade stays empty until then"


def error_result(path: str, student: str, rubric: LoadedRubric, message: str) -> SubmissionResult:
    """A submission that could not be graded: still every question, each `error` with the reason."""
    finding = Finding("unreadable", message, None, None, Severity.ERROR)
    questions = tuple(
        QuestionResult(q.id, 0.0, q.points, Status.ERROR, (finding,)) for q in rubric.assignment.questions
    )
    return SubmissionResult(submission=path, student=student, questions=questions, findings=(finding,))


def _run_check(spec: CheckSpec, question: Question, answer: Answer, doc: Document,
               course: Course, timeout: float, reading: Reading, builds_on: tuple[Reading, ...]) -> CheckOutcome:
    cls = checks.get(spec.kind)
    params = cls.Params.model_validate(spec.params)
    ctx = CheckContext(question=question, answer=answer, params=params, course=course, document=doc,
                       seed=_seed(doc, question.id), timeout=timeout, label=spec.label, role=spec.role,
                       reading=reading, builds_on=builds_on)
    return review_unrebuilt(cls().run(ctx), ctx)


def grade_question(question: Question, answer: Answer | None, doc: Document, course: Course,
                   timeout: float, readings: dict[str, Reading] | None = None) -> QuestionResult:
    """Run the question's checks on its answer and score it; a crashing check makes it `error`.

    `readings` holds the answers of the write-up read once, by question id: this question's checks share its
    reading, and those of the questions it builds on (`builds_on`) lend their definitions."""
    found = answer is not None and answer.found
    if not found:
        result = score_question(question, False, [])
        return QuestionResult(question.id, result.score, question.points, result.status,
                              (Finding("missing", "No answer was found for this question.", None, None,
                                       Severity.WARNING),),
                              answer_text="", line=answer.heading_line if answer else None,
                              end_line=answer.heading_line if answer else None)
    assert answer is not None
    readings = readings or {}
    reading = readings.get(question.id) or Reading(answer)
    builds_on = tuple(readings[q] for q in question.builds_on if q in readings)
    outcomes: list[tuple[CheckSpec, CheckOutcome]] = []
    # what segmentation noticed (answered twice, one text for several parts) is worth a TA's glance
    findings: list[Finding] = [Finding("segment", note, answer.heading_line, answer.heading_line, Severity.WARNING)
                               for note in getattr(answer, "notes", ())]
    if getattr(answer, "inferred", ""):  # no label named the question: a TA may want to confirm the placement
        findings.append(Finding("segment", f"answer located by its {answer.inferred}, not by a label",
                                answer.heading_line, answer.heading_line, Severity.INFO))
    check_details: list[dict[str, object]] = []
    details: dict[str, object] = {"checks": check_details}
    for spec in question.checks:
        def run_one(spec: CheckSpec = spec) -> CheckOutcome:
            return _run_check(spec, question, answer, doc, course, timeout, reading, builds_on)
        step = run_step(run_one)
        if not step.ok:
            message = f"the {spec.kind} check failed inside the grader ({step.error}); a TA must review"
            return QuestionResult(question.id, 0.0, question.points, Status.ERROR,
                                  _in_files(tuple(findings) + (Finding("grader_error", message, answer.line,
                                                                       answer.end_line, Severity.ERROR),), answer, doc),
                                  answer_text=answer.text, line=answer.line, end_line=answer.end_line,
                                  details={"trace": step.trace})
        outcome = step.value
        assert outcome is not None
        outcomes.append((spec, outcome))
        findings.extend(outcome.findings)
        if outcome.verdict is Verdict.FAIL and not outcome.findings:
            # a failed check always says why in the report, even when the check itself names no line
            findings.append(Finding(spec.kind, outcome.reason, answer.line, answer.end_line, Severity.WARNING))
        check_details.append({"kind": spec.kind, "role": spec.role, "label": spec.label,
                                  "verdict": outcome.verdict.value, "reason": outcome.reason,
                                  **({"fraction": round(outcome.fraction, 4)} if outcome.fraction is not None else {}),
                                  **({"details": outcome.details} if outcome.details else {})})
    result = score_question(question, True, outcomes)
    details["reason"] = result.reason
    ordered = _in_files(tuple(sorted(findings, key=lambda f: (f.line is None, f.line or 0, f.kind, f.message))),
                        answer, doc)
    return QuestionResult(question.id, result.score, question.points, result.status, ordered,
                          answer_text=answer.text, line=answer.line, end_line=answer.end_line, details=details,
                          answer_line_numbers=answer.line_numbers)


def _in_files(findings: tuple[Finding, ...], answer: Answer, doc: Document) -> tuple[Finding, ...]:
    """Name the file of each finding about another write-up than the submission's first (`doc.path`)."""
    if not answer.line_files:
        return findings
    by_line: dict[int, str] = {}
    for number, name in zip(answer.line_numbers, answer.line_files):
        by_line.setdefault(number, name)  # an answer across two files may repeat a number: the first file wins
    out = []
    for f in findings:
        name = by_line.get(f.line, answer.line_files[0]) if f.line is not None else answer.line_files[0]
        out.append(f if f.file is not None or name == doc.path else dataclasses.replace(f, file=name))
    return tuple(out)


def _line_pages(answer: Answer, doc: Document) -> tuple[int, ...]:
    """The page of each line of a PDF answer (0 where it cannot be told), found by walking the document in order.

    Segmentation keeps each line's number but not its index; numbers repeat on every page, so each answer line is
    matched to the next document line with its number (and its text, where segmentation left the text whole). A
    blank line takes the page of the line before it."""
    pages: list[int] = []
    cursor = 0
    for number, text in zip(answer.line_numbers, answer.lines):
        page = pages[-1] if pages else 0
        if text.strip():
            hits = [i for i in range(cursor, len(doc.lines)) if doc.line_numbers[i] == number and doc.pages[i]]
            exact = [i for i in hits if text.strip() in doc.lines[i]]
            if exact or hits:
                cursor = (exact or hits)[0]
                page = doc.pages[cursor]
        pages.append(page)
    return tuple(pages)


def _with_pages(q: QuestionResult, answer: Answer | None, doc: Document) -> QuestionResult:
    """Give each line of a PDF answer, and each finding on one, the page where it stands."""
    if answer is None or not answer.found:
        return q
    line_pages = _line_pages(answer, doc)
    pages: dict[int, int] = {}
    for number, page, text in zip(answer.line_numbers, line_pages, answer.lines):
        if page and text.strip():
            pages.setdefault(number, page)  # an answer over two pages may repeat a number: the first wins
    findings = tuple(dataclasses.replace(f, page=pages[f.line]) if f.line in pages and f.file is None else f
                     for f in q.findings)
    shown = line_pages if q.answer_line_numbers == answer.line_numbers else ()  # the lines the report shows
    return dataclasses.replace(q, findings=findings, answer_line_pages=shown)


def flag_reason(doc: Document, found: int, total: int) -> str | None:
    """Why a submission's answers mostly could not be found or read, or None when they could."""
    reasons = []
    if total and found < FLAG_FOUND_SHARE * total:
        reasons.append(f"only {found} of {total} questions were found under the rubric's question ids: the "
                       "write-up's headings may be unlike the rubric's, or most questions are not answered")
    if doc.unreadable:
        more = f" (and {len(doc.unreadable) - 1} more)" if len(doc.unreadable) > 1 else ""
        reasons.append(f"a file of the submission could not be read: {doc.unreadable[0]}{more}")
    return "; ".join(reasons) or None


def _for_review(q: QuestionResult) -> QuestionResult:
    """An unfound question of a flagged submission: a TA looks for it; 0 is provisional until then."""
    finding = Finding("flagged", "No answer was found under this question's id; the submission is flagged, so a TA "
                      "will look for the answer in the write-up (0 until then).", q.line, q.end_line, Severity.WARNING)
    return dataclasses.replace(q, score=0.0, status=Status.NEEDS_REVIEW, findings=(finding,))


def grade_document(path: str, doc: Document, rubric: LoadedRubric, course: Course, *, student: str,
                   timeout: float = DEFAULT_TIMEOUT) -> SubmissionResult:
    """Grade an already-read document against the rubric."""
    questions = rubric.assignment.questions
    prompts = {q.id: q.prompt for q in questions if q.prompt}
    titles = {q.id: q.title for q in questions if q.title}
    seg = run_step(lambda: segment(doc, [q.id for q in questions], prompts, titles))
    if not seg.ok:
        return error_result(path, student, rubric, f"{path}: the write-up could not be split into questions ({seg.error})")
    answers = seg.value or {}
    # every answer is read once, before any check runs; each view of a reading is built on first use
    readings = {qid: Reading(a) for qid, a in answers.items() if a is not None and a.found}
    results = tuple(grade_question(q, answers.get(q.id), doc, course, timeout, readings) for q in questions)
    if doc.pages:  # a PDF: findings say on which page their line stands
        results = tuple(_with_pages(r, answers.get(r.id), doc) for r in results)
    notes = tuple(Finding("ingest", n, None, None, Severity.WARNING) for n in doc.notes)
    found = {q.id for q in questions if (a := answers.get(q.id)) is not None and a.found}
    flagged = flag_reason(doc, len(found), len(questions))
    if flagged is not None:
        results = tuple(r if r.id in found else _for_review(r) for r in results)
        notes = (Finding("flagged", f"flagged for review: {flagged}", None, None, Severity.ERROR),) + notes
    return SubmissionResult(submission=path, student=student, questions=results, findings=notes,
                            details={"writeup": doc.path}, flagged=flagged)


def grade_submission(path: str, rubric: LoadedRubric, course: Course, *, student: str | None = None,
                     timeout: float = DEFAULT_TIMEOUT) -> SubmissionResult:
    """Grade one submission path as given on the command line; never raises for a bad submission."""
    # What was alive before this write-up (the imports, the rubric: in a forked worker, the parent's whole heap)
    # is left out of the collections its grading triggers: a full collection scanned all of it, every write-up.
    # Left alone when someone else froze objects already; the objects rejoin the collector at the end.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        return _grade_submission(path, rubric, course, student=student, timeout=timeout)
    finally:
        if freeze:
            gc.unfreeze()


def _grade_submission(path: str, rubric: LoadedRubric, course: Course, *, student: str | None,
                      timeout: float) -> SubmissionResult:
    student = student or student_id_from_path(path)
    try:  # the course's PDF converter reads scanned pages
        converter = course.settings().converter()
    except SettingsError as exc:
        return error_result(path, student, rubric, "; ".join(exc.problems))
    read = run_step(lambda: read_submission(path, converter))
    if not read.ok:
        message = read.error or "unreadable"
        if message.startswith("IngestError: "):
            message = message[len("IngestError: "):]
        # an unreadable write-up (a scan, a broken file) is a TA's to grade: flagged, its grade left empty, never a 0
        return dataclasses.replace(error_result(path, student, rubric, message), flagged=UNREAD_FLAG)
    assert read.value is not None
    return grade_document(path, read.value, rubric, course, student=student, timeout=timeout)


__all__ = ["grade_submission", "grade_document", "grade_question", "error_result", "student_id_from_path",
           "IngestError", "Verdict"]
