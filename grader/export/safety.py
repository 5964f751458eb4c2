"""Spreadsheet-safe CSV cells: formula neutralisation, fixed score formatting, RFC 4180 writing."""

from __future__ import annotations

import csv
import math
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Union

# What a spreadsheet may execute when a cell starts with it (OWASP "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r",
                    "\uff1d", "\uff0b", "\uff0d", "\uff20")  # fullwidth forms some locales also evaluate

# A cell is text (neutralised), a number (formatted, never neutralised) or None (empty).
# Numbers are told apart by their Python type, never by sniffing text: a name "-2" is text
# and gets quoted, a score -2.0 is a number and stays numeric for the importer.
Cell = Union[str, float, int, None]


def neutralise(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def format_score(value: float) -> str:
    """A score with at most 4 decimals and no trailing zeros, so exports stay byte-stable."""
    if not math.isfinite(value):
        raise ValueError(f"score {value!r} is not a finite number")
    # Round the shortest decimal that reads back as `value` (2.12345, not 2.1234499...), half up.
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cell_text(cell: Cell) -> str:
    """The text written for one cell."""
    if cell is None:
        return ""
    if isinstance(cell, bool):  # bool is an int; a stray flag must not become "1"
        raise TypeError("a boolean is not a CSV cell")
    if isinstance(cell, (int, float)):
        return format_score(float(cell))
    return neutralise(cell)


def write_csv(path: Path, header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> int:
    """Write UTF-8 (no BOM), CRLF-terminated, minimally quoted CSV; returns the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        # QUOTE_MINIMAL quotes any field holding a comma, a quote, CR or LF (RFC 4180).
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([cell_text(c) for c in header])
        for row in rows:
            writer.writerow([cell_text(c) for c in row])
            count += 1
    return count
