"""Tests of grader.course.rubric: valid rubrics load; every kind of mistake is named with file, question and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.rubric import RubricError, load_rubric, parse_rubric

GOOD = """
assignment: demo
title: Demo
questions:
  - id: "1.1"
    points: 4
    checks:
      - kind: keywords
        any: [viterbi]
      - kind: keywords
        role: item
        points: 1
        any: [dynamic programming]
  - id: "1.2"
    points: 2
    review: true
    review_reason: a drawing
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def problems(tmp_path: Path, text: str, name: str = "demo.yaml", bank: Path | None = None) -> list[str]:
    with pytest.raises(RubricError) as exc:
        load_rubric(write(tmp_path, text, name), bank)
    return exc.value.problems


def test_good_rubric_loads(tmp_path: Path) -> None:
    loaded = load_rubric(write(tmp_path, GOOD))
    a = loaded.assignment
    assert [q.id for q in a.questions] == ["1.1", "1.2"]
    assert a.max_score == 6
    assert a.questions[0].checks[0].params == {"any": ["viterbi"]}
    assert a.questions[0].checks[1].role == "item"
    assert len(loaded.digest) == 16


def test_typo_in_field_is_named(tmp_path: Path) -> None:
    got = problems(tmp_path, GOOD.replace("points: 2", "pionts: 2"))
    p = str(tmp_path / "demo.yaml")
    assert f"{p}: question 1.2: field 'pionts': Extra inputs are not permitted" in got
    assert f"{p}: question 1.2: field 'points': Field required" in got


def test_unknown_check_kind_and_bad_params(tmp_path: Path) -> None:
    text = GOOD.replace("kind: keywords\n        any: [viterbi]", "kind: keyword\n        any: [viterbi]")
    got = problems(tmp_path, text)
    assert any("question 1.1: field 'checks[1].kind': unknown check kind 'keyword'" in g for g in got)
    text = GOOD.replace("any: [viterbi]", "anyy: [viterbi]")
    got = problems(tmp_path, text)
    assert any("question 1.1: field 'checks[1].anyy': Extra inputs are not permitted" in g for g in got)


def test_numeric_id_duplicate_id_and_overallocation(tmp_path: Path) -> None:
    text = GOOD.replace('id: "1.2"', "id: 1.2")
    assert any("question 1.2: field 'id': Value error, write the id as a quoted string" in g
               for g in problems(tmp_path, text))
    text = GOOD.replace('id: "1.2"', 'id: "1.1"')
    assert any("question 1.1: field 'id': appears twice" in g for g in problems(tmp_path, text))
    text = GOOD.replace("points: 1\n", "points: 5\n")
    assert any("items add up to 5, over the question's 4 points" in g for g in problems(tmp_path, text))


def test_review_needs_reason_and_checkless_question_needs_review(tmp_path: Path) -> None:
    text = GOOD.replace("    review_reason: a drawing\n", "")
    assert any("question 1.2: field 'review_reason'" in g for g in problems(tmp_path, text))
    text = GOOD.replace("    review: true\n    review_reason: a drawing\n", "")
    assert any("question 1.2: field 'checks': no check" in g for g in problems(tmp_path, text))


def test_assignment_must_match_file_name_and_yaml_errors_have_lines(tmp_path: Path) -> None:
    assert any("field 'assignment': is 'demo' but the file is named 'other.yaml'" in g
               for g in problems(tmp_path, GOOD, "other.yaml"))
    got = problems(tmp_path, "assignment: demo\nquestions: [\n  - x: :\n")
    assert got[0].startswith(f"{tmp_path / 'demo.yaml'}: line ") and "not valid YAML" in got[0]


def test_bank_entries_fill_questions_and_rubric_fields_win(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "dec.yaml").write_text("questions:\n  vit:\n    title: From the bank\n    checks:\n"
                                   "      - {kind: keywords, any: [viterbi]}\n")
    loaded = load_rubric(write(tmp_path, "assignment: demo\nquestions:\n"
                                         "  - {id: '2', points: 3, bank: dec.vit}\n"
                                         "  - {id: '3', points: 1, bank: dec.vit, title: Mine}\n"), bank)
    q2, q3 = loaded.assignment.questions
    assert q2.title == "From the bank" and q2.checks[0].kind == "keywords"
    assert q3.title == "Mine"
    got = problems(tmp_path, "assignment: demo\nquestions:\n  - {id: '2', points: 3, bank: dec.nope}\n", bank=bank)
    assert got == [f"{tmp_path / 'demo.yaml'}: question 2: field 'bank': no bank entry 'dec.nope' in {bank / 'dec.yaml'}"]


def test_digest_changes_with_content(tmp_path: Path) -> None:
    a = parse_rubric(GOOD, Path("demo.yaml")).digest
    b = parse_rubric(GOOD.replace("points: 4", "points: 5"), Path("demo.yaml")).digest
    assert a != b


def test_builds_on_names_other_questions_of_the_rubric(tmp_path: Path) -> None:
    text = GOOD.replace('  - id: "1.2"\n    points: 2\n', '  - id: "1.2"\n    points: 2\n    builds_on: ["1.1"]\n')
    assert load_rubric(write(tmp_path, text)).assignment.question("1.2").builds_on == ("1.1",)
    one = GOOD.replace('  - id: "1.2"\n    points: 2\n', '  - id: "1.2"\n    points: 2\n    builds_on: "1.1"\n')
    assert load_rubric(write(tmp_path, one)).assignment.question("1.2").builds_on == ("1.1",)
    p = str(tmp_path / "demo.yaml")
    unknown = text.replace('builds_on: ["1.1"]', 'builds_on: ["1.1", "1.3"]')
    assert f"{p}: question 1.2: field 'builds_on': no question '1.3' in this rubric" in problems(tmp_path, unknown)
    itself = text.replace('builds_on: ["1.1"]', 'builds_on: ["1.2"]')
    assert f"{p}: question 1.2: field 'builds_on': a question cannot build on itself" in problems(tmp_path, itself)
    number = text.replace('builds_on: ["1.1"]', "builds_on: [1.1]")
    assert any(g.startswith(f"{p}: question 1.2: field 'builds_on': Value error, write each id as a quoted string")
               for g in problems(tmp_path, number))


SYMBOLS = GOOD.replace("title: Demo\n", "title: Demo\nsymbols:\n  x: vector\n  W: matrix\n  g: '\\gamma'\n").replace(
    '  - id: "1.2"\n', '  - id: "1.2"\n    symbols: {x: scalar}\n')


def test_symbols_block_is_merged_under_each_questions_own(tmp_path: Path) -> None:
    from grader.math.shapes import Notation

    a = load_rubric(write(tmp_path, SYMBOLS)).assignment
    first, second = (Notation.read(q.symbols) for q in a.questions)
    assert first.shapes == {"x": "vector", "W": "matrix"} and first.aliases == {"g": "gamma"}
    assert second.shapes == {"x": "scalar", "W": "matrix"}  # the question's own declaration wins


def test_malformed_symbols_name_file_question_and_field(tmp_path: Path) -> None:
    p = str(tmp_path / "demo.yaml")
    got = problems(tmp_path, SYMBOLS.replace("symbols: {x: scalar}", "symbols: {y: 'a + b'}"))
    assert len(got) == 1 and got[0].startswith(f"{p}: question 1.2: field 'symbols.y': ")
    got = problems(tmp_path, SYMBOLS.replace("  W: matrix\n", "  W: [matrix]\n"))
    assert len(got) == 1 and got[0].startswith(f"{p}: field 'symbols.W': "), got  # once, not per question


CLAIMS = """
assignment: demo
questions:
  - id: "1"
    points: 2
    checks:
      - kind: keywords
        any: [{math: '\\frac{1}{'}, '  ', {re: '(', why: 'a reason'}, {re: 'x+'}, {re: 'x', why: ' '}, 're:[',
              {why: 'no pattern'}]
        synonyms: {vanish: ['']}
        aliases: {'\\frac{': x}
      - kind: free_text
        claims: [{claim: c, any: [{math: ''}]}]
      - kind: keywords
        any: [{notation: 'arg max'}, {words: [small]}, {words: [small, more], within: -1}, {notation: '\\a', why: x}]
"""


def test_malformed_claims_name_file_question_and_field(tmp_path: Path) -> None:
    # entries are numbered from 1, as the checks are (docs/instructor-guide.md: `checks[2].any.3`)
    found = problems(tmp_path, CLAIMS)
    text = "\n".join(found)
    assert all(p.startswith(f"{tmp_path / 'demo.yaml'}: question 1: field 'checks[") for p in found), text
    for field, words in [("checks[1].any.1", "cannot read the LaTeX"), ("checks[1].any.2", "empty phrase"),
                         ("checks[1].any.3", "does not compile"), ("checks[1].any.4", "why"),
                         ("checks[1].any.5", "say why"), ("checks[1].any.6", "does not compile"),
                         ("checks[1].any.7", "needs its pattern"), ("checks[1].synonyms", "empty phrase"),
                         ("checks[1].aliases", "cannot read the alias"),
                         ("checks[2].claims.1.any.1", "empty formula"),
                         ("checks[3].any.1", "not notation"), ("checks[3].any.2", "2 to 8 words"),
                         ("checks[3].any.3", "0 to 40"), ("checks[3].any.4", "why")]:
        assert any(f"field '{field}'" in p and words in p for p in found), (field, text)


def test_claims_of_every_form_load() -> None:
    from grader.checks.keywords import KeywordParams
    from grader.read.evidence import MathClaim, NotationClaim, Pattern, WordsClaim

    p = KeywordParams.model_validate({"any": ["vanish", {"math": "n^2"}, {"re": "x+", "why": "w"}, "re:y",
                                             {"notation": "\\nabla"}, {"words": ["a", "b"], "within": 2}]})
    assert [type(e) for e in p.any] == [str, MathClaim, Pattern, str, NotationClaim, WordsClaim]


def test_overriding_a_bank_entrys_checks_keeps_its_world(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "mom.yaml").write_text("questions:\n  unroll:\n    checks:\n"
                                   "      - {kind: keywords, any: [unroll]}\n"
                                   "      - {kind: derivation, role: steps, world: 'worlds/m.py:w'}\n")
    loaded = load_rubric(write(tmp_path, "assignment: demo\nquestions:\n"
                                         "  - {id: '1', points: 3, bank: mom.unroll, checks: [{kind: keywords, any: [x]}]}\n"
                                         "  - id: '2'\n    points: 3\n    bank: mom.unroll\n"
                                         "    checks: [{kind: keywords, any: [x]}]\n"
                                         "    add_checks: [{kind: derivation, role: steps, world: 'worlds/m.py:own'}]\n"
                                         "  - {id: '3', points: 3, bank: mom.unroll}\n"), bank)
    q1, q2, q3 = loaded.assignment.questions
    assert [(c.kind, c.params.get("world")) for c in q1.checks] == [("keywords", None), ("derivation", "worlds/m.py:w")]
    # a derivation check of the rubric's own replaces the bank's
    assert [c.params.get("world") for c in q2.checks if c.kind == "derivation"] == ["worlds/m.py:own"]
    assert [c.kind for c in q3.checks] == ["keywords", "derivation"]
