"""The leak test: a pack's bytes hold none of its assignment's reference answers, raw or folded."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from grader.course.directory import Course
from grader.math.errors import MathError
from grader.math.numbers import read_number
from grader.pack.build import build_pack

REPO = Path(__file__).resolve().parents[2]
RUBRICS = sorted(p.stem for p in (REPO / "rubrics").glob("*.yaml"))
MIN_CHARS = 4  # shorter needles ("0", "a", "c") are in every file; numbers need 3+ significant digits


def fold(text: str) -> str:
    return re.sub(r"[\s\\]+", "", text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _printed(value: Fraction) -> set[str]:
    """The value printed to 3..8 significant digits, as a student or a careless pack would print it."""
    out = set()
    for k in range(3, 9):
        text = f"{float(value):.{k}g}"
        if len(re.sub(r"\D", "", text.lstrip("-0.").split("e")[0])) >= 3:
            out.add(text)
    return out


def _reference_sources(target: str) -> list[str]:
    """Lines of a code check's reference function (read as text, never imported)."""
    filename, _, name = target.partition(":")
    source = (REPO / "reference" / filename).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            segment = ast.get_source_segment(source, node) or ""
            return [ln.strip() for ln in segment.splitlines()[1:] if len(ln.strip()) >= 25
                    and not ln.strip().startswith(("#", '"""'))]
    return []


def _claims(found: dict[str, set[str]], entries: Any) -> None:
    """A claim list's needles: phrases, patterns, notation and words in order as phrases, formulas as math."""
    for p in entries:
        if isinstance(p, dict) and "words" in p:
            found["phrase"].add(" ".join(str(w) for w in p["words"]))
        elif isinstance(p, dict):
            found["math" if "math" in p else "phrase"].add(str(p.get("math", p.get("notation", p.get("re", "")))))
        else:
            found["phrase"].add(p.removeprefix("re:"))


def needles(course: Course, assignment: str) -> tuple[dict[str, set[str]], str, str]:
    """Reference answers by kind; the rubric's public text (prompts, titles, labels, targets, assumptions); and
    its feedback, public too, where a phrase a rubric looks for may appear in the author's own advice."""
    found: dict[str, set[str]] = {"math": set(), "phrase": set(), "number": set(), "code": set()}
    public: list[str] = []
    feedback: list[str] = []
    for q in course.rubric(assignment).assignment.questions:
        public += [q.title, q.prompt]
        feedback += list(q.feedback.model_dump().values())
        for spec in q.checks:
            prm = spec.params
            public.append(spec.label)
            targets = prm.get("target") or ()
            public += [targets] if isinstance(targets, str) else list(targets)
            public += list(prm.get("near", ()) or ()) + list(prm.get("avoid", ()) or ()) + list(prm.get("assume", ()) or ())
            if spec.kind in ("final_answer", "number", "complexity"):
                for latex in [prm["expected"], *prm.get("alternatives", ())]:
                    found["math"].add(str(latex))
                    try:
                        found["number"] |= _printed(read_number(str(latex))[0])
                    except (MathError, ZeroDivisionError):
                        pass
            if spec.kind == "keywords":
                for key in ("any", "all", "none"):
                    _claims(found, prm.get(key, ()) or ())
                for others in (prm.get("synonyms") or {}).values():
                    found["phrase"] |= set(others)
            if spec.kind == "free_text":
                for claim in prm.get("claims", ()):
                    found["phrase"].add(claim["claim"])
                    _claims(found, claim.get("any", ()))
            if spec.kind == "code":
                found["code"] |= set(_reference_sources(prm["reference"]))
    return found, fold(" ".join(p for p in public if p)).lower(), fold(" ".join(feedback)).lower()


def _without_hex(text: str) -> str:
    """The text with its salt, digests and scrambled values (runs of 16+ hex digits with a letter, or of 32+) blanked:
    they are random by construction, and a short answer such as 4640 turns up in them by chance (one build in a few
    did). A long printed number (digits only, under 32) is kept."""
    def blank(m: re.Match[str]) -> str:
        run = m.group(0)
        return " " if len(run) >= 32 or re.search("[a-f]", run) else run

    return re.sub(r"(?<![0-9a-fA-F])[0-9a-f]{16,}(?![0-9a-fA-F])", blank, text)


def _number_in(text: str, number: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(number)}(?!\d)", text) is not None


@pytest.mark.parametrize("assignment", RUBRICS)
def test_pack_holds_no_reference_answer(assignment: str, course: Course, tmp_path: Path) -> None:
    built = build_pack(course, course.rubric(assignment), tmp_path)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    raw = _without_hex("\n".join(p.read_bytes().decode("utf-8", "replace") for p in files))
    decoded = _without_hex("\n".join(_strings(json.loads(built.path.read_text(encoding="utf-8")))))
    haystacks = (raw, decoded)
    folded = fold(decoded).lower()
    found, public, feedback = needles(course, assignment)
    leaks: list[str] = []
    searched = 0
    for kind in ("math", "phrase", "code"):
        for needle in sorted(found[kind]):
            key = fold(needle).lower()
            if len(key) < MIN_CHARS or key in public or kind == "phrase" and key in feedback:
                continue  # too short to mean anything, or stated by the rubric's own public text
            searched += 1
            if re.fullmatch(r"-?\d+", needle):  # a whole number: as a number, not inside a hex digest
                if any(re.search(rf"(?<![\w.]){re.escape(needle)}(?![\w.])", h) for h in haystacks):
                    leaks.append(f"{kind}: {needle!r}")
            elif any(needle in h for h in haystacks) or fold(needle).lower() in folded:
                leaks.append(f"{kind}: {needle!r}")
    for number in sorted(found["number"]):
        if number.lstrip("-") in public:
            continue
        searched += 1
        if any(_number_in(h, number) for h in haystacks):
            leaks.append(f"number: {number}")
    assert searched > 0 or assignment == "attention-lab" and found["code"] == set()
    assert leaks == [], f"{assignment}: the pack holds reference answers: {leaks}"


def _declares_public(source: str) -> bool:
    """`PUBLIC = True` at the module's top level, read without importing the file."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PUBLIC" for t in node.targets):
            return isinstance(node.value, ast.Constant) and node.value.value is True
    return False


@pytest.mark.parametrize("assignment", RUBRICS)
def test_only_public_worlds_are_in_the_pack(assignment: str, course: Course, tmp_path: Path) -> None:
    """A world that holds an answer (no `PUBLIC = True`) never reaches the pack, whole or in part."""
    build_pack(course, course.rubric(assignment), tmp_path)
    shipped = sorted(p for p in tmp_path.rglob("*.py"))
    for path in shipped:
        assert _declares_public(path.read_text(encoding="utf-8")), path
    worlds = sorted((REPO / "reference" / "worlds").rglob("*.py"))  # handout/ holds public parts of split worlds
    private = [p for p in worlds if not _declares_public(p.read_text(encoding="utf-8"))]
    assert private, "every world is public: this test would not notice a private one shipped"
    raw = {ln.strip() for p in shipped for ln in p.read_text(encoding="utf-8").splitlines()}
    public = {ln.strip() for p in worlds if p not in private for ln in p.read_text(encoding="utf-8").splitlines()}
    for path in private:
        own = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()  # lines no public world shares
               if len(ln.strip()) >= 30 and ln.strip() not in public and not ln.strip().startswith(("#", '"""'))]
        assert own and not any(ln in raw for ln in own), f"{path.name} is private but its code is in the pack"


def test_hex_blanking_keeps_readable_text() -> None:
    text = "4640 parameters; digest 9f86d081884c7d659a2feaa0c55ad015 and e3b0c44298fc1c149afbf4c8996fb924"
    assert _without_hex(text) == "4640 parameters; digest   and  "
    assert _without_hex("W^{-1} = 0123456789") == "W^{-1} = 0123456789"  # ten digits: a number, not a digest
    assert _without_hex("0.1250000000000000001") == "0.1250000000000000001"  # a long printing is still searched
