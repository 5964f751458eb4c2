from pathlib import Path

from grader.read.pdf.layer import Glyph, Page, read_layer
from grader.read.pdf.rebuild import UNREADABLE, Atom, _array_columns, _array_rows, _negate, rebuild_page

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
    # beside a relation it is still the operator; the relation, a word space before it, stays outside
    assert any("w[T] = $\\arg\\max$ delta[T]" in line for line in lines)
def _display(name: str) -> list[str]:
    return [line.text for page in read_layer(str(FIXTURES / name), name) for line in rebuild_page(page)
            if line.display]


def test_a_prime_set_with_a_superscript_comes_before_it():
    for name in ("cm_rt_003.pdf", "otf_rt_003.pdf"):
        assert any(t.startswith("$$v'^{t} = \\mu' v^{t - 1} + \\tilde{g}^{t} + \\lambda' \\theta^{t}") for t in _display(name))


def test_combining_accents_of_an_opentype_font_sit_on_their_letter():
    assert "$$\\hat{y} = \\arg \\max_{k} p_{k} .$$" in _display("otf_math_dense.pdf")
    assert any("\\alpha \\tilde{g}^{t}" in t for t in _display("otf_rt_003.pdf"))


def test_norm_bars_around_a_fraction_and_bold_letters_set_together():
    # \left\| is CMEX code 0x0D (a carriage return to pdfium); W g_{t-1} are two bold letters, one with a script
    shown = _display("cm_rt_004.pdf")
    assert ("$$\\| \\frac{\\partial \\mathbf{g}_{t}}{\\partial \\mathbf{g}_{t - 1}} \\| \\le \\gamma \\| \\mathbf{W} \\|$$"
            in shown)
    assert "$$= \\mathbf{W} \\mathbf{g}_{t - 1} + \\mathbf{U} x_{t} + \\mathbf{b}$$" in shown


def test_a_script_before_a_radical_is_not_its_index():
    shown = " ".join(_display("cm_rt_004.pdf"))
    assert "= \\gamma^{T} \\sqrt{\\frac{\\delta^{2}}{\\gamma^{2}}} = \\delta^{T}" in shown
    assert "\\sqrt[" not in shown


def test_equals_joined_to_a_double_arrow_reads_as_implies():
    assert "$$\\implies \\| u_{t} \\| \\le \\| u_{t + 1} \\|$$" in _display("cm_rt_004.pdf")


def test_align_rows_left_aligned_at_their_relation_are_displays():
    assert ("$$= \\beta ( \\beta \\mathbf{v}_{t - 2} + ( 1 - \\beta ) \\mathbf{g}_{t - 1} ) + ( 1 - \\beta ) "
            "\\mathbf{g}_{t}$$") in _display("cm_rt_004.pdf")


def test_limits_radicals_matrices_and_cases_in_both_fonts():
    for name in ("cm_math_dense.pdf", "otf_math_dense.pdf"):
        shown = _display(name)
        assert "$$\\lim_{h \\to 0} \\frac{f ( x + h ) - f ( x )}{h} = f' ( x ) .$$" in shown
        assert "$$\\| \\mathbf{v} \\|_{2} = \\sqrt{\\sum_{i = 1}^{d} v_{i}^{2}} .$$" in shown
        assert "$$p_{k} = \\frac{e^{z_{k}}}{\\sum_{j = 1}^{K} e^{z_{j}}} ,$$" in shown
        assert "$$\\eta_{t} = \\frac{\\frac{1}{t}}{1 + \\frac{a}{b}} .$$" in shown
        assert "$$f' ( x ) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}$$" in shown
        assert ("$$R = \\begin{pmatrix} \\cos \\theta & - \\sin \\theta \\\\ \\sin \\theta & \\cos \\theta "
                "\\end{pmatrix} .$$") in shown


def test_cases_drawn_from_brace_pieces_hold_their_rows_and_conditions():
    for name in ("cm_rt_003.pdf", "otf_rt_003.pdf"):
        shown = " ".join(_display(name))
        assert ("= \\begin{cases} a g_{j} & \\text{if} j \\le 2 , \\\\ a ( g_{j} + g_{j - 2} ) & \\text{if} j = 2 , "
                "\\ldots N - 2 , \\\\ a g_{j - 2} & \\text{if} j \\ge N - 2. \\end{cases}$$") in shown


def test_a_formula_wider_than_the_text_is_a_display_without_its_number():
    shown = _display("cm_rt_003.pdf")
    assert ("$$\\lambda' = ( \\mu' - \\mu + \\alpha \\lambda ) / \\alpha' = ( \\mu + \\mu \\alpha \\lambda - \\mu + "
            "\\alpha \\lambda ) / \\alpha = \\mu \\lambda + \\lambda = ( \\mu + 1 ) \\lambda .$$") in shown


def test_a_stretched_arrow_keeps_its_label():
    for name in ("cm_article_auto_sections.pdf", "otf_article_auto_sections.pdf"):
        assert ("$$\\| \\frac{\\partial h_{T}}{\\partial h_{0}} \\| \\le \\delta^{T} \\xrightarrow[T \\to \\infty]{} 0.$$"
                in _display(name))


def test_formulas_joined_by_a_word_make_one_display():
    assert "$$\\alpha = \\beta \\quad \\text{and} \\quad \\epsilon = ( 1 - \\beta ) \\delta$$" in _display("cm_rt_004.pdf")


def _glyph(text: str, font: str, x0: float, x1: float, size: float = 10.0, base: float = 700.0) -> Glyph:
    return Glyph(text=text, font=font, size=size, x0=x0, x1=x1, bottom=base - 0.5, top=base + 0.7 * size,
                 baseline=base, origin_x=x0, adv_x0=x0 - 0.5, adv_x1=x1 + 0.5)


def test_a_glyph_without_a_meaning_marks_its_formula_unreadable():
    page = Page(number=1, width=600.0, height=800.0, rules=(), image_cover=0.0,
                glyphs=(_glyph("x", "CMMI10", 100.0, 105.0), _glyph("=", "CMR10", 108.0, 115.0),
                        _glyph("\ue000", "CMSY10", 118.0, 124.0)))
    [line] = rebuild_page(page)
    assert UNREADABLE in line.text and line.unreadable == 1


def test_joining_relations_leaves_the_atoms_as_they_were():
    # a line can be rendered twice (an align row found to be a display): the second reading must equal the first
    eq = Atom(x0=0.0, x1=7.0, bottom=0.0, top=3.0, baseline=0.0, size=10.0, tex="=", text="=", kind="N")
    arrow = Atom(x0=6.5, x1=16.0, bottom=0.0, top=6.0, baseline=0.0, size=10.0, tex="\\Rightarrow", text="⇒",
                 kind="M")
    assert [a.tex for a in _negate([eq, arrow])] == ["\\implies"]
    assert [a.tex for a in _negate([eq, arrow])] == ["\\implies"] and arrow.tex == "\\Rightarrow"


def test_matrix_cells_are_cut_at_the_gaps_every_row_leaves():
    def at(tex: str, x0: float, base: float) -> Atom:
        return Atom(x0=x0, x1=x0 + 5.0, bottom=base, top=base + 7.0, baseline=base, size=10.0, tex=tex, text=tex,
                    kind="M")

    rows = _array_rows([at("a", 0.0, 20.0), at("b", 20.0, 20.0), at("c", 0.0, 5.0), at("+", 6.0, 5.0),
                        at("d", 20.0, 5.0)], 10.0)
    cells = _array_columns(rows, 10.0)
    assert [[[a.tex for a in cell] for cell in row] for row in cells] == [[["a"], ["b"]], [["c", "+"], ["d"]]]


def test_a_word_in_upright_letters_inside_a_script_is_text():
    text = _text("cm_enumerate_enumitem.pdf")
    assert "$\\lambda^{\\text{dropout}} = ( 1 - p ) / p$" in text


def test_heading_lines_carry_their_weight():
    lines = [line for page in read_layer(str(FIXTURES / "cm_newuser_bob.pdf"), "b") for line in rebuild_page(page)]
    head = next(line for line in lines if line.text == "1 Softmax cross-entropy")
    body = next(line for line in lines if line.text.startswith("Since"))
    assert head.bold and head.size > 1.3 * body.size
    assert not body.bold


def test_punctuation_of_the_sentence_ends_a_formula_but_a_relation_keeps_its_colon():
    text = _text("cm_section_star_written.pdf")
    assert "$\\alpha' = \\alpha$, $\\mu' = \\mu ( 1 - \\alpha \\lambda )$ and" in text
    assert "$b \\le \\min_{i} g_{i} = : m$" in _text("cm_rt_003.pdf")  # `=:` (defined as) is one relation


def _heading_line(label: str, gap_em: float, title: str = "Gradient", font: str = "CMBX12") -> list[Glyph]:
    """A heading's glyphs: `label`, then `gap_em` em (advance to advance), then `title`; 6pt wide characters."""
    out, x = [], 72.0
    for k, ch in enumerate(label + title):
        if k == len(label):
            x += gap_em * 12.0
        out.append(_glyph(ch, font, x + 0.5, x + 5.5, size=12.0))
        x += 6.0
    return out


def test_a_number_a_quad_before_its_title_is_a_counters():
    def counted(glyphs: list[Glyph]) -> bool:
        page = Page(number=1, width=600.0, height=800.0, rules=(), image_cover=0.0, glyphs=tuple(glyphs))
        [line] = rebuild_page(page)
        return line.counted

    assert counted(_heading_line("4.1", 1.0)) and counted(_heading_line("4", 1.12))  # \quad: OpenType, CM fonts
    assert not counted(_heading_line("4.1", 0.33))  # a word space: typed in the title
    assert not counted(_heading_line("4.", 0.5))  # typed with a full stop, its space stretched by the space factor
    assert not counted(_heading_line("1.", 0.0, "a"))  # "1.a": one label, no gap
    assert not counted(_heading_line("(a)", 1.0))  # no number
    assert not counted(_heading_line("", 1.0, "Title"))
