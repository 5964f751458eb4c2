"""Size, depth and magnitude limits that bound every parse and evaluation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Hard bounds; inputs over them are refused with a reason instead of being worked on."""

    max_chars: int = 20_000  # the longest display block in the corpus is ~3 000 characters
    max_tokens: int = 4_000
    max_depth: int = 60  # nesting of groups, scripts and operators
    max_exponent: float = 1_000.0  # a constant exponent larger than this is refused
    max_number_digits: int = 40
    max_sum_terms: int = 64  # a sum or product is unrolled over at most this many terms
    sympy_timeout_s: float = 1.5  # one bounded worker job


DEFAULT_LIMITS = Limits()
