"""Hostile or broken input ends quickly with `unknown` and a reason; nothing hangs or crashes."""

from __future__ import annotations

import time

import pytest

from grader.math import MathError, equivalent, parse

BAD = {
    "tower": r"10^{10^{10^{10}}}",
    "huge exponent": r"x^{99999999}",
    "nested braces": "{" * 10_000 + "x" + "}" * 10_000,
    "nested parens": "(" * 5_000 + "x" + ")" * 5_000,
    "megabyte": "x+" * 500_000 + "x",
    "def": r"\def\x{1}\x",
    "newcommand": r"\newcommand{\foo}{x}\foo",
    "unknown command": r"\frobnicate{x}",
    "unbalanced left": r"\left( x + y",
    "unbalanced right": r"x + y \right)",
    "unbalanced brace": r"\frac{a}{b",
    "lone backslash": "x \\",
    "empty": "",
    "only operator": "+",
    "input": r"\input{/etc/passwd}",
    "deep fractions": r"\frac{1}{" * 200 + "x" + "}" * 200,
    "factorial tower": "(((10!)!)!)!",
    "sum bound huge": r"\sum_{i=1}^{10^{9}} i",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_unknown_fast(name: str) -> None:
    start = time.process_time()  # CPU time: a loaded machine does not inflate it
    v = equivalent(BAD[name], "x")
    elapsed = time.process_time() - start
    assert elapsed < 2.0, f"{name} took {elapsed:.2f} s of CPU"
    assert v.verdict in ("unknown", "different"), v
    assert v.reason
    if name not in ("factorial tower", "sum bound huge"):
        assert v.verdict == "unknown", v


@pytest.mark.parametrize("name", ["tower", "huge exponent", "def", "unknown command", "unbalanced left", "megabyte"])
def test_parse_raises_math_error_with_reason(name: str) -> None:
    with pytest.raises(MathError) as info:
        parse(BAD[name])
    assert str(info.value)


def test_reasons_name_the_problem() -> None:
    assert "macro" in equivalent(BAD["def"], "1").reason
    assert "unknown command" in equivalent(BAD["unknown command"], "1").reason
    assert "too long" in equivalent(BAD["megabyte"], "1").reason
    assert "exponent" in equivalent(BAD["huge exponent"], "1").reason
