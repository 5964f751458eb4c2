"""Reading statements from an answer: rows at their lines, continued rows, prose hypotheses, conversion spellings."""

from __future__ import annotations

from grader.read.reading import statements


def test_aligned_rows_keep_their_own_lines() -> None:
    lines = ["$$\\begin{aligned} a &= b \\\\", "&= c \\\\", "&\\leq d \\end{aligned}$$"]
    found = statements(lines, [10, 11, 12])
    assert [s.line for s in found] == [10, 11, 12]
    assert [s.links[0].op for s in found] == ["=", "=", "<="]


def test_chain_gives_one_link_per_relation() -> None:
    (st,) = statements(["$$a = b = c \\leq d$$"], [1])
    assert [link.op for link in st.links] == ["=", "=", "<="]


def test_prose_hypothesis_is_not_a_claim() -> None:
    found = statements(["If we suppose that $x = y$ holds, then $y = z$."], [3])
    assert [s.conditional for s in found] == [True, False]


def test_prose_statement_is_a_claim() -> None:
    (st,) = statements(["Substituting $h_{t-2} = g_{t-2}$ in the recurrence"], [4])
    assert not st.conditional and st.line == 4


def test_implication_splits_into_statements() -> None:
    (st,) = statements(["$$a \\leq b \\implies c \\leq d$$"], [1])
    assert len(st.links) == 2


def test_perp_is_read_as_a_label_not_a_transpose() -> None:
    (st,) = statements(["$$\\mathbf{W}^\\perp \\mathbf{u} = \\mathbf{0}$$"], [1])
    assert "Transpose" not in repr(st.links[0].lhs)


def test_cases_keep_their_columns() -> None:
    (st,) = statements(["$$y = \\begin{cases} a & \\text{if } j \\leq 2, \\\\ b & \\text{otherwise} \\end{cases}$$"], [1])
    assert "Cases" in repr(st.links[0].rhs)


def test_unparsable_math_is_kept_and_marked() -> None:
    found = statements(["$$a = \\frac{$$"], [1])
    assert found and found[0].unparsed


def test_a_special_case_in_prose_is_a_hypothesis() -> None:
    text = ("no regularization at $p = 1$, and it grows as $p \\to 0$; with $u = w$ it is the same, "
            "and $y = w^T x$.")
    found = statements([text], [5])
    assert [(s.latex, s.conditional) for s in found if s.links[0].op == "="] == \
        [("p = 1", True), ("u = w", True), ("y = w^T x", False)]
    (joined, other) = statements(["With $\\mathbb{E}[h] = 0$ and $\\operatorname{Var}(h) = 1$ the mean is c."], [1])
    assert joined.conditional and other.conditional


def test_a_claim_after_for_is_still_a_claim() -> None:
    (st,) = statements(["Similarly for $\\frac{\\partial h_{t-1}}{\\partial h_{t-2}} = W\\sigma'(h_{t-2})$ we get"], [2])
    assert not st.conditional
