"""Build a self-check pack from a course's rubric: public text copied, every reference turned into a fingerprint."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.course.directory import Course
from grader.math.errors import MathError
from grader.math.shapes import EMPTY, Notation
from grader.pack import FORMAT, PACK_FILE, classes, numbers, phrases, points, relations
from grader.pack.hashing import new_salt
from grader.course.rubric import CheckSpec, LoadedRubric, Question

PUBLIC_FEEDBACK = ("correct", "partial", "incorrect", "missing", "needs_review")
GENERIC_REVIEW = "a TA confirms this question"  # the rubric's review_reason is for TAs and may name answers


@dataclass
class Built:
    """What building wrote, and what it had to leave out or redact (printed by `grader pack`)."""

    path: Path
    notes: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    """Whitespace and backslashes removed: the form a reference is searched for in public text."""
    return re.sub(r"[\s\\]+", "", text)


def _secrets(question: Question) -> list[str]:
    """The reference answers of a question that public text must not quote (long enough to be meaningful)."""
    out: list[str] = []
    for spec in question.checks:
        prm = spec.params
        if spec.kind in ("final_answer", "number", "complexity"):
            out += [str(prm.get("expected", ""))] + [str(a) for a in prm.get("alternatives", ()) or ()]
    return [s for s in (_fold(x) for x in out) if len(s) >= 4]


def _public_text(text: str, secrets: list[str], where: str, notes: list[str]) -> str:
    """Public text as written, unless it quotes a reference answer: then it is left out, and said so."""
    folded = _fold(text)
    if any(s in folded for s in secrets):
        notes.append(f"{where}: quotes a reference answer; left out of the pack")
        return ""
    return text


def _unavailable(spec: CheckSpec, why: str) -> dict[str, Any]:
    return {"kind": "pack_unavailable", "params": {"kind": spec.kind, "why": why}}


def _public_world(course: Course, world: str) -> tuple[str, Path, Path] | None:
    """Where a pack can take the question's world from: (its `world` parameter in the pack, the file, its path under
    reference/), or None when the world is not public.

    A module that declares PUBLIC = True (it holds only what the handout states) is copied as it is. A private one
    may hold the answer-dependent worlds beside the handout's: it names, in HANDOUT, the public module of that part,
    and a world defined there under the same name (the same World) is taken from it (docs/worlds.md)."""
    filename, _, attr = world.partition(":")
    try:
        paths = course.reference_path(filename)
        module = course.reference(filename)
    except Exception:  # noqa: BLE001 - a missing or broken world is simply not copied; `grader validate` reports it
        return None
    if getattr(module, "PUBLIC", False) is True:
        return world, *paths
    handout = getattr(module, "HANDOUT", None)
    if not isinstance(handout, str):
        return None
    try:
        public_paths = course.reference_path(handout)
        public = course.reference(handout)
    except Exception:  # noqa: BLE001 - as above
        return None
    mine, theirs = getattr(module, attr, None), getattr(public, attr, None)
    if getattr(public, "PUBLIC", False) is not True or mine is None or theirs is None \
            or getattr(mine, "name", None) != getattr(theirs, "name", object()) \
            or getattr(mine, "draws", None) != getattr(theirs, "draws", object()):
        return None
    return f"{handout}:{attr}", *public_paths


def _assumptions(q: Question) -> tuple[str, ...]:
    """The `assume` of a question's checks, which its formula claims compare under."""
    out: list[str] = []
    for spec in q.checks:
        out += [a for a in spec.params.get("assume", ()) or () if isinstance(a, str) and a not in out]
    return tuple(out)


class _Translator:
    """Turns each rubric check into the pack check that replays it without its reference."""

    def __init__(self, course: Course, salt: str, out: Path, notes: list[str], answers: list[str] | None = None):
        self.course, self.salt, self.out, self.notes = course, salt, out, notes
        self.notation = EMPTY  # the question being translated's `symbols:` (its fingerprints are sampled under it)
        self.assume: tuple[str, ...] = ()  # the assumptions of the question being translated (its checks')
        self.answers = answers or []  # every reference answer of the assignment, folded (_secrets)

    def check(self, qid: str, i: int, spec: CheckSpec, prompt: str = "") -> dict[str, Any]:
        prm = spec.params
        tag = f"{qid}#{i}"
        if spec.kind == "final_answer":
            forms: list[dict[str, Any] | None] = []
            for j, latex in enumerate([prm["expected"], *prm.get("alternatives", ())]):
                try:
                    forms.append(points.fingerprint(latex, prm.get("assume", ()), self.salt, f"{tag}.{j}",
                                                    self.notation))
                except points.Unfingerprintable as exc:
                    self.notes.append(f"question {qid}: check {i + 1}: accepted form {j + 1} not in the pack ({exc})")
                    forms.append(None)
            if not any(forms):
                return _unavailable(spec, "the accepted answer's form cannot be fingerprinted")
            return {"kind": "pack_final_answer", "params": {
                "target": prm.get("target"), "relation": list(prm.get("relation", ("=",))),
                "assume": list(prm.get("assume", ())), "aliases": dict(prm.get("aliases", {})), "forms": forms}}
        if spec.kind == "number":
            try:
                fp = numbers.fingerprint(str(prm["expected"]), self.salt)
            except MathError:
                return _unavailable(spec, "the reference is not a plain number")
            return {"kind": "pack_number", "params": {
                "target": prm.get("target"), "near": list(prm.get("near", ())), "fingerprint": fp}}
        if spec.kind == "complexity":
            try:
                fp = classes.fingerprint(prm["expected"], prm.get("assume", ()), self.salt)
            except MathError:
                return _unavailable(spec, "the reference class cannot be read")
            alternatives = []
            for j, latex in enumerate(prm.get("alternatives", ()) or (), start=2):
                try:
                    alternatives.append(classes.fingerprint(latex, prm.get("assume", ()), self.salt))
                except MathError:  # the full check cannot read it either: it never matches there
                    self.notes.append(f"question {qid}: check {i + 1}: accepted class {j} not in the pack "
                                      "(it cannot be read)")
            keep = {k: prm[k] for k in ("near", "avoid", "require_theta", "loose_credit", "bound_credit", "assume")
                    if k in prm}
            return {"kind": "pack_complexity", "params": {**keep, "fingerprint": fp, "alternatives": alternatives}}
        if spec.kind == "keywords":
            # formulas are fingerprinted under the assumptions the full check compares under (its own, the question's)
            assume = [*(prm.get("assume") or ()), *(a for a in self.assume if a not in (prm.get("assume") or ()))]
            groups = {k: phrases.hashed(prm.get(k, ()) or (), self.salt, assume, prm.get("synonyms") or {})
                      for k in ("any", "all", "none")}
            if not any(g["digests"] or g["formulas"] or g["notations"] or g["ordered"] for g in groups.values()):
                return _unavailable(spec, "what it looks for is given only as patterns, which a pack does not hold")
            return {"kind": "pack_keywords", "params": {**groups, "assume": assume}}
        if spec.kind == "free_text":
            claims = [{"weight": c.get("weight", 1.0), **phrases.hashed(c.get("any", ()), self.salt, self.assume)}
                      for c in prm.get("claims", ())]
            return {"kind": "pack_free_text", "params": {"claims": claims, "min_words": prm.get("min_words", 5)}}
        if spec.kind == "code":
            return {"kind": "pack_code", "params": {
                "function": prm["function"], "args": [a["name"] for a in prm.get("args", ())]}}
        if spec.kind == "derivation":
            public = _public_world(self.course, prm.get("world", ""))
            if public is None:
                return _unavailable(spec, "the derivation steps are checked in the question's world, which is "
                                          "not public")
            name, path, relative = public
            target = self.out / "reference" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            return {"kind": "derivation", "params": {**prm, "world": name}}
        if spec.kind == "constraint":
            # the relations are the question's conditions, which any valid choice meets; one fixing a value
            # alone would be the answer (relations.withheld_reason), and the rubric's one valid example is
            why = relations.withheld_reason(prm, prompt)
            quoted = [i for i, t in enumerate(prm.get("relations", ()), 1) if any(a in _fold(t) for a in self.answers)]
            if quoted:  # a relation holding another question's reference answer (an output-size formula asked for)
                why = f"its relation {quoted[0]} holds the answer of another question"
            if why:
                return _unavailable(spec, why)
            return {"kind": "constraint", "params": {k: v for k, v in prm.items() if k != "example"}}
        return _unavailable(spec, f"a {spec.kind} check needs the course's references")

    def spec(self, qid: str, i: int, spec: CheckSpec, secrets: list[str], prompt: str = "") -> dict[str, Any]:
        made = self.check(qid, i, spec, prompt)
        if made["kind"].startswith("pack_") and made["kind"] != "pack_unavailable":
            made["params"]["salt"] = self.salt
        out: dict[str, Any] = {"kind": made["kind"], "role": spec.role,
                               "label": _public_text(spec.label, secrets, f"question {qid}: check {i + 1}: label",
                                                     self.notes)}
        if spec.points is not None:
            out["points"] = spec.points
        out["params"] = made["params"]
        return out


def _question(q: Question, tr: _Translator, notes: list[str]) -> dict[str, Any]:
    secrets = _secrets(q)
    tr.notation = Notation.read(q.symbols) if q.symbols else EMPTY
    tr.assume = _assumptions(q)
    feedback = {k: _public_text(getattr(q.feedback, k), secrets, f"question {q.id}: feedback.{k}", notes)
                for k in PUBLIC_FEEDBACK if getattr(q.feedback, k)}
    out: dict[str, Any] = {
        "id": q.id, "points": q.points,
        "title": _public_text(q.title, secrets, f"question {q.id}: title", notes),
        "prompt": _public_text(q.prompt, secrets, f"question {q.id}: prompt", notes),
        "false_step_credit": q.false_step_credit, "feedback": feedback,
        "checks": [tr.spec(q.id, i, spec, secrets, q.prompt) for i, spec in enumerate(q.checks)],
    }
    if q.symbols:
        out["symbols"] = dict(q.symbols)  # the handout's notation: a pack's derivation check applies its aliases
    if q.review:
        out.update(review=True, review_reason=GENERIC_REVIEW)
    return out


def build_pack(course: Course, rubric: LoadedRubric, out: Path, salt: str | None = None) -> Built:
    """Write `out/pack.json` (and any public world files); `out` is emptied of a previous pack first."""
    a = rubric.assignment
    if (out / PACK_FILE).is_file():
        shutil.rmtree(out / "reference", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    built = Built(out / PACK_FILE)
    answers = [s for q in a.questions for s in _secrets(q)]
    tr = _Translator(course, salt or new_salt(), out, built.notes, answers)
    doc = {"format": FORMAT, "assignment": a.assignment, "title": a.title, "salt": tr.salt,
           "questions": [_question(q, tr, built.notes) for q in a.questions]}
    (out / PACK_FILE).write_text(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                 encoding="utf-8")
    return built
