"""World of bank topic `conv`: the objects its derivation steps are evaluated on (see docs/worlds.md)."""

from __future__ import annotations

from grader.worlds import Draw, Scope, World


def _build(s: Scope) -> None:
    """Bind the handout's symbols here (nothing bound: only statements made of numbers are evaluated)."""


choose_layer = World("conv.choose_layer", _build, (Draw(seed=1),), description="conv: choose_layer")
