"""Parent side of the sandbox: start the fork server once, spawn workers, talk to them, kill them."""

from __future__ import annotations

import atexit
import itertools
import mmap
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox import wire
from grader.sandbox.limits import Limits

SERVER_START_TIMEOUT_S = 120.0  # importing torch on a cold disk can take a while; it happens once
_BOOT = "import sys; sys.path.insert(0, {root!r}); from grader.sandbox.server import main; main()"
_SERVER_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
# TMPDIR: the server's folder goes where the TA's temporary files go
_SERVER_PASS = ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "CUDA_HOME", "TMPDIR")


class SandboxError(Exception):
    """The sandbox itself failed (the server would not start or died); not the submitted code's fault."""


class CallTimeout(Exception):
    """A worker did not answer within the time given; the caller kills it."""


@dataclass(frozen=True)
class ExitInfo:
    """How a worker ended, as the fork server saw it, plus the head of what it printed."""

    code: int | None  # exit status; a negative number -N means killed by signal N; None if unknown
    cpu_s: float | None
    maxrss_kb: int | None
    output: str  # the first bytes of stdout+stderr
    output_bytes: int

    def describe(self) -> str:
        if self.code is None:
            return "ended (exit status unknown)"
        if self.code < 0 or self.code > 128:
            signum = -self.code if self.code < 0 else self.code - 128
            name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
            hint = {"SIGKILL": " (time, CPU or memory limit)", "SIGXCPU": " (CPU-time limit)",
                    "SIGXFSZ": " (file/output size limit)", "SIGSEGV": " (crashed)"}.get(name, "")
            return f"killed by {name}{hint}"
        return f"exited with status {self.code}"


class WorkerDied(Exception):
    """The worker's process ended while a request was outstanding."""

    def __init__(self, info: ExitInfo):
        super().__init__(info.describe())
        self.info = info


class Worker:
    """One sandboxed process: a control socket, a shared buffer for tensors, a captured stdout."""

    OUTPUT_HEAD_BYTES = 4000

    def __init__(self, sandbox: Sandbox, pid: int, ctrl: socket.socket, io_fd: int, io_bytes: int, out_fd: int):
        self.sandbox = sandbox
        self.pid = pid
        self.ctrl = ctrl
        self.io_fd = io_fd
        self.io = mmap.mmap(io_fd, io_bytes)
        self.out_fd = out_fd
        self.exit: ExitInfo | None = None

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait for its reply; CallTimeout after `timeout`, WorkerDied if it ended."""
        try:
            wire.send(self.ctrl, message)
            self.ctrl.settimeout(max(timeout, 0.001))
            return wire.recv(self.ctrl)
        except TimeoutError:
            raise CallTimeout(f"no answer within {timeout:.1f} s") from None
        except (wire.WireError, OSError):
            raise WorkerDied(self.close(grace=1.0)) from None

    def pause(self) -> None:
        """Stop the whole process group, so it cannot compete for the CPU while the other side is timed."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def output(self) -> tuple[str, int]:
        """The first bytes the run printed (stdout and stderr interleaved), and how many it printed."""
        size = os.fstat(self.out_fd).st_size
        head = os.pread(self.out_fd, self.OUTPUT_HEAD_BYTES, 0)
        return head.decode("utf-8", errors="replace"), size

    def close(self, grace: float = 2.0) -> ExitInfo:
        """End the worker (politely, then by SIGKILL to its group) and return how it ended."""
        if self.exit is not None:
            return self.exit
        try:
            self.ctrl.settimeout(0.5)
            wire.send(self.ctrl, {"op": "exit"})
        except OSError:
            pass
        status = self.sandbox.wait_exit(self.pid, grace)
        if status is None:
            self._signal(signal.SIGCONT)
            self._signal(signal.SIGKILL)
            status = self.sandbox.wait_exit(self.pid, 10.0)
        text, size = self.output()
        status = status or {}
        self.exit = ExitInfo(status.get("code"), status.get("cpu_s"), status.get("maxrss_kb"), text, size)
        self.ctrl.close()
        self.io.close()
        os.close(self.io_fd)
        os.close(self.out_fd)
        return self.exit

    def kill(self) -> ExitInfo:
        """Kill at once (time limit): the group dies, and with pid 1 of its namespace every stray process."""
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGKILL)
        return self.close(grace=5.0)


class Sandbox:
    """The grader's handle on its fork server; thread-safe, started on first use."""

    def __init__(self, python: str = sys.executable):
        self.python = python
        self.info: dict[str, Any] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._start_lock = threading.Lock()  # a launch ahead of time and the first spawn may race
        self._booting: socket.socket | None = None  # launched, not yet ready
        self._launched = 0.0
        self._cond = threading.Condition()
        self._spawned: dict[int, int] = {}
        self._exits: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._dead = False
        self.start_s = 0.0

    @property
    def dead(self) -> bool:
        return self._dead

    def launch(self) -> None:
        """Start the server's process without waiting for it: it imports torch while the grader does other work."""
        with self._start_lock:
            self._launch()

    def start(self) -> None:
        """Launch the server if nobody has, and wait until it is ready to fork runs."""
        with self._start_lock:
            if self._sock is not None:
                return
            self._launch()
            self._await_ready()

    def _launch(self) -> None:
        if self._proc is not None:
            return
        self._launched = time.perf_counter()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        root = str(Path(__file__).resolve().parents[2])
        env = dict(_SERVER_ENV, **{k: os.environ[k] for k in _SERVER_PASS if k in os.environ})
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen([self.python, "-I", "-c", _BOOT.format(root=root), str(theirs.fileno()),
                                       str(os.getpid())],
                                      pass_fds=[theirs.fileno()], env=env, cwd="/", stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=self._log,
                                      # its own session: a timed-out grading worker's group is SIGKILLed, and
                                      # the server, told by the kernel (SIGTERM), must outlive it long enough
                                      # to remove its folder; nor is a Ctrl-C at the terminal its to act on
                                      start_new_session=True)
        theirs.close()
        self._booting = ours
        atexit.register(self.close)

    def _await_ready(self) -> None:
        ours = self._booting
        assert ours is not None
        ours.settimeout(SERVER_START_TIMEOUT_S)
        try:
            self.info = wire.recv(ours)
        except (wire.WireError, OSError) as exc:
            self._dead = True  # shared() starts a new one next time
            self._log.seek(0)
            raise SandboxError(f"fork server did not start ({exc}): "
                               f"{self._log.read()[-2000:].decode(errors='replace')}") from exc
        ours.settimeout(None)
        self._sock, self._booting = ours, None
        self.start_s = time.perf_counter() - self._launched  # from launch: the server's own start-up time
        threading.Thread(target=self._read_events, name="sandbox-events", daemon=True).start()

    def _read_events(self) -> None:
        assert self._sock is not None
        while True:
            try:
                msg = wire.recv(self._sock)
            except (wire.WireError, OSError):
                with self._cond:
                    self._dead = True
                    self._cond.notify_all()
                return
            with self._cond:
                if "spawned" in msg:
                    self._spawned[int(msg["spawned"])] = int(msg["pid"])
                elif "exited" in msg:
                    self._exits[int(msg["exited"])] = msg
                self._cond.notify_all()

    def spawn(self, *, io_bytes: int, limits: Limits, hide: Sequence[str] = (), timeout: float = 30.0) -> Worker:
        """A new isolated worker with a shared buffer of `io_bytes`; it waits for a `load` request."""
        self.start()
        assert self._sock is not None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        io_fd = os.memfd_create("grader-io")
        os.ftruncate(io_fd, max(io_bytes, mmap.PAGESIZE))
        out_fd = os.memfd_create("grader-output")
        request_id = next(self._ids)
        try:
            with self._send_lock:
                wire.send(self._sock, {"op": "spawn", "id": request_id, "limits": limits.to_dict(),
                                       "hide": [str(h) for h in hide]}, fds=[theirs.fileno(), io_fd, out_fd])
        except OSError as exc:
            raise SandboxError(f"fork server is gone: {exc}") from None
        finally:
            theirs.close()
        with self._cond:
            if not self._cond.wait_for(lambda: request_id in self._spawned or self._dead, timeout):
                raise SandboxError("fork server did not answer a spawn request")
            if self._dead:
                raise SandboxError("fork server died")
            pid = self._spawned.pop(request_id)
        return Worker(self, pid, ours, io_fd, max(io_bytes, mmap.PAGESIZE), out_fd)

    def wait_exit(self, pid: int, timeout: float) -> dict[str, Any] | None:
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exits or self._dead, timeout)
            return self._exits.pop(pid, None)

    def close(self) -> None:
        if self._proc is None:
            return
        for sock in (self._sock, self._booting):  # the server ends when its socket closes
            if sock is not None:
                try:  # at once: close() alone waits for the event thread's recv, so the server saw no end
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


_shared: tuple[int, Sandbox] | None = None
_shared_lock = threading.Lock()


def shared() -> Sandbox:
    """This process's fork server (a forked grader process gets its own)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != os.getpid() or _shared[1].dead:
            _shared = (os.getpid(), Sandbox())
        return _shared[1]
