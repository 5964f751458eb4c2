"""Reading rules and machinery added after the first review (scripts, braces, cases, assumptions, the worker)."""

from __future__ import annotations

import os

from grader.math import assumptions, evaluate, parse, worker
from grader.math import nodes as N


def root(latex: str) -> N.Node:
    return parse(latex).root


def test_word_scripts_are_labels() -> None:
    assert root("L_{reg}") == N.Sym("L", sub=(N.Label("reg"),))
    assert root(r"L_{\text{reg}}") == root("L_{reg}")
    assert root(r"\lambda^{dropout}") == N.Sym("lambda", sup=(N.Label("dropout"),))
    assert root(r"\lambda^{\text{dropout}}") == root(r"\lambda^{dropout}")
    # index letters stay indices
    assert root("w_{ij}") == N.Sym("w", sub=(N.Sym("i"), N.Sym("j")))
    assert root("a_{ijk}").sub == (N.Sym("i"), N.Sym("j"), N.Sym("k"))  # type: ignore[union-attr]
    assert evaluate(root("L_{reg}"), {"L_reg": 2.0}) == 2.0


def test_label_then_transpose_and_perp() -> None:
    node = root(r"\mathbf{U}^{(f)\top}")
    assert isinstance(node, N.Transpose)
    assert node.x == N.Sym("U", bold=True, sup=(N.TupleN((N.Sym("f"),)),))
    assert root(r"\mathbf{W}^\perp") == N.Sym("W", bold=True, sup=(N.Label("perp"),))
    assert isinstance(root(r"\mathbf{W}^\top"), N.Transpose)


def test_caret_t_on_a_bracketed_scalar_is_a_power() -> None:
    node = root(r"(\sqrt{1-\beta})^T")
    assert isinstance(node, N.Pow) and node.exp == N.Sym("T")
    assert isinstance(root(r"(x_1 - x_0)^T"), N.PowT)
    assert isinstance(root(r"\mathbf{x}^T"), N.Transpose)


def test_annotated_relations_and_braces() -> None:
    assert root(r"a \stackrel{(a)}{=} b") == root("a = b")
    assert root(r"a \overset{\text{def}}{=} b") == root("a = b")
    assert root(r"\underbrace{x+y}_{=z}") == root("x+y")
    assert root(r"\overbrace{x+y}^{\text{note}}") == root("x+y")


def test_cases_and_set_ranges_evaluate() -> None:
    cases = root(r"\begin{cases} 1 & j \le N \\ 0 & \text{otherwise} \end{cases}")
    assert evaluate(cases, {"j": 2, "N": 5}) == 1
    assert evaluate(cases, {"j": 6, "N": 5}) == 0
    mx = root(r"\max_{i \in \{1, \dots, N\}} a_i")
    assert evaluate(mx, {"N": 3, "a_1": 1.0, "a_2": 5.0, "a_3": 2.0, "a_4": 9.0}) == 5.0
    sub = root(r"\max_{w_{t-1}} a_{w_{t-1}}")
    assert evaluate(sub, {"t": 2, "__range__": (1, 2), "a_1": 1.0, "a_2": 3.0}) == 3.0


def test_assumptions_between_names() -> None:
    facts = assumptions(["j <= N", "N >= 5"])
    assert facts.relations == (("j", "<=", "N"),)
    assert facts.holds({"j": 3, "N": 5}) and not facts.holds({"j": 6, "N": 5})
    assert facts.bounds("N")[0] == 5


def test_worker_is_forked_and_not_shared_with_a_forked_child() -> None:
    status, _ = worker.run("no_such_job", (), 5)
    assert status == "error"
    parents_helper = worker._proc.pid
    pid = os.fork()
    if pid == 0:  # a forked grading worker: starts its own helper, never touches the parent's
        # answered ("error", not the "timeout" of its 5 s limit), by a helper this process started
        answered = worker.run("no_such_job", (), 5)[0] == "error"
        own = worker._owner == os.getpid() and worker._proc.pid != parents_helper
        os._exit(0 if answered and own else 1)
    _, status_code = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status_code) == 0
    assert worker.run("no_such_job", (), 5)[0] == "error"  # the parent's helper still answers


def test_statements_carry_their_source_offsets() -> None:
    latex = r"\begin{aligned} a &= b + c \\ &= d \\ e &\le f, \end{aligned}"
    p = parse(latex)
    assert [latex[a:b] for a, b in p.spans] == [r"a &= b + c \\ &= d", r"e &\le f"]
    latex = r"a = b, \quad c = d \text{ and } e = f"
    p = parse(latex)
    assert [latex[a:b] for a, b in p.spans] == ["a = b", "c = d", "e = f"]
    p = parse(" x = 1 ")
    assert [p.latex[a:b] for a, b in p.spans] == ["x = 1"]
    # positions are no part of the tree's identity
    assert parse(r"a = b, c = d").root == parse(r"a = b,\quad c = d").root
