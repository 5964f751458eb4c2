from pathlib import Path

from grader.read.pdf.layer import read_layer
from grader.read.pdf.rebuild import rebuild_page

FIXTURES = Path(__file__).parent / "fixtures"


def _text(name: str) -> str:
    return "\n".join(line.text for page in read_layer(str(FIXTURES / name), name) for line in rebuild_page(page))


def test_fractions_scripts_and_limits_from_computer_modern():
    text = _text("cm_article_auto_sections.pdf")
    assert "$$v_{t} = ( 1 - \\beta ) \\sum_{i = 1}^{t} \\beta^{t - i} g_{i} .$$" in text
    assert "\\frac{1}{2} \\epsilon^{2} g^{\\top} H g" in text
    assert "\\hat{f} ( x_{1} )" in text


def test_same_formulas_from_an_opentype_math_font():
    text = _text("otf_article_auto_sections.pdf")
    assert "$$h_{t} = W \\sigma ( h_{t - 1} ) + U x_{t} + b = W g_{t - 1} + U x_{t} + b ,$$" in text


def test_text_stays_text_and_inline_math_is_spanned():
    text = _text("cm_section_star_written.pdf")
    assert "Only the $i$-th output sees $b_{i}$ and $w_{i}$" in text
    assert "\\frac{\\partial \\mathcal{L}}{\\partial b_{i}} = \\frac{g_{i}}{\\| w_{i} \\|}" in text
    assert "$\\mathbb{E} [ a \\tilde{g}_{i} + b ] = g_{i}$" in text


def test_operator_name_written_in_a_sentence_stays_a_word():
    # "the ReLU keeps", "the sigmoid to": an upright word between text letters is prose; beside math it is an operator
    from grader.read.ingest import read_submission

    enum = " ".join(read_submission(FIXTURES / "cm_enumerate_enumitem.pdf").lines)
    assert "compensating for the half that ReLU zeroes" in enum
    assert "\\operatorname{Var} ( X Y )" in enum
    exam = " ".join(read_submission(FIXTURES / "cm_exam_class.pdf").lines)
    assert "one application of the sigmoid to both sides" in exam
    assert "\\max_{j} \\delta_{T} ( j )" in exam


def test_radical_bar_does_not_join_the_line_above_as_a_numerator():
    # "A symmetric uniform law ..." wraps to "β = √(3/d) or ..."; the radicals' bars once glued the two lines together
    text = _text("cm_enumerate_enumitem.pdf")
    assert "A symmetric uniform law on" in text
    assert "\\sqrt{3 / d}" in text and "\\sqrt{6 / d" in text
    item = _text("cm_item_explicit_labels.pdf")
    assert "The small-gradient weight ends up regularized more" in item


def test_operator_name_ending_a_sentence_at_a_line_start_stays_a_word():
    # "... so the final word is its / argmax." wrapped: the word opens the line and a full stop follows it
    from grader.read.ingest import read_submission

    lines = read_submission(FIXTURES / "cm_exam_class.pdf").lines
    assert "argmax." in lines and "$\\arg\\max$." not in lines
    assert any("$= \\arg\\max$" in line for line in lines)  # beside a relation it is still the operator
