"""The check kinds a rubric may name: rubric name -> module, imported on first use (no check is imported here)."""

from __future__ import annotations

import importlib
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

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
    "constraint": "grader.checks.constraint",
}
# the self-check pack's own kinds: fingerprints instead of reference answers (grader/pack)
BUILTIN.update(PACK_KINDS)


class Kind(Protocol):
    """What a rubric needs of a check kind to validate it: its name and its parameter model."""

    name: ClassVar[str]
    Params: ClassVar[type[BaseModel]]


class UnknownCheck(KeyError):
    """A rubric names a check kind that is not registered."""


_loaded: dict[str, Any] = {}


def kinds() -> list[str]:
    return sorted(BUILTIN)


def rubric_kinds() -> list[str]:
    """The kinds an instructor may name in a rubric: the built-in ones, without the self-check pack's own."""
    return sorted(k for k in BUILTIN if k not in PACK_KINDS)


def load(name: str) -> Any:
    """The class registered under `name`, its module imported on first use (typed by grader.checks.get)."""
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


def kind(name: str) -> Kind:
    """The kind registered under `name`, as rubric validation sees it."""
    cls: Kind = load(name)
    return cls
