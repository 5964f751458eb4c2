"""The LaTeX reader: comments and preamble out, student macros expanded, markup headings with LaTeX's counters."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.math import MathError, parse
from grader.read.ingest import read_submission
from grader.read.document import Document
from grader.read.latex import read_latex


def doc(body: str, preamble: str = "") -> Document:
    """`body` in an article after `preamble`: line 1 \\documentclass, line 2 \\usepackage, then the preamble."""
    return read_latex("\\documentclass{article}\n\\usepackage{amsmath}\n" + preamble + "\\begin{document}\n" + body
                      + "\\end{document}\n", "w.tex")


def heads(d: Document) -> list[tuple[int, tuple[str, ...], str, bool]]:
    """(1-based line, label, kind, inferred) of each heading."""
    return [(d.original_line(h.index), h.label, h.kind, h.inferred) for h in d.structure]


# ---------------------------------------------------------------- lines, comments, preamble


def test_lines_stay_the_source_lines_and_the_preamble_is_blank() -> None:
    src = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\nHello $x$.\n\\end{document}\nafter\n"
    d = read_latex(src, "w.tex")
    assert d.kind == "latex"
    assert len(d.lines) == len(src.split("\n"))
    assert d.line_numbers == tuple(range(1, len(d.lines) + 1))
    assert d.lines[3] == "Hello $x$."
    assert [ln for k, ln in enumerate(d.lines) if k != 3 and ln] == []  # preamble, \begin/\end, after: blank


def test_comments_go_but_escaped_percent_stays() -> None:
    d = doc("50\\% of it % a comment \\section{No}\n\\\\% after a line break\n% \\section{Hidden}\n")
    assert d.lines[3] == "50\\% of it"
    assert d.lines[4] == "\\\\"
    assert d.lines[5] == ""
    assert d.structure == ()


def test_iffalse_blocks_are_blank() -> None:
    d = doc("\\iffalse\n\\section{Hidden}\n\\fi\n\\section{Shown}\n")
    assert heads(d) == [(7, ("1",), "section", True)]


def test_a_fragment_without_document_is_all_body() -> None:
    d = read_latex("\\section{One}\ntext\n", "w.tex")
    assert d.lines[:2] == ("\\section{One}", "text")
    assert heads(d) == [(1, ("1",), "section", True)]


def test_ingest_reads_tex_with_the_latex_reader(tmp_path: Path) -> None:
    p = tmp_path / "a.tex"
    p.write_text("\\newcommand{\\E}{\\mathbb{E}}\n\\section{Question 1}\n$\\E[X]$\n\\input{other}\n", encoding="utf-8")
    d = read_submission(p)
    assert d.kind == "latex" and d.lines[2] == "$\\mathbb{E}[X]$"
    assert d.structure[0].label == ("1",)
    assert any("\\input{other} is not followed" in n for n in d.notes)
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "main.tex").write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    d2 = read_submission(folder)
    assert d2.structure == d.structure and any("not followed" in n for n in d2.notes)


# ---------------------------------------------------------------- macros


@pytest.mark.parametrize("preamble,use,expanded", [
    ("\\newcommand{\\E}{\\mathbb{E}}", "$\\E[X]$", "$\\mathbb{E}[X]$"),
    ("\\newcommand{\\deriv}[2]{\\frac{\\partial #1}{\\partial #2}}", "$\\deriv{L}{w}$",
     "$\\frac{\\partial L}{\\partial w}$"),
    ("\\renewcommand{\\vec}[1]{\\mathbf{#1}}", "$\\vec x$", "$\\mathbf{x}$"),
    ("\\providecommand{\\R}{\\mathbb{R}}", "$\\R^n$", "$\\mathbb{R}^n$"),
    ("\\newcommand*\\half{\\frac12}", "$\\half$", "$\\frac12$"),
    ("\\def\\sq#1{#1^{2}}", "$\\sq{x}$", "$x^{2}$"),
    ("\\def\\two#1#2{#2#1}", "$\\two ab$", "$ba$"),
    ("\\DeclareMathOperator{\\softmax}{softmax}", "$\\softmax(z)$", "$\\operatorname{softmax}(z)$"),
    ("\\DeclareMathOperator*{\\argmax}{arg\\,max}", "$\\argmax_x$", "$\\operatorname*{arg\\,max}_x$"),
    ("\\DeclarePairedDelimiter{\\norm}{\\lVert}{\\rVert}", "$\\norm{x}$", "$\\left\\lVert x \\right\\rVert$"),
    ("\\DeclarePairedDelimiter\\norm{\\lVert}{\\rVert}", "$\\norm*{x}$", "$\\left\\lVert x \\right\\rVert$"),
    ("\\DeclarePairedDelimiter{\\abs}{\\lvert}{\\rvert}", "$\\abs[\\big]{x}$", "$\\bigl\\lvert x \\bigr\\rvert$"),
    ("\\let\\eps\\varepsilon", "$\\eps x$", "$\\varepsilon x$"),
    ("\\let\\eps=\\varepsilon", "$\\eps$", "$\\varepsilon$"),
    ("\\newcommand{\\lr}[1][\\eta]{#1\\nabla}", "$\\lr L$ $\\lr[\\alpha] L$", "$\\eta\\nabla L$ $\\alpha\\nabla L$"),
    ("\\newcommand{\\id}[1]{#1}", "$\\id{\\alpha}x$", "$\\alpha x$"),
    ("\\newcommand{\\x}{\\mathbf{x}}\\newcommand{\\xx}{\\x^\\top\\x}", "$\\xx$", "$\\mathbf{x}^\\top\\mathbf{x}$"),
    ("\\newcommand{\\hash}{\\#}", "$\\hash$", "$\\#$"),
])
def test_student_macros_are_expanded(preamble: str, use: str, expanded: str) -> None:
    d = doc(use + "\n", preamble + "\n")
    assert d.lines[4] == expanded
    assert d.notes == ()


def test_a_definition_in_the_body_applies_after_it_and_its_lines_become_blank() -> None:
    d = doc("$\\v$\n\\newcommand{\\v}{%\n  \\mathbf{v}\n}\n$\\v$\n\\renewcommand{\\v}{\\vec v}\n$\\v$\n")
    assert d.lines[2:10] == ("", "$\\v$", "", "", "", "$ \\mathbf{v} $", "", "$\\vec v$")


def test_an_expansion_stays_on_its_line() -> None:
    d = doc("$\\L{y}$\nnext\n", "\\newcommand{\\L}[1]{\n  \\frac{1}{n}\n  \\sum #1\n}\n")
    assert d.lines[7] == "$ \\frac{1}{n} \\sum y $" and d.lines[8] == "next"


def test_unknown_commands_are_left_alone() -> None:
    d = doc("$\\alpha + \\mystery{x}$\n")
    assert d.lines[3] == "$\\alpha + \\mystery{x}$" and d.notes == ()


def test_a_macro_whose_arguments_do_not_close_is_reported_once() -> None:
    d = doc("$\\f{x$\n$\\f{y$\n$\\f{z}$\n", "\\newcommand{\\f}[1]{g(#1)}\n")
    assert d.lines[4:7] == ("$\\f{x$", "$\\f{y$", "$g(z)$")
    assert len(d.notes) == 1 and "\\f (defined at line 3)" in d.notes[0] and "line 5" in d.notes[0]


def test_delimited_def_parameters_are_noted_not_expanded() -> None:
    d = doc("$\\pair(a,b)$\n", "\\def\\pair(#1,#2){\\langle #1,#2\\rangle}\n")
    assert d.lines[4] == "$\\pair(a,b)$"
    assert len(d.notes) == 1 and "delimited parameters" in d.notes[0]


@pytest.mark.parametrize("preamble,name", [
    ("\\def\\a{\\a}", "\\a"),
    ("\\def\\b{\\c}\\def\\c{\\b}", "\\b"),
    ("\\newcommand{\\x}{\\x\\x}", "\\x"),
    ("\\newcommand{\\y}{yyyyyyyyyy\\y}", "\\y"),
])
def test_recursive_macros_stop_with_one_note_and_stay_unexpanded(preamble: str, name: str) -> None:
    d = doc(f"${name} + 1$\n${name}$\n", preamble + "\n")
    assert d.lines[4] == f"${name} + 1$"
    assert len(d.notes) == 1 and f"macro {name} (defined at line 3)" in d.notes[0] and "line 5" in d.notes[0]


def test_a_bomb_does_not_stop_other_macros_on_its_line() -> None:
    d = doc("$\\a + \\E[X]$\n", "\\def\\a{\\a}\n\\newcommand{\\E}{\\mathbb{E}}\n")
    assert d.lines[5] == "$\\a + \\mathbb{E}[X]$"


def test_expanded_math_is_read_where_the_raw_math_was_refused() -> None:
    d = doc("$\\E[X]$\n$\\deriv{L}{w}$\n$\\norm{x}$\n$\\softmax(z)$\n",
            "\\newcommand{\\E}{\\mathbb{E}}\n\\newcommand{\\deriv}[2]{\\frac{\\partial #1}{\\partial #2}}\n"
            "\\DeclarePairedDelimiter{\\norm}{\\lVert}{\\rVert}\n\\DeclareMathOperator{\\softmax}{softmax}\n")
    for raw in ("\\E[X]", "\\deriv{L}{w}", "\\norm{x}", "\\softmax(z)"):
        with pytest.raises(MathError):
            parse(raw)
    for line in d.lines[7:11]:
        parse(line.strip("$"))


# ---------------------------------------------------------------- structure


def test_sections_number_like_latex_and_subsections_reset() -> None:
    d = doc("\\section{Attention}\n\\subsection{a}\n\\subsection{b}\n\\section{Gradients}\n\\subsection{c}\n"
            "\\subsubsection{d}\n\\section*{Thanks}\n\\paragraph{Note} x\n")
    assert heads(d) == [(4, ("1",), "section", True), (5, ("1", "1"), "subsection", True),
                        (6, ("1", "2"), "subsection", True), (7, ("2",), "section", True),
                        (8, ("2", "1"), "subsection", True), (9, ("2", "1", "1"), "subsubsection", True),
                        (10, (), "section", False), (11, (), "paragraph", False)]
    assert [h.title for h in d.structure][:2] == ["Attention", "a"]


@pytest.mark.parametrize("title,label", [
    ("Question 3", ("3",)), ("Problem 2.1", ("2", "1")), ("Q7: decoding", ("7",)), ("Exercise 4(b)", ("4", "b")),
    ("3. Attention", ("3",)), ("\\textbf{Problem 5}", ("5",)), ("2.2.a", ("2", "2", "a")), ("1.2.ii", ("1", "2", "ii")),
])
def test_a_title_that_writes_a_number_gives_that_label(title: str, label: tuple[str, ...]) -> None:
    d = doc(f"\\section{{Intro}}\n\\section{{{title}}}\n\\section*{{{title}}}\n")
    assert heads(d)[1:] == [(5, label, "section", False), (6, label, "section", False)]


@pytest.mark.parametrize("title", ["A first look", "Introduction", "I think", "Quadratic forms", "Exercises"])
def test_a_title_without_a_number_keeps_the_counter(title: str) -> None:
    d = doc(f"\\section{{{title}}}\n")
    assert heads(d) == [(4, ("1",), "section", True)]


def test_a_subsection_that_writes_a_part_letter_is_under_its_section() -> None:
    d = doc("\\section{Question 2}\n\\subsection{(b)}\n\\subsection*{Part (c)}\n")
    assert [h.label for h in d.structure] == [("2",), ("2", "b"), ("2", "c")]


def test_enumerate_items_take_counters_styles_and_nesting() -> None:
    d = doc("\\begin{enumerate}\n\\item One\n  \\begin{enumerate}[(a)]\n  \\item x\n  \\item y\n"
            "    \\begin{enumerate}[label=(\\roman*)]\n    \\item p\n    \\item q\n    \\end{enumerate}\n"
            "  \\end{enumerate}\n\\item Two\n  \\begin{enumerate}\n  \\item default style\n  \\end{enumerate}\n"
            "\\end{enumerate}\n")
    assert [(h.label, h.inferred) for h in d.structure] == [
        (("1",), True), (("1", "a"), True), (("1", "b"), True), (("1", "b", "i"), True), (("1", "b", "ii"), True),
        (("2",), True), (("2", "a"), True)]
    assert d.structure[0].title == "One" and d.structure[0].kind == "item"


def test_enumerate_start_label_and_explicit_items() -> None:
    d = doc("\\begin{enumerate}[label=\\alph*), start=3]\n\\item c\n\\item[(z)] z\n\\item d\n\\end{enumerate}\n"
            "\\begin{enumerate}[label=\\Roman*.]\n\\item one\n\\end{enumerate}\n"
            "\\begin{enumerate}[resume]\n\\item two\n\\end{enumerate}\n")
    assert [(h.label, h.inferred) for h in d.structure] == [
        (("c",), True), (("z",), False), (("d",), True), (("i",), True), (("2",), True)]


def test_items_of_itemize_are_not_headings_and_do_not_step_the_counter() -> None:
    d = doc("\\begin{enumerate}\n\\item A\n\\begin{itemize}\n\\item bullet\n\\end{itemize}\n\\item B\n"
            "\\end{enumerate}\n")
    assert [h.label for h in d.structure] == [("1",), ("2",)]


def test_items_under_a_section_number_under_it() -> None:
    d = doc("\\section*{Problem 4}\n\\begin{enumerate}[(a)]\n\\item x\n\\item y\n\\end{enumerate}\n"
            "\\section{Next}\n\\begin{enumerate}\n\\item z\n\\end{enumerate}\n")
    assert [h.label for h in d.structure] == [("4",), ("4", "a"), ("4", "b"), ("1",), ("1", "1")]


def test_exam_class_questions_parts_and_subparts() -> None:
    src = ("\\documentclass[answers]{exam}\n\\begin{document}\n\\begin{questions}\n\\question Define it.\n"
           "\\begin{parts}\n\\part Keys.\n\\begin{subparts}\n\\subpart Shape.\n\\subpart Size.\n\\end{subparts}\n"
           "\\part Values.\n\\end{parts}\n\\question[5] Second.\n\\begin{parts}\n\\part again\n\\end{parts}\n"
           "\\end{questions}\n\\end{document}\n")
    d = read_latex(src, "e.tex")
    assert heads(d) == [(4, ("1",), "question", True), (6, ("1", "a"), "part", True),
                        (8, ("1", "a", "i"), "subpart", True), (9, ("1", "a", "ii"), "subpart", True),
                        (11, ("1", "b"), "part", True), (13, ("2",), "question", True),
                        (15, ("2", "a"), "part", True)]
    assert d.structure[-2].title == "Second."


def test_amsthm_and_homework_environments() -> None:
    d = doc("\\section{A}\n\\begin{problem}[Softmax]\nx\n\\end{problem}\n\\begin{solution}\ny\n\\end{solution}\n"
            "\\begin{exercise}\nz\n\\end{exercise}\n\\section{B}\n\\begin{exercise}[Question 7]\n\\end{exercise}\n"
            "\\begin{exercise}\n\\end{exercise}\n\\begin{lemma}\n\\end{lemma}\n\\begin{proof}\n\\end{proof}\n",
            "\\newtheorem{problem}{Problem}\n\\newtheorem{exercise}{Exercise}[section]\n\\newtheorem{lemma}{Lemma}\n")
    got = [(h.label, h.kind, h.inferred, h.title) for h in d.structure]
    assert got == [(("1",), "section", True, "A"), (("1",), "problem", True, "Softmax"),
                   ((), "solution", False, "solution"), (("1", "1"), "problem", True, "Exercise"),
                   (("2",), "section", True, "B"), (("7",), "problem", False, "Question 7"),
                   (("2", "2"), "problem", True, "Exercise"), ((), "proof", False, "proof")]


def test_a_macro_that_writes_a_section_gives_a_heading() -> None:
    d = doc("\\Q{Question 2}\n", "\\newcommand{\\Q}[1]{\\section*{#1}}\n")
    assert heads(d) == [(5, ("2",), "section", False)]


def test_unbalanced_input_still_gives_the_headings_it_can() -> None:
    d = doc("\\section{Open {brace\nText $x^{2$ more.\n\\begin{enumerate}\n\\item one\n\\section{After}\n"
            "\\end{itemize}\n}}}\n")
    assert [h.label for h in d.structure] == [("1",), ("1", "1"), ("2",)]


def test_includes_are_noted_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET\n", encoding="utf-8")
    d = doc(f"\\input{{{secret}}}\n\\include{{ch1}}\n\\subfile{{q2}}\n\\input {secret}\n")
    assert not any("SECRET" in ln for ln in d.lines)
    assert len(d.notes) == 4 and all("is not followed: only the submitted file is read" in n for n in d.notes)
    assert "line 4" in d.notes[0] and "ch1" in d.notes[1]


def test_an_exam_part_before_any_question_has_only_its_own_label() -> None:
    d = read_latex("\\documentclass{exam}\n\\begin{document}\n\\begin{parts}\n\\part x\n\\end{parts}\n"
                   "\\end{document}\n", "e.tex")
    assert [h.label for h in d.structure] == [("a",)]


def test_article_part_outside_an_exam_list_is_not_a_heading() -> None:
    assert doc("\\part{Theory}\n\\section{A}\n").structure[0].label == ("1",)
    assert len(doc("\\part{Theory}\n\\section{A}\n").structure) == 1


def test_an_item_alone_on_its_line_has_no_title() -> None:
    """The parser's node runs on to the next line looking for `[...]`: that line is the answer, not the title."""
    d = doc("\\begin{enumerate}\n\\item\nFirst answer.\n\\item Second answer.\n\\end{enumerate}\n")
    assert [(h.label, h.title) for h in d.structure] == [(("1",), ""), (("2",), "Second answer.")]
    e = read_latex("\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n\\question\n\\begin{parts}\n"
                   "\\part\nSome text.\n\\end{parts}\n\\end{questions}\n\\end{document}\n", "e.tex")
    assert [h.title for h in e.structure] == ["", ""]


@pytest.mark.parametrize("title, label", [("Question 2, part 1.", ("2", "1")), ("Problem 3 Part (ii)", ("3", "ii")),
                                          ("Question 4 part b:", ("4", "b")), ("Q2, part of it", ("2",))])
def test_a_title_writing_question_and_part_in_words(title: str, label: tuple[str, ...]) -> None:
    assert heads(doc(f"\\paragraph{{{title}}}\nText.\n")) == [(4, label, "paragraph", False)]


def test_several_whole_documents_each_keep_their_own_body() -> None:
    """Files read one after the other: the first one's \\end{document} does not blank the next file."""
    first = "\\documentclass{article}\n\\begin{document}\n\\section*{1}\nOne.\n\\end{document}\nafter one\n"
    second = ("\\documentclass{article}\n\\newcommand{\\E}{\\mathbb{E}}\n\\begin{document}\n\\section*{2}\n$\\E x$\n"
              "\\end{document}\n")
    rows = [("d/a.tex", k) for k in range(1, 7)] + [("d/b.tex", k) for k in range(1, 8)]
    d = read_latex(first + second, "d/a.tex", rows)
    assert [ln for ln in d.lines if ln.strip()] == ["\\section*{1}", "One.", "\\section*{2}", "$\\mathbb{E} x$"]
    assert [h.label for h in d.structure] == [("1",), ("2",)]


def test_a_fragment_after_a_whole_document_is_read_and_notes_name_its_file() -> None:
    first = "\\documentclass{article}\n\\begin{document}\nOne.\n\\end{document}\n"
    second = "Two.\n\\input{missing}\n"
    rows = [("d/a.tex", k) for k in range(1, 5)] + [("d/b.tex", k) for k in range(1, 4)]
    d = read_latex(first + second, "d/a.tex", rows)
    assert "Two." in d.lines
    assert d.notes == ("d/b.tex: line 2: \\input{missing} is not followed: only the submitted file is read",)
    assert read_latex(first + second, "d/a.tex", rows, followed={5}).notes == ()
