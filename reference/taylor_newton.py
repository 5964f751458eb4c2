"""Second-order Taylor model, one gradient-descent step on it, when that step decreases it, and the Newton step."""

from __future__ import annotations

from typing import Any, Callable


def taylor_model(f0: float, g: Any, H: Any, x0: Any) -> Callable[[Any], Any]:
    """f_hat_{x0}(x) = f(x0) + (x - x0)^T g + 1/2 (x - x0)^T H (x - x0)."""

    def f_hat(x: Any) -> Any:
        d = x - x0
        return f0 + d @ g + 0.5 * d @ (H @ d)

    return f_hat


def model_after_gd_step(f0: float, g: Any, H: Any, eps: float) -> Any:
    """Closed form of f_hat_{x0}(x0 - eps g) = f(x0) - eps g^T g + eps^2/2 g^T H g."""
    return f0 - eps * (g @ g) + 0.5 * eps**2 * (g @ (H @ g))


def decrease(g: Any, H: Any, eps: float) -> Any:
    """f_hat(x1) - f(x0) = -eps g^T g + eps^2/2 g^T H g; negative exactly when the step decreases the model."""
    return -eps * (g @ g) + 0.5 * eps**2 * (g @ (H @ g))


def step_decreases(g: Any, H: Any, eps: float) -> bool:
    """The rubric's answer, case by case (eps > 0, g != 0):

    g^T H g <= 0: every step size decreases the model;
    g^T H g > 0: exactly the step sizes eps < 2 g^T g / (g^T H g) do.
    """
    curv = float(g @ (H @ g))
    if curv <= 0:
        return True
    return eps < 2 * float(g @ g) / curv


def best_step(g: Any, H: Any) -> float:
    """The step size minimising the model along -g when g^T H g > 0: eps* = g^T g / (g^T H g)."""
    return float(g @ g) / float(g @ (H @ g))


def newton_step(x0: Any, g: Any, H: Any) -> Any:
    """The stationary point of the model: x = x0 - H^{-1} g (H invertible)."""
    import torch

    return x0 - torch.linalg.solve(H, g)


def model_gradient(g: Any, H: Any, x0: Any, x: Any) -> Any:
    """grad_x f_hat_{x0}(x) = g + H (x - x0) for a symmetric H."""
    return g + H @ (x - x0)
