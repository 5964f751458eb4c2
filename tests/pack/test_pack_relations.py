"""A constraint check ships its relations unless one of them fixes a chosen value by itself; never its example."""

from __future__ import annotations

import json
from pathlib import Path

from grader.course.directory import Course
from grader.pack.build import build_pack
from grader.pack.relations import withheld_reason

CONV = {"variables": {"k": {"words": ["kernel size"], "integer": True}, "s": {"words": ["stride"], "integer": True},
                      "p": {"words": ["padding"], "integer": True},
                      "d": {"words": ["dilation"], "integer": True, "default": "1"}},
        "given": {"n": 32},
        "relations": [r"\left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1 = 16", r"k \ge 1", "d = 1"],
        "example": {"k": 3, "s": 2, "p": 1}}
PROMPT = "Choose k, s and p (dilation 1) for a layer that maps a 32 x 32 input to 16 x 16."


def test_conditions_tying_several_values_ship() -> None:
    assert withheld_reason(CONV, PROMPT) == ""


def test_a_value_fixed_alone_is_withheld_unless_the_prompt_states_it() -> None:
    assert "fixes one of the chosen values" in withheld_reason(CONV, "Choose k, s and p for a 16 x 16 output.")
    for relation in ("k = 3", "3 = k", "2k = n", "k = n/2 - 13"):
        assert withheld_reason({**CONV, "relations": [relation]}, PROMPT), relation
    assert withheld_reason({**CONV, "relations": ["k + s = 5", "k = s + 1"]}, PROMPT) == ""  # two values tied


def _course(tmp_path: Path, relations: list[str]) -> Course:
    root = tmp_path / "course"
    (root / "rubrics").mkdir(parents=True)
    check = {"kind": "constraint", **{**CONV, "relations": relations}}
    rubric = {"assignment": "c", "questions": [{"id": "1", "points": 2, "prompt": PROMPT, "checks": [check]}]}
    (root / "rubrics" / "c.yaml").write_text(json.dumps(rubric), encoding="utf-8")
    return Course(root)


def test_the_pack_holds_the_relations_but_not_the_example(tmp_path: Path) -> None:
    course = _course(tmp_path, CONV["relations"])
    built = build_pack(course, course.rubric("c"), tmp_path / "pack")
    check = json.loads(built.path.read_text(encoding="utf-8"))["questions"][0]["checks"][0]
    assert check["kind"] == "constraint" and check["params"]["relations"] == CONV["relations"]
    assert "example" not in check["params"]


def test_a_pinning_relation_makes_the_check_unavailable(tmp_path: Path) -> None:
    course = _course(tmp_path, [*CONV["relations"], "p = 1"])
    built = build_pack(course, course.rubric("c"), tmp_path / "pack")
    check = json.loads(built.path.read_text(encoding="utf-8"))["questions"][0]["checks"][0]
    assert check["kind"] == "pack_unavailable" and "relation 4 fixes" in check["params"]["why"]
    assert "relations" not in json.dumps(check) and "p = 1" not in built.path.read_text(encoding="utf-8")


def test_a_relation_holding_another_questions_answer_is_withheld(tmp_path: Path) -> None:
    root = tmp_path / "course"
    (root / "rubrics").mkdir(parents=True)
    formula = r"\left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1"
    questions = [{"id": "1", "points": 1, "prompt": "The output size?",
                  "checks": [{"kind": "final_answer", "expected": formula}]},
                 {"id": "2", "points": 2, "prompt": PROMPT, "checks": [{"kind": "constraint", **CONV}]}]
    (root / "rubrics" / "c.yaml").write_text(json.dumps({"assignment": "c", "questions": questions}), encoding="utf-8")
    course = Course(root)
    built = build_pack(course, course.rubric("c"), tmp_path / "pack")
    check = json.loads(built.path.read_text(encoding="utf-8"))["questions"][1]["checks"][0]
    assert check["kind"] == "pack_unavailable" and "answer of another question" in check["params"]["why"]
    assert "lfloor" not in built.path.read_text(encoding="utf-8")
