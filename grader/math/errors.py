"""Errors of the math layer: every failure carries a one-line, human-readable reason."""

from __future__ import annotations


class MathError(Exception):
    """A piece of math could not be read or evaluated; `str()` is the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LimitExceeded(MathError):
    """The input is over one of the size, depth or magnitude limits."""


class Unbound(MathError):
    """Evaluation needed a symbol or function the environment does not provide."""

    def __init__(self, key: str, reason: str | None = None) -> None:
        super().__init__(reason or f"unbound symbol {key!r}")
        self.key = key


class Unsupported(MathError):
    """The node is understood by the parser but has no numeric meaning (e.g. `\\cdots`)."""
