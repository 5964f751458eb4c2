"""The result of every comparison: a verdict from a closed set, with its one-line reason."""

from __future__ import annotations

from dataclasses import dataclass

EQUIVALENT = "equivalent"
DIFFERENT = "different"
UNKNOWN = "unknown"
VERDICTS = (EQUIVALENT, DIFFERENT, UNKNOWN)


@dataclass(frozen=True)
class Verdict:
    """equivalent / different / unknown with a human-readable reason; never a bare bool."""

    verdict: str  # "equivalent" | "different" | "unknown"
    reason: str  # one line, human readable
    tight: bool | None = None  # complexity only: False when the claim is a correct but loose bound

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")

    def __bool__(self) -> bool:  # a Verdict is not a bool; refuse silent truthiness
        raise TypeError("use verdict.verdict == 'equivalent', a Verdict is not a bool")


def equivalent_(reason: str, tight: bool | None = None) -> Verdict:
    return Verdict(EQUIVALENT, reason, tight)


def different(reason: str, tight: bool | None = None) -> Verdict:
    return Verdict(DIFFERENT, reason, tight)


def unknown(reason: str) -> Verdict:
    return Verdict(UNKNOWN, reason)
