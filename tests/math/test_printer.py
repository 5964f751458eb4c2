"""`to_latex`: every function name the reader knows is printed so that the reader reads it back as the same tree."""

from __future__ import annotations

import pytest

from grader.math import parse
from grader.math.printer import to_latex
from grader.math.vocab import EXTREMA, FUNC_CMDS, PLAIN_WORDS

# the reader's operator names: its function commands and the plain words it reads as functions (max, argmax
# and the other extrema are read as an extremum over their subscript, not as functions)
NAMES = sorted(set(FUNC_CMDS) | {w for w in PLAIN_WORDS if w not in EXTREMA})


@pytest.mark.parametrize("name", NAMES)
def test_an_operator_name_prints_and_reads_back(name: str) -> None:
    for written in (f"\\operatorname{{{name}}}(z)", f"{name}(z)", f"\\operatorname{{{name}}}(\\mathbf z) - \\mathbf y"):
        root = parse(written).root
        printed = to_latex(root)
        assert parse(printed).root == root, (written, printed)


def test_a_name_without_a_latex_command_is_printed_as_an_operator_name() -> None:
    assert to_latex(parse("\\operatorname{softmax}(z)").root) == "\\operatorname{softmax}(z)"
    assert to_latex(parse("\\log(z)").root) == "\\log(z)"
