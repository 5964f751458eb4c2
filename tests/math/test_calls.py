"""Call or product: a function-like letter before a bracket is a factor where the formula uses it as a value."""

from __future__ import annotations

import pytest

from grader.math import nodes as N
from grader.math.calls import e_is_variable, read_euler, read_indicators, read_products, value_names
from grader.math.parsed import parse
from grader.math.parser import Parser
from grader.math.lexer import tokenize


def _raw(latex: str) -> N.Node:
    """The parser's tree before calls are re-read."""
    return Parser(tokenize(latex)).parse_top()


def _funcs(node: N.Node) -> list[str]:
    return sorted(n.name for n in N.walk(node) if isinstance(n, N.Func))


@pytest.mark.parametrize("latex,names", [
    (r"2 g^\top g (g^\top H g)^{-1}", {"g"}),
    (r"g^T H g", {"g"}),
    (r"\mathbf g + g(x)", {"g"}),
    (r"h(1-h)", {"h"}),
    (r"N(N-1)/2", {"N"}),
    (r"f(x) + g(y)", set()),
    (r"\frac{\partial L}{\partial \theta} = L(\theta)", set()),  # under \partial: the function itself
    (r"\nabla f(x)", set()),
    (r"\sigma'(h) h", {"h"}),
    (r"(\sigma \circ f)(x) = \sigma(f(x))", set()),  # a composition: both are functions
])
def test_value_names(latex: str, names: set[str]) -> None:
    assert value_names([_raw(latex)]) == names


@pytest.mark.parametrize("latex,calls", [
    (r"2 g^\top g (g^\top H g)^{-1}", []),
    (r"h(1-h)", []),
    (r"f(x) + g(y)", ["f", "g"]),
    (r"p(x | y) p", ["p"]),  # a condition: a probability, whatever else p is
    (r"L(f(x), y) + L", ["L", "f"]),  # several arguments: a call
    (r"\sigma'(h) \sigma", ["sigma"]),  # primed: a derivative
    (r"\sigma^{-1}(h) \sigma", ["sigma"]),  # an inverse function
    (r"(\sigma \circ f)(x) = \sigma(f(x))", ["f", "sigma"]),
])
def test_parse_reads_products_where_the_letter_is_a_value(latex: str, calls: list[str]) -> None:
    assert _funcs(parse(latex).root) == calls


def test_a_script_after_the_bracket_stays_on_the_bracket() -> None:
    root = parse(r"g^\top g (g^\top H g)^{-1}").root
    assert isinstance(root, N.Mul)
    last = root.factors[-1]
    assert isinstance(last, N.Mul) and last.factors[0] == N.Sym("g")
    assert isinstance(last.factors[1], N.Pow)  # g times the inverse, not (g ...)^{-1}


def test_pair_level_and_declared_values() -> None:
    a, b = parse("g(x)").root, parse("g^T x").root
    ra, rb = read_products([a, b])
    assert _funcs(ra) == [] and rb == b  # the other formula transposes g: a value
    (alone,) = read_products([a])
    assert alone == a
    (declared,) = read_products([a], ["g"])  # a rubric's symbols: block declares g a vector
    assert _funcs(declared) == []


@pytest.mark.parametrize("latex", [r"\mathbf 1[x > 0]", r"\mathbb 1\{x > 0\}", r"\mathbb{1}_{x > 0}"])
def test_a_bold_one_before_a_condition_is_the_indicator(latex: str) -> None:
    root = read_indicators(_raw(latex))
    assert root == N.Mul((N.Num(1, "1"), N.Relation(N.Sym("x"), ">", N.Num(0, "0"))))


def test_a_bold_one_elsewhere_stays_bold() -> None:
    root = parse(r"\mathbf 1^\top \mathbf x").root
    assert any(isinstance(n, N.Num) and n.bold for n in N.walk(root))


@pytest.mark.parametrize("latex,variable", [
    (r"e", False),
    (r"\lim_{k\to\infty}(1+1/k)^k = e", False),
    (r"e_i + e", False),  # a basis vector says nothing about the bare e
    (r"\mathbf e + e", False),
    (r"e^\top e", True),
    (r"x_e + e", True),
    (r"\sum_e x_e", True),
    (r"\frac{\partial L}{\partial e}", True),
    (r"\hat e - e", True),
])
def test_e_is_a_variable_only_where_the_formula_uses_it_as_one(latex: str, variable: bool) -> None:
    assert e_is_variable([_raw(latex)]) is variable
    consts = [n for n in N.walk(parse(latex).root) if n == N.Const("e")]
    assert (not consts) if variable else bool(consts)


def test_e_declared_by_the_rubric_is_a_symbol() -> None:
    (root,) = read_euler([parse(r"e^{x} + e").root], declared=True)
    assert N.Const("e") not in list(N.walk(root))
    (plain,) = read_euler([parse(r"e_i").root])
    assert plain == N.Sym("e", sub=(N.Sym("i"),))
