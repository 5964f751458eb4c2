"""The fork server: a process that has already imported torch and forks one isolated child per run."""

from __future__ import annotations

import gc
import os
import platform
import select
import shutil
import signal
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from grader.sandbox import harness, isolate, wire
from grader.sandbox.limits import Limits

# What a run's environment holds: nothing from the grader's own (no tokens, no paths, no seeds).
SETUP_FAILED = 70  # exit status of a child whose isolation failed before any submitted code ran
RUN_UID_BASE = 2_000_000_000  # far above any account a system creates
PASS_THROUGH = ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "CUDA_HOME")  # where the GPU and its libraries are
RUN_ENV_BASE = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "CUDA_CACHE_DISABLE": "1"}


# Top-level folders a run may see: the system. Everything else (home folders, /work, /srv, /tmp, /var, /opt, ...)
# is covered, so no copy of a course, a reference or a results store anywhere on the machine is reachable;
# the interpreter and its packages are bound back (keep_paths).
SYSTEM_DIRS = frozenset({"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "dev", "proc", "sys"})


def hidden_by_default() -> list[str]:
    """Every top-level entry of / that is not part of the system."""
    return sorted(str(Path("/") / name) for name in os.listdir("/") if name not in SYSTEM_DIRS)


def keep_paths() -> list[str]:
    """Paths a run needs even under a hidden folder: the interpreter, its standard library, site-packages."""
    grader_root = Path(harness.__file__).resolve().parents[2]  # an editable install's source tree
    keep = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    keep.update(p for p in sys.path if p and os.path.isdir(p) and Path(p).resolve() != grader_root)
    return sorted(str(Path(p).resolve()) for p in keep)


def _close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _run_child(msg: dict[str, Any], fds: list[int], workdir: str, keep: list[str]) -> None:
    """In the forked child: isolate, fork the run itself as pid 1 of a new pid namespace, mirror its exit."""
    code = SETUP_FAILED
    try:
        os.setsid()  # its own process group: the parent kills the group at the time limit
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's clean-up handler is not the run's
        ctrl, io, out = fds
        _close_other_fds({ctrl, io, out})  # above all the server's socket: a run must not reach the server
        isolate.die_with_parent()
        limits = Limits.from_dict(msg.get("limits", {}))
        # A user id of its own per run (fresh per live pid): its processes are counted apart from any other's.
        run_uid = RUN_UID_BASE + os.getpid()
        hide = [*msg.get("hide", []), *hidden_by_default()]
        notes = isolate.outer(hide, [*keep, os.path.dirname(workdir)], workdir, limits.workdir_mb, run_uid)
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        run = os.fork()
        if run == 0:
            isolate.die_with_parent()
            isolate.inner(notes, ready_w, go_r)
            for fd in (ready_r, ready_w, go_r, go_w):
                os.close(fd)
            os.chdir(workdir)
            passed = {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
            os.environ.clear()
            os.environ.update(RUN_ENV_BASE, HOME=workdir, TMPDIR=workdir, **passed)
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(out, 2)
            for fd in (null, out):
                os.close(fd)
            harness.run(ctrl, io, limits, notes)
        for fd in fds:
            os.close(fd)
        isolate.map_user(run, run_uid, ready_r, go_w)
        _, status = os.waitpid(run, 0)
        exit_code = os.waitstatus_to_exitcode(status)
        code = exit_code if exit_code >= 0 else 128 - exit_code
    except BaseException:
        try:  # the run's captured output is where the parent will look for why set-up failed
            os.write(fds[2], f"sandbox set-up failed:\n{traceback.format_exc()}".encode())
        except Exception:
            pass
        code = SETUP_FAILED
    os._exit(code)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        wire.send(sock, {"exited": pid, "code": os.waitstatus_to_exitcode(status),
                         "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss})


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds to main's `finally`, which removes the server's folder


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    owner = int(sys.argv[2]) if len(sys.argv) > 2 else os.getppid()  # the grader's pid, read before torch loaded
    # The grader process that started us may end without closing us (a forked grading worker leaves by
    # os._exit, and is killed with its process group): the kernel's SIGTERM then lets us remove our folder,
    # which a SIGKILL would leave in the temporary directory (one per graded write-up with code).
    signal.signal(signal.SIGTERM, _stop)
    isolate.die_with_parent(signal.SIGTERM)
    if os.getppid() != owner:  # it ended before the request above could take effect
        return
    base = tempfile.mkdtemp(prefix="grader-sandbox-")
    try:
        _serve(sock, base)
    finally:
        # a grader that closes our socket and then dies sends its SIGTERM while we may already be removing the
        # folder: from here on it must not cut the removal short (that left folders behind, now and then)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        shutil.rmtree(base, ignore_errors=True)


def _serve(sock: socket.socket, base: str) -> None:
    """Fork a run per spawn request until the grader closes its end of `sock`."""
    workdir = os.path.join(base, "work")  # every run mounts its own tmpfs here, in its own mount namespace
    os.mkdir(workdir, 0o755)
    os.chmod(base, 0o755)
    keep = keep_paths()
    gc.collect()
    gc.freeze()  # torch's objects stay out of every collection, and their pages stay shared after fork
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    try:
        wire.send(sock, {"ready": True, "pid": os.getpid(), "torch": harness.torch.__version__,
                         "python": platform.python_version(), "workdir": workdir})
    except OSError:
        return  # the grader is gone already
    watched: list[Any] = [sock, wake_r]  # a socket and a raw descriptor: select takes both
    while True:
        readable, _, _ = select.select(watched, [], [])
        if wake_r in readable:
            while True:
                try:
                    if not os.read(wake_r, 512):
                        break
                except BlockingIOError:
                    break
            _reap(sock)
        if sock in readable:
            try:
                msg, fds = wire.recv_with_fds(sock, 4)
            except (wire.WireError, OSError):
                return
            if msg.get("op") != "spawn" or len(fds) != 3:
                for fd in fds:
                    os.close(fd)
                return
            pid = os.fork()
            if pid == 0:
                _run_child(msg, fds, workdir, keep)
            for fd in fds:
                os.close(fd)
            wire.send(sock, {"spawned": msg["id"], "pid": pid})


if __name__ == "__main__":
    main()
