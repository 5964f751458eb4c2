"""Child side of a run: load the code, then answer call requests; timers are captured before any code exists."""

from __future__ import annotations

import builtins
import gc
import inspect
import mmap
import os
import platform
import socket
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

import torch

from grader.sandbox import limits as limits_mod
from grader.sandbox import wire

# Bound when the fork server imports this module, long before submitted code runs in a child: rebinding
# `time.perf_counter` or `torch.cuda.Event` later cannot change what these names refer to.
_perf = time.perf_counter
_cpu = time.process_time
_type = type
_Tensor = torch.Tensor
_set_threads = torch.set_num_threads
_get_threads = torch.get_num_threads
_frombuffer = torch.frombuffer
_Event = torch.cuda.Event
_cuda_sync = torch.cuda.synchronize
_default_stream = torch.cuda.default_stream
_set_stream = torch.cuda.set_stream
_live_threads = threading.enumerate

# Names whose replacement by submitted code is tampering with the measurement, checked after every call.
_WATCHED: tuple[tuple[Any, str], ...] = (
    (time, "perf_counter"), (time, "perf_counter_ns"), (time, "process_time"), (time, "monotonic"),
    (time, "time"), (builtins, "type"), (builtins, "isinstance"), (torch, "Tensor"),
    (torch, "set_num_threads"), (torch, "get_num_threads"), (torch, "frombuffer"),
    (torch.cuda, "Event"), (torch.cuda, "synchronize"), (torch.cuda, "default_stream"),
    (torch.cuda, "current_stream"), (torch.cuda, "set_stream"),
)
_WATCHED_METHODS: tuple[tuple[type, str], ...] = (
    (torch.cuda.Event, "record"), (torch.cuda.Event, "elapsed_time"), (torch.cuda.Event, "synchronize"),
    (torch.Tensor, "copy_"), (torch.Tensor, "cpu"), (torch.Tensor, "to"),
)
_ORIGINALS = {f"{o.__name__}.{n}": getattr(o, n) for o, n in _WATCHED}
_ORIGINAL_METHODS = {f"{c.__qualname__}.{n}": vars(c).get(n, getattr(c, n)) for c, n in _WATCHED_METHODS}

_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
           "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32}
_L2_FLUSH_BYTES = 256 * 1024 * 1024  # larger than any current GPU's L2 (H100: 50 MB)


def tampering() -> list[str]:
    """What submitted code replaced among the things the measurement relies on."""
    found = [f"{owner.__name__}.{attr}" for owner, attr in _WATCHED
             if getattr(owner, attr, None) is not _ORIGINALS[f"{owner.__name__}.{attr}"]]
    for cls, attr in _WATCHED_METHODS:
        key = f"{cls.__qualname__}.{attr}"
        if vars(cls).get(attr, getattr(cls, attr, None)) is not _ORIGINAL_METHODS[key]:
            found.append(key)
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("sys.settrace/sys.setprofile hook")
    if getattr(threading, "_trace_hook", None) or getattr(threading, "_profile_hook", None):
        found.append("threading.settrace/setprofile hook")
    if torch._C._len_torch_function_stack() or torch._C._len_torch_dispatch_stack():
        found.append("a torch function/dispatch mode left active")
    return found


def _answer_line(exc: BaseException, filename: str) -> int | None:
    """Line of the innermost frame of the exception that lies in the loaded code."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return lines[-1] if lines else None


def _describe(exc: BaseException) -> str:
    kind = _type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    try:
        text = f"{name}: {exc}"
    except Exception:  # a __str__ that fails is still an exception we can name
        text = name
    return text if len(text) <= 500 else text[:500] + "..."


class Harness:
    """One loaded function and the shared buffer its inputs and outputs pass through."""

    def __init__(self, ctrl: socket.socket, io: mmap.mmap, limits: limits_mod.Limits, notes: list[str]):
        self.ctrl = ctrl
        self.io = io
        self.limits = limits
        self.notes = notes
        self.fn: Callable[..., Any] | None = None
        self.filename = "<code>"
        self.device = torch.device("cpu")
        self.threads = 1
        self.flush: torch.Tensor | None = None
        self.pid = os.getpid()

    # -- requests ----------------------------------------------------------------------------------------

    def load(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.threads = int(msg.get("threads", 1))
        self.filename = str(msg.get("filename", "<code>"))
        want = msg.get("device", "auto")
        reply: dict[str, Any] = {"ok": True, "torch": torch.__version__, "python": platform.python_version(),
                                 "threads": self.threads}
        use_cuda = want in ("auto", "cuda") and torch.cuda.is_available()
        if want == "cuda" and not use_cuda:
            self.notes.append("cuda requested but not available inside the sandbox; running on cpu")
        if use_cuda:
            self.device = torch.device("cuda", 0)
            # CUDA-context creation belongs to set-up, not to the first timed call.
            self.flush = torch.empty(_L2_FLUSH_BYTES // 4, dtype=torch.int32, device=self.device)
            _cuda_sync()
            reply["device"] = f"cuda ({torch.cuda.get_device_name(0)})"
            reply["cuda"] = torch.version.cuda
        else:
            reply["device"] = f"cpu ({platform.machine()}, {os.cpu_count()} cores visible)"
        self.notes.extend(limits_mod.apply(self.limits, cap_address_space=not use_cuda))
        _set_threads(self.threads)
        module = types.ModuleType("submission")
        module.__file__ = self.filename
        started = _perf()
        try:
            code = compile(str(msg["source"]), self.filename, "exec")
        except SyntaxError as exc:
            return {"ok": False, "error": "syntax", "message": f"SyntaxError: {exc.msg}", "line": exc.lineno}
        try:
            exec(code, module.__dict__)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from the code are its errors too
            return {"ok": False, "error": "import", "message": _describe(exc),
                    "line": _answer_line(exc, self.filename)}
        reply["load_s"] = _perf() - started
        name = str(msg["function"])
        fn = module.__dict__.get(name)
        if not callable(fn):
            return {"ok": False, "error": "missing", "message": f"no function named {name!r} is defined"}
        try:
            inspect.signature(fn).bind(*msg.get("arg_names", []))
        except TypeError as exc:
            return {"ok": False, "error": "signature",
                    "message": f"{name}{inspect.signature(fn)} cannot be called as "
                               f"{name}({', '.join(msg.get('arg_names', []))}): {exc}"}
        except ValueError:
            pass  # builtins without a signature: the first call will tell
        self.fn = fn
        gc.collect()
        gc.freeze()  # what exists now is never garbage: the per-trial collection only walks new objects
        reply["tampered"] = tampering()
        reply["notes"] = self.notes
        return reply

    def _view(self, spec: dict[str, Any]) -> torch.Tensor:
        shape = [int(s) for s in spec["shape"]]
        count = 1
        for s in shape:
            count *= s
        return _frombuffer(self.io, dtype=_DTYPES[spec["dtype"]], count=count, offset=int(spec["offset"])).view(shape)

    def call(self, msg: dict[str, Any]) -> dict[str, Any]:
        if self.fn is None:
            return {"ok": False, "error": "harness", "message": "call before a successful load"}
        cuda = self.device.type == "cuda"
        views = [self._view(a) for a in msg["args"]]
        args = [v.to(self.device) for v in views] if cuda else views
        timed = bool(msg.get("timed"))
        _set_threads(self.threads)
        if cuda:
            _set_stream(_default_stream(self.device))
            if timed and self.flush is not None:
                self.flush.zero_()  # evict the inputs from L2: every trial starts cold
            _cuda_sync()
            start, returned, end = (_Event(enable_timing=True) for _ in range(3))
        if timed:
            gc.collect()
            gc.disable()  # a collection triggered by earlier garbage is not the call's cost
        try:
            if cuda:
                start.record(_default_stream(self.device))
            running = set(_live_threads())
            w0, c0 = _perf(), _cpu()
            out = self.fn(*args)
            if cuda:
                returned.record(_default_stream(self.device))
                _cuda_sync()  # device-wide: work left on side streams is counted, not hidden
                end.record(_default_stream(self.device))
                end.synchronize()
            w1, c1 = _perf(), _cpu()
            # a thread the call started and left running does work the timer never sees (the CPU twin of a
            # side stream); looked at right after the return, before anything else can let it finish
            left = sum(1 for t in _live_threads() if t not in running)
        except BaseException as exc:
            return {"ok": False, "error": "exception", "message": _describe(exc),
                    "line": _answer_line(exc, self.filename)}
        finally:
            gc.enable()
        if cuda:  # the parent compares the shared buffer with what it wrote: device copies go back there
            for view, arg in zip(views, args):
                view.copy_(arg)
        reply: dict[str, Any] = {"ok": True, "wall_s": w1 - w0, "cpu_s": c1 - c0, "tampered": tampering(),
                                 "threads_changed": _get_threads() != self.threads, "threads_left": left}
        if cuda:
            reply["gpu_s"] = start.elapsed_time(end) / 1e3
            reply["side_stream_s"] = returned.elapsed_time(end) / 1e3
        if _type(out) is not _Tensor:
            kind = _type(out)
            return {**reply, "ok": False, "error": "type",
                    "message": f"returned {kind.__module__}.{kind.__qualname__}, not a plain torch.Tensor"}
        reply.update(shape=list(out.shape), dtype=str(out.dtype).replace("torch.", ""), device=out.device.type)
        expect = msg["out"]
        if out.layout != torch.strided or out.device != args[0].device:
            return {**reply, "ok": False, "error": "layout",
                    "message": f"returned a {out.layout} tensor on {out.device}, inputs are strided on {args[0].device}"}
        if expect.get("shape") is not None and (reply["shape"] != expect["shape"] or reply["dtype"] != expect["dtype"]):
            return reply  # the parent reports the mismatch; nothing to copy
        nbytes = out.numel() * out.element_size()
        if nbytes > int(expect["capacity"]):
            return {**reply, "ok": False, "error": "size", "message": f"returned {nbytes} bytes, more than expected"}
        dst = _frombuffer(self.io, dtype=out.dtype, count=out.numel(), offset=int(expect["offset"])).view(out.shape)
        dst.copy_(out)
        reply["copied"] = True
        return reply

    def serve(self) -> None:
        while True:
            try:
                msg = wire.recv(self.ctrl)
            except (wire.WireError, OSError):
                return
            op = msg.get("op")
            if op == "exit":
                return
            try:
                reply = self.load(msg) if op == "load" else self.call(msg) if op == "call" else \
                    {"ok": False, "error": "harness", "message": f"unknown op {op!r}"}
            except Exception as exc:
                reply = {"ok": False, "error": "harness", "message": _describe(exc)}
            if os.getpid() != self.pid:
                os._exit(0)  # a child the code forked, returning through the harness: it has nothing to say
            try:
                wire.send(self.ctrl, reply)
            except (OSError, ValueError) as exc:  # ValueError: a NaN or a non-JSON value in the reply
                wire.send(self.ctrl, {"ok": False, "error": "harness", "message": _describe(exc)})


def run(ctrl_fd: int, io_fd: int, limits: limits_mod.Limits, notes: list[str]) -> None:
    """Serve one run until the parent says exit or goes away; never returns."""
    code = 0
    me = os.getpid()

    def forked_by_code() -> None:
        # A process the code forks must not answer on the control socket or come back into the harness.
        try:
            os.close(ctrl_fd)
        except OSError:
            pass

    os.register_at_fork(after_in_child=forked_by_code)
    try:
        ctrl = socket.socket(fileno=ctrl_fd)
        io = mmap.mmap(io_fd, os.fstat(io_fd).st_size)
        Harness(ctrl, io, limits, notes).serve()
    except BaseException:
        code = 3
    if os.getpid() != me:
        os._exit(0)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)
