"""The sandbox itself: isolation from the course, the network and other processes; limits; overhead."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

from grader.sandbox import CallTimeout, ExitInfo, Limits, WorkerDied, shared

REPO = Path(__file__).resolve().parents[2]
IN = {"offset": 0, "shape": [4], "dtype": "float32"}
OUT = {"offset": 64, "capacity": 16, "shape": [4], "dtype": "float32"}


SMALL = Limits(cpu_s=20, file_mb=4)


def run(source: str, timeout: float = 10.0, limits: Limits = SMALL) -> tuple[dict[str, Any], ExitInfo]:
    """Load `def f(x)` from `source` in a fresh worker, call it once on [1, 2, 3, 4]; reply and exit."""
    worker = shared().spawn(io_bytes=4096, limits=limits, hide=[str(REPO)])
    reply = worker.request({"op": "load", "source": source, "function": "f", "arg_names": ["x"],
                            "filename": "<answer>"}, 30)
    if reply.get("ok"):
        np.frombuffer(worker.io, dtype=np.float32, count=4)[:] = [1, 2, 3, 4]
        try:
            reply = worker.request({"op": "call", "args": [IN], "out": OUT}, timeout)
        except CallTimeout:
            return {"timeout": True}, worker.kill()
        except WorkerDied as died:
            return {"died": True}, died.info
    return reply, worker.close()


def test_a_run_computes_and_reports() -> None:
    reply, info = run("def f(x):\n    print('hi')\n    return x * 2\n")
    assert reply["ok"] and reply["copied"] and reply["tampered"] == []
    assert info.code == 0 and info.output == "hi\n"


def test_course_files_are_hidden_but_python_still_imports() -> None:
    reply, _ = run("import os, json, numpy\ndef f(x):\n    return 'imported'\n")
    assert reply["error"] == "type"  # it ran: json and numpy imported from the bound-back interpreter...
    reply, _ = run(f"def f(x):\n    return open({str(REPO / 'reference' / 'attention_lab.py')!r}).read()\n")
    assert "No such file or directory" in reply["message"]  # ...but not what is in it


def test_other_copies_of_a_course_anywhere_on_the_machine_are_hidden(tmp_path: Path) -> None:
    # a second checkout (another term's course, a TA's clone) is not named in `hide`: only the system is visible
    copy = tmp_path / "old-course" / "reference"
    copy.mkdir(parents=True)
    (copy / "attention_lab.py").write_text("SECRET = 1\n")
    reply, _ = run(f"def f(x):\n    return open({str(copy / 'attention_lab.py')!r}).read()\n")
    assert "No such file or directory" in reply["message"] or "Permission denied" in reply["message"]
    reply, _ = run("import os\ndef f(x):\n    return sorted(os.listdir('/'))\n")
    assert reply["error"] == "type"  # it listed / (and so ran): the top-level names are there, their contents not


def test_the_grader_is_not_reachable_through_proc() -> None:
    reply, _ = run(f"import os\ndef f(x):\n    return os.listdir('/proc/{os.getpid()}/root{REPO}/reference')\n")
    assert "Permission denied" in reply["message"]


def test_no_network() -> None:
    reply, _ = run("import socket\ndef f(x):\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n")
    assert "Network is unreachable" in reply["message"]


def test_only_the_working_directory_is_writable() -> None:
    reply, _ = run("def f(x):\n    open('scratch.txt', 'w').write('ok')\n    open('/tmp/grader-escape.txt', 'w')\n")
    assert "Read-only file system" in reply["message"] and reply["line"] == 3
    assert not Path("/tmp/grader-escape.txt").exists()


def test_fork_bomb_hits_the_process_limit() -> None:
    reply, info = run("import os\ndef f(x):\n    while True:\n        os.fork()\n")
    assert "Resource temporarily unavailable" in reply["message"]
    assert info.cpu_s is not None and info.cpu_s < 10  # the run's CPU time: stopped by the limit, not by exhaustion


def test_processes_left_behind_die_with_the_run() -> None:
    marker = "271828.5"
    source = (f"import os\ndef f(x):\n    if os.fork() == 0:\n        os.setsid()\n"
              f"        os.execv('/bin/sleep', ['sleep', '{marker}'])\n    return x\n")
    reply, info = run(source)
    assert reply["ok"] and info.code == 0
    time.sleep(0.2)
    found = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True, check=False)
    assert found.stdout == ""


def test_memory_limit() -> None:
    reply, _ = run("import torch\ndef f(x):\n    return torch.ones(50 * 1024**3 // 4)\n")
    assert "can't allocate memory" in reply["message"]


def test_output_is_capped() -> None:
    reply, info = run("def f(x):\n    for _ in range(1024):\n        print('x' * (1 << 20))\n")
    assert "File too large" in reply["message"]
    assert info.output_bytes <= 4 * 1024 * 1024 and len(info.output) <= 4000


def test_infinite_loop_is_killed_at_the_time_limit() -> None:
    reply, info = run("def f(x):\n    while True:\n        pass\n", timeout=1.0)
    assert reply == {"timeout": True} and "SIGKILL" in info.describe()
    # a loop can burn at most the 1 s it was given: killed at the call's limit, not later by the 20 s CPU limit
    assert info.cpu_s is not None and info.cpu_s < 2


def test_cpu_time_limit_kills_without_a_wall_clock() -> None:
    reply, info = run("def f(x):\n    while True:\n        pass\n", timeout=30.0, limits=Limits(cpu_s=1))
    assert reply == {"died": True} and "SIGKILL" in info.describe()
    # ended by RLIMIT_CPU (SIGXCPU at the 1 s soft limit, SIGKILL at the 3 s hard one), long before the 30 s wall limit
    assert info.cpu_s is not None and 0.5 < info.cpu_s < 3.5


def test_patched_timers_are_reported() -> None:
    reply, _ = run("import time, torch\ntime.perf_counter = lambda: 0.0\ntorch.cuda.Event = object\n"
                   "def f(x):\n    return x\n")
    assert reply["tampered"] == ["time.perf_counter", "torch.cuda.Event"]


def test_load_errors_carry_their_line() -> None:
    assert run("x = 1\ndef f(x)\n    return x\n")[0] == {
        "ok": False, "error": "syntax", "message": "SyntaxError: expected ':'", "line": 2}
    reply, _ = run("def g(x):\n    return x\n")
    assert reply["error"] == "missing"
    reply, _ = run("def f(x, y):\n    return x\n")
    assert reply["error"] == "signature"
    reply, _ = run("def f(x):\n    return x\n\n1 / 0\n")
    assert (reply["error"], reply["line"]) == ("import", 4)


def test_overhead_per_run_is_well_under_a_second() -> None:
    # CPU time of a run, ours and the worker's: a fork of the server that already holds torch, not a fresh
    # import of it (about 1.2 s of CPU). The wall time per run is a figure of benchmarks/code_bench.py.
    run("def f(x):\n    return x\n")  # the fork server is started by then
    costs = []
    for _ in range(5):
        started = time.process_time()
        reply, info = run("def f(x):\n    return x\n")
        assert reply["ok"] and info.cpu_s is not None
        costs.append(time.process_time() - started + info.cpu_s)
    assert statistics.median(costs) < 0.5, costs
