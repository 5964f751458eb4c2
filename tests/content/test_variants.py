"""Edited variants of write-ups grade as the originals: typesetting and layout are not content.

Each edit (benchmarks/variants_bench.py, which runs them all over every write-up) keeps what a write-up
says; a variant that grades differently shows a reading that depends on form.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from . import harness

_spec = importlib.util.spec_from_file_location("variants_bench", harness.REPO / "benchmarks" / "variants_bench.py")
assert _spec is not None and _spec.loader is not None
variants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(variants)

EDITS = ("dfrac", "left-right", "bold", "bold-headings", "operatorname", "transpose", "expectation", "unicode-greek", "norms",
         "page-headers")
WRITEUPS = (("attention", "submissions/attention/correct.md"), ("optreg-2020", "submissions/optreg-2020/flawed.md"),
            ("decoding-2021", "submissions/decoding-2021/correct.md"), ("newton", "submissions/newton/flawed.md"),
            ("decoding-2021", "corpus/000_823c8a7cee205779.txt"), ("attention", "corpus/001_390d1c36c99bcef8.txt"),
            ("optreg-2020", "corpus/002_3426801c2423a67e.txt"))


def _source(where: str) -> Path:
    if where.startswith("corpus/"):
        path = harness.CORPUS / where.removeprefix("corpus/")
        if not path.is_file():
            pytest.skip("../shared/corpus is not present")
        return path
    return harness.REPO / where


@pytest.mark.slow
@pytest.mark.parametrize("assignment,where", WRITEUPS, ids=[w for _, w in WRITEUPS])
@pytest.mark.parametrize("edit", EDITS)
def test_variant_grades_as_the_original(tmp_path: Path, edit: str, assignment: str, where: str) -> None:
    source = _source(where)
    variant = tmp_path / source.name
    variant.write_text(variants.EDITS[edit](source.read_text("utf-8")), "utf-8")
    assert harness.graded(assignment, str(variant)) == harness.graded(assignment, str(source))


def test_every_edit_changes_some_example() -> None:
    """Else an edit tests nothing: each must find what it rewrites in the team's example write-ups."""
    texts = [(harness.REPO / w).read_text("utf-8") for _, w in WRITEUPS if not w.startswith("corpus/")]
    assert [e for e in EDITS if all(variants.EDITS[e](t) == t for t in texts)] == []
