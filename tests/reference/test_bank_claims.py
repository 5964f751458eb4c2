"""The question bank and the example rubrics: no regular expression without a written reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "reference" / "bank").glob("*.yaml")) + sorted((ROOT / "rubrics").glob("*.yaml"))


def bare_patterns(node: Any, where: str = "") -> Iterator[str]:
    """Every `re:` string and every `{re: ...}` without a `why`, with where it sits."""
    if isinstance(node, dict):
        if "re" in node and not str(node.get("why", "")).strip():
            yield f"{where}: {node['re']!r}"
        for key, value in node.items():
            yield from bare_patterns(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from bare_patterns(value, f"{where}[{i}]")
    elif isinstance(node, str) and node.startswith("re:"):
        yield f"{where}: {node!r}"


def test_the_walk_finds_a_bare_pattern() -> None:
    doc = {"questions": {"q": {"checks": [{"any": ["x", "re:a+"]}, {"all": [{"re": "b", "why": ""}]}]}}}
    assert len(list(bare_patterns(doc))) == 2
    assert not list(bare_patterns({"any": [{"re": "b", "why": "a reason"}, {"math": "x"}]}))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_pattern_without_a_reason(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert not list(bare_patterns(doc)), f"{path}: a pattern without `why` (write a phrase or {{math: ...}})"
