"""Worlds: random instances of a question's objects in which every true step of a derivation holds."""

from grader.worlds.world import (
    Draw,
    Instance,
    Scope,
    World,
    handout_module,
    moment_matched,
    standard_draws,
)

__all__ = ["Draw", "Instance", "Scope", "World", "handout_module", "moment_matched", "standard_draws"]
