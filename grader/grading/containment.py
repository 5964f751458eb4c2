"""Run one grading step so that an exception becomes a recorded failure, never a crashed run."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class StepResult(Generic[T]):
    """A step's value, or the error it raised, and how long it took."""

    value: T | None
    error: str | None
    duration_s: float
    trace: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def run_step(fn: Callable[[], T]) -> StepResult[T]:
    """Call `fn`, catching every exception (a bug in a check must cost one question, not the batch)."""
    start = time.perf_counter()
    try:
        value = fn()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - the point is to contain anything
        return StepResult(None, f"{type(exc).__name__}: {exc}".strip(), time.perf_counter() - start,
                          traceback.format_exc(limit=8))
    return StepResult(value, None, time.perf_counter() - start)
