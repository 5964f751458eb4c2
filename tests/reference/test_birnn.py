"""Reference for the bidirectional RNN gradients: the recursions against torch.autograd."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grader.course.directory import Course

# the course's reference module, imported by path as the engine does
ref = Course(Path(__file__).resolve().parents[2]).reference("birnn.py")


@pytest.mark.parametrize("seed, T", [(0, 3), (1, 5), (2, 1)])
def test_manual_gradients_match_autograd(seed: int, T: int) -> None:
    net = ref.random_birnn(3, 4, 2, seed=seed)
    gen = torch.Generator().manual_seed(100 + seed)
    xs = [torch.randn(3, generator=gen, dtype=torch.float64) for _ in range(T)]
    zs = [torch.randn(2, generator=gen, dtype=torch.float64) for _ in range(T)]
    hf0 = torch.randn(4, generator=gen, dtype=torch.float64)
    hb = torch.randn(4, generator=gen, dtype=torch.float64)
    manual = ref.manual_gradients(net, xs, zs, hf0, hb)
    auto = ref.autograd_gradients(net, xs, zs, hf0, hb)
    assert torch.allclose(manual["W_f"], auto["W_f"])
    assert torch.allclose(manual["U_b"], auto["U_b"])


def test_hidden_state_gradients_match_autograd() -> None:
    net = ref.random_birnn(2, 3, 2, seed=7)
    gen = torch.Generator().manual_seed(7)
    xs = [torch.randn(2, generator=gen, dtype=torch.float64) for _ in range(4)]
    zs = [torch.randn(2, generator=gen, dtype=torch.float64) for _ in range(4)]
    hf0, hb5 = torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    manual = ref.manual_gradients(net, xs, zs, hf0, hb5)
    leaf = ref.BiRNN(*(m.clone().requires_grad_(True) for m in (net.Wf, net.Uf, net.Vf, net.Wb, net.Ub, net.Vb)))
    hf, hb, ys = ref.forward(leaf, xs, hf0, hb5)
    states = hf[1:] + hb[:-1]
    grads = torch.autograd.grad(ref.loss(ys, zs), states)
    for t in range(1, 5):
        assert torch.allclose(manual["h_f"][t], grads[t - 1])
        assert torch.allclose(manual["h_b"][t], grads[4 + t - 1])
