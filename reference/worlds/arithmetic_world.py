"""A world with no objects: numeric working (means, variances by hand) is checked with the printed precision."""

from __future__ import annotations

from grader.worlds import Draw, Scope, World

PUBLIC = True  # copied into self-check packs: it binds nothing: only statements made of numbers are evaluated


def _build(s: Scope) -> None:
    """Nothing to bind: only statements made of numbers are evaluated."""


numbers = World("arithmetic", _build, (Draw(seed=1),), description="plain arithmetic, tolerance from printed decimals")
