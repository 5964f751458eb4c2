"""Rubric files: one YAML per assignment, validated at load time with errors naming file, question and field."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from grader.course import kinds

# libyaml's loader where it is built in: the pure-Python one costs ~0.4 s per command on a course's rubrics
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Role = Literal["answer", "claim", "steps", "item", "evidence"]
CHECK_KEYS = ("kind", "role", "points", "label")


class FileProblems(Exception):
    """Every problem found in one course file, one line each; the message is all of them."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RubricError(FileProblems):
    """Every problem found in one rubric file, each as `file: question Q: field F: message`."""


def yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    """One line for a file that is not valid YAML: the file, the line, and what the parser said."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "?"
    return f"{path}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})"


class CheckSpec(BaseModel):
    """One check of a question: its kind, what it counts for, and its kind-specific parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    role: Role = "answer"  # answer/claim gate the question; steps find false steps; item is partial credit
    points: float | None = Field(default=None, ge=0)  # only for role `item`
    label: str = ""  # what the check looks for, in words a student understands
    params: dict[str, Any] = Field(default_factory=dict)


class Feedback(BaseModel):
    """Text shown to the student for each status of a question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    correct: str = ""
    partial: str = ""
    incorrect: str = ""
    missing: str = ""
    needs_review: str = ""


class Question(BaseModel):
    """One question of an assignment, as its rubric author wrote it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    bank: str = ""  # `topic.key` of the question bank entry this question reuses (reference/bank/topic.yaml)
    points: float = Field(gt=0)
    title: str = ""
    prompt: str = ""  # the handout's question text, used to strip it where a write-up repeats it
    review: bool = False  # a person decides this question; `review_reason` says why
    review_reason: str = ""
    false_step_credit: float = Field(default=0.5, ge=0, le=1)  # share kept for a right answer with a false step
    # ids of questions whose answers' definitions (`k = 3`, `s = 2`) this question's derivation steps may use;
    # without it, what one answer defines stays in that answer
    builds_on: tuple[str, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    feedback: Feedback = Feedback()
    # the handout's notation: name -> scalar | vector | matrix, or the rubric's name for a student's (`x: X`);
    # the assignment's `symbols:` is merged in below the question's own (grader/math/shapes.py reads it)
    symbols: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        # YAML reads 2.1 as a float; ids are text, and "2.10" must stay "2.10"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            raise ValueError("write the id as a quoted string, e.g. \"2.1\"")
        return v

    @field_validator("builds_on", mode="before")
    @classmethod
    def _ids_as_text(cls, v: Any) -> Any:
        if isinstance(v, str):
            return (v,)  # one id written without the list brackets
        if isinstance(v, (list, tuple)):
            for item in v:
                if isinstance(item, (int, float)) and not isinstance(item, bool):
                    raise ValueError(f"write each id as a quoted string, e.g. [\"{item}\"]")
        return v


class Assignment(BaseModel):
    """A whole rubric: the assignment id, its questions in order, and how points were chosen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assignment: str
    title: str = ""
    points_note: str = ""  # where the handout gives no points, how the author chose them
    symbols: dict[str, Any] = Field(default_factory=dict)  # notation shared by every question (docs/math.md)
    questions: tuple[Question, ...]

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


@dataclass(frozen=True)
class BankOrigin:
    """Where a question's bank entry lives, and which of the question's fields and checks came from it."""

    file: Path
    key: str
    fields: frozenset[str]  # top-level fields the entry gave (the rubric did not write them)
    checks: tuple[bool, ...]  # per check, in order (after `add_checks`): whether the entry gave it

    def gave(self, field: str) -> bool:
        """Whether the problem at `field` (`checks[2].expected`, `symbols.w`) is in the entry's text."""
        top, _, rest = field.partition("[")
        top = top.partition(".")[0]
        if top == "checks" and rest:
            index = rest.partition("]")[0]
            if index.isdigit() and 1 <= int(index) <= len(self.checks):
                return self.checks[int(index) - 1]
        return top in self.fields


def question_where(qid: Any, field: str, origins: dict[str, BankOrigin]) -> str:
    """`question Q`, naming the bank entry too where the problem at `field` is in the entry's text."""
    origin = origins.get(str(qid))
    if origin is not None and origin.gave(field):
        return f"question {qid} (from bank {origin.file} entry {origin.key})"
    return f"question {qid}"


@dataclass(frozen=True)
class LoadedRubric:
    """A validated assignment with the file it came from and a hash of its content."""

    assignment: Assignment
    path: Path
    digest: str
    origins: dict[str, BankOrigin] = dc_field(default_factory=dict)  # question id -> its bank entry

    def where(self, qid: str, field: str) -> str:
        """`file: question Q (from bank F entry K)`: where a problem of question `qid` at `field` is written."""
        return f"{self.path}: {question_where(qid, field, self.origins)}"


def _split_check(raw: Any) -> Any:
    """Move a check's kind-specific keys under `params`, so the YAML can stay flat."""
    if not isinstance(raw, dict):
        return raw
    out = {k: v for k, v in raw.items() if k in CHECK_KEYS}
    params = {k: v for k, v in raw.items() if k not in CHECK_KEYS}
    out["params"] = params
    return out


def _loc(loc: tuple[Any, ...], data: dict[str, Any],
         origins: dict[str, BankOrigin] | None = None) -> tuple[str, str]:
    """(question part, field part) of a pydantic error location, naming the question by its id."""
    question = ""
    parts: list[str] = []
    i = 0
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        qs = data.get("questions") or []
        qid = qs[loc[1]].get("id") if loc[1] < len(qs) and isinstance(qs[loc[1]], dict) else None
        question = f"question {qid}" if qid is not None else f"question #{loc[1] + 1}"
        i = 2
    for part in loc[i:]:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else str(part))
    field = ".".join(parts).replace(".[", "[")
    if question and qid is not None:
        question = question_where(qid, field, origins or {})
    return question, field


_WRITE_AS = {"string_type": "text (a number or words; quote LaTeX)", "tuple_type": "a list, or one item",
             "list_type": "a list, or one item", "dict_type": "a mapping (`name: value` lines)",
             "float_type": "a number", "int_type": "a whole number", "bool_type": "true or false",
             "float_parsing": "a number", "int_parsing": "a whole number", "bool_parsing": "true or false"}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing"
    return f"{value!r}"


def param_message(err: Any) -> str:
    """A check parameter's error in a rubric author's words: what the field takes and what it was given."""
    kind = err.get("type", "")
    if kind in _WRITE_AS:
        return f"write {_WRITE_AS[kind]} here, not {_kind_of(err.get('input'))}"
    msg = str(err.get("msg", ""))
    return msg.replace("Value error, ", "")


def _problem(path: Path, question: str, field: str, message: str) -> str:
    where = ": ".join(p for p in (str(path), question, f"field '{field}'" if field else "") if p)
    return f"{where}: {message}"


_outer_problem = _problem  # `_semantic_problems` wraps it to name a question's bank entry


def _resolve_bank(data: dict[str, Any], path: Path, bank_dir: Path | None, problems: list[str],
                  origins: dict[str, BankOrigin] | None = None) -> set[str]:
    """Fill questions that name a bank entry with that entry's fields; the rubric's own fields win.

    Returns the ids of questions whose entry could not be found (their other problems follow from it); `origins`
    gains, per question id, which of its fields and checks the entry gave."""
    failed: set[str] = set()
    cache: dict[str, Any] = {}
    for q in data.get("questions") or []:
        if not isinstance(q, dict) or not q.get("bank"):
            continue
        ref = str(q["bank"])
        where = f"question {q.get('id', '?')}"
        topic, _, key = ref.partition(".")
        if bank_dir is None or not key:
            problems.append(_problem(path, where, "bank", f"{ref!r} is not `topic.key` of a bank file"))
            failed.add(str(q.get("id")))
            continue
        if topic not in cache:
            bank_file = bank_dir / f"{topic}.yaml"
            try:
                cache[topic] = yaml.load(bank_file.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
            except FileNotFoundError:
                cache[topic] = None
            except yaml.YAMLError as exc:
                problems.append(f"{bank_file}: not valid YAML ({exc})")
                cache[topic] = None
        entries = (cache[topic] or {}).get("questions", {}) if isinstance(cache[topic], dict) else {}
        entry = entries.get(key) if isinstance(entries, dict) else None
        if not isinstance(entry, dict):
            problems.append(_problem(path, where, "bank", f"no bank entry {ref!r} in {bank_dir / (topic + '.yaml')}"))
            failed.add(str(q.get("id")))
            continue
        own = set(q)
        own_added = len(q["add_checks"]) if isinstance(q.get("add_checks"), list) else 0
        _keep_world(q, entry)
        for field_name, value in entry.items():
            q.setdefault(field_name, value)
        if origins is not None:
            origins[str(q.get("id"))] = _origin(q, own, own_added, bank_dir / f"{topic}.yaml", key)
    return failed


def _origin(q: dict[str, Any], own: set[str], own_added: int, file: Path, key: str) -> BankOrigin:
    """Which fields and checks of a question filled from a bank entry are the entry's (before `add_checks` merge)."""
    base = q.get("checks")
    added = q.get("add_checks")
    base = base if isinstance(base, list) else []
    added = added if isinstance(added, list) else []
    # `add_checks` is the rubric's own (when it wrote one) and then the entry's kept world checks
    added_from_entry = [k >= own_added for k in range(len(added))] if "add_checks" in own else [True] * len(added)
    checks = tuple([("checks" not in own)] * len(base) + added_from_entry)
    return BankOrigin(file, key, frozenset(k for k in q if k not in own), checks)


def _notation_problems(spec: Any, path: Path, where: str) -> list[str]:
    """A `symbols:` block read as grader.math.shapes does, each malformed entry one problem naming its field."""
    from grader.math.shapes import Notation, NotationError

    try:
        Notation.read(spec)
    except NotationError as exc:
        return [_problem(path, where, f"symbols.{exc.field}" if exc.field else "symbols", str(exc))]
    return []


def _merge_symbols(data: dict[str, Any], path: Path, problems: list[str]) -> None:
    """Each question's `symbols` over the assignment's; a malformed assignment block is reported once, not merged."""
    shared = data.get("symbols")
    if shared is None:
        return
    own = _notation_problems(shared, path, "")
    problems.extend(own)
    if own or not isinstance(shared, dict):
        return
    for q in data["questions"]:
        if isinstance(q, dict) and isinstance(q.get("symbols", {}), dict):
            q["symbols"] = {**shared, **(q.get("symbols") or {})}


def _is_derivation(check: Any) -> bool:
    return isinstance(check, dict) and check.get("kind") == "derivation"


def _keep_world(q: dict[str, Any], entry: dict[str, Any]) -> None:
    """A rubric that overrides a bank entry's `checks` keeps the entry's world (its derivation checks), unless it
    checks the derivation itself (a `derivation` check in its `checks` or `add_checks`, e.g. with its own letters)."""
    own, theirs, extra = q.get("checks"), entry.get("checks"), q.get("add_checks")
    if not isinstance(own, list) or not isinstance(theirs, list):
        return
    added: list[Any] = extra if isinstance(extra, list) else []
    if any(_is_derivation(c) for c in [*own, *added]):
        return
    worlds = [c for c in theirs if _is_derivation(c)]
    if worlds:
        q["add_checks"] = [*added, *worlds]


def parse_rubric(text: str, path: Path, bank_dir: Path | None = None) -> LoadedRubric:
    """Validate rubric YAML text; raise RubricError listing every problem found."""
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise RubricError([yaml_problem(path, exc)]) from None
    if not isinstance(data, dict):
        raise RubricError([f"{path}: a rubric is a mapping with 'assignment' and 'questions'"])
    bank_problems: list[str] = []
    unresolved: set[str] = set()
    origins: dict[str, BankOrigin] = {}
    bank_text = ""
    if isinstance(data.get("questions"), list):
        unresolved = _resolve_bank(data, path, bank_dir, bank_problems, origins)
        for q in data["questions"]:
            # `add_checks` extends the (bank's) checks, e.g. with a world that differs between handouts
            if isinstance(q, dict) and isinstance(q.get("add_checks"), list):
                q["checks"] = list(q.get("checks") or []) + q.pop("add_checks")
        _merge_symbols(data, path, bank_problems)
        # the hash must change when a bank entry the rubric uses changes
        bank_text = json.dumps(data, sort_keys=True, default=str)  # a stable text to hash; YAML's dumper is slow
        data["questions"] = [
            {**q, "checks": [_split_check(c) for c in q.get("checks", []) or []]} if isinstance(q, dict) else q
            for q in data["questions"]
        ]
    try:
        assignment = Assignment.model_validate(data)
    except ValidationError as exc:
        problems = list(bank_problems)
        for err in exc.errors():
            question, field = _loc(tuple(err["loc"]), data, origins)
            problems.append(_problem(path, question, field, err["msg"]))
        raise RubricError(problems) from None
    read: dict[int, BaseModel] = {}  # each check's parameters as its kind read them, by id of its spec
    problems = bank_problems + _semantic_problems(assignment, path, unresolved, origins, read)
    if problems:
        raise RubricError(problems)
    digest = hashlib.sha256((text + bank_text).encode()).hexdigest()[:16]
    return LoadedRubric(assignment=_params_as_read(assignment, read), path=path, digest=digest, origins=origins)


def _params_as_read(a: Assignment, read: dict[int, BaseModel]) -> Assignment:
    """Each check's parameters with the values its kind reads them as where the rubric's differ in form (`12` as
    `'12'`, `near: output` as `[output]`, a bare growth as its Θ class), so that every reader of a check's raw
    parameters (the self-check pack, `grader try --variants`) reads what grading reads. `read` holds the
    parameters as validation read them."""
    questions = []
    for q in a.questions:
        checks = tuple(spec.model_copy(update={"params": _read_params(spec, read[id(spec)])}) for spec in q.checks)
        changed = any(new.params is not old.params for new, old in zip(checks, q.checks))
        questions.append(q.model_copy(update={"checks": checks}) if changed else q)
    return a.model_copy(update={"questions": tuple(questions)})


def _read_params(spec: CheckSpec, read: BaseModel) -> dict[str, Any]:
    out: dict[str, Any] | None = None
    for key, raw in spec.params.items():
        value = getattr(read, key, None)
        # text and lists of text only: entries read into objects (a formula claim) stay as the rubric wrote them
        if not (isinstance(value, str) or (isinstance(value, tuple) and all(isinstance(v, str) for v in value))):
            continue
        same = raw == value or (isinstance(raw, list) and tuple(raw) == value)
        if not same:
            out = out if out is not None else dict(spec.params)
            out[key] = list(value) if isinstance(value, tuple) else value
    return out if out is not None else spec.params


def _semantic_problems(a: Assignment, path: Path, unresolved: frozenset[str] | set[str] = frozenset(),
                       origins: dict[str, BankOrigin] | None = None,
                       read: dict[int, BaseModel] | None = None) -> list[str]:
    """What pydantic cannot see: duplicate ids, unknown check kinds, bad check params, over-allocated items;
    each check's parameters as read go into `read` (by id of its spec)."""
    problems: list[str] = []
    origins = origins or {}
    qid = ""  # the question being checked, for `_problem` below

    def _problem(path: Path, question: str, field: str, message: str) -> str:
        # a problem in a bank entry's text names the entry as well as the rubric using it
        if question.startswith("question ") and question == f"question {qid}":
            question = question_where(qid, field, origins)
        return _outer_problem(path, question, field, message)

    if a.assignment != path.stem:
        problems.append(_problem(path, "", "assignment", f"is {a.assignment!r} but the file is named {path.name!r}"))
    seen: set[str] = set()
    ids = {q.id for q in a.questions}
    for q in a.questions:
        qid = q.id
        where = f"question {q.id}"
        if q.id in seen:
            problems.append(_problem(path, where, "id", "appears twice"))
        seen.add(q.id)
        for other in q.builds_on:
            if other == q.id:
                problems.append(_problem(path, where, "builds_on", "a question cannot build on itself"))
            elif other not in ids:
                problems.append(_problem(path, where, "builds_on", f"no question {other!r} in this rubric"))
        if q.symbols:
            problems.extend(_notation_problems(q.symbols, path, question_where(qid, "symbols", origins)))
        if q.review and not q.review_reason:
            problems.append(_problem(path, where, "review_reason", "say why a person must decide this question"))
        if not q.checks and not q.review and q.id not in unresolved:
            problems.append(_problem(path, where, "checks", "no check: add one, or set review: true with a reason"))
        item_points = 0.0
        for i, spec in enumerate(q.checks, start=1):
            field = f"checks[{i}]"
            try:
                cls = kinds.kind(spec.kind)
            except kinds.UnknownCheck:
                problems.append(_problem(path, where, f"{field}.kind",
                                         f"unknown check kind {spec.kind!r} (known: {', '.join(kinds.rubric_kinds())})"))
                continue
            try:
                params = cls.Params.model_validate(spec.params)
                if read is not None:
                    read[id(spec)] = params
            except ValidationError as exc:
                for err in exc.errors():
                    # items of a list are numbered from 1, as the checks are (`checks[2].any.3`: its third entry)
                    sub = ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in err["loc"])
                    problems.append(_problem(path, where, f"{field}.{sub}" if sub else field, param_message(err)))
            if spec.role == "item":
                if spec.points is None:
                    problems.append(_problem(path, where, f"{field}.points", "an item needs points"))
                else:
                    item_points += spec.points
            elif spec.points is not None:
                problems.append(_problem(path, where, f"{field}.points", f"only role 'item' carries points, not {spec.role!r}"))
        if item_points > q.points + 1e-9:
            problems.append(_problem(path, where, "checks",
                                     f"partial-credit items add up to {item_points:g}, over the question's {q.points:g} points"))
    return problems


def load_rubric(path: Path, bank_dir: Path | None = None) -> LoadedRubric:
    """Read and validate one rubric file; `bank_dir` holds the question bank it may draw on."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError([f"{path}: no such rubric file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError([f"{path}: cannot be read ({exc})"]) from None
    return parse_rubric(text, path, bank_dir)
