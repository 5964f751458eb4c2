"""The answer read once (grader.read.reading): one Reading gives the same views as the separate readers did."""

from __future__ import annotations

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
