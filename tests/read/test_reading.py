"""The answer read once (grader.read.reading): one Reading gives the same views as the separate readers did."""

from __future__ import annotations

import pytest

from grader.read import reading as rd
from grader.read.evidence import find
from grader.read.segment import Answer

LINES = (
    "The kernel gives $y = 2x + 1$, hence",
    "$$\\begin{aligned} a &= b \\\\ &\\leq c \\end{aligned}$$",
    "The cost is $O(n^2)$ in time, and the values are $(2.5, 2.583)$.",
    "If $x > 0$ then $\\lambda = \\frac{1}{2}$.",
)
NUMBERS = (10, 12, 13, 20)


def answer() -> Answer:
    return Answer("1", LINES, NUMBERS)


def test_views_match_the_readers_called_on_their_own() -> None:
    a = answer()
    r = rd.Reading(a)
    assert list(r.spans) == rd.spans(a)
    assert list(r.sides) == rd.sides(a)
    assert [list(g) for g in r.groups] == rd.statements_of(rd.sides(a))
    assert list(r.statements) == rd.statements(a.lines, a.line_numbers)
    assert list(r.claims) == rd.asymptotic_claims(a) == [("O(n^2)", 13, "The cost is $")]
    for pattern in ("kernel", "re:cost\\s+is", "missing phrase", "\\lambda"):
        assert r.find(pattern) == find(a, pattern)


def test_each_view_is_built_once_and_kept() -> None:
    r = rd.Reading(answer())
    assert r.statements is r.statements and r.sides is r.sides and r.found is r.found
    # spans at original lines: the aligned block sits on line 12, its rows on 12 as well
    assert [s.line for s in r.spans][:2] == [10, 12]
    assert [s.line for s in r.statements if s.links][:3] == [10, 12, 12]
    # the prose hypothesis is marked; the claim after "then" is not
    assert r.statements[-2].conditional and not r.statements[-1].conditional


def test_items_and_same_quantity_are_remembered() -> None:
    r = rd.Reading(answer())
    assert r.items["(2.5, 2.583)"] == ("2.5", "2.583")
    assert r.same_quantity("\\lambda", "\\lambda ") and not r.same_quantity("\\lambda", "\\mu")
    assert ("\\lambda", "\\mu") in r._same


def test_row_statements_split_a_row_and_keep_lists_together() -> None:
    assert rd.row_statements("a = 1 \\quad \\text{and} \\quad b = 2") == ["a = 1", "b = 2"]
    assert rd.row_statements("a = 1, 2") == ["a = 1, 2"]


def test_the_splitter_finds_separators_only_at_the_top_level() -> None:
    keep = rd._split_keep
    assert keep("a = b \\quad c \\le d", rd.STATEMENT_SEPARATORS) == (["a = b ", " c \\le d"], ["\\quad"])
    # inside brackets, \left...\right, \{...\} and environments a separator is not one; \quadratic is no \quad
    assert keep("f(a, b), \\left[c, d\\right], \\{e, f\\}, \\quadratic", (",",)) == \
        (["f(a, b)", " \\left[c, d\\right]", " \\{e, f\\}", " \\quadratic"], [",", ",", ","])
    assert keep("\\begin{cases} 1, & x \\\\ 0, & y \\end{cases} \\\\ z", ("\\\\",)) == \
        (["\\begin{cases} 1, & x \\\\ 0, & y \\end{cases} ", " z"], ["\\\\"])
    assert keep("x " * 500 + "\u2264 y", rd.RELATIONS) == (["x " * 500, " y"], ["\u2264"])
    assert keep("a \\leq b \\le c < d", rd.RELATIONS) == (["a ", " b ", " c ", " d"], ["\\leq", "\\le", "<"])


# ---------------------------------------------------------------- the conclusion: marks and choice
def read(text: str) -> rd.Reading:
    lines = tuple(text.split("\n"))
    return rd.Reading(Answer("1", lines, tuple(range(1, len(lines) + 1))))


def test_marks_from_the_clause_before_a_formula() -> None:
    strong = ("So the overall time complexity would be $", "The answer is $", "Therefore:\n$$", "In conclusion, $")
    assert [rd.mark_before(h).strength for h in strong] == [2, 2, 1, 2]
    assert rd.mark_before("So we have $").strength == 1
    assert rd.mark_before("We expand. $").strength == 0
    # the words of an earlier sentence, or before an earlier formula of the same sentence, do not reach it
    assert rd.mark_before("So $a = 1$. Next $").strength == 0
    assert rd.mark_before("Overall $a = 1$ and $").strength == 0
    # inside a formula that began earlier: the formula's own clause
    assert rd.mark_before("So the overall cost is $O(N) + ").strength == 2
    assert rd.mark_before("", "\\boxed{x = 3}").strength == 2


def test_special_cases_comparisons_and_asides_are_not_the_result() -> None:
    for head in ("In particular, for $t = 1$, $", "For $a = 1$ we get $", "as $t \\to \\infty$, $",
                 "e.g. $", "takes time $\\Theta(nd^2)$ instead of $", "(the projections add $"):
        assert rd.mark_before(head).special, head
    for head in ("for every $t$ we get $", "For $j = 1, \\dots, N$ we compute $", "So $", "where $"):
        assert not rd.mark_before(head).special, head


def test_the_conclusion_is_the_last_marked_answer_else_the_last_general_statement() -> None:
    none, weak, strong, special = rd.Mark(), rd.Mark(1), rd.Mark(2), rd.Mark(0, True)
    assert rd.conclusion([none, weak, none], [0, 1, 2]).final == 2  # "so" does not outrank position
    assert rd.conclusion([strong, none, none], [0, 1, 2]).final == 0  # the answer's own mark does
    assert rd.conclusion([none, special], [0, 1]).final == 0  # a special case after the result
    assert rd.conclusion([special, special], [0, 1]).final == 1  # only special cases: the last one
    chosen = rd.conclusion([strong, none, strong, strong], [0, 1, 2, 2])
    assert (chosen.final, chosen.rivals, chosen.steps) == (3, (0,), (2, 1, 0))  # a chain's links are no rivals


def test_sides_carry_their_marks_and_a_box_is_read_through() -> None:
    r = read("We expand $x = a + b$.\n\nThe final answer is $\\boxed{x = 2a}$.")
    marks = {(s.latex, s.mark.strength) for s in r.sides}
    assert ("a + b", 0) in marks and ("2a", 2) in marks


def test_definitions_stated_in_words() -> None:
    r = read("So $w = \\frac{1}{1+\\lambda}$ where $\\lambda = \\frac{1-p}{p}$ and $c = 2$.\n\nFor $t = 1$, $v = 2$."
             "\n\nLet $n = 3$.")
    assert [(d[2], d[3]) for d in r.definitions] == [(1, "\\lambda = \\frac{1-p}{p}"), (1, "c = 2"), (5, "n = 3")]


def test_definitions_introduced_by_write_call_or_named_after() -> None:
    r = read("Write $\\mathbf{m} = \\mathbb{E}[\\mathbf{g}]$ for the true mean.\n\n"
             "$\\eta = \\epsilon$ for the step size.\n\nCall $k = 3$.\n\nSo $y = 4$ for all $t$.\n\nSet $t = 1$.")
    got = [(d[2], d[3], str(d[0].name)) for d in r.definitions]
    assert got == [(1, "\\mathbf{m} = \\mathbb{E}[\\mathbf{g}]", "m"), (3, "\\eta = \\epsilon", "eta"),
                   (3, "\\eta = \\epsilon", "epsilon"), (5, "k = 3", "k")]


@pytest.mark.parametrize(("line", "expected"), [
    ("One setting: $c$ and $\\mu$ both zero, and $\\sigma^2 = 1$.", ["c = 0", "\\mu = 0"]),
    ("Then $x$ is zero.", ["x = 0"]),
    ("so k equals two, and", ["k = 2"]),
    ("Set $b$ to zero.", ["b = 0"]),
    ("$a$, $b$ and $c$ are all one", ["a = 1", "b = 1", "c = 1"]),
    ("So this gives N to the power T possible sequences", ["N^{T}"]),
    ("N to the power of T", ["N^{T}"]),
    ("that is two to the T in all", ["2^{T}"]),
    ("the cost grows as N squared.", ["N^{2}"]),
    ("$\\frac{1}{2}$ cubed", ["\\left(\\frac{1}{2}\\right)^{3}"]),
])
def test_values_and_powers_said_in_words(line: str, expected: list[str]) -> None:
    assert [latex for latex, _ in rd.worded_math(line)] == expected


@pytest.mark.parametrize("line", [
    "the depth to the power of the network grows",  # no operand after "power of"
    "the derivative of $f$ is zero.",  # a complement, not the subject
    "if $x$ is zero, then the loss vanishes",  # a hypothesis states no value
    "$x$ is one of the inputs",  # a value word that does not end the clause
    "it is two times larger",
    "So this gives N to the power T+1 sequences",  # the exponent goes on
    "(N-1) to the power T",  # the base is a longer term
    "so 2x is zero",
    "from 1 to the N-th step",
    "a squared error",  # an article, not a symbol
    "we go to the T step",
])
def test_no_reading_where_the_words_say_no_value(line: str) -> None:
    assert rd.worded_math(line) == []


def test_worded_values_are_sides_of_the_answer() -> None:
    r = read("One setting: $c$ and $\\mu$ both zero.")
    assert [(s.latex, s.relation) for s in r.sides if s.of == 2] == [("c", "c = 0"), ("0", "c = 0"),
                                                                       ("\\mu", "\\mu = 0"), ("0", "\\mu = 0")]
    assert [st.latex for st in r.worded] == ["c = 0", "\\mu = 0"]


def test_a_range_in_prose_is_no_value() -> None:
    assert rd.worded_math("with components $x_i$ for i = 1, ..., N and a layer") == []
    assert rd.worded_math("for $t$ equal to one, the sum is empty") == []




def sides_of(*lines: str) -> list[tuple[str, int, int]]:
    return [(s.latex, s.index, s.of) for s in rd.sides(Answer("1", lines, tuple(range(1, len(lines) + 1))))]


def test_a_formula_opening_with_its_relation_continues_the_words_or_the_formula_before_it() -> None:
    # the words of its clause are its left side
    assert sides_of("Output size $= 12$.") == [("\\text{Output size}", 0, 2), ("12", 1, 2)]
    assert sides_of("So, by the formula, the output size $\\le 13$") == [("\\text{the output size}", 0, 2),
                                                                        ("13", 1, 2)]
    # no words between: the previous formula's left side, on its line or in the paragraph just before
    assert sides_of("We get $H = 3 + 9$ $= 12$.")[-2:] == [("H", 0, 2), ("12", 1, 2)]
    assert sides_of("We get $H = 3 + 9$,", "", "$= 12$.")[-2:] == [("H", 0, 2), ("12", 1, 2)]
    # nothing before it at all: left out, as before
    assert sides_of("$= 12$") == []


def test_a_target_is_the_same_quantity_in_any_spacing_or_unicode_spelling() -> None:
    same = [("\\mathrm{KL}(p \\,\\|\\, q)", "\\mathrm{KL}(p\\|q)"), ("KL(p\u2016q)", "KL(p||q)"),
            ("\\operatorname{KL}(p \\| q)", "KL(p \\| q)"), ("w*", "w^*"), ("m\u0302\u2082", "\\hat{m}_2"),
            ("\\left( a \\right)", "(a)"), ("\\hat m_{2}", "\\hat{m}_2")]
    for a, b in same:
        assert rd.same_quantity(a, b) and rd.same_quantity(b, a), (a, b)
    different = [("\\mathrm{KL}(q\\|p)", "\\mathrm{KL}(p\\|q)"), ("w", "w^*"), ("\\hat v_2", "\\hat m_2"),
                 ("m_2", "\\hat{m}_2"), ("x_{12}", "x_1 2")]
    for a, b in different:
        assert not rd.same_quantity(a, b), (a, b)


def test_prose_numbers_of_a_target_are_the_last_value_of_its_relation() -> None:
    lines = ["m\u2082 = 0.58 and v\u2082 = 0.019996.", "m\u0302\u2082 = 0.58 / (1 \u2212 0.9\u00b2) = 3.05",
             "With x = 3, the loss is 4."]
    assert rd.prose_numbers(lines, [1, 2, 3], target="m_2") == [("0.58", 1)]
    assert rd.prose_numbers(lines, [1, 2, 3], target="v_2") == [("0.019996", 1)]
    assert rd.prose_numbers(lines, [1, 2, 3], target="\\hat{m}_2") == [("3.05", 2)]
    assert rd.prose_numbers(lines, [1, 2, 3], target=["y", "x"]) == [("3", 3)]
    # a target the text never names: the label's words, else the sentence-final values as before
    assert rd.prose_numbers(lines, [1, 2, 3], "the loss", target="L") == [("4", 3)]


def test_plain_text_relations_are_the_math_runs_between_words_of_prose() -> None:
    assert [r[0] for r in rd.plain_relations("With p = softmax(z) and one-hot y, dL/dz = p - y.")] == [
        "p = softmax(z)", "dL/dz = p - y"]
    assert rd.plain_relations("w* = (X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y") == [
        ("w^* = (X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y", 0, 20)]
    assert [r[0] for r in rd.plain_relations("We set w = 0 and b = 1 then train.")] == ["w = 0", "b = 1"]
    assert rd.plain_relations("The output size is 12.") == []
    assert rd.plain_relations("See the figure: it is (as said) clear.") == []


def test_a_write_up_without_delimiters_has_its_plain_relations_as_sides_and_definitions() -> None:
    plain = rd.Reading(Answer("1", ("With p = softmax(z), the gradient is g = p - y.",), (4,)))
    assert [(s.latex, s.line) for s in plain.sides] == [("p", 4), ("softmax(z)", 4), ("g", 4), ("p - y", 4)]
    assert [(str(d[3]), d[2]) for d in plain.definitions] == [("p = softmax(z)", 4)]
    # with delimited math the prose around it is prose: no plain relation is read
    mixed = rd.Reading(Answer("1", ("With p = softmax(z), the gradient is $g = p - y$.",), (4,)))
    assert [s.latex for s in mixed.sides] == ["g", "p - y"]
