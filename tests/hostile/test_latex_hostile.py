"""Hostile LaTeX: macro bombs, recursive definitions, includes of outside files, unbalanced and huge input.

Each ends within a time bound with a note naming what was stopped and where, and nothing outside the submission is read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.read import latex
from grader.read.ingest import read_submission
from grader.read.document import Document
from grader.read.latex import read_latex

BOUND_S = 10.0  # each case takes well under a second alone; the bound leaves room for a loaded CI machine


def timed(text: str) -> tuple[Document, float]:
    t = time.perf_counter()
    d = read_latex(text, "hostile.tex")
    return d, time.perf_counter() - t


def wrap(preamble: str, body: str) -> str:
    return "\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body + "\n\\end{document}\n"


def test_an_exponential_macro_bomb_stops_with_one_note() -> None:
    chain = "".join(f"\\def\\m{chr(97 + k)}{{\\m{chr(98 + k)}\\m{chr(98 + k)}}}" for k in range(24))
    text = wrap(chain + "\\def\\my{x}", "$\\ma + 1$\n$\\ma$\n" * 200)
    d, took = timed(text)
    assert took < BOUND_S
    assert d.lines[3] == "$\\ma + 1$"
    bombs = [n for n in d.notes if "macro \\ma (defined at line 2)" in n]
    assert len(bombs) == 1 and "line 4" in bombs[0] and len(d.notes) == 1


def test_a_size_bomb_stops_at_the_line_limit() -> None:
    text = wrap("\\def\\x{" + "x" * 1000 + "}\n\\def\\y{\\x\\x\\x\\x\\x\\x\\x\\x\\x\\x}\n\\def\\z{\\y\\y\\y\\y\\y\\y\\y\\y\\y\\y}",
                "$\\z$ and $\\y$")
    d, took = timed(text)
    assert took < BOUND_S
    line = d.lines[5]
    assert line.startswith("$\\z$ and $x") and len(line) < latex.MAX_LINE_CHARS  # \y alone fits, \z does not
    assert len(d.notes) == 1 and "macro \\z (defined at line 4)" in d.notes[0] and "characters" in d.notes[0]


@pytest.mark.parametrize("defs,name", [
    ("\\def\\a{\\a}", "\\a"),
    ("\\def\\a{\\b}\\def\\b{\\c}\\def\\c{\\a}", "\\a"),
    ("\\newcommand{\\a}[1]{\\a{#1#1}}", "\\a"),
    ("\\let\\a\\b\\let\\b\\a", "\\a"),
])
def test_recursive_definitions_on_every_line_cost_one_note(defs: str, name: str) -> None:
    d, took = timed(wrap(defs, f"${name}{{x}}$\n" * 5_000))
    assert took < BOUND_S
    assert d.lines[3] == f"${name}{{x}}$" and d.lines[-4] == f"${name}{{x}}$"
    assert len(d.notes) == 1 and f"macro {name} " in d.notes[0]


def test_thousands_of_bombs_spend_a_bounded_budget_and_notes_are_capped() -> None:
    defs = "\n".join(f"\\def\\b{_letters(k)}{{\\b{_letters(k)}}}" for k in range(3000))
    body = "\n".join(f"$\\b{_letters(k)}$" for k in range(3000))
    d, took = timed(wrap(defs, body))
    assert took < BOUND_S
    assert len(d.notes) == latex.MAX_NOTES + 1 and d.notes[-1].endswith("more LaTeX notes like these not listed")


def _letters(k: int) -> str:
    return "".join(chr(97 + int(c)) for c in str(k))


def test_includes_of_outside_files_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.tex"
    secret.parent.mkdir()
    secret.write_text("\\section{Stolen}\nTOP-SECRET\n", encoding="utf-8")
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "main.tex").write_text(wrap("", f"\\input{{/etc/passwd}}\n\\input{{{secret}}}\n\\include{{../outside/secret}}\n"
                                          f"\\subfile{{{secret}}}\n\\input {secret}\n"), encoding="utf-8")
    d = read_submission(sub)
    assert not any("TOP-SECRET" in ln or "root:" in ln for ln in d.lines)
    assert [h.title for h in d.structure] == []
    notes = [n for n in d.notes if "is not followed: only the submitted file is read" in n]
    assert len(notes) == 5 and "line 4: \\input{/etc/passwd}" in notes[0]


def test_unbalanced_environments_and_braces_end_in_time() -> None:
    body = "\\begin{enumerate}\n\\item x {\n" * 20_000 + "\\end{itemize}}}}\n\\section{Last}\n"
    d, took = timed(wrap("", body))
    assert took < BOUND_S
    assert d.lines[-4] == "\\section{Last}"  # the text is all there even when the structure is given up


@pytest.mark.parametrize("inner", ["", "\\f"])
def test_100k_nested_groups_are_not_parsed_and_say_so(inner: str) -> None:
    d, took = timed(wrap("\\newcommand{\\f}[1]{(#1)}", "$" + ("{" + inner) * 100_000 + "x" + "}" * 100_000 + "$\n\\section{A}"))
    assert took < BOUND_S
    assert d.structure == ()
    assert any("headings are found from the text" in n for n in d.notes)  # braces too deep, or the body too long
    assert any("braces nest more than" in n for n in d.notes) or inner


def test_a_line_of_unclosed_macro_arguments_is_linear() -> None:
    d, took = timed(wrap("\\newcommand{\\f}[1]{(#1)}", "\\f{" * 500_000))
    assert took < BOUND_S
    assert sum("do not close on their line" in n for n in d.notes) == 1


def test_a_huge_write_up_is_read_and_its_structure_given_up_with_a_note() -> None:
    block = "\\section{Question}\nThe gradient is $\\E[x] = 2x$ and $\\frac{a}{b}$ here.\n"
    text = wrap("\\newcommand{\\E}{\\mathbb{E}}", block * 60_000)  # about 4.8 MB, under the 5 MB file limit
    d, took = timed(text)
    assert took < 3 * BOUND_S
    assert d.lines[4] == "The gradient is $\\mathbb{E}[x] = 2x$ and $\\frac{a}{b}$ here."
    assert d.structure == () and any("over the" in n and "structure reader" in n for n in d.notes)


def test_random_latex_soup_never_raises() -> None:
    import random

    rng = random.Random(7)
    atoms = ["\\def", "\\newcommand", "{", "}", "[", "]", "#1", "#", "\\a", "\\b", "\\section", "\\item", "%", "\\%",
             "\\begin{enumerate}", "\\end{enumerate}", "\\let", "=", "\\DeclarePairedDelimiter", "$", "\n", " ", "x",
             "\\begin{document}", "\\end{document}", "\\input", "\\\\", "\\iffalse", "\\fi", "*", "\\question"]
    for _ in range(300):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 200)))
        d, took = timed(text)
        assert took < BOUND_S
        assert len(d.lines) == len(text.split("\n"))
        assert all(0 <= h.index < len(d.lines) for h in d.structure)
