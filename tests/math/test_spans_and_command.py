"""find_spans line numbers, plain-text math, and the `grader equiv` command's exit codes and output."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.math import find_plain_math, find_spans
from grader.commands import equiv as command

TEXT = """Intro with $a = b$ inline.

$$\\mathbf{h}_t = \\mathbf{W}\\sigma(\\mathbf{h}_{t-1})$$

Then \\[ x \\le y \\] and \\(z\\) and a price of \\$5.
\\begin{aligned} a &= b \\\\ &= c \\end{aligned}
$$
multi
line
$$
So this gives N^T possible sequences, and O(TN^2) time.
"""


def test_find_spans_lines_and_display() -> None:
    spans = find_spans(TEXT, first_line=10)
    assert [(s.latex[:5], s.line, s.display) for s in spans] == [
        ("a = b", 10, False), ("\\math", 12, True), ("x \\le", 14, True), ("z", 14, False),
        ("\\begi", 15, True), ("multi", 16, True)]
    assert spans[-1].end_line == 19


def test_plain_text_math() -> None:
    found = [p.latex for p in find_plain_math(TEXT)]
    assert "N^T" in found and "O(TN^2)" in found


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    command.add_parser(sub)
    return parser.parse_args(["equiv", *argv])


@pytest.mark.parametrize("argv,code,first", [
    ([r"\frac{a}{b}", "a b^{-1}"], 0, "equivalent"),
    ([r"\mathbf{W}\mathbf{x}", r"\mathbf{x}\mathbf{W}"], 1, "different"),
    ([r"x^{99999999}", "x"], 3, "unknown"),
    ([r"(\delta^2)^{T/2}", r"\delta^T", "--assume", "delta >= 0"], 0, "equivalent"),
])
def test_run_exit_codes(argv: list[str], code: int, first: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse_args(argv)
    assert args.func(args) == code
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == first and len(lines) == 2 and lines[1]


@pytest.mark.parametrize("argv", [
    ["equiv", "-x", "-(x)"],
    ["equiv", "-x + y", "y - x", "--assume", "x > 0"],
    ["equiv", "--assume", "x > 0", "-x", r"-\sqrt{x^2}"],
    ["equiv", "--", "-x", "-x"],
])
def test_formulas_may_start_with_minus(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from grader.cli import main

    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[0] == "equivalent"


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse_args(["onlyone"])
    assert args.func(args) == 2


def test_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "pairs.jsonl"
    f.write_text('{"a": "a+b", "b": "b+a"}\nnot json\n{"a": "x", "b": 3}\n'
                 '{"a": "\\\\delta^T", "b": "\\\\delta", "assume": ["delta > 0"]}\n', encoding="utf-8")
    args = parse_args(["--batch", str(f)])
    assert args.func(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["verdict"] for r in rows] == ["equivalent", "unknown", "unknown", "different"]
    assert all(r["reason"] for r in rows)


def test_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "grader.commands.equiv", "a+b", "b+a"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.splitlines()[0] == "equivalent"
    helped = subprocess.run([sys.executable, "-m", "grader.commands.equiv", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert "examples:" in helped.stdout
