"""Reference for weight decay versus L2: the sign of lambda in each handout, and Adam's uneven decay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.course.directory import Course

ref = Course(Path(__file__).resolve().parents[2]).reference("weight_decay.py")


@pytest.mark.parametrize("handout,expected_sign", [("decoding-2021", -1), ("attention", +1)])
def test_lambda_sign_per_handout(handout: str, expected_sign: int) -> None:
    eta, gamma = 0.1, 0.3
    sign = ref.DECAY_SIGN[handout]
    lam = ref.lambda_for_l2(eta, gamma, sign)
    assert lam == pytest.approx(expected_sign * 2 * eta * gamma)
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    np.testing.assert_allclose(ref.sgd_weight_decay_step(theta, grad, eta, lam, sign), ref.sgd_l2_step(theta, grad, eta, gamma))
    # the other handout's lambda is wrong here
    assert not np.allclose(ref.sgd_weight_decay_step(theta, grad, eta, -lam, sign), ref.sgd_l2_step(theta, grad, eta, gamma))


def test_adam_l2_decays_small_gradient_weights_more() -> None:
    small, large = ref.relative_decay("l2")
    assert small > 5 * large


def test_decoupled_decay_is_even() -> None:
    small, large = ref.relative_decay("decoupled")
    assert small == pytest.approx(large, rel=0.1)


def _graded(assignment: str, question: str, text: str) -> tuple[str, float]:
    """The status and score the bank question gets for one answer, graded in this process."""
    from grader.commands.try_ import _grade

    course = Course(Path(__file__).resolve().parents[2])
    q = course.rubric(assignment).assignment.question(question)
    r = _grade(q, text, course, 60.0)
    return r.status.value, r.score


ADAM_LINE = "The gradient line changes: $$\\mathbf{g} \\leftarrow \\frac{1}{m}\\nabla_{\\theta}\\sum_i L + %s$$"


@pytest.mark.parametrize("term", ["2\\gamma\\theta", "2\\theta\\gamma", "\\theta\\cdot 2\\gamma",
                                  "2\\gamma\\boldsymbol{\\theta}_t", "\\gamma \\theta_t 2"])
def test_adam_l2_line_takes_the_penalty_gradient_in_any_order(term: str) -> None:
    assert _graded("attention", "4.2", ADAM_LINE % term) == ("correct", 5.0)


@pytest.mark.parametrize("term", ["\\gamma\\theta", "\\theta\\lambda", "2\\lambda\\theta_t"])
def test_adam_l2_line_gives_partial_credit_for_another_constant(term: str) -> None:
    assert _graded("attention", "4.2", ADAM_LINE % term)[0] == "partial"


@pytest.mark.parametrize("line", ["$$\\mathbf{g} \\gets \\mathbf{g} + 2\\gamma\\theta$$",
                                  "$$\\mathbf{g} = \\nabla_{\\theta} L + 2\\gamma\\theta$$"])
def test_adam_l2_line_is_named_by_its_notation_alone(line: str) -> None:
    # no word "gradient": the update arrow or the nabla names the line (notation claims, no pattern)
    assert _graded("attention", "4.2", "The line changes to " + line) == ("correct", 5.0)


def test_adam_l2_line_without_the_line_is_not_full_credit() -> None:
    assert _graded("attention", "4.2", "Add $2\\gamma\\theta$ to it.")[1] < 5.0
