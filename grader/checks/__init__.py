"""Registry of check kinds: one module per kind, looked up by the name a rubric uses."""

from __future__ import annotations

import importlib

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.pack import PACK_KINDS

# Every built-in kind, by rubric name -> module. A new kind is a new module and one line here.
BUILTIN: dict[str, str] = {
    "free_text": "grader.checks.free_text",
    "keywords": "grader.checks.keywords",
    "final_answer": "grader.checks.final_answer",
    "number": "grader.checks.number",
    "complexity": "grader.checks.complexity",
    "code": "grader.checks.code.check",
    "derivation": "grader.checks.derivation",
}
# the self-check pack's own kinds: fingerprints instead of reference answers (grader/pack)
BUILTIN.update(PACK_KINDS)

_loaded: dict[str, type[Check]] = {}


class UnknownCheck(KeyError):
    """A rubric names a check kind that is not registered."""


def kinds() -> list[str]:
    return sorted(BUILTIN)


def get(name: str) -> type[Check]:
    """The check class registered under `name` (its module is imported on first use)."""
    if name in _loaded:
        return _loaded[name]
    module_name = BUILTIN.get(name)
    if module_name is None:
        raise UnknownCheck(name)
    module = importlib.import_module(module_name)
    cls = getattr(module, "CHECK")
    if cls.name != name:
        raise RuntimeError(f"{module_name}.CHECK is named {cls.name!r}, registered as {name!r}")
    _loaded[name] = cls
    return cls


__all__ = ["Check", "CheckContext", "CheckOutcome", "Params", "Verdict", "get", "kinds", "BUILTIN", "UnknownCheck"]
