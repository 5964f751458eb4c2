"""Numbers are compared with the precision the student printed."""

from __future__ import annotations

import pytest

from grader.math import compare_number

CASES = [
    ("2.58", r"\frac{31}{12}", "equivalent"),
    ("0.583", r"\frac{7}{12}", "equivalent"),
    ("2.5", 2.75, "different"),
    ("1.08", 1.0764, "equivalent"),
    ("1.07", 1.0764, "different"),  # 1.0764 rounds to 1.08
    ("1.09", 1.0764, "different"),
    ("0.67", r"\frac{2}{3}", "equivalent"),
    ("0.66", r"\frac{2}{3}", "different"),
    ("2.6", r"\frac{31}{12}", "equivalent"),
    ("2.59", r"\frac{31}{12}", "different"),
    ("-8.2", -8.2, "equivalent"),
    ("3", 3, "equivalent"),
    ("3", r"\frac{31}{12}", "different"),
    ("1.2e-3", 0.0012, "equivalent"),
    (r"3 \times 10^{-4}", 0.0003, "equivalent"),
    (r"12.5\%", 0.125, "equivalent"),
    (r"\frac{7}{12}", "0.583", "equivalent"),
    ("2.5", "2.75", "different"),
    ("0.22", r"\frac{2}{9}", "equivalent"),
]


@pytest.mark.parametrize("student,reference,expected", CASES)
def test_compare_number(student: str, reference: str | float, expected: str) -> None:
    v = compare_number(student, reference)
    assert v.verdict == expected, v.reason


def test_less_precise_side_sets_the_tolerance() -> None:
    # the reference is printed with one decimal: 2.58 is within 0.05 of 2.6
    assert compare_number("2.58", "2.6").verdict == "equivalent"
    assert "0.05" in compare_number("2.58", "2.6").reason


def test_unreadable_number_is_unknown() -> None:
    assert compare_number("about two", 2).verdict == "unknown"
    assert compare_number("2", "x + y").verdict == "unknown"


def test_a_reference_is_remembered_by_type_and_value() -> None:
    # 1 is exact, 1.0 is printed to one decimal: the remembered reference of one is never the other's
    for _ in range(2):
        assert compare_number("1.04", 1).verdict == "different"
        assert compare_number("1.04", 1.0).verdict == "equivalent"
        assert compare_number("1.04", "1").verdict == "different"


def test_an_unreadable_number_stays_unreadable_when_asked_again() -> None:
    from grader.math.errors import MathError
    from grader.math.numbers import read_number

    for _ in range(3):
        with pytest.raises(MathError):
            read_number("x + y")
        assert read_number("2.50") == read_number("2.50")


@pytest.mark.parametrize("text,factor", [
    (r"13 \times 13", "13"),
    (r"$13\times13$", "13"),
    ("13 x 13", "13"),
    ("13x13", "13"),
    ("13 \u00d7 13 \u00d7 13", "13"),
    (r"13 \times 2", None),  # not a size of one number per side
    (r"13 \times 13 \times 2", None),
    (r"0 \times 0", None),
    (r"1.5 \times 1.5", None),  # sizes are whole numbers
    (r"13 \cdot 13", None),
    (r"13 \times 13 \times 13 \times 13", None),
    ("13", None),
    (r"\times 13", None),
])
def test_equal_factors(text: str, factor: str | None) -> None:
    from grader.math.numbers import equal_factors

    assert equal_factors(text) == factor
