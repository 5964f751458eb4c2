"""Tests of formula neutralisation, score formatting and RFC 4180 writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.export.safety import cell_text, format_score, neutralise, write_csv


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=1+1"])
def test_formula_prefixes_get_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Jane Doe", "Müller, Jürgen", "", " =not at start? still text", "1+1", "'quoted"])
def test_plain_text_is_untouched(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize(("value", "text"), [
    (7.5, "7.5"), (8.0, "8"), (2.12345, "2.1235"), (2.12344, "2.1234"), (1e-07, "0"), (-2.0, "-2"), (-0.0, "0"),
    (0.00001, "0"), (10, "10"), (1 / 3, "0.3333"),
])
def test_scores_have_fixed_formatting(value: float, text: str) -> None:
    assert format_score(value) == text


def test_a_negative_score_stays_numeric_but_a_negative_looking_name_does_not() -> None:
    assert cell_text(-2.0) == "-2"
    assert cell_text("-2") == "'-2"
    assert cell_text(None) == ""


def test_non_finite_and_boolean_cells_are_refused() -> None:
    with pytest.raises(ValueError):
        format_score(float("nan"))
    with pytest.raises(TypeError):
        cell_text(True)


def test_write_csv_quotes_commas_quotes_and_newlines_with_crlf_and_no_bom(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    count = write_csv(path, ["name", "score"], [['O\'Brien, "Pat"', 1.5], ["two\nlines", None], ["Jürgen", 0]])
    data = path.read_bytes()
    assert count == 3
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8") == ('name,score\r\n"O\'Brien, ""Pat""",1.5\r\n"two\nlines",\r\nJürgen,0\r\n')


def test_fullwidth_formula_prefixes_are_neutralised() -> None:
    from grader.export.safety import neutralise
    for text in ("\uff1dSUM(A1)", "\uff0b1", "\uff0d2", "\uff20cmd"):
        assert neutralise(text) == "'" + text
