"""The parser reads the notation with deep-learning meaning; chain links are exposed one by one."""

from __future__ import annotations

import pytest

from grader.math import MathError, parse, to_text
from grader.math import nodes as N
from grader.math.parser import parse_node


def root(latex: str) -> N.Node:
    return parse(latex).root


def test_case_is_preserved_and_greek_is_a_symbol() -> None:
    assert root("h_T") != root("h_t")
    assert root(r"\gamma") == N.Sym("gamma")
    assert root(r"\Gamma") == N.Sym("Gamma")
    assert root(r"\gamma\eta") == N.Mul((N.Sym("gamma"), N.Sym("eta")))
    assert root("γ") == root(r"\gamma")


def test_bold_symbols_keep_their_order_and_index() -> None:
    node = root(r"\mathbf{W}\mathbf{h}_{t-1}")
    assert isinstance(node, N.Mul)
    w, h = node.factors
    assert w == N.Sym("W", bold=True)
    assert isinstance(h, N.Sym) and h.bold and h.name == "h"
    assert to_text(h.sub[0]) == "t - 1"
    assert root(r"\boldsymbol{\theta}_t") == root(r"\bm{\theta}_t")


def test_transpose_rules() -> None:
    assert isinstance(root(r"\mathbf{W}^\top"), N.Transpose)
    assert isinstance(root(r"\mathbf{W}^T"), N.Transpose)
    assert isinstance(root(r"\mathbf{W}^{\mathsf{T}}"), N.Transpose)
    assert isinstance(root(r"w^\mathsf{T}"), N.Transpose)
    assert isinstance(root(r"\delta^T"), N.PowT)  # a power of a scalar unless the world says vector
    assert isinstance(root(r"\delta^{T/2}"), N.Pow)


def test_labels_and_indices_are_part_of_identity() -> None:
    theta = root(r"\theta^{(i)}")
    assert isinstance(theta, N.Sym) and theta.sup and to_text(theta) == "theta^{(i)}"
    w = root("w_{ij}")
    assert isinstance(w, N.Sym) and len(w.sub) == 2
    assert isinstance(root(r"\mathbf{W}_i^Q"), N.Sym)
    assert root(r"\mu'") == N.Sym("mu", primes=1)
    assert isinstance(root(r"\mathbf{w}_{1:T}").sub[0], N.Range)  # type: ignore[attr-defined]


def test_functions_and_products() -> None:
    assert isinstance(root(r"\sigma(x)"), N.Func)
    assert isinstance(root(r"\beta(1 - \beta)"), N.Mul)
    assert isinstance(root(r"\delta_{t-1}(i)"), N.Func)
    assert isinstance(root(r"g_i(x_i + x_{i+2})"), N.Mul)
    sp = root(r"\sigma'(x)")
    assert isinstance(sp, N.Func) and sp.primes == 1
    d = root(r"D\sigma(\mathbf{h})")
    assert isinstance(d, N.Func) and d.jacobian
    inv = root(r"\sigma^{-1}(\mathbf{g}_t)")
    assert isinstance(inv, N.Func) and inv.inverse
    assert isinstance(root(r"\log BN"), N.Func)
    assert isinstance(root(r"\text{softmax}_{\text{row}}(\mathbf{Q})"), N.Func)
    assert isinstance(root(r"p(w_t = j | w_{t-1})").args[0], N.Cond)  # type: ignore[attr-defined]


def test_operators() -> None:
    s = root(r"\sum_{i=1}^t \beta^{t-i}")
    assert isinstance(s, N.BigOp) and s.var == N.Sym("i") and to_text(s.upper) == "t"
    assert isinstance(root(r"\prod_{t=1}^T a_t"), N.BigOp)
    m = root(r"\max_i P_{ij}")
    assert isinstance(m, N.Extremum) and m.kind == "max"
    assert root(r"\arg \max_j \delta_T(j)").kind == "argmax"  # type: ignore[attr-defined]
    d = root(r"\frac{\partial \mathbf{h}_T}{\partial \mathbf{h}_0}")
    assert isinstance(d, N.Deriv) and d.kind == "partial"
    assert isinstance(root(r"\frac{\mathrm{d}\mathcal{L}}{\mathrm{d}b_i}"), N.Deriv)
    assert isinstance(root(r"\frac{d}{2}"), N.Div)
    g = root(r"\nabla_\theta L")
    assert isinstance(g, N.Grad) and g.wrt == N.Sym("theta")
    assert isinstance(root(r"\mathbb{E}[\mathbf{v}_t]"), N.Expect)
    assert isinstance(root(r"\mathbb{E}_{\mathbf{x} \sim p}\left[\mathbf{x}\right]"), N.Expect)
    assert isinstance(root(r"\lim_{T \rightarrow \infty} \delta^T"), N.Lim)
    assert isinstance(root(r"\langle J, \Delta w \rangle"), N.Inner)


def test_norms_and_abs() -> None:
    assert isinstance(root(r"\|x\|"), N.Norm)
    assert isinstance(root(r"||x||"), N.Norm)
    assert isinstance(root(r"\left\| \frac{\partial \mathbf{h}_T}{\partial \mathbf{h}_0} \right\|"), N.Norm)
    assert isinstance(root(r"|x|"), N.Abs)
    n = root(r"\|\theta\|_2^2")
    assert isinstance(n, N.Pow) and isinstance(n.base, N.Norm) and n.base.sub == N.Num(2, "2")


def test_relations_chains_and_links() -> None:
    p = parse(r"a = b = c \le d")
    assert p.kind == "chain"
    assert [op for _, op, _ in p.links] == ["=", "=", "<="]
    assert to_text(p.links[2][0]) == "c"
    p = parse(r"\begin{aligned} a &= b \\ &= c \\ &\leq d \end{aligned}")
    assert p.kind == "chain" and len(p.links) == 3
    p = parse(r"\alpha = \beta, \epsilon = \delta(1 - \beta)")
    assert p.kind == "system" and len(p.statements) == 2
    p = parse(r"\|\mathbf{AB}\| \leq \|\mathbf{A}\| \|\mathbf{B}\| \quad \text{and} \quad \|\mathbf{A}\| = 1")
    assert p.kind == "system" and [op for _, op, _ in p.links] == ["<=", "="]
    p = parse(r"\lambda_1(\mathbf{W}^\top \mathbf{W}) \leq \frac{\delta^2}{\gamma^2} \implies \left\| \mathbf{x} \right\| \rightarrow 0")
    assert p.kind == "system" and p.root.joins == ("implies",)  # type: ignore[attr-defined]
    for text, op in [(r"a \neq b", "!="), (r"a \leqslant b", "<="), (r"a \approx b", "approx"),
                     (r"a \propto b", "propto"), (r"a := b", "="), ("a ≥ b", ">="), (r"a \not= b", "!=")]:
        assert parse(text).links[0][1] == op, text


def test_kinds() -> None:
    assert parse(r"\{a, b\}").kind == "set"
    assert parse(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}").kind == "matrix"
    assert parse("O(TN^2)").kind == "asymptotic"
    assert parse(r"\Theta(n^2 d)").kind == "asymptotic"
    assert parse(r"\mathcal{O}(N)").kind == "asymptotic"
    assert parse(r"x + y").kind == "expr"
    c = parse(r"\begin{cases} 1 & \text{if } j = 0 \\ 0 & \text{otherwise} \end{cases}").root
    assert isinstance(c, N.Cases) and len(c.branches) == 2


def test_numbers_and_unicode() -> None:
    assert root("2.58") == N.Num(__import__("fractions").Fraction("2.58"), "2.58")
    assert root("x − y") == root("x - y")
    assert root("a · b") == root(r"a \cdot b")
    assert root(r"\frac12") == root(r"\frac{1}{2}")
    assert isinstance(root(r"\infty"), N.Const)


@pytest.mark.parametrize("text", [r"\frac{a}{", r"\left( x", r"x^", r"\begin{pmatrix} 1 & 2 \\ 3 \end{pmatrix}"])
def test_errors_have_reasons(text: str) -> None:
    with pytest.raises(MathError) as info:
        parse(text)
    assert str(info.value)


@pytest.mark.parametrize("text", [
    r"\frac{\mathbf{v}_t}{1-\beta^t}", r"-\alpha (x - y)", r"\sqrt{d_k} W^\top x", r"\|\mathbf{u}\|_{2}",
    r"O(n^2 d)", r"\sigma(W h_{t-1} + b)", r"\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1",
])
def test_to_latex_reads_back_as_the_same_tree(text: str) -> None:
    from grader.math import parse
    from grader.math.printer import to_latex

    root = parse(text).root
    assert parse(to_latex(root)).root == root


@pytest.mark.parametrize("bare,sized", [
    (r"\lfloor \frac{n + 2p - k}{s} \rfloor + 1", r"\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1"),
    (r"\lceil n/2 \rceil", r"\left\lceil n/2 \right\rceil"),
])
def test_bare_floor_and_ceiling_brackets_read_as_the_sized_ones(bare: str, sized: str) -> None:
    from grader.math import parse

    assert parse(bare).root == parse(sized).root


@pytest.mark.parametrize("unicode,latex", [("x² + y²", "x^2 + y^2"), ("h₀", "h_0"), ("x²³", "x^{23}"),
                                           ("(X\u1d40X + \u03bbI)\u207b\u00b9X\u1d40y",
                                            "(X^\\top X + \\lambda I)^{-1} X^\\top y"),
                                           ("A\u207b\u00b2", "A^{-2}")])
def test_unicode_script_digits_read_as_scripts(unicode: str, latex: str) -> None:
    from grader.math import parse

    assert parse(unicode).root == parse(latex).root


@pytest.mark.parametrize("text", ["٣ + 1", "x^{٢}", "𝟙", "Ⅻ", "x\u207b"])
def test_digits_that_are_not_ascii_are_a_math_error_not_a_crash(text: str) -> None:
    from grader.math import MathError, parse

    with pytest.raises(MathError):
        parse(text)


def test_pandoc_brackets_read_as_brackets() -> None:
    from grader.math import parse

    assert parse(r"E\lbrack x^2 \rbrack").root == parse("E[x^2]").root
    assert parse(r"\left\lbrack a + b \right\rbrack c").root == parse(r"\left[ a + b \right] c").root


def test_bot_is_the_orthogonal_complement_not_a_transpose() -> None:
    assert parse(r"\mathbf u^\bot").root == parse(r"\mathbf u^\perp").root
    assert not isinstance(parse(r"\mathbf u^\bot").root, N.Transpose)
    assert isinstance(parse(r"\mathbf u^\top").root, N.Transpose)


def test_inline_partial_derivative() -> None:
    assert parse(r"\partial L/\partial a").root == parse(r"\frac{\partial L}{\partial a}").root
    assert parse(r"\partial L / \partial \mathbf{a} + 1").root == parse(r"\frac{\partial L}{\partial \mathbf a} + 1").root
    with pytest.raises(MathError, match="outside a derivative"):
        parse(r"\partial L + 1")


def test_mathbbm_reads_as_mathbb() -> None:
    assert parse(r"\mathbbm{1}[x > 0]").root == parse(r"\mathbb{1}[x > 0]").root


def test_gradient_takes_the_product_that_mentions_its_variable() -> None:
    root = parse_node(r"\nabla_{\mathbf x} \mathbf x^\top\mathbf A\mathbf x + \mathbf b")
    assert isinstance(root, N.Add) and isinstance(root.terms[0], N.Grad)
    body = root.terms[0].body
    assert isinstance(body, N.Mul) and len(body.factors) == 3
    # a function's gradient at a point is one factor: the product after it is not differentiated
    applied = parse_node(r"\nabla_{\mathbf w} L(\mathbf w)^\top (\mathbf v - \mathbf w)")
    assert isinstance(applied, N.Mul) and isinstance(applied.factors[0], N.Grad)
    # a product that does not mention the variable is a factor outside the gradient
    outside = parse_node(r"\nabla_{\theta} L \eta")
    assert isinstance(outside, N.Mul) and outside.factors[0] == N.Grad(N.Sym("theta"), N.Sym("L"))


def test_a_vert_bar_without_a_closing_one_separates_a_divergences_arguments() -> None:
    # KL(p ‖ q) is a function of two arguments; ‖x‖ with its closing bar stays a norm, inside a call too
    assert parse(r"\mathrm{KL}(p \| q)").root == parse(r"\mathrm{KL}(p, q)").root
    assert parse("KL(p‖q)").root == parse("KL(p, q)").root
    assert isinstance(parse(r"f(\|x\|)").root.args[0], N.Norm)  # type: ignore[attr-defined]
    with pytest.raises(MathError):
        parse(r"\|x + y")
