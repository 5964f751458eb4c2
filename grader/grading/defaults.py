"""Defaults shared by the pipeline, the executors and the commands, kept apart so a command's parser loads fast."""

from __future__ import annotations

import os

DEFAULT_TIMEOUT = 120.0  # seconds one write-up may take before it is stopped and marked `error`


def default_jobs() -> int:
    """Write-ups graded at once when --jobs is not given: every core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
