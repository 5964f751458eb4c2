"""The math layer: read LaTeX with deep-learning meaning, evaluate it, and compare it (see docs/math.md)."""

from __future__ import annotations

from grader.math.assume import Assumptions, assumptions
from grader.math.complexity import compare_complexity
from grader.math.equivalence import equivalent
from grader.math.errors import LimitExceeded, MathError, Unbound, Unsupported
from grader.math.evaluate import RANGE_KEY, evaluate
from grader.math.numbers import compare_number
from grader.math.parsed import Parsed, parse
from grader.math.plaintext import find_plain_math
from grader.math.printer import to_text
from grader.math.spans import MathSpan, find_spans
from grader.math.verdict import Verdict

__all__ = [
    "Assumptions", "LimitExceeded", "MathError", "MathSpan", "Parsed", "RANGE_KEY", "Unbound", "Unsupported",
    "Verdict", "assumptions", "compare_complexity", "compare_number", "equivalent", "evaluate",
    "find_plain_math", "find_spans", "parse", "to_text",
]
