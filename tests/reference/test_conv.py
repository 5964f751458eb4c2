"""The conv bank topic's references (reference/bank/conv.yaml) against PyTorch's own layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

torch = pytest.importorskip("torch")

BANK = Path(__file__).resolve().parents[2] / "reference" / "bank" / "conv.yaml"


def entry(key: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BANK.read_text(encoding="utf-8"))["questions"][key]
    return data


def expected(key: str, label: str) -> int:
    return int(next(c["expected"] for c in entry(key)["checks"] if c.get("label") == label))


def params(layer: Any) -> int:
    return sum(p.numel() for p in layer.parameters() if p.requires_grad)


def floor_formula(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def test_output_size_with_padding_stride_and_dilation() -> None:
    out = torch.nn.Conv2d(1, 1, kernel_size=5, stride=2, padding=1, dilation=2)(torch.zeros(1, 1, 32, 32))
    assert out.shape[-2:] == (13, 13) and expected("out_size", "the output size") == 13


def test_pooling_output_size() -> None:
    out = torch.nn.MaxPool2d(kernel_size=3, stride=2)(torch.zeros(1, 1, 13, 13))
    assert out.shape[-1] == expected("pool_size", "the size after pooling") == 6


def test_parameter_counts_with_and_without_bias_and_groups() -> None:
    assert params(torch.nn.Conv2d(16, 32, 3)) == expected("conv_params", "the count with bias") == 4640
    assert params(torch.nn.Conv2d(16, 32, 3, bias=False)) == expected("conv_params", "the count without bias")
    assert params(torch.nn.Conv2d(16, 32, 3, groups=4, bias=False)) == expected("grouped_params",
                                                                                "the parameter count") == 1152


def test_receptive_field_of_stacked_layers() -> None:
    # the receptive field measured: the input pixels whose gradient reaches one output unit
    layers = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3, stride=2), torch.nn.Conv2d(1, 1, 3, stride=2),
                                 torch.nn.Conv2d(1, 1, 3, stride=1))
    for layer in layers:
        torch.nn.init.constant_(layer.weight, 1.0)
    x = torch.zeros(1, 1, 40, 40, requires_grad=True)
    layers(x)[0, 0, 1, 1].backward()
    assert x.grad is not None
    cols = torch.nonzero(x.grad[0, 0].abs().sum(0)).flatten()
    assert int(cols.max() - cols.min() + 1) == expected("receptive_field", "the receptive field") == 15


@pytest.mark.parametrize("k, s, p", [(3, 2, 1), (4, 2, 1), (2, 2, 0), (1, 2, 0), (5, 2, 2), (17, 1, 0)])
def test_the_constraint_accepts_exactly_the_layers_torch_maps_to_16(k: int, s: int, p: int) -> None:
    from grader.checks.constraint import ConstraintParams, breaks

    spec = next(c for c in entry("choose_layer")["checks"] if c["kind"] == "constraint")
    prm = ConstraintParams.model_validate({k2: v for k2, v in spec.items() if k2 not in ("kind", "label")})
    out = torch.nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p)(torch.zeros(1, 1, 32, 32)).shape[-1]
    env = {"n": 32.0, "k": float(k), "s": float(s), "p": float(p), "d": 1.0}
    assert out == floor_formula(32, k, s, p)
    assert (not any(breaks(r, env) for r in prm.relations)) == (out == 16)


def test_a_wrong_layer_is_refused_by_torch_and_the_constraint_alike() -> None:
    from grader.checks.constraint import breaks

    relation = entry("choose_layer")["checks"][0]["relations"][0]
    out = torch.nn.Conv2d(1, 1, kernel_size=3, stride=1, padding=1)(torch.zeros(1, 1, 32, 32)).shape[-1]
    assert out == 32 and breaks(relation, {"n": 32.0, "k": 3.0, "s": 1.0, "p": 1.0, "d": 1.0})
