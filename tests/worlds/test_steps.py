"""Step checking rules: tolerance of printed decimals, student definitions, rule variants, deadlines, messages."""

from __future__ import annotations

import time

import numpy as np

from grader.worlds import steps
from grader.read.reading import statements


def check(world, target: str, lines: list[str], **kw):
    return steps.check(statements(lines, list(range(1, len(lines) + 1))), world(target), **kw)


def test_printed_decimals_set_the_tolerance(world) -> None:
    ok = check(world, "worlds/rnn_world.py:induction", ["$$\\frac{1}{12}(6 + 8 + 8 + 9) = 2.58$$"])
    bad = check(world, "worlds/rnn_world.py:induction", ["$$\\frac{1}{12}(6 + 8 + 8 + 9) = 2.68$$"])
    assert ok.evaluated == 1 and not ok.false and len(bad.false) == 1


def test_inequalities_have_a_small_tolerance() -> None:
    assert steps.holds(1.0 + 1e-9, 1.0, "<=", 1e-6, None)
    assert not steps.holds(1.1, 1.0, "<=", 1e-6, None)
    assert steps.holds(np.array([[1.0], [2.0]]), np.array([[1.0, 2.0]]), "=", 1e-6, None)  # row vs column


def test_a_student_definition_is_used_later(world) -> None:
    lines = ["$$\\nabla_{\\mathbf{u}} L = s \\mathbf{W}^\\perp \\nabla_{\\mathbf{w}} L$$",
             "where $s = \\frac{\\gamma}{\\|\\mathbf{u}\\|}$."]
    report = check(world, "worlds/normalization_world.py:weightnorm", lines)
    assert report.evaluated == 2 and not report.false
    wrong = ["$$\\nabla_{\\mathbf{u}} L = s \\mathbf{W}^\\perp \\nabla_{\\mathbf{w}} L$$", "where $s = \\gamma$."]
    assert [v.statement.line for v in check(world, "worlds/normalization_world.py:weightnorm", wrong).false] == [1]


def test_a_step_from_the_other_rule_in_the_middle_is_flagged(world) -> None:
    lines = ["$$\\mathbf{v}_t = \\beta \\mathbf{v}_{t-1} + (1 - \\beta) \\mathbf{g}_t$$",
             "$$\\Delta\\boldsymbol{\\theta}_t = -\\mathbf{v}_t$$",
             "$$\\mathbf{v}_t = -\\frac{\\Delta\\boldsymbol{\\theta}_t}{\\delta}$$",
             "$$\\mathbf{v}_{t-1} = -\\frac{\\Delta\\boldsymbol{\\theta}_{t-1}}{\\delta}$$"]
    report = check(world, "worlds/momentum_world.py:equivalence", lines)
    assert [v.statement.line for v in report.false] == [2]
    assert "momentum rule" in steps.message(report.false[0], world("worlds/momentum_world.py:equivalence"))


def test_switching_rules_at_a_heading_is_not_flagged(world) -> None:
    lines = ["$$\\mathbf{v}_t = \\alpha \\mathbf{v}_{t-1} + \\epsilon \\mathbf{g}_t$$",
             "$$\\Delta\\boldsymbol{\\theta}_t = -\\mathbf{v}_t$$",
             "$$\\mathbf{v}_t = \\beta \\mathbf{v}_{t-1} + (1 - \\beta) \\mathbf{g}_t$$",
             "$$\\Delta\\boldsymbol{\\theta}_t = -\\delta\\mathbf{v}_t$$"]
    assert not check(world, "worlds/momentum_world.py:equivalence", lines).false


def test_past_the_deadline_statements_are_skipped(world) -> None:
    report = check(world, "worlds/rnn_world.py:induction", ["$$\\mathbf{h}_t = \\mathbf{g}_t$$"],
                   deadline=time.monotonic() - 1)
    assert report.evaluated == 0 and not report.false and report.skipped_reasons["time limit"] == 1


def test_unknown_symbols_are_skipped_not_false(world) -> None:
    report = check(world, "worlds/rnn_world.py:induction", ["$$\\mathbf{h}_t = \\zeta \\mathbf{g}_t$$"])
    assert report.evaluated == 0 and not report.false and report.skipped == 1


def test_message_names_values_and_free_index(world) -> None:
    report = check(world, "worlds/rnn_world.py:induction", ["$$\\mathbf{h}_{t-1} = \\mathbf{g}_{t-1}$$"])
    text = steps.message(report.false[0], world("worlds/rnn_world.py:induction"))
    assert text.startswith("this step does not hold: left [") and "right [" in text and "at t = " in text


def test_elided_products_are_written_out(world) -> None:
    lines = [("$$\\frac{\\partial \\mathbf{h}_T}{\\partial \\mathbf{h}_0} = \\mathbf{W} D\\sigma(\\mathbf{h}_{T-1}) "
              "\\mathbf{W} D\\sigma(\\mathbf{h}_{T-2}) \\cdots \\mathbf{W} D\\sigma(\\mathbf{h}_0)$$")]
    assert check(world, "worlds/rnn_world.py:vanishing", lines).evaluated == 1
    assert not check(world, "worlds/rnn_world.py:vanishing", lines).false
    wrong = [lines[0].replace("\\mathbf{W} D\\sigma(\\mathbf{h}_0)", "\\mathbf{W} D\\sigma(\\mathbf{h}_1)")]
    assert check(world, "worlds/rnn_world.py:vanishing", wrong).false


def test_an_ellipsis_without_a_clear_pattern_is_skipped(world) -> None:
    lines = [("$$\\frac{\\partial \\mathbf{h}_T}{\\partial \\mathbf{h}_0} = \\frac{\\partial \\mathbf{h}_t}"
              "{\\partial \\mathbf{h}_{t-1}} \\frac{\\partial \\mathbf{h}_{t-1}}{\\partial \\mathbf{h}_2} \\cdots "
              "\\frac{\\partial \\mathbf{h}_1}{\\partial \\mathbf{h}_0}$$")]
    report = check(world, "worlds/rnn_world.py:vanishing", lines)
    assert report.evaluated == 0 and not report.false


def test_t_written_for_the_horizon_is_read_as_T(world) -> None:
    lines = [("$$\\frac{\\partial \\mathbf{h}_T}{\\partial \\mathbf{h}_0} = \\mathbf{W}\\sigma'(\\mathbf{h}_{t-1}) "
              "\\mathbf{W}\\sigma'(\\mathbf{h}_{t-2}) \\cdots \\mathbf{W}\\sigma'(\\mathbf{h}_0)$$")]
    assert not check(world, "worlds/rnn_world.py:vanishing", lines).false


def test_a_choice_the_question_leaves_open_is_skipped_and_counted(world) -> None:
    lines = ["(and a first momentum buffer $v'^0 = \\lambda\\theta^0/(1 - \\alpha\\lambda)$ so that the first steps agree)",
             "$$v'^t = \\mu' v'^{t-1} + \\tilde{g}^t + \\lambda' \\theta^t$$"]
    report = check(world, "worlds/sgd_momentum_world.py:model", lines)
    assert not report.false and report.evaluated == 1 and report.skipped == 1
    assert report.skipped_reasons["a choice the question leaves open"] > 0


def test_a_definition_written_as_a_hypothesis_is_used(world) -> None:
    lines = ["$$\\nabla_{\\mathbf{u}} L = s \\mathbf{W}^\\perp \\nabla_{\\mathbf{w}} L$$",
             "with $s = \\frac{\\gamma}{\\|\\mathbf{u}\\|}$."]
    report = check(world, "worlds/normalization_world.py:weightnorm", lines)
    assert report.evaluated == 1 and not report.false  # line 2 is a hypothesis, line 1 is checked with its s
    wrong = ["$$\\nabla_{\\mathbf{u}} L = s \\mathbf{W}^\\perp \\nabla_{\\mathbf{w}} L$$", "with $s = \\gamma$."]
    assert [v.statement.line for v in check(world, "worlds/normalization_world.py:weightnorm", wrong).false] == [1]


def test_the_question_s_conditions_decide_a_chosen_value(world) -> None:
    right = check(world, "worlds/init_world.py:chosen", ["One setting: $c = 0$, $\\mu = 0$, $\\sigma^2 = 1/d^{(t-1)}$."])
    wrong = check(world, "worlds/init_world.py:relu_chosen", ["Setting: $c = 0$, $\\mu = 0$, $\\sigma^2 = 1/d^{(t-1)}$."])
    assert right.evaluated == 3 and not right.false
    assert [v.statement.latex for v in wrong.false] == ["\\sigma^2 = 1/d^{(t-1)}"]


def test_two_numbers_are_judged_as_arrays_of_one_element_are() -> None:
    from grader.math.errors import MathError

    values = [0.0, -0.0, 1.0, 1.0 + 1e-9, 2.58, 31 / 12, -3.0, 1e-12, 1e300, float("inf"), float("nan")]
    for a in values:
        for b in values:
            for op in ("=", "approx", "<=", "<", ">=", ">", "!="):
                for printed in (None, (2, False), (1, True)):
                    outcomes = []
                    for x, y in ((a, b), (np.array([[a]]), np.array([[b]]))):
                        try:
                            outcomes.append(steps.holds(x, y, op, 1e-6, printed))
                        except MathError as exc:
                            outcomes.append(str(exc))
                    assert outcomes[0] == outcomes[1], (a, b, op, printed)


def test_a_memo_shared_by_links_keeps_free_indices_apart(world) -> None:
    from grader.math import parse
    from grader.worlds.evaluate import Env, Evaluator

    inst = world("worlds/viterbi_world.py:markov").instances(1)[0]
    node = parse("\\max_{w_{1:t-1}} p(w_{1:t-1}, w_t = j)").root
    shared: dict = {}
    for t in (2, 3, 4):
        for j in (1, 2, 3):
            alone = Evaluator(Env(inst, {"t": t, "j": j})).ev(node)
            assert steps._side(Evaluator(Env(inst, {"t": t, "j": j}, {}, {}, False, shared)), node) == alone
            assert steps._side(Evaluator(Env(inst, {"t": t, "j": j}, {}, {}, False, shared)), node) == alone


def test_an_error_in_the_memo_is_raised_again(world) -> None:
    import pytest

    from grader.math import parse
    from grader.math.errors import MathError
    from grader.worlds.evaluate import Env, Evaluator

    inst = world("worlds/viterbi_world.py:markov").instances(1)[0]
    node = parse("\\zeta_{q}").root
    memo: dict = {}
    messages = []
    for _ in range(2):
        with pytest.raises(MathError) as caught:
            steps._side(Evaluator(Env(inst, {}, {}, {}, False, memo)), node)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_equal_trees_make_equal_memo_keys() -> None:
    from grader.math import parse
    from grader.worlds.evaluate import NodeKey

    a, b, c = (parse(s).root for s in ("\\delta_{t-1}(i) P_{i,j}", "\\delta_{t - 1}(i)  P_{i, j}", "\\delta_t(i) P_{i,j}"))
    assert a is not b and NodeKey(a) == NodeKey(b) and hash(NodeKey(a)) == hash(NodeKey(b))
    assert NodeKey(a) != NodeKey(c)


def test_limits_and_little_o_terms_in_a_world() -> None:
    from grader.worlds import Draw, Scope, World

    def build(s: Scope) -> None:
        s.let("x", 0.5)

    w = World("limits", build, (Draw(seed=1),))

    def run(line: str) -> steps.StepReport:
        return steps.check(statements([line], [1]), w)

    held = run(r"$\lim_{k\to\infty} (1 + x/k)^k = e^{x}$")
    assert held.evaluated == 1 and not held.false
    assert len(run(r"$\lim_{k\to\infty} (1 + x/k)^k = e^{2x}$").false) == 1
    renamed = run(r"$\lim_{k\to\infty} (1 + x/k)^k = \lim_{m\to\infty} (1 + x/m)^m$")
    assert renamed.evaluated == 1 and not renamed.false
    # an o(.) term holds only in a limit: never checked at one point, never called false
    little_o = run(r"$(x + h)^2 = x^2 + 2xh + o(h)$")
    assert little_o.evaluated == 0 and not little_o.false
