"""Fixtures shared by the whole suite: the repository root and the team's shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output instead of comparing with them")


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def corpus() -> Path:
    """The real write-ups in ../shared/corpus; tests that need them skip where it is absent (a user's clone)."""
    if not (CORPUS / "manifest.yaml").is_file():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
