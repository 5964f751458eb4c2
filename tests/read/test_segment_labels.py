"""Segmentation of labels in every form students write, of markup headings, and of answers found without labels."""

from __future__ import annotations

import pytest

from grader.read.document import Document, Heading
from grader.read.latex import read_latex
from grader.read.segment import Answer, segment


def _doc(text: str, structure: tuple[Heading, ...] = (), kind: str = "markdown") -> Document:
    lines = tuple(text.split("\n"))
    return Document(path="t.tex" if kind == "latex" else "t.md", lines=lines,
                    line_numbers=tuple(range(1, len(lines) + 1)), kind=kind, structure=structure)


def _texts(answers: dict[str, Answer | None]) -> dict[str, str | None]:
    return {q: (a.text.strip() if a is not None else None) for q, a in answers.items()}


# each form: (rubric ids, write-up, expected answer text per id)
FORMS = {
    "paren-colon": (["1.a", "1.b", "2"], "## Question 1\n(a): First.\n(b): Second.\n## Question 2\nThird.",
                    {"1.a": "First.", "1.b": "Second.", "2": "Third."}),
    "letter-paren": (["1.a", "1.b"], "Question 1\na) First.\nb) Second.", {"1.a": "First.", "1.b": "Second."}),
    "letter-dot": (["1.a", "1.b"], "Question 1\na. First.\nb. Second.", {"1.a": "First.", "1.b": "Second."}),
    "q-paren-deep": (["3.d.i", "3.d.ii"], "Q3(d)(i) First.\nQ3(d)(ii) Second.", {"3.d.i": "First.", "3.d.ii": "Second."}),
    "q-dotted-deep": (["3.d.i", "3.d.ii"], "Q3.d.i First.\nQ3.d.ii Second.", {"3.d.i": "First.", "3.d.ii": "Second."}),
    "number-paren": (["3.c", "3.d"], "3(c) First.\n3(d) Second.", {"3.c": "First.", "3.d": "Second."}),
    "number-paren-deep": (["3.d.i", "3.d.ii"], "3(d)(i) First.\n3(d)(ii) Second.",
                          {"3.d.i": "First.", "3.d.ii": "Second."}),
    "number-dotted-deep": (["3.d.i", "3.d.ii"], "3.d.i First.\n3.d.ii Second.",
                           {"3.d.i": "First.", "3.d.ii": "Second."}),
    "part-roman": (["1.i", "1.ii"], "Question 1\nPart (i) First.\nPart (ii) Second.", {"1.i": "First.", "1.ii": "Second."}),
    "part-letter": (["1.a", "1.b"], "Question 1\nPart a First.\nPart b Second.", {"1.a": "First.", "1.b": "Second."}),
    "question-comma-part": (["4.a", "4.b"], "Question 4, part 1 First.\nQuestion 4, part 2 Second.",
                            {"4.a": "First.", "4.b": "Second."}),
    "problem-space-paren": (["2.b", "2.c"], "Problem 2 (b) First.\nProblem 2 (c) Second.", {"2.b": "First.", "2.c": "Second."}),
    "math-bold-colon": (["1.i", "1.ii"], "Question 1\n$\\bm{i}:$ First.\n$\\bm{ii}:$ Second.",
                        {"1.i": "First.", "1.ii": "Second."}),
    "math-paren": (["1.a", "1.b"], "Question 1\n$(a)$ First.\n$(b)$ Second.", {"1.a": "First.", "1.b": "Second."}),
    "bold-markdown": (["1.a", "1.b"], "Question 1\n**(a)** First.\n**(b)** Second.", {"1.a": "First.", "1.b": "Second."}),
    "bold-latex": (["1.a", "1.b"], "Question 1\n\\textbf{(a)} First.\n\\textbf{(b)} Second.",
                   {"1.a": "First.", "1.b": "Second."}),
    "sub-sub-parts": (["1.a.i", "1.a.ii", "1.b"], "Question 1\n(a)\n(i) First.\n(ii) Second.\n(b) Third.",
                      {"1.a.i": "First.", "1.a.ii": "Second.", "1.b": "Third."}),
    "restarted-numbering": (["1.a", "1.b", "2.a", "2.b"], "## Question 1\n1. First.\n2. Second.\n## Question 2\n"
                            "1. Third.\n2. Fourth.", {"1.a": "First.", "1.b": "Second.", "2.a": "Third.", "2.b": "Fourth."}),
    "deeper-than-rubric": (["3.c", "3.d"], "Q3(c) First.\nQ3(d)(ii) Second.", {"3.c": "First.", "3.d": "Second."}),
    "bold-deep-colon": (["3.d.i", "3.d.ii"], "**Q3(d)(i):** First.\n**Q3(d)(ii):** Second.",
                        {"3.d.i": "First.", "3.d.ii": "Second."}),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_label_form(form: str) -> None:
    ids, text, expected = FORMS[form]
    answers = segment(_doc(text), ids)
    assert _texts(answers) == expected
    assert all(a is None or not a.inferred for a in answers.values())  # a label located each one


@pytest.mark.parametrize("line", ["$a$ is the learning rate.", "$(x)(y)$ is a product.", "$1.2$ is a number.",
                                  "$b$ and $c$ are constants."])
def test_math_that_is_not_a_label(line: str) -> None:
    answers = segment(_doc(f"Question 1\n(a) First.\n{line}\n(b) Second."), ["1.a", "1.b"])
    assert answers["1.a"] is not None and line in answers["1.a"].text


def test_lone_i_after_h_is_a_letter_and_roman_after_a_part() -> None:
    lettered = segment(_doc("Question 1\n(h) First.\n(i) Second."), ["1.h", "1.i"])
    assert _texts(lettered) == {"1.h": "First.", "1.i": "Second."}
    roman = segment(_doc("Question 1\n(a)\n(i) First.\n(ii) Second."), ["1.a.i", "1.a.ii"])
    assert _texts(roman) == {"1.a.i": "First.", "1.a.ii": "Second."}
    numbered = segment(_doc("Question 1\n$\\bm{i}:$ First.\n$\\bm{ii}:$ Second.\n(iii) Third."), ["1.1", "1.2", "1.3"])
    assert _texts(numbered) == {"1.1": "First.", "1.2": "Second.", "1.3": "Third."}  # roman parts of numbered ids



def test_a_lone_roman_numeral_is_told_by_its_sibling_past_a_nested_list() -> None:
    """(i) whose first item is a nested (a) list is roman when (ii) follows that list; (v) after (iv) is roman even
    though (iv) was already read as 4; (i) of a letter list (then (j)) stays a letter."""
    nested = segment(_doc("Question 3\n(i)\n(a) First.\n(b) Second.\n(ii)\n(a) Third."), ["3.1.a", "3.1.b", "3.2.a"])
    assert _texts(nested) == {"3.1.a": "First.", "3.1.b": "Second.", "3.2.a": "Third."}
    five = segment(_doc("Question 2\n(iii) Three.\n(iv) Four.\n(v) Five.\n(vi) Six."), ["2.c", "2.d", "2.e", "2.f"])
    assert _texts(five) == {"2.c": "Three.", "2.d": "Four.", "2.e": "Five.", "2.f": "Six."}
    letters = segment(_doc("Question 1\n(h) Eight.\n(i)\n(a) Nested.\n(j) Ten."), ["1.h", "1.i", "1.j"])
    assert letters["1.i"] is not None and "Nested." in letters["1.i"].text and _texts(letters)["1.j"] == "Ten."

# --- markup headings (Document.structure) ------------------------------------------------------------------

def _sections(titles: list[str], bodies: list[str], labels: list[tuple[str, ...]], inferred: list[bool],
              items: dict[int, list[str]] | None = None) -> Document:
    """A LaTeX write-up: one `\\section` per title, its body, then `\\item`s of an enumerate under it."""
    lines: list[str] = []
    heads: list[Heading] = []
    for k, (title, body, label, inf) in enumerate(zip(titles, bodies, labels, inferred)):
        heads.append(Heading(len(lines), label, title, "section", inf))
        lines.append(f"\\section{{{title}}}")
        lines.append(body)
        for n, item in enumerate((items or {}).get(k, [])):
            heads.append(Heading(len(lines), label + ("abcdefgh"[n],), item, "item", True))
            lines.append(f"\\item {item}")
    return _doc("\n".join(lines), tuple(heads), kind="latex")


def test_auto_numbered_sections_and_unlabelled_items() -> None:
    doc = _sections(["Backprop", "Momentum"], ["Intro to one.", "Intro to two."], [("1",), ("2",)], [True, True],
                    items={0: ["The chain rule gives it.", "The Hessian is diagonal."], 1: ["Momentum averages."]})
    answers = segment(doc, ["1.a", "1.b", "2"])
    assert _texts(answers) == {"1.a": "The chain rule gives it.", "1.b": "The Hessian is diagonal.",
                               "2": "Intro to two.\n\\item Momentum averages."}
    assert answers["1.a"].inferred == "order"  # type: ignore[union-attr]


def test_written_markup_label_is_strong() -> None:
    doc = _sections(["Question 2: Momentum", "Question 1: Backprop"], ["Two.", "One."], [("2",), ("1",)], [False, False])
    assert _texts(segment(doc, ["1", "2"])) == {"1": "One.", "2": "Two."}


def test_section_without_a_number_opens_its_own_answer() -> None:
    """Fragile case 1: `\\section*{...}` between numbered sections was merged into the answer above."""
    doc = _sections(["Question 1", "Gradients", "Question 3"], ["One.", "Two.", "Three."], [("1",), (), ("3",)],
                    [False, False, False])
    answers = segment(doc, ["1", "2", "3"])
    assert _texts(answers) == {"1": "One.", "2": "Two.", "3": "Three."}
    assert answers["2"].inferred == "order" and not answers["1"].inferred  # type: ignore[union-attr]
    prompts = {"1": "Derive the update.", "2": "Compute the gradients of the loss.", "3": "Bound the norm."}
    assert segment(doc, ["1", "2", "3"], prompts)["2"].inferred == "text"  # type: ignore[union-attr]


def test_section_without_a_number_and_no_question_left_is_not_merged() -> None:
    doc = _sections(["Question 1", "Question 2", "Acknowledgements"], ["One.", "Two.", "Thanks to my group."],
                    [("1",), ("2",), ()], [False, False, False])
    answers = segment(doc, ["1", "2"])
    assert _texts(answers) == {"1": "One.", "2": "Two."}


def test_markdown_heading_without_a_number_opens_its_own_answer() -> None:
    text = "## Question 1\nOne.\n## Gradients\nTwo.\n## Question 3\nThree."
    answers = segment(_doc(text), ["1", "2", "3"])
    assert _texts(answers) == {"1": "One.", "2": "Two.", "3": "Three."}
    assert answers["2"].inferred == "order"  # type: ignore[union-attr]


SEVEN = ["5", "6.a", "6.b", "7"]


@pytest.mark.parametrize("title", ["Attention", "Self-attention cost", "Scaled dot products"])
def test_removing_a_number_from_one_heading_moves_nothing_else(title: str) -> None:
    """Fragile case 2: without "Q7:" section 7's text went to 6.b; and the title's wording must not matter."""
    numbered = _sections(["Q5: Norms", "Q6: Dropout", "Q7: Attention"], ["Five.", "Six.", "Seven."],
                         [("5",), ("6",), ("7",)], [False, False, False], items={1: ["Masks are random.", "Rescale by p."]})
    bare = _sections(["Q5: Norms", "Q6: Dropout", title], ["Five.", "Six.", "Seven."],
                     [("5",), ("6",), ()], [False, False, False], items={1: ["Masks are random.", "Rescale by p."]})
    expected = {"5": "Five.", "6.a": "Masks are random.", "6.b": "Rescale by p.", "7": "Seven."}
    assert _texts(segment(numbered, SEVEN)) == expected
    assert _texts(segment(bare, SEVEN)) == expected
    md = "## Q5: Norms\nFive.\n## Q6: Dropout\n(a) Masks are random.\n(b) Rescale by p.\n## {}\nSeven."
    with_number = _texts(segment(_doc(md.format("Q7: Attention")), SEVEN))
    without = _texts(segment(_doc(md.format(title)), SEVEN))
    assert without == with_number | {"7": "Seven."} and without["6.b"] == "Rescale by p."


NINE = ["1.a", "1.b", "2.a", "2.b", "3.a", "3.b", "4", "5", "6"]
TOPICS = ["Backprop", "Momentum", "Adam", "Dropout", "Batch norm", "Attention"]


@pytest.mark.parametrize("kind", ["latex", "markdown"])
def test_one_question_heading_does_not_lose_the_others(kind: str) -> None:
    """Fragile case 3: titling section 2 "Question 2: ..." found 2 but lost eight other answers."""
    items = {0: ["One a.", "One b."], 1: ["Two a.", "Two b."], 2: ["Three a.", "Three b."]}
    bodies = ["", "", "", "Four.", "Five.", "Six."]
    expected = {"1.a": "One a.", "1.b": "One b.", "2.a": "Two a.", "2.b": "Two b.", "3.a": "Three a.",
                "3.b": "Three b.", "4": "Four.", "5": "Five.", "6": "Six."}
    for second in ("Momentum", "Question 2: Momentum"):
        titles = [TOPICS[0], second] + TOPICS[2:]
        if kind == "latex":
            labels = [(str(k + 1),) for k in range(6)]
            doc = _sections(titles, bodies, labels, [k != 1 or second == "Momentum" for k in range(6)], items)
            answers = _texts(segment(doc, NINE))
            assert {q: (t or "").replace("\\item ", "") for q, t in answers.items()} == expected, second
        else:
            md = []
            for k, title in enumerate(titles):
                md.append(f"## {title}")
                md.extend(f"({'ab'[n]}) {t}" for n, t in enumerate(items.get(k, [])))
                md.append(bodies[k])
            prompts = {q: f"Questions about {TOPICS[int(q[0]) - 1].lower()}." for q in NINE}
            assert _texts(segment(_doc("\n".join(md)), NINE, prompts)) == expected, second


def test_grading_reports_an_answer_located_without_a_label() -> None:
    from pathlib import Path

    from grader.course.directory import Course
    from grader.grading.pipeline import grade_document

    course = Course(Path(__file__).resolve().parents[2])
    text = ("## Question 1\n(a) The forward difference errs by $O(h)$.\n(b) The central one by $O(h^2)$.\n"
            "## Weight normalization\nThe gradient with respect to $b$ is the upstream gradient.\n"
            "## Question 3\nThe strided recurrence skips steps.\n")
    result = grade_document("t.md", _doc(text), course.rubric("backprop"), course, student="s")
    by_id = {q.id: q for q in result.questions}
    located = [(f.message, f.severity.value, f.line) for f in by_id["2"].findings if f.kind == "segment"]
    assert located == [("answer located by its text, not by a label", "info", 4)]  # the title names the prompt
    assert not [f for f in by_id["3"].findings if f.kind == "segment"]


# --- second round: parts numbered in brackets, page headers, shuffled parts, solution environments ----------

def test_bracketed_numbers_are_parts_and_labelled_page_headers_are_noise() -> None:
    """A PDF export: "**Problem 2.**" headings, "(1)" parts, and a running header naming "Homework 3" per page."""
    text = ("Homework 3 - Deep Learning - Ann Lee        1\n\n**Problem 1.** *(Backprop)*\n\n(1) First.\n\n"
            "(2) Second.\n\nHomework 3 - Deep Learning - Ann Lee        2\n\n**Problem 2.**\n\n(1) Third.\n\n"
            "Homework 3 - Deep Learning - Ann Lee        3\n\n(2) Fourth.\n")
    ids = ["1.1", "1.2", "2.1", "2.2", "3.1"]
    assert _texts(segment(_doc(text), ids)) == {"1.1": "First.", "1.2": "Second.", "2.1": "Third.",
                                                "2.2": "Fourth.", "3.1": None}


def test_headings_sharing_their_words_stay_headings() -> None:
    text = "\n".join(f"1.{k} Backpropagation through the layer\nWe argue {k}." for k in (1, 2, 3))
    assert _texts(segment(_doc(text), ["1.1", "1.2", "1.3"])) == {
        f"1.{k}": f"Backpropagation through the layer\nWe argue {k}." for k in (1, 2, 3)}


@pytest.mark.parametrize("line", ["\\textbf{4.3} \\textbf{(a)} First.", "**4.3** **(a)** First.",
                                  "**Question 4.3** (a) First."])
def test_part_label_after_a_number_in_its_own_wrapper(line: str) -> None:
    answers = segment(_doc(f"{line}\n\n\\textbf{{(b)}} Second.\n\n\\textbf{{4.4}} Third."), ["4.3.a", "4.3.b", "4.4"])
    assert _texts(answers) == {"4.3.a": "First.", "4.3.b": "Second.", "4.4": "Third."}


def test_part_label_after_a_number_fits_a_rubric_without_parts() -> None:
    answers = segment(_doc("\\textbf{4.3} \\textbf{(a)} First.\n\\textbf{4.4} Second."), ["4.3", "4.4"])
    assert _texts(answers) == {"4.3": "First.", "4.4": "Second."}


def test_parts_answered_out_of_order_within_a_question() -> None:
    text = ("## Question 4\n### 4.2\nTwo.\n### 4.3\nThree.\n### 4.1\nOne.\n"
            "## Question 1\n### 1.3\nThirteen.\n### 1.1\nEleven.\n")
    answers = segment(_doc(text), ["1.1", "1.2", "1.3", "4.1", "4.2", "4.3"])
    assert _texts(answers) == {"1.1": "Eleven.", "1.2": None, "1.3": "Thirteen.", "4.1": "One.", "4.2": "Two.",
                               "4.3": "Three."}


def test_a_later_reference_to_a_part_does_not_reorder_it() -> None:
    text = "**2.1** One.\n**2.2** Two, and then:\n**2.1** is used again here.\n**2.3** Three."
    answers = _texts(segment(_doc(text), ["2.1", "2.2", "2.3"]))
    assert answers["2.2"] == "Two, and then:" and answers["2.3"] == "Three."  # not moved before 2.1


def test_a_heading_the_order_cannot_place_ends_the_answer_above() -> None:
    """Three parts headed 2.3, 2.1, 2.2 can be placed; "1.1" after question 2 cannot, and must not join 2.2."""
    text = "## Question 2\n### 2.1\nOne.\n### 2.2\nTwo.\n## Question 1\n### 1.1\nEleven.\n### 2.1\nAgain."
    answers = segment(_doc(text), ["1.1", "2.1", "2.2"])
    assert answers["2.2"] is not None and answers["2.2"].text.strip() == "Two."


def test_part_inside_a_solution_environment_ends_with_it() -> None:
    """amsthm: problems 2 and 3 declared by environments no heading reads; (b) of problem 1 must not run on."""
    text = ("\\begin{problem}\nGradients.\n\\end{problem}\n\\begin{solution}\n(a) First.\n\n(b) Second.\n"
            "\\end{solution}\n\\begin{problem}\n\\end{problem}\n\\begin{proof}\nNot placed.\n\\end{proof}\n")
    answers = segment(_doc(text, kind="latex"), ["1.a", "1.b", "2"])
    assert _texts(answers) == {"1.a": "First.", "1.b": "Second.", "2": None}


def test_a_full_label_under_an_unlabelled_heading_is_not_inferred() -> None:
    text = "## Question 1\nOne.\n## Momentum\n2.1 First.\n(b) Second.\n"
    answers = segment(_doc(text), ["1", "2.1", "2.2"])
    assert _texts(answers) == {"1": "One.", "2.1": "First.", "2.2": "Second."}
    assert not answers["2.1"].inferred  # type: ignore[union-attr]  # "2.1" names it
    assert answers["2.2"].inferred == "order"  # type: ignore[union-attr]  # "(b)" of the heading placed by order


@pytest.mark.parametrize("title", ["References", "Appendix:", "Acknowledgements"])
def test_back_matter_answers_no_question(title: str) -> None:
    """A trailing "## References" must not fill question 3, left unanswered, by order alone."""
    text = f"## Question 1\nOne.\n## Question 2\nTwo.\n## {title}\n[1] Goodfellow et al., Deep Learning."
    for prompts in ({}, {"3": "Bound the norm of the gradient."}):
        answers = segment(_doc(text), ["1", "2", "3"], prompts)
        assert _texts(answers) == {"1": "One.", "2": "Two.", "3": None}


def test_a_title_sharing_nothing_with_the_prompt_needs_more_than_its_place() -> None:
    prompts = {"1": "Derive the update.", "2": "Compute the gradients.", "3": "Bound the spectral norm."}
    trailing = "## Question 1\nOne.\n## Question 2\nTwo.\n## Discussion\nIt was fun."
    assert segment(_doc(trailing), ["1", "2", "3"], prompts)["3"] is None
    titled = "## Question 1\nOne.\n## Question 2\nTwo.\n## Spectral bounds\nThree."
    assert _texts(segment(_doc(titled), ["1", "2", "3"], prompts))["3"] == "Three."  # the title names the prompt
    between = "## Question 1\nOne.\n## Discussion\nTwo.\n## Question 3\nThree."
    assert _texts(segment(_doc(between), ["1", "2", "3"], prompts))["2"] == "Two."  # the only id left between
    unknown = segment(_doc(trailing), ["1", "2", "3"])  # no prompt to compare with: order decides, as before
    assert _texts(unknown)["3"] == "It was fun." and unknown["3"].inferred == "order"  # type: ignore[union-attr]


# --- write-ups without a single label ------------------------------------------------------------------------

NO_LABELS = ["1.a", "1.b", "2.a", "2.b", "3"]


def test_no_labels_breaks_and_paragraphs_in_rubric_order() -> None:
    text = ("# Homework - Ann Lee\n\nOne a, with\ntwo lines.\n\n$$x = y$$\n\nOne b.\n\n---\n\nTwo a.\n\nTwo b.\n\n"
            "***\n\nThree, first paragraph.\n\nThree, second paragraph.\n")
    answers = segment(_doc(text), NO_LABELS)
    assert _texts(answers) == {"1.a": "One a, with\ntwo lines.\n$$x = y$$", "1.b": "One b.", "2.a": "Two a.",
                               "2.b": "Two b.", "3": "Three, first paragraph.\nThree, second paragraph."}
    assert {a.inferred for a in answers.values() if a is not None} == {"order"}
    assert answers["1.a"].line == 3 and answers["2.a"].line == 12  # type: ignore[union-attr]


def test_no_labels_without_breaks_needs_one_paragraph_per_id() -> None:
    ids = ["1", "2", "3"]
    assert _texts(segment(_doc("Ann Lee, with notes from Bob.\n\nOne.\n\nTwo.\n\nThree."), ids)) == {"1": None, "2": None, "3": None}
    assert _texts(segment(_doc("One.\n\nTwo.\n\nThree."), ids)) == {"1": "One.", "2": "Two.", "3": "Three."}


def test_no_labels_prompts_place_paragraphs_inside_a_question() -> None:
    """Question 1 has two parts but three paragraphs: the prompts' words say where the second part starts."""
    prompts = {"1.a": "Compute the gradient of the softmax cross-entropy loss.",
               "1.b": "Bound the spectral norm of the Jacobian.", "2": "Explain dropout."}
    text = ("The softmax gradient of the cross-entropy loss is $p - y$.\n\nWe used $\\sum p = 1$.\n\n"
            "The spectral norm of the Jacobian is at most one.\n\n---\n\nDropout averages an ensemble.")
    answers = segment(_doc(text), ["1.a", "1.b", "2"], prompts)
    assert _texts(answers) == {"1.a": "The softmax gradient of the cross-entropy loss is $p - y$.\nWe used $\\sum p = 1$.",
                               "1.b": "The spectral norm of the Jacobian is at most one.",
                               "2": "Dropout averages an ensemble."}
    assert answers["1.a"].inferred == "text" and answers["2"].inferred == "order"  # type: ignore[union-attr]
    no_prompts = segment(_doc(text), ["1.a", "1.b", "2"])  # nothing says where 1.b starts: a miss, not a guess
    assert _texts(no_prompts) == {"1.a": None, "1.b": None, "2": "Dropout averages an ensemble."}


# --- LaTeX markup read by grader.read.latex: counters, solution environments, labels written in the markup ---


def _tex(body: str, cls: str = "article") -> Document:
    from grader.read.latex import read_latex

    return read_latex(f"\\documentclass{{{cls}}}\n\\begin{{document}}\n{body}\\end{{document}}\n", "t.tex")


def test_a_roman_counter_matches_numbered_ids() -> None:
    """`label=(\\roman*)` items are (i), (ii): they answer 3.1 and 3.2, and their nested (a) items 3.1.a, 3.1.b."""
    doc = _tex("\\section*{Question 3}\n\\begin{enumerate}[label=(\\roman*)]\n\\item\n\\begin{enumerate}[(a)]\n"
               "\\item Cats purr.\n\\item Dogs bark.\n\\end{enumerate}\n\\item Birds sing.\n\\end{enumerate}\n")
    prompts = {"3.1.a": "Derive the variance of a product.", "3.1.b": "Compute the mean of the layer.",
               "3.2": "Explain the initialisation."}
    assert _texts(segment(doc, ["3.1.a", "3.1.b", "3.2"], prompts)) == {
        "3.1.a": "Cats purr.", "3.1.b": "Dogs bark.", "3.2": "Birds sing."}


def test_a_solution_environment_takes_no_id_of_its_own() -> None:
    """Exam parts each with a solution: the solution after the last part is that part's answer, not the next id."""
    doc = _tex("\\begin{questions}\n\\question Decoding\n\\begin{parts}\n"
               + "".join(f"\\part\n\\begin{{solution}}\n{w}.\n\\end{{solution}}\n" for w in ("One", "Two", "Three"))
               + "\\end{parts}\n\\end{questions}\n", cls="exam")
    answers = segment(doc, ["1.1", "1.2", "1.3", "1.4.a", "1.4.b"], {"1.3": "beam search", "1.4.a": "Tree decoding"})
    assert _texts(answers) == {"1.1": "One.", "1.2": "Two.", "1.3": "Three.", "1.4.a": None, "1.4.b": None}


def test_the_text_reads_more_of_a_label_written_in_the_markup() -> None:
    """`\\section*{Question 3, (b)}`: the markup reads question 3, the text 3.b: the longer reading wins."""
    doc = _tex("\\section*{Question 3, (a)}\nFirst.\n\\section*{Question 3, (b)}\nSecond.\n")
    assert _texts(segment(doc, ["3.a", "3.b"])) == {"3.a": "First.", "3.b": "Second."}


def test_a_solution_marker_after_a_markup_part_answers_only_that_part() -> None:
    """A "1." footnote of the handout under part 2 is not part 1 answered again after "Solution:"."""
    doc = _tex("\\begin{questions}\n\\question Gradients\n\\begin{parts}\n\\part Show the first thing.\n\n"
               "Solution: the first answer.\n\n\\part Show the second thing.\n\n1. A footnote of the handout.\n\n"
               "Solution: the second answer.\n\\end{parts}\n\\end{questions}\n", cls="exam")
    answers = _texts(segment(doc, ["1.1", "1.2"]))
    assert answers["1.1"] is not None and "the first answer" in answers["1.1"] and "footnote" not in answers["1.1"]
    assert answers["1.2"] is not None and "the second answer" in answers["1.2"]


def test_an_answer_of_list_markup_alone_is_no_answer() -> None:
    """"Answer 1." followed only by `\\end{parts}`: nothing was answered."""
    doc = _tex("\\begin{questions}\n\\question Prompt.\n\\begin{parts}\n\\part Prompt a.\n\\part Prompt b.\n\n"
               "\\paragraph*{Answer 1.}\n\n\\end{parts}\n\\end{questions}\n", cls="exam")
    assert _texts(segment(doc, ["1.1", "1.2"])) == {"1.1": None, "1.2": None}


def test_rubric_titles_place_unlabelled_headings_where_no_prompt_is_given() -> None:
    # no prompts in the rubric, only short titles: the second heading names the third question, not the second
    text = ("## Momentum as a running average\n\nThe update keeps a velocity.\n\n"
            "## Efficient attention\n\nThe kernel trick makes it linear in n.\n")
    doc = Document(path="w.md", lines=tuple(text.split("\n")), line_numbers=tuple(range(1, text.count("\n") + 2)))
    titles = {"1": "Momentum and running averages", "2": "Dropout as a regulariser", "3": "Efficient attention"}
    answers = segment(doc, ["1", "2", "3"], {}, titles)
    found = {q: a.text.strip().splitlines()[-1] for q, a in answers.items() if a is not None and a.found}
    assert found == {"1": "The update keeps a velocity.", "3": "The kernel trick makes it linear in n."}


def test_an_exam_mark_keeps_the_answer_written_on_its_own_line() -> None:
    """`\\part Answer.` and `\\question[4] Answer.`: the text after the mark (and its points) is the answer, braces
    of its math included, as the text after `\\item` is."""
    doc = _tex("\\begin{questions}\n\\question\n\\begin{parts}\n\\part Width $\\frac{a}{b} = 7$ here.\n"
               "\\part Mean zero.\n\\end{parts}\n\\question[4] Sum of $\\{x_i\\}$.\n\\end{questions}\n", cls="exam")
    assert _texts(segment(doc, ["1.a", "1.b", "2"])) == {
        "1.a": "Width $\\frac{a}{b} = 7$ here.", "1.b": "Mean zero.", "2": "Sum of $\\{x_i\\}$."}


def test_a_one_line_answer_that_uses_the_prompts_words_is_not_taken_for_the_prompt() -> None:
    """No labels, one paragraph per id: an answer opening with a few of its prompt's words keeps its text, while a
    prompt copied out whole with nothing after it is still no answer."""
    prompts = {"2": "The moving mean is m_t = α m_{t-1} + (1 - α) x_t with m_0 = 0. Expand it: write m_t as a "
                    "weighted sum of the inputs x_i (1 ≤ i ≤ t)."}
    text = ("The ratio is $3$.\n\nExpanding the moving mean: $m_t = (1-\\alpha)\\sum_{i=1}^{t}\\alpha^{t-i} x_i$.\n\nIt is $7$.\n")
    doc = Document(path="w.md", lines=tuple(text.split("\n")), line_numbers=tuple(range(1, text.count("\n") + 2)))
    assert _texts(segment(doc, ["1", "2", "3"], prompts)) == {
        "1": "The ratio is $3$.", "2": "Expanding the moving mean: $m_t = (1-\\alpha)\\sum_{i=1}^{t}\\alpha^{t-i} x_i$.", "3": "It is $7$."}
    copied = text.replace("Expanding the moving mean: $m_t = (1-\\alpha)\\sum_{i=1}^{t}\\alpha^{t-i} x_i$.", prompts["2"])
    doc = Document(path="w.md", lines=tuple(copied.split("\n")), line_numbers=tuple(range(1, copied.count("\n") + 2)))
    assert _texts(segment(doc, ["1", "2", "3"], prompts))["2"] is None


# --- short labels in headings ("### 4(b)"): they name an id in full, so they place and order as dotted ones do ---


def test_short_heading_labels_in_reverse_order_are_all_placed() -> None:
    """`### 3(b)` before `### 1(a)`: the write-up's order wins, as it does for `## Question 3.b`."""
    text = "### 3(b)\nMomentum.\n\n### 3(a)\nGeometric sum.\n\n### 1(a)\nStride.\n"
    answers = _texts(segment(_doc(text), ["1.a", "1.b", "2", "3.a", "3.b"]))
    assert answers == {"1.a": "Stride.", "1.b": None, "2": None, "3.a": "Geometric sum.", "3.b": "Momentum."}


def test_short_heading_labels_order_the_questions_no_keyword_names() -> None:
    """`**Q3.**` and `**Q1.**` name two questions; the parts' headings place question 2 between them, parts reversed."""
    text = ("**Q3.** Beam search.\n\n### 2(b)\nSecond part.\n\n### 2(a)\nFirst part.\n\n"
            "**Q1.** Softmax.\n")
    answers = _texts(segment(_doc(text), ["1", "2.a", "2.b", "3"]))
    assert answers == {"1": "Softmax.", "2.a": "First part.", "2.b": "Second part.", "3": "Beam search."}


def test_a_short_heading_label_the_order_cannot_place_ends_the_answer_above() -> None:
    """Whatever the order makes of them, a `### 1(b)` heading is never text of another id's answer."""
    text = "### 1(a)\nAlpha.\n### 2(a)\nBeta.\n### 1(b)\nGamma.\n### 1(c)\nDelta.\n"  # no order places both 1(a), 2(a)
    answers = segment(_doc(text), ["1.a", "1.b", "1.c", "2.a", "2.b"])
    for a in answers.values():
        assert a is None or len(a.text.strip().splitlines()) == 1
    assert _texts(answers)["1.b"] == "Gamma." and _texts(answers)["1.c"] == "Delta."


def test_a_short_label_a_deeper_id_also_ends_with_is_left_to_the_order() -> None:
    """`### 1(a)` inside question 3 of a rubric with 3.1.a and 1.a is 3.1.a there, not evidence that 1 comes last."""
    text = "## Question 1\n### 1(a)\nOne.\n## Question 3\n### 1(a)\nThree-one-a.\n"
    answers = _texts(segment(_doc(text), ["1.a", "3.1.a"]))
    assert answers == {"1.a": "One.", "3.1.a": "Three-one-a."}


def test_a_flat_exam_counter_against_a_rubric_with_parts_places_nothing_by_its_number() -> None:
    """`\\question` 1..4 with no parts against a rubric whose question 1 has parts: the second `\\question` may
    answer 1.b as well as 2, so neither its number nor its place gives it an id; its words still may."""
    doc = _tex("\\begin{questions}\n\\question[3] The width is $9$.\n\\question[2] After the max layer: $4$.\n"
               "\\question The dropout rate is $0.5$.\n\\question Attention heads: $8$.\n\\end{questions}\n", cls="exam")
    ids = ["1.a", "1.b", "2", "3", "4"]
    prompts = {"3": "What dropout rate does the network use?"}
    answers = _texts(segment(doc, ids, prompts))
    assert answers == {"1.a": None, "1.b": None, "2": None, "3": "The dropout rate is $0.5$.", "4": None}
    nested = _tex("\\begin{questions}\n\\question\n\\begin{parts}\n\\part The width is $9$.\n\\part Four.\n"
                  "\\end{parts}\n\\question[2] Two.\n\\question Three.\n\\question Eight.\n\\end{questions}\n", cls="exam")
    assert _texts(segment(nested, ids)) == {"1.a": "The width is $9$.", "1.b": "Four.", "2": "Two.", "3": "Three.",
                                            "4": "Eight."}  # a counter that fits the rubric still places


def test_a_setext_underline_is_not_part_of_the_answer() -> None:
    text = "Question 1\n==========\n\nThe gradient vanishes.\n\nQuestion 2\n==========\n\nIt explodes.\n"
    doc = Document(path="w.md", lines=tuple(text.split("\n")), line_numbers=tuple(range(1, text.count("\n") + 2)))
    answers = segment(doc, ["1", "2"])
    assert [a.text.strip() for a in (answers["1"], answers["2"]) if a is not None] == [
        "The gradient vanishes.", "It explodes."]


# "## N Title" headings (as PDF section headings are written) against a rubric with parts 2.1-2.3 and a question 3
_SIBLING_IDS = ["1", "2.1", "2.2", "2.3", "3"]
SIBLINGS = {
    "numbered-sections": ("## 1 Intro\nThe answer is 4.\n## 2 Backprop\nThe gradient vanishes.\n## 3 Attention\n"
                          "Softmax of scores.",
                          {"1": "Intro\nThe answer is 4.", "2.1": None, "2.2": None, "2.3": None,
                           "3": "Attention\nSoftmax of scores."}),
    "bare-numbers-with-a-part": ("## 1\nThe answer is 4.\n## 2\n(a) The gradient is $x$.\n## 3\nSoftmax of scores.",
                                 {"1": "The answer is 4.", "2.1": "The gradient is $x$.", "2.2": None, "2.3": None,
                                  "3": "Softmax of scores."}),
    "after-a-question-heading": ("## Question 1\nThe answer is 4.\n## Question 2\nThe gradient vanishes.\n"
                                 "## 3 Attention\nSoftmax of scores.",
                                 {"1": "The answer is 4.", "2.1": None, "2.2": None, "2.3": None,
                                  "3": "Attention\nSoftmax of scores."}),
    "bold-numbers": ("**1** The answer is 4.\n\n**2** The gradient vanishes.\n\n**3** Softmax of scores.",
                     {"1": "The answer is 4.", "2.1": None, "2.2": None, "2.3": None, "3": "Softmax of scores."}),
    "bold-list-under-question": ("## Question 1\nThe answer is 4.\n## Question 2\n**1.** The gradient is $x$.\n"
                                 "**2.** It vanishes.\n**3.** ReLU fixes it.",
                                 {"1": "The answer is 4.", "2.1": "The gradient is $x$.", "2.2": "It vanishes.",
                                  "2.3": "ReLU fixes it.", "3": None}),
    # the opposite readings: a heading one level deeper, a list under a question, a nested series of numbers
    "deeper-heading": ("## Question 1\nThe answer is 4.\n## Question 2\n### 3\nReLU fixes it.",
                       {"1": "The answer is 4.", "2.1": None, "2.2": None, "2.3": "ReLU fixes it.", "3": None}),
    "list-under-question": ("## Question 1\nThe answer is 4.\n## Question 2\n1. The gradient is $x$.\n2. It vanishes.\n"
                            "3. ReLU fixes it.",
                            {"1": "The answer is 4.", "2.1": "The gradient is $x$.", "2.2": "It vanishes.",
                             "2.3": "ReLU fixes it.", "3": None}),
    "nested-number-series": ("# 1\nThe answer is 4.\n# 2\n## 1\nThe gradient is $x$.\n## 2\nIt vanishes.\n## 3\n"
                             "ReLU fixes it.",
                             {"1": "The answer is 4.", "2.1": "The gradient is $x$.", "2.2": "It vanishes.",
                              "2.3": "ReLU fixes it.", "3": None}),
    "list-under-numbered-section": ("## 1 Intro\nThe answer is 4.\n## 2 Backprop\n1. The gradient is $x$.\n"
                                    "2. It vanishes.\n3. ReLU fixes it.\n## 3 Attention\nSoftmax of scores.",
                                    {"1": "Intro\nThe answer is 4.", "2.1": "The gradient is $x$.",
                                     "2.2": "It vanishes.", "2.3": "ReLU fixes it.",
                                     "3": "Attention\nSoftmax of scores."}),
}


@pytest.mark.parametrize("case", sorted(SIBLINGS))
def test_a_numbered_heading_at_the_level_of_the_one_before_is_its_sibling(case: str) -> None:
    text, expected = SIBLINGS[case]
    assert _texts(segment(_doc(text), _SIBLING_IDS)) == expected


def test_parts_of_several_questions_answered_interleaved() -> None:
    text = "1(a) The loss is convex.\nMore on it.\n2(a) The rate is 0.1.\n1(b) The gradient is zero.\n2(b) It converges."
    assert _texts(segment(_doc(text), ["1.a", "1.b", "2.a", "2.b"])) == {
        "1.a": "The loss is convex.\nMore on it.", "1.b": "The gradient is zero.", "2.a": "The rate is 0.1.",
        "2.b": "It converges."}


@pytest.mark.parametrize("first", ["", "### 1\n"])
def test_short_labels_answered_in_reverse_under_bare_number_headings(first: str) -> None:
    text = first + "(b) The gradient is zero.\n(a) The loss is convex.\n### 2\n(b) It converges.\n(a) The rate is 0.1."
    assert _texts(segment(_doc(text), ["1.a", "1.b", "2.a", "2.b"])) == {
        "1.a": "The loss is convex.", "1.b": "The gradient is zero.", "2.a": "The rate is 0.1.", "2.b": "It converges."}


def test_a_short_label_repeated_in_a_question_does_not_reorder_its_parts() -> None:
    text = "## Question 1\n(a) First, in steps:\n(b) a step.\n(a) another step.\n(b) Second."
    answers = _texts(segment(_doc(text), ["1.a", "1.b"]))
    assert answers["1.a"] is not None and answers["1.a"].startswith("First")


def test_a_list_inside_a_part_does_not_take_the_next_part_from_its_exam_heading() -> None:
    tex = "\n".join([
        r"\begin{questions}", r"\question Gradients.", r"\begin{parts}",
        r"\part What is the gradient of the loss?", r"The gradient is $2x$.",
        r"\part Which steps does backpropagation take?", r"The steps:", r"\begin{itemize}",
        r"\item i. the forward pass", r"\item ii. the loss", r"\item iii. the backward pass", r"\end{itemize}",
        r"\part What is the learning rate?", r"It is $0.1$.", r"\end{parts}", r"\end{questions}"])
    prompts = {"1.a": "What is the gradient of the loss?", "1.b": "Which steps does backpropagation take?",
               "1.c": "Say how large each update is."}  # "iii." is the third item of 1.b's list, not part 1.c
    answers = _texts(segment(read_latex(tex, "t.tex"), ["1.a", "1.b", "1.c"], prompts))
    assert answers["1.b"] is not None and answers["1.b"].endswith("iii. the backward pass")
    assert answers["1.c"] is not None and answers["1.c"].endswith("It is $0.1$.") and "backward" not in answers["1.c"]
