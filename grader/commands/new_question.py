"""`grader new-question`: scaffold a bank entry, a world stub and sample answers, never overwriting anything."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from grader.commands.common import ExitCode, add_course_option

EXAMPLES = """examples:
  grader new-question conv out_size                            # reference/bank/conv.yaml gains entry out_size
  grader new-question conv out_size --assignment conv-2026 --id 1 --points 4
                                                               # ... and rubrics/conv-2026.yaml a question using it

It writes (and refuses to overwrite):
  reference/bank/TOPIC.yaml            the entry, appended (the file is created when new)
  reference/worlds/TOPIC_world.py      a world stub for derivation steps (kept as it is when it exists;
                                       not with --no-world, which leaves out the derivation check too)
  reference/samples/TOPIC/ID/right.md  a right and a wrong sample answer, for `grader try`
  reference/samples/TOPIC/ID/wrong.md
Then edit the entry, and run `grader try --assignment A --question Q ANSWER_FILE` and `grader validate`.
"""
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

ENTRY = """\
  {key}:
    # What the handout asks, as it asks it (a write-up that repeats it is stripped of it).
    title: {key}
    prompt: >-
      Replace with the handout's question text.
    false_step_credit: 0.5
    checks:
{derivation}      # The result: `target` is what the answer gives, `expected` the reference (LaTeX, compared up to equivalence).
      # Other kinds: number (expected: a value), complexity (expected: O(...)), constraint (variables + relations).
      - kind: final_answer
        label: the result
        target: 'y'
        expected: 'x'
    feedback:
      correct: "Right."
      incorrect: "The result is not right; check each step."
      missing: "No answer was found for this question."
      needs_review: "The grader could not read every part; a TA will check them."
"""

DERIVATION = """\
      # The derivation's steps are checked in the world below: bind the handout's symbols in it (`grader validate`
      # warns while it is the untouched stub), or delete this check and the stub when no step needs checking.
      - {{kind: derivation, role: steps, label: derivation steps, world: "worlds/{topic}_world.py:{key}"}}
"""

WORLD = '''"""World of bank topic `{topic}`: the objects its derivation steps are evaluated on (see docs/worlds.md)."""

from __future__ import annotations

from grader.worlds import Draw, Scope, World


def _build(s: Scope) -> None:
    """{stub_doc}"""

'''
# the stub's docstring: `grader validate` warns about a derivation check whose world is still this stub
STUB_DOC = "Bind the handout's symbols here (nothing bound: only statements made of numbers are evaluated)."

WORLD_ENTRY = '''
{key} = World("{topic}.{key}", _build, (Draw(seed=1),), description="{topic}: {key}")
'''

RIGHT = "We find\n\n$$y = x$$\n"
WRONG = "We find\n\n$$y = -x$$\n"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("new-question", help="scaffold a question bank entry, a world and sample answers",
                              description="Write a new bank entry TOPIC.ID with a world stub and sample answers "
                                          "to edit; optionally add a question using it to an assignment's rubric.",
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("topic", metavar="TOPIC", help="bank topic: reference/bank/TOPIC.yaml")
    p.add_argument("key", metavar="ID", help="the entry's key in the topic (lowercase, digits, _)")
    p.add_argument("--assignment", metavar="A", help="also add a question using the entry to rubrics/A.yaml")
    p.add_argument("--id", dest="qid", metavar="Q", help="that question's id (default: the next number)")
    p.add_argument("--points", type=float, default=4.0, metavar="N", help="that question's points (default 4)")
    p.add_argument("--no-world", action="store_true",
                   help="no world stub and no derivation check: the question has no steps to check")
    add_course_option(p)
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"grader new-question: {message}", file=sys.stderr)
    return ExitCode.USAGE


def _questions(path: Path) -> dict[str, object] | list[object] | None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("questions") if isinstance(data, dict) else None


def run(args: argparse.Namespace) -> int:
    course = Path(args.course)
    for what, name in (("TOPIC", args.topic), ("ID", args.key)):
        if not NAME.match(name):
            return _fail(f"{what} {name!r}: use lowercase letters, digits and _, starting with a letter")
    bank = course / "reference" / "bank" / f"{args.topic}.yaml"
    world = course / "reference" / "worlds" / f"{args.topic}_world.py"
    samples = course / "reference" / "samples" / args.topic / args.key
    rubric = course / "rubrics" / f"{args.assignment}.yaml" if args.assignment else None
    # every refusal before anything is written
    try:
        entries = _questions(bank) if bank.exists() else {}
    except yaml.YAMLError as exc:
        return _fail(f"{bank}: not valid YAML ({exc})")
    if bank.exists() and not isinstance(entries, dict):
        return _fail(f"{bank}: has no `questions:` mapping to add to")
    if isinstance(entries, dict) and args.key in entries:
        return _fail(f"{bank}: already has an entry {args.key!r}; nothing written")
    for path in (samples / "right.md", samples / "wrong.md"):
        if path.exists():
            return _fail(f"{path} exists; nothing written")
    if not args.no_world and world.exists() and re.search(rf"(?m)^{args.key}\s*=", world.read_text(encoding="utf-8")):
        return _fail(f"{world}: already defines {args.key!r}; nothing written")
    qid = args.qid
    if rubric is not None:
        try:
            questions = _questions(rubric) if rubric.exists() else []
        except yaml.YAMLError as exc:
            return _fail(f"{rubric}: not valid YAML ({exc})")
        if not isinstance(questions, list):
            return _fail(f"{rubric}: has no `questions:` list to add to")
        ids = [str(q.get("id")) for q in questions if isinstance(q, dict)]
        qid = qid or str(1 + max((int(i) for i in ids if i.isdigit()), default=0))
        if qid in ids:
            return _fail(f"{rubric}: already has a question {qid!r}; nothing written")

    # the new texts, checked to read back as meant before any is written
    new: dict[Path, str] = {}
    bank_text = bank.read_text(encoding="utf-8") if bank.exists() else f"# Bank topic `{args.topic}`.\nquestions:\n"
    derivation = "" if args.no_world else DERIVATION.format(key=args.key, topic=args.topic)
    new[bank] = _appended(bank_text, ENTRY.format(key=args.key, topic=args.topic, derivation=derivation))
    try:
        landed = (yaml.safe_load(new[bank]).get("questions") or {}).get(args.key)
    except (yaml.YAMLError, AttributeError):
        landed = None
    if not isinstance(landed, dict):
        return _fail(f"{bank}: the entry would not land under `questions:` (is it the file's last key?)")
    if not args.no_world:
        world_text = (world.read_text(encoding="utf-8") if world.exists()
                      else WORLD.format(topic=args.topic, stub_doc=STUB_DOC))
        new[world] = _appended(world_text, WORLD_ENTRY.format(key=args.key, topic=args.topic))
    new[samples / "right.md"] = RIGHT
    new[samples / "wrong.md"] = WRONG
    if rubric is not None:
        rubric_text = rubric.read_text(encoding="utf-8") if rubric.exists() else (
            f"assignment: {args.assignment}\ntitle: {args.assignment}\nquestions:\n")
        new[rubric] = _appended(rubric_text, f'  - id: "{qid}"\n    points: {args.points:g}\n'
                                             f'    bank: {args.topic}.{args.key}\n')
        if not any(isinstance(q, dict) and str(q.get("id")) == qid for q in _questions_of(new[rubric])):
            return _fail(f"{rubric}: the question would not land under `questions:` (is it the file's last key?)")
    written = list(new)
    for path, text in new.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in written:
        print(f"wrote {path}")
    print(f"next: edit {bank} (entry {args.key})" + (
        f", then: grader try --assignment {args.assignment} --question {qid} {samples / 'right.md'}"
        if rubric is not None else ", add it to a rubric (bank: " + f"{args.topic}.{args.key}), then grader try"))
    return ExitCode.OK


def _appended(current: str, text: str) -> str:
    """`text` as new lines at the end of `current` (a final newline added first when missing)."""
    return current + ("" if current.endswith("\n") or not current else "\n") + text


def _questions_of(text: str) -> list[object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    questions = data.get("questions") if isinstance(data, dict) else None
    return questions if isinstance(questions, list) else []
