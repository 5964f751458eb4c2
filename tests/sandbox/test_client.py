"""The sandbox's client: a fork server launched ahead of time is the one the first spawn uses, and ends cleanly."""

from __future__ import annotations

import os

from grader.sandbox import Limits, Sandbox


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_launched_server_is_the_one_spawn_waits_for() -> None:
    sandbox = Sandbox()
    sandbox.launch()
    proc = sandbox._proc
    assert proc is not None
    sandbox.launch()  # a second launch starts nothing
    assert sandbox._proc is proc
    worker = sandbox.spawn(io_bytes=4096, limits=Limits(cpu_s=20))  # waits until the server is ready
    assert sandbox._proc is proc and sandbox.info["pid"] == proc.pid and sandbox.start_s > 0
    reply = worker.request({"op": "load", "source": "def f(x):\n    return x\n", "function": "f",
                            "arg_names": ["x"], "filename": "<answer>"}, 30)
    assert reply["ok"], reply
    assert worker.close().code == 0
    sandbox.close()
    assert not _alive(proc.pid)


def test_a_server_launched_but_never_used_ends_with_close() -> None:
    sandbox = Sandbox()
    sandbox.launch()
    proc = sandbox._proc
    assert proc is not None
    sandbox.close()  # before it is ready: its socket closes, it ends
    assert proc.poll() is not None
