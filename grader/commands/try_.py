"""`grader try`: grade one question against one answer, or against generated right and wrong variants."""

from __future__ import annotations

import argparse
import os
import pickle
import select
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from grader.commands.common import ExitCode, add_course_option, load_rubric_or_exit
from grader.grading.defaults import DEFAULT_TIMEOUT
from grader.terminal import safe

if TYPE_CHECKING:
    from grader.course.directory import Course
    from grader.course.rubric import Question
    from grader.grading.results import QuestionResult

EXAMPLES = """examples:
  grader try --assignment conv-2026 --question 1 answer.md            # an answer in a file
  grader try --assignment conv-2026 --question 1 --answer '$k = 3$, $s = 2$, $p = 1$'
  grader try --assignment conv-2026 --question 2 --variants           # right and wrong variants of the reference
  grader try --assignment conv-2026 --question 2 --variants --course ~/course

The answer is graded as the text under the question's heading of a write-up would be, in a worker of its own
that is stopped at --timeout. With --variants the exit status is 1 when a right variant is not graded correct or
a wrong one is (each such line is marked `!!`), 0 otherwise.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("try", help="grade one question against an answer or generated variants",
                              description="Grade one rubric question against one answer (a file or --answer) "
                                          "and print its status, score and findings; or, with --variants, "
                                          "against right and wrong variants of the rubric's reference answer.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("answer_file", nargs="?", metavar="ANSWER_FILE", help="a file holding the answer's text")
    p.add_argument("--assignment", metavar="ID", required=True)
    p.add_argument("--question", metavar="Q", required=True, help="the question id, as in the rubric")
    p.add_argument("--answer", metavar="TEXT", help="the answer's text (instead of ANSWER_FILE)")
    p.add_argument("--variants", action="store_true", help="grade generated variants of the reference answer")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit per answer (default {DEFAULT_TIMEOUT:g})")
    add_course_option(p)
    p.set_defaults(func=run)


def grade_text(question: Question, text: str, course: Course, timeout: float) -> QuestionResult | str:
    """Grade `text` as the answer to `question` in a forked worker stopped after `timeout` seconds; the result,
    or why there is none."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: grade, send the pickled result, leave without running the parent's cleanup
        code = 0
        try:
            os.close(read_fd)
            os.setpgid(0, 0)  # its own group, so a timeout also stops what it started (sympy workers)
            os.write(write_fd, pickle.dumps(_grade(question, text, course, timeout)))
        except BaseException:  # noqa: BLE001 - the parent reports an empty reply
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return f"grading took longer than the {timeout:g} s limit"
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
        os.waitpid(pid, 0)
    if not chunks:
        return "the grading worker ended without a result"
    result: QuestionResult = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's bytes
    return result


def _grade(question: Question, text: str, course: Course, timeout: float) -> QuestionResult:
    from grader.grading.pipeline import grade_question
    from grader.read.ingest import Document
    from grader.read.segment import Answer

    lines = tuple(text.replace("\r\n", "\n").split("\n"))
    numbers = tuple(range(1, len(lines) + 1))
    doc = Document(path="<answer>", lines=lines, line_numbers=numbers)
    return grade_question(question, Answer(question.id, lines, numbers), doc, course, timeout)


def _score(r: QuestionResult) -> str:
    return f"{r.score:g}/{r.max_score:g}"


def _print_result(r: QuestionResult) -> None:
    print(f"question {r.id}: {r.status.value}, {_score(r)}")
    for f in r.findings:
        where = f"line {f.line}: " if f.line is not None else ""
        print(f"  [{f.severity.value}] {where}{safe(f.message)}")


def run(args: argparse.Namespace) -> int:
    if args.variants == bool(args.answer_file or args.answer is not None):
        print("grader try: give ANSWER_FILE, --answer TEXT, or --variants (exactly one)", file=sys.stderr)
        return ExitCode.USAGE
    if args.answer_file and args.answer is not None:
        print("grader try: give ANSWER_FILE or --answer, not both", file=sys.stderr)
        return ExitCode.USAGE
    course, rubric = load_rubric_or_exit(args.course, args.assignment)
    if course is None or rubric is None:
        return ExitCode.USAGE
    try:
        question = rubric.assignment.question(args.question)
    except KeyError:
        ids = ", ".join(q.id for q in rubric.assignment.questions)
        print(f"grader try: no question {args.question!r} in {rubric.path} (its questions: {ids})", file=sys.stderr)
        return ExitCode.USAGE
    if args.variants:
        return _variants(question, course, args.timeout)
    if args.answer_file:
        try:
            text = Path(args.answer_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"grader try: {args.answer_file}: cannot be read ({exc})", file=sys.stderr)
            return ExitCode.USAGE
    else:
        text = args.answer
    result = grade_text(question, text, course, args.timeout)
    if isinstance(result, str):
        print(f"question {question.id}: error ({result})")
        return ExitCode.GRADING_ERROR
    _print_result(result)
    return ExitCode.GRADING_ERROR if result.status.value == "error" else ExitCode.OK


def _checks_pass(result: QuestionResult, positions: tuple[int, ...]) -> bool:
    """Whether the checks at these positions of the question (as the result's details list them) all passed."""
    checks = result.details.get("checks") or []
    return all(i < len(checks) and checks[i].get("verdict") == "pass" for i in positions)


def _variants(question: Question, course: Course, timeout: float) -> int:
    from grader.commands.try_variants import RIGHT, variants

    made, notes = variants(question)
    for note in notes:
        print(f"note: {note}")
    if not made:
        print(f"grader try: question {question.id} has no check with a reference answer to vary "
              "(final_answer, number, complexity, constraint with an example)", file=sys.stderr)
        return ExitCode.USAGE
    width = max(len(v.name) for v in made)
    surprises = 0
    print(f"question {question.id}: {len(made)} variants")
    print(f"   {'variant':<{width}}  {'expect':<10}  {'status':<12}  {'score':<7}  answer")
    for v in made:
        result = grade_text(question, v.text, course, timeout)
        status = result if isinstance(result, str) else result.status.value
        score = "-" if isinstance(result, str) else _score(result)
        got_right = not isinstance(result, str) and (
            result.status.value == "correct" if not v.judged_by else _checks_pass(result, v.judged_by))
        # a right variant must be correct; a wrong or incomplete one must not be
        surprise = not got_right if v.expect == RIGHT else got_right
        surprises += surprise
        answer = " / ".join(line for line in v.text.split("\n") if line.strip())
        print(f"{'!! ' if surprise else '   '}{v.name:<{width}}  {v.expect:<10}  {status:<12}  {score:<7}  "
              f"{safe(answer)}")
    print(f"{surprises} surprise(s)" if surprises else "every variant graded as expected")
    return ExitCode.GRADING_ERROR if surprises else ExitCode.OK
