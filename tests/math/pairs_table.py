"""Loads tests/math/pairs.py by path (the folder is not a package: `math` would shadow the stdlib)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def load_pairs(name: str = "PAIRS") -> list[tuple[str, str, tuple[str, ...], str]]:
    """The pairs of tests/math/pairs.py: all of them, or one named group (`SHAPE_PAIRS`)."""
    spec = importlib.util.spec_from_file_location("grader_math_pairs", Path(__file__).with_name("pairs.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, name))
