"""A persistent worker process for sympy jobs, killed and restarted when a job runs over its time."""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable

_lock = threading.Lock()
_proc: Any = None
_conn: Connection | None = None
_owner = 0  # pid of the process that started the worker: a forked grading worker starts its own


def _serve(conn: Connection, parent_end: Connection | None = None) -> None:
    # a forked helper holds copies of the caller's pipe ends: close them, so that the helper sees EOF and ends
    # when its caller dies (even by os._exit), instead of waiting forever
    for inherited in (parent_end, _conn):
        if inherited is not None:
            try:
                inherited.close()
            except OSError:
                pass
    from grader.math.jobs import JOBS

    while True:
        try:
            name, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            fn: Callable[..., Any] | None = JOBS.get(name)
            if fn is None:
                raise LookupError(f"no job named {name!r}")
            conn.send(("ok", fn(*payload)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, never raised here
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _context() -> Any:
    """Fork where the platform has it: the helper inherits the already-imported modules (numpy, grader.math,
    sympy when the parent has it) instead of importing them again as "spawn" would (~0.4 s per process)."""
    if sys.platform != "win32" and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _start() -> None:
    global _proc, _conn, _owner
    ctx = _context()
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, parent if ctx.get_start_method() == "fork" else None),
                       daemon=True)
    proc.start()
    child.close()
    _proc, _conn, _owner = proc, parent, os.getpid()


def preload() -> None:
    """Import sympy and the jobs here, so that helpers forked later (from this process or its forked grading
    workers) start without importing them; call it once in a parent process before it forks workers."""
    import sympy  # noqa: F401

    from grader.math import jobs  # noqa: F401 - imported so forked helpers inherit it


def _forget_inherited() -> None:
    """In a process forked after the worker started, the worker belongs to the parent: never use or kill it."""
    global _proc, _conn
    if _proc is not None and _owner != os.getpid():
        _proc, _conn = None, None


def stop() -> None:
    """Kill the worker (at exit, and after a job that ran over its time)."""
    global _proc, _conn
    _forget_inherited()
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
        _forget_inherited()
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
