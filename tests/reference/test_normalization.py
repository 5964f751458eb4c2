"""Reference for normalization: the handout tensor's statistics, weight norm = batch norm, grad wrt u."""

from __future__ import annotations

from pathlib import Path

from fractions import Fraction

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("normalization.py")


def test_statistics_match_torch_layers_and_exact_fractions() -> None:
    exact = ref.exact_statistics()
    for technique in ("batch", "layer", "instance"):
        mean, var = ref.statistics(technique=technique)
        m_exact, v_exact = exact[technique]
        assert torch.allclose(mean, torch.tensor(m_exact, dtype=torch.float64).reshape(mean.shape).double())
        assert torch.allclose(var, torch.tensor([[float(v) for v in r] for r in v_exact] if technique == "instance"
                                                else [float(v) for v in v_exact], dtype=torch.float64))
    x = torch.tensor(ref.HANDOUT_TENSOR, dtype=torch.float64)
    # the torch layers normalize with exactly these statistics
    bn = torch.nn.BatchNorm1d(2, affine=False, dtype=torch.float64).train()(x)
    m, v = ref.statistics(technique="batch")
    assert torch.allclose(bn, (x - m[None, :, None]) / torch.sqrt(v[None, :, None] + 1e-5))
    ln = torch.nn.functional.layer_norm(x, (2, 3))
    m, v = ref.statistics(technique="layer")
    assert torch.allclose(ln, (x - m[:, None, None]) / torch.sqrt(v[:, None, None] + 1e-5))
    inn = torch.nn.functional.instance_norm(x)
    m, v = ref.statistics(technique="instance")
    assert torch.allclose(inn, (x - m[:, :, None]) / torch.sqrt(v[:, :, None] + 1e-5))


def test_rubric_values() -> None:
    exact = ref.exact_statistics()
    assert exact["batch"] == ([Fraction(5, 2), Fraction(31, 12)], [Fraction(7, 12), Fraction(155, 144)])
    assert exact["layer"][0] == [2, 3, Fraction(5, 2), Fraction(8, 3)]
    assert exact["layer"][1] == [Fraction(2, 3), Fraction(2, 3), Fraction(5, 4), Fraction(2, 9)]
    assert exact["instance"][0] == [[2, 2], [Fraction(8, 3), Fraction(10, 3)], [Fraction(8, 3), Fraction(7, 3)],
                                    [Fraction(8, 3), Fraction(8, 3)]]
    assert exact["instance"][1] == [[Fraction(2, 3)] * 2, [Fraction(2, 9), Fraction(8, 9)],
                                    [Fraction(8, 9), Fraction(14, 9)], [Fraction(2, 9)] * 2]


def test_weight_norm_equals_batch_norm_on_whitened_data() -> None:
    u = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    bn, wn = ref.batch_norm_preactivation(u, gamma=1.7, beta=-0.4)
    assert torch.allclose(bn, wn)
    # and the batch statistics of y = u^T x are (0, ||u||^2) up to sampling error
    x = torch.randn(400_000, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    y = x @ u
    assert abs(float(y.mean())) < 0.02
    assert float(y.var()) == pytest.approx(float(u @ u), rel=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grad_u_is_s_times_projection_of_grad_w(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    u = torch.randn(5, generator=gen, dtype=torch.float64)
    target = torch.randn(5, generator=gen, dtype=torch.float64)
    gamma = 0.5 + float(torch.rand(1, generator=gen))

    def loss_of_w(w: torch.Tensor) -> torch.Tensor:
        return ((torch.tanh(w) - target) ** 2).sum() + (w**3).sum()

    grad_u, grad_w = ref.grad_u_autograd(u, gamma, loss_of_w)
    assert torch.allclose(grad_u, ref.grad_u_closed_form(u, gamma, grad_w))
    assert abs(float(grad_u @ u)) < 1e-10  # orthogonal to u
    # a wrong s (gamma alone, or gamma / ||u||^2) does not match
    norm = torch.linalg.vector_norm(u)
    assert not torch.allclose(grad_u, ref.grad_u_closed_form(u, gamma, grad_w) * norm)


def test_gradient_step_never_shrinks_u() -> None:
    gen = torch.Generator().manual_seed(3)
    for _ in range(20):
        u = torch.randn(4, generator=gen, dtype=torch.float64)
        gw = torch.randn(4, generator=gen, dtype=torch.float64)
        before, after = ref.gd_step_norm_growth(u, 1.3, gw, lr=0.7)
        s = 1.3 / float(torch.linalg.vector_norm(u))
        proj = ref.grad_u_closed_form(u, 1.3, gw) / s
        assert after == pytest.approx(before + 0.49 * s**2 * float(proj @ proj))
        assert after >= before
