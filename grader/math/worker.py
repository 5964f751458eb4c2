"""A persistent worker process for sympy jobs, killed and restarted when a job runs over its time."""

from __future__ import annotations

import atexit
import multiprocessing as mp
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable

_lock = threading.Lock()
_proc: Any = None
_conn: Connection | None = None


def _serve(conn: Connection) -> None:
    from grader.math import solve  # the jobs live there

    while True:
        try:
            name, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            fn: Callable[..., Any] = getattr(solve, "job_" + name)
            conn.send(("ok", fn(*payload)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, never raised here
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _start() -> None:
    global _proc, _conn
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child,), daemon=True)
    proc.start()
    child.close()
    _proc, _conn = proc, parent


def stop() -> None:
    """Kill the worker (at exit, and after a job that ran over its time)."""
    global _proc, _conn
    if _proc is not None:
        _proc.kill()
        _proc.join(timeout=1)
    if _conn is not None:
        _conn.close()
    _proc, _conn = None, None


atexit.register(stop)


def run(name: str, payload: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
    """("ok", result) | ("error", reason) | ("timeout", reason); never hangs longer than `timeout` + start."""
    with _lock:
        if _proc is None or not _proc.is_alive():
            _start()
        assert _conn is not None
        try:
            _conn.send((name, payload))
            if not _conn.poll(timeout):
                stop()
                return "timeout", f"symbolic work ran over {timeout:g} s"
            return _conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            stop()
            return "error", f"worker failed: {exc}"
