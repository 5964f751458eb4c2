"""Sandboxed execution of submitted code: a fork server holding torch, isolated workers, a child-side harness."""

from grader.sandbox.client import (
    CallTimeout,
    ExitInfo,
    Sandbox,
    SandboxError,
    Worker,
    WorkerDied,
    shared,
)
from grader.sandbox.limits import Limits

__all__ = ["CallTimeout", "ExitInfo", "Limits", "Sandbox", "SandboxError", "Worker", "WorkerDied", "shared"]
