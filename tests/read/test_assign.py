"""Placement by content (grader.read.assign.by_content) and the write-ups it moves or leaves alone; the chain's
reading of numbered headings at one level as siblings."""

from __future__ import annotations

from grader.read.assign import Outline, by_content, chain
from grader.read.headings import scan
from grader.read.latex import read_latex
from grader.read.prompt import evidence_words, shared_evidence
from grader.read.segment import segment

IDS = ["1.1", "1.2", "2.1", "2.2", "2.3"]
TITLES = {"1.1": "The induction step", "1.2": "Vanishing gradients", "2.1": "Batch normalization on whitened inputs",
          "2.2": "Gradient with respect to the direction u", "2.3": "The norm of u grows under gradient descent"}


def _nodes(outline: Outline, *ids: str) -> list[int]:
    return [outline.index[tuple(q.split("."))] for q in ids]


def test_a_counter_whose_question_shares_nothing_gives_way_to_the_sibling_that_shares_a_word() -> None:
    outline = Outline(IDS)
    two, two_one, two_two, two_three = _nodes(outline, "2", "2.1", "2.2", "2.3")
    placed = [(10, two), (12, two_one)]
    moved = by_content(placed, {12: two_one}, {12: {two_one: 0, two_two: 1, two_three: 1}}, outline)
    assert moved == {12: two_two}  # 2.2 and 2.3 share as much: the one nearer the counter


def test_one_shared_word_does_not_outweigh_a_counter_whose_question_shares_one_too() -> None:
    outline = Outline(IDS)
    two_one, two_two = _nodes(outline, "2.1", "2.2")
    assert by_content([(12, two_one)], {12: two_one}, {12: {two_one: 1, two_two: 2}}, outline) == {}
    assert by_content([(12, two_one)], {12: two_one}, {12: {two_one: 1, two_two: 3}}, outline) == {12: two_two}


def test_only_a_free_sibling_in_order_and_only_a_counted_heading_moves() -> None:
    outline = Outline(IDS)
    two_one, two_two, two_three = _nodes(outline, "2.1", "2.2", "2.3")
    shared = {12: {two_one: 0, two_two: 0, two_three: 4}}
    # 2.3 is answered below: the order leaves nothing to move to (2.2 shares nothing)
    assert by_content([(12, two_one), (20, two_three)], {12: two_one}, shared, outline) == {}
    # a heading placed by a number the student wrote (not in `counted`) never moves
    assert by_content([(12, two_one)], {}, shared, outline) == {}
    # two siblings as near on both sides and as named: nothing decides, the counter stays
    tie = {12: {two_one: 0, two_two: 0}}
    assert by_content([(12, two_two)], {12: two_two}, {12: {two_one: 1, two_two: 0, two_three: 1}}, outline) == {}
    assert by_content([(12, two_one)], {12: two_one}, tie, outline) == {}


def test_evidence_reads_words_in_one_spelling_and_the_operators_math_names() -> None:
    assert {"normalization", "gradient", "\\nabla", "\\perp"} <= evidence_words(
        "Normalisation of gradients: $\\nabla_u L$ and $W^\\perp$")
    assert "document" not in evidence_words("\\end{document}")
    assert shared_evidence("$\\nabla_u L = s W^{\\perp} \\nabla_w L$", "∇_u L = s W^⊥ ∇_w L") == 2
    assert shared_evidence("Gradient through the reparametrisation", TITLES["2.1"]) == 0


def _tex(body: str) -> str:
    return f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\\end{{document}}\n"


_FIRST = ("\\section{Recurrences}\n\\subsection{Induction}\nThe induction step holds.\n"
          "\\subsection{Vanishing}\nThe vanishing gradients bound.\n")


def test_a_counted_subsection_is_placed_where_its_title_and_text_name_the_question() -> None:
    """The one subsection of section 2 is counted 2.1, yet it answers 2.2: only 2.2's title shares a word with it."""
    doc = read_latex(_tex(_FIRST + "\\section{Normalisation}\n\\subsection{Gradient through the reparametrisation}\n"
                          "Differentiating $w = g u/\\|u\\|$ gives the projector form.\n"), "t.tex")
    answers = segment(doc, IDS, {}, TITLES)
    assert answers["2.1"] is None and answers["2.3"] is None
    moved = answers["2.2"]
    assert moved is not None and "projector form" in moved.text and moved.inferred == "content"


def test_a_counted_subsection_whose_question_shares_a_word_stays() -> None:
    """Counted 2.1, its text sharing "batch" with 2.1: one word of 2.2's ("gradient") does not outweigh the counter."""
    doc = read_latex(_tex(_FIRST + "\\section{Normalisation}\n\\subsection{Statistics}\n"
                          "The gradient of the batch mean vanishes.\n"), "t.tex")
    answers = segment(doc, IDS, {}, TITLES)
    assert answers["2.2"] is None
    kept = answers["2.1"]
    assert kept is not None and "batch mean" in kept.text and kept.inferred == "order"


def test_a_number_the_student_wrote_is_never_overridden() -> None:
    """The same answer under a written "2.1", in LaTeX and in Markdown, stays on 2.1."""
    body = "Differentiating $w = g u/\\|u\\|$ gives the projector form, the gradient with respect to u.\n"
    tex = read_latex(_tex(_FIRST + "\\section*{2 Normalisation}\n\\subsection*{2.1 Gradient}\n" + body), "t.tex")
    from grader.read.document import Document

    md_lines = ("## 1.1 Induction", "The induction step holds.", "## 1.2 Vanishing", "The bound.",
                "## 2.1 Gradient through the reparametrisation", body.strip())
    md = Document(path="t.md", lines=md_lines, line_numbers=tuple(range(1, len(md_lines) + 1)), kind="markdown")
    for doc in (tex, md):
        answers = segment(doc, IDS, {}, TITLES)
        written = answers["2.1"]
        assert written is not None and "projector form" in written.text and not written.inferred
        assert answers["2.2"] is None


def _chained(text: str, ids: list[str]) -> list[tuple[int, str]]:
    outline = Outline(ids)
    placed = chain(scan(text.split("\n")).candidates, outline, range(len(outline.nodes)))
    return [(c.index, ".".join(outline.nodes[j])) for c, j in placed]


def test_numbered_headings_at_one_level_are_siblings_and_one_level_deeper_are_parts() -> None:
    ids = ["1", "2.1", "2.2", "2.3", "3"]
    assert _chained("## 1 Intro\n## 2 Backprop\n## 3 Attention", ids) == [(0, "1"), (1, "2"), (2, "3")]
    assert _chained("## 1 Intro\n## 2 Backprop\n### 3 Attention", ids) == [(0, "1"), (1, "2"), (2, "2.3")]
    # a shallower heading ends the series: "### 3" under a new "## 2" is its part, whatever came before
    assert _chained("### 3 Intro\n## 2 Backprop\n### 3 Attention", ids)[-1] == (2, "2.3")
