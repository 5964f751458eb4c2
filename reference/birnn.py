"""Bidirectional RNN with logistic sigmoid and squared loss: forward pass and the gradients of optreg-2020 Q6.

h^f_t = s(W^f x_t + U^f h^f_{t-1}),  h^b_t = s(W^b x_t + U^b h^b_{t+1}),  y_t = V^f h^f_t + V^b h^b_t,
L = sum_t ||z_t - y_t||^2.  With D^f_t = diag(h^f_t ⊙ (1 - h^f_t)) (= diag s'(.)) and D^b_t likewise:

    grad_{h^f_t} L_t = 2 V^f^T (y_t - z_t)           grad_{h^b_t} L_t = 2 V^b^T (y_t - z_t)
    d h^f_{t+1} / d h^f_t = D^f_{t+1} U^f             d h^b_{t-1} / d h^b_t = D^b_{t-1} U^b
    grad_{W^f} L = sum_t D^f_t grad_{h^f_t} L  x_t^T
    grad_{U^b} L = sum_t D^b_t grad_{h^b_t} L  (h^b_{t+1})^T
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class BiRNN:
    Wf: Any
    Uf: Any
    Vf: Any
    Wb: Any
    Ub: Any
    Vb: Any


def random_birnn(d_in: int, d_h: int, d_out: int, seed: int = 0) -> BiRNN:
    import torch

    g = torch.Generator().manual_seed(seed)

    def r(*shape: int) -> Any:
        return 0.5 * torch.randn(*shape, generator=g, dtype=torch.float64)

    return BiRNN(r(d_h, d_in), r(d_h, d_h), r(d_out, d_h), r(d_h, d_in), r(d_h, d_h), r(d_out, d_h))


def forward(net: BiRNN, xs: list[Any], hf0: Any, hbT1: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """(h^f_0..h^f_T, h^b_1..h^b_{T+1}, y_1..y_T) as lists; index 0 of hf is h^f_0, the last of hb is h^b_{T+1}."""
    import torch

    T = len(xs)
    hf = [hf0]
    for t in range(T):
        hf.append(torch.sigmoid(net.Wf @ xs[t] + net.Uf @ hf[-1]))
    hb = [hbT1]
    for t in reversed(range(T)):
        hb.insert(0, torch.sigmoid(net.Wb @ xs[t] + net.Ub @ hb[0]))
    ys = [net.Vf @ hf[t + 1] + net.Vb @ hb[t] for t in range(T)]
    return hf, hb, ys


def loss(ys: list[Any], zs: list[Any]) -> Any:
    return sum(((z - y) ** 2).sum() for y, z in zip(ys, zs))


def manual_gradients(net: BiRNN, xs: list[Any], zs: list[Any], hf0: Any, hbT1: Any) -> dict[str, Any]:
    """grad_{W^f} L and grad_{U^b} L (and the hidden-state gradients) by the recursions above."""
    import torch

    T = len(xs)
    hf, hb, ys = forward(net, xs, hf0, hbT1)
    # forward direction: gradients flow from t = T down to 1
    gf: list[Any] = [None] * (T + 1)  # gf[t] = grad_{h^f_t} L, t = 1..T
    nxt = None
    for t in range(T, 0, -1):
        local = 2 * net.Vf.T @ (ys[t - 1] - zs[t - 1])
        if nxt is not None:
            D = torch.diag(hf[t + 1] * (1 - hf[t + 1]))
            local = local + (D @ net.Uf).T @ nxt
        gf[t] = local
        nxt = local
    # backward direction: gradients flow from t = 1 up to T; hb[t-1] is h^b_t
    gb: list[Any] = [None] * (T + 1)
    prev = None
    for t in range(1, T + 1):
        local = 2 * net.Vb.T @ (ys[t - 1] - zs[t - 1])
        if prev is not None:
            D = torch.diag(hb[t - 2] * (1 - hb[t - 2]))  # h^b_{t-1}
            local = local + (D @ net.Ub).T @ prev
        gb[t] = local
        prev = local
    gWf = sum(torch.outer(hf[t] * (1 - hf[t]) * gf[t], xs[t - 1]) for t in range(1, T + 1))
    gUb = sum(torch.outer(hb[t - 1] * (1 - hb[t - 1]) * gb[t], hb[t]) for t in range(1, T + 1))
    return {"W_f": gWf, "U_b": gUb, "h_f": gf, "h_b": gb}


def autograd_gradients(net: BiRNN, xs: list[Any], zs: list[Any], hf0: Any, hbT1: Any) -> dict[str, Any]:

    Wf = net.Wf.clone().requires_grad_(True)
    Ub = net.Ub.clone().requires_grad_(True)
    n2 = BiRNN(Wf, net.Uf, net.Vf, net.Wb, Ub, net.Vb)
    _, _, ys = forward(n2, xs, hf0, hbT1)
    loss(ys, zs).backward()
    return {"W_f": Wf.grad.detach(), "U_b": Ub.grad.detach()}
