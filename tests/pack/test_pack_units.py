"""Fingerprints replay the full comparisons: numbers by printed precision, classes by hash, phrases by n-grams."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.course.directory import Course
from grader.math import compare_complexity, compare_number, equivalent
from grader.pack import classes, numbers, phrases, points
from grader.pack.build import build_pack
from grader.pack.load import PackError, load_pack

SALT = "unit-salt"


@pytest.mark.parametrize("reference", [r"\frac{31}{12}", "-8.2", r"\frac{155}{144}", "0", "1078", "0.125"])
@pytest.mark.parametrize("student", ["2.58", "2.583", "2.5", "2.6", "3", "-8.2", "-8.25", "-8.16", "-8", "1.076",
                                     "1.08", "1.07", r"\frac{31}{12}", "0", "0.0", "0.01", "1078", "1.08e3", "0.12",
                                     "0.13", "12.5\\%"])
def test_number_fingerprint_agrees_with_compare_number(reference: str, student: str) -> None:
    fp = numbers.fingerprint(reference, SALT)
    assert numbers.compare(student, fp, SALT).verdict == compare_number(student, reference).verdict


@pytest.mark.parametrize("reference,assume,student", [
    (r"\sigma(\mathbf{h}_t)", [], r"\sigma(\mathbf{h}_t)"),
    (r"\sigma(\mathbf{h}_t)", [], r"\tanh(h_t)"),
    (r"\delta^{T}", ["delta >= 0", "delta < 1"], r"(\delta^2)^{T/2}"),
    (r"\delta^{T}", ["delta >= 0", "delta < 1"], r"\delta^{T-1}"),
    (r"\frac{\gamma}{\|\mathbf{u}\|}", ["gamma > 0"], r"\gamma \|u\|^{-1}"),
    (r"\frac{\gamma}{\|\mathbf{u}\|}", ["gamma > 0"], r"\frac{\gamma}{\|\mathbf{u}\|^2}"),
    (r"\epsilon < \frac{2 g^\top g}{g^\top H g}", [], r"\frac{2 g^T g}{g^T H g} > \epsilon"),
    (r"\epsilon < \frac{2 g^\top g}{g^\top H g}", [], r"\epsilon < \frac{g^T g}{g^T H g}"),
    (r"x = x_0 - H^{-1} g", [], r"x - x_0 = -H^{-1}g"),
    (r"x = x_0 - H^{-1} g", [], r"x_0 - H^{-1} g"),
    ("0", [], "0.0"),
    ("0", [], r"\mu - \mu"),
    ("0", [], "1"),
    (r"\max_{i} P_{ij}\delta_{t-1}(i)", [], r"\max_{k} P_{kj}\delta_{t-1}(k)"),
    (r"\max_{i} P_{ij}\delta_{t-1}(i)", [], r"\sum_i P_{ij}\delta_{t-1}(i)"),
    (r"\mathbf{w}^\top\mathbf{x} + \beta", [], r"\mathbf{x}^\top\mathbf{w}+\beta"),
    ("N^{T}", ["N >= 2", "T >= 1"], "N^{T+1}"),
    ("N^{T}", ["N >= 2", "T >= 1"], "N^T"),
])
def test_expression_fingerprint_agrees_with_equivalent(reference: str, assume: list[str], student: str) -> None:
    fp = points.fingerprint(reference, assume, SALT, "t")
    assert points.compare(student, fp, assume, SALT).verdict == equivalent(student, reference, assume).verdict


@pytest.mark.parametrize("student,expected,tight", [
    ("O(N^2 T)", "equivalent", True), ("O(TN^2+TN)", "equivalent", True), (r"\Theta(T N^3)", "different", None),
    ("O(T N^3)", "different", False),  # loose but correct: told apart from a wrong O-class by the hashed terms
    ("O(T N)", "different", None),
])
def test_class_fingerprint(student: str, expected: str, tight: bool | None) -> None:
    fp = classes.fingerprint("O(T N^2)", [], SALT)
    v = classes.compare(student, fp, [], False, SALT)
    full = compare_complexity(student, "O(T N^2)")
    assert (v.verdict, v.tight) == (expected, tight) == (full.verdict, full.tight)


@pytest.mark.parametrize("line,phrase,found", [
    ("It is NOT sufficient, though.", "not sufficient", True),
    ("(zero mean) here", "zero mean", True),
    ("insufficient", "sufficient", False),
    ("a non-zero mean", "zero mean", True),
    ("the  same   thing", "the same", True),
    ("isn't sufficient", "isn't sufficient", True),
    ("sufficiently", "sufficient", False),
])
def test_phrases_match_like_evidence(line: str, phrase: str, found: bool) -> None:
    grams = phrases.answer_grams([line], [1], len(phrase.split()), SALT)
    assert (phrases.phrase_digest(phrase, SALT) in grams) is found


@pytest.mark.parametrize("line", [
    "The weights are normalized per row.", "we normalize", "Normalization helps", "a renormalized sum",
    "more regularization, so smaller weights", "it is more  regularized", "morally regular", "a Bern(p) mask",
    "Bernoulli", "(variance) shrinks", "covariance", "non-negative entries", "it vanishes → 0",
])
@pytest.mark.parametrize("pattern", [r"re:\bnormaliz\w*", r"re:\bmore\s+regulari", r"re:\bbern\b",
                                     r"re:\bvariance", r"re:\bnon-neg", r"re:\bvanish", "normaliz*"])
def test_word_patterns_are_hashed_and_match_as_the_full_check_does(line: str, pattern: str) -> None:
    from grader.read.evidence import find
    from grader.read.segment import Answer

    group = phrases.hashed([pattern], SALT)
    assert group["patterns"] == 0 and len(group["groups"]) == 1
    grams = phrases.answer_grams([line], [1], group["words"], SALT)
    held = any(d in grams for d in group["digests"])  # any of its digests: its word forms, or a negated use
    assert held is (find(Answer("1", (line,), (1,)), pattern) is not None)


def test_other_patterns_stay_out_of_the_pack() -> None:
    group = phrases.hashed([r"re:max", r"re:\\geq?\s*0", r"re:\bvar\s*(\(|\[)", "plain"], SALT)
    assert group["patterns"] == 3 and len(group["groups"]) == 1


def test_pack_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not a self-check pack"):
        load_pack(tmp_path)
    (tmp_path / "pack.json").write_text("{}", encoding="utf-8")
    with pytest.raises(PackError, match="not a grader-pack/1 pack"):
        load_pack(tmp_path)


def test_public_world_is_copied_and_private_one_is_not(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "rubrics").mkdir(parents=True)
    (course / "reference" / "worlds").mkdir(parents=True)
    (course / "reference" / "worlds" / "open.py").write_text("PUBLIC = True\n", encoding="utf-8")
    (course / "reference" / "worlds" / "closed.py").write_text("SECRET = 42\n", encoding="utf-8")
    rubric = {"assignment": "w", "questions": [{"id": "1", "points": 1, "review": True, "review_reason": "r",
                                                "checks": [{"kind": "keywords", "any": ["x"]}]}]}
    (course / "rubrics" / "w.yaml").write_text(json.dumps(rubric), encoding="utf-8")
    loaded = Course(course).rubric("w")
    from grader.pack.build import _Translator
    from grader.course.rubric import CheckSpec
    notes: list[str] = []
    tr = _Translator(Course(course), SALT, tmp_path / "pack", notes)
    open_spec = CheckSpec(kind="derivation", params={"world": "worlds/open.py:W"})
    closed_spec = CheckSpec(kind="derivation", params={"world": "worlds/closed.py:W"})
    assert tr.check("1", 0, open_spec)["kind"] == "derivation"
    assert (tmp_path / "pack" / "reference" / "worlds" / "open.py").is_file()
    assert tr.check("1", 1, closed_spec)["kind"] == "pack_unavailable"
    assert not (tmp_path / "pack" / "reference" / "worlds" / "closed.py").exists()
    built = build_pack(Course(course), loaded, tmp_path / "p2")
    assert load_pack(tmp_path / "p2").assignment.questions[0].review_reason == "a TA confirms this question"
    assert built.notes == []


def test_public_text_quoting_an_answer_is_left_out(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "rubrics").mkdir(parents=True)
    rubric = {"assignment": "q", "questions": [{
        "id": "1", "points": 1, "title": "Find lambda",
        "feedback": {"incorrect": "It should be \\lambda = 2\\eta\\gamma.", "correct": "Right."},
        "checks": [{"kind": "final_answer", "target": "\\lambda", "expected": "2\\eta\\gamma"}]}]}
    (course / "rubrics" / "q.yaml").write_text(json.dumps(rubric), encoding="utf-8")
    built = build_pack(Course(course), Course(course).rubric("q"), tmp_path / "p")
    assert built.notes == ["question 1: feedback.incorrect: quotes a reference answer; left out of the pack"]
    text = (tmp_path / "p" / "pack.json").read_text(encoding="utf-8")
    assert "eta" not in text.replace("\\\\", "\\").replace("feedback", "")
    assert load_pack(tmp_path / "p").assignment.questions[0].feedback.correct == "Right."


def test_check_with_a_pack_says_what_it_did_not_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from grader import cli

    repo = Path(__file__).resolve().parents[2]
    assert cli.main(["pack", "--assignment", "decoding-2021", "--out", str(tmp_path / "p"), "--course", str(repo)]) == 0
    capsys.readouterr()
    writeup = str(repo / "submissions" / "decoding-2021" / "flawed.md")
    assert cli.main(["check", writeup, "--pack", str(tmp_path / "p")]) == 0
    text = capsys.readouterr().out
    assert "time complexity of Viterbi decoding" in text  # a loose bound, now graded as such by the pack
    assert "not checked by the pack" not in text  # every world this assignment uses is public now
    assert "Question 2.1: Number of sequences -- incorrect" in text
    assert "all passed" not in text.lower()
    assert cli.main(["check", writeup, "--pack", str(tmp_path / "nothing")]) == 2
    # an assignment with private worlds (2.3's L2 loss, the chosen initializations) names what it skipped
    assert cli.main(["pack", "--assignment", "optreg-2020", "--out", str(tmp_path / "o"), "--course", str(repo)]) == 0
    capsys.readouterr()
    assert cli.main(["check", str(repo / "submissions" / "optreg-2020" / "flawed.md"), "--pack", str(tmp_path / "o")]) == 0
    assert "not checked by the pack: derivation steps" in capsys.readouterr().out


@pytest.mark.parametrize("line", ["the gradients vanish", "it vanished", "it does not vanish", "it no longer vanishes",
                                  "signals neither vanish nor explode", "vanishing gradients", "a softmax"])
@pytest.mark.parametrize("phrase", ["vanish", "not vanish", "vanishes", "soft", "explode"])
def test_phrases_match_in_the_pack_as_in_the_full_check(line: str, phrase: str) -> None:
    from grader.read.evidence import find
    from grader.read.segment import Answer

    group = phrases.hashed([phrase], SALT)
    grams = phrases.answer_grams([line], [1], group["words"], SALT)
    held = any(d in grams for d in group["digests"])
    assert held is (find(Answer("1", (line,), (1,)), phrase) is not None)


def test_synonyms_join_their_phrase_in_one_entry() -> None:
    group = phrases.hashed(["vanish", "deep"], SALT, synonyms={"vanish": ["tend to zero"]})
    assert len(group["groups"]) == 2 and group["words"] == 3
    grams = phrases.answer_grams(["the norm tends to zero"], [1], group["words"], SALT)
    assert any(group["digests"][i] in grams for i in group["groups"][0])


def test_formula_claims_are_fingerprinted_and_found_without_the_formula() -> None:
    from grader.read.reading import Reading
    from grader.read.segment import Answer

    group = phrases.hashed([{"math": r"\frac{v_t}{1-\beta^t}"}, {"re": "x", "why": "w"}], SALT)
    assert len(group["formulas"]) == 1 and group["patterns"] == 1 and not group["digests"]
    assert r"\beta" not in json.dumps(group)  # a fingerprint, not the formula
    right = Reading(Answer("1", (r"$\hat v_t = v_t (1-\beta^t)^{-1} + 0$",), (4,)))
    wrong = Reading(Answer("1", (r"$\hat v_t = v_t (1+\beta^t)^{-1}$",), (4,)))
    hit = phrases.find_formula(right, group["formulas"][0], (), SALT)
    assert hit is not None and hit.line == 4
    assert phrases.find_formula(wrong, group["formulas"][0], (), SALT) is None


def test_a_split_world_ships_its_handout_part_only(tmp_path: Path) -> None:
    """A private world module naming its public part in HANDOUT: a world defined there is taken from it, under the
    handout's path; a world that only the private module defines stays out."""
    from grader.course.rubric import CheckSpec
    from grader.pack.build import _Translator

    worlds = tmp_path / "course" / "reference" / "worlds"
    (worlds / "handout").mkdir(parents=True)
    header = "from grader.worlds import Draw, World\n\n\ndef build(s):\n    pass\n\n\n"
    (worlds / "handout" / "t_world.py").write_text(
        header + "PUBLIC = True\nopen_one = World('open-one', build, (Draw(seed=1),))\n", encoding="utf-8")
    (worlds / "t_world.py").write_text(
        "import importlib.util\nfrom pathlib import Path\n\n" + header +
        "PUBLIC = False\nHANDOUT = 'worlds/handout/t_world.py'\n"
        "spec = importlib.util.spec_from_file_location('h', Path(__file__).parent / 'handout' / 't_world.py')\n"
        "h = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(h)\n"
        "open_one = h.open_one\nsecret_one = World('secret-one', build, (Draw(seed=2),))  # ANSWER 42\n"
        "renamed = World('other-name', build, (Draw(seed=1),))\n", encoding="utf-8")
    (worlds / "bad_world.py").write_text(header + "HANDOUT = 't_world.py'\nopen_one = World('open-one', build, ())\n",
                                         encoding="utf-8")
    tr = _Translator(Course(tmp_path / "course"), SALT, tmp_path / "pack", [])
    made = tr.check("1", 0, CheckSpec(kind="derivation", params={"world": "worlds/t_world.py:open_one", "draws": 1}))
    assert made == {"kind": "derivation", "params": {"world": "worlds/handout/t_world.py:open_one", "draws": 1}}
    assert (tmp_path / "pack" / "reference" / "worlds" / "handout" / "t_world.py").is_file()
    for world in ("worlds/t_world.py:secret_one", "worlds/t_world.py:renamed", "worlds/bad_world.py:open_one"):
        assert tr.check("1", 1, CheckSpec(kind="derivation", params={"world": world}))["kind"] == "pack_unavailable"
    shipped = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "pack").rglob("*.py"))
    assert "ANSWER" not in shipped and "secret" not in shipped
