"""One code check's sandbox session: a reference and a student worker, the calls made to them, their record."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.checks.base import CheckContext, Verdict
from grader.checks.code.extract import Code
from grader.checks.code.params import CodeParams

if TYPE_CHECKING:  # numpy and the sandbox are imported when a code check runs, not when rubrics load
    import numpy as np

    from grader.sandbox import Worker

OUTPUT_IN_DETAILS = 2000  # characters of the run's stdout/stderr kept with the result


@dataclass
class Layout:
    """Where each argument and the output lie in a worker's shared buffer."""

    args: list[dict[str, Any]]
    out: dict[str, Any]
    nbytes: int


class Stop(Exception):
    """Ends the run early with a verdict: wrong output, an error, a cheat."""

    def __init__(self, kind: str, message: str, line: int | None = None, verdict: Verdict = Verdict.FAIL):
        super().__init__(message)
        self.kind, self.message, self.line, self.verdict = kind, message, line, verdict


def reference_source(root: Path, target: str) -> tuple[str, str]:
    """Text and function name of `file.py:function` under the course's reference/ (read, never imported here)."""
    filename, _, name = target.partition(":")
    reference_dir = (root / "reference").resolve()
    path = (reference_dir / filename).resolve()
    if reference_dir not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no reference module {filename!r} in {reference_dir}")
    return path.read_text(encoding="utf-8"), name


class Session:
    """One check's two workers (reference and student) and the record of everything they did."""

    def __init__(self, ctx: CheckContext, p: CodeParams, code: Code):
        self.ctx, self.p, self.code = ctx, p, code
        self.deadline = time.monotonic() + ctx.timeout
        self.details: dict[str, Any] = {"function": p.function, "device_requested": p.device,
                                        "tolerances": {"rtol": p.rtol, "atol": p.atol,
                                                       "max_rel_error": p.max_rel_error},
                                        "code_file": code.file, "trials": []}
        self.workers: dict[str, Worker] = {}

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Stop("code_timeout", f"the code check ran out of its {self.ctx.timeout:g} s budget")
        return left

    # -- workers --------------------------------------------------------------------------------------

    def start(self, io_bytes: int) -> None:
        from grader.sandbox import Limits, shared
        sandbox = shared()
        started = time.perf_counter()
        hide = sorted({str(self.ctx.course.root), str(Path(self.ctx.document.path).resolve().parent),
                       os.getcwd(), *filter(None, os.environ.get("GRADER_SANDBOX_HIDE", "").split(":"))})
        limits = Limits(cpu_s=self.p.cpu_s, memory_mb=self.p.memory_mb)
        ref_source, ref_name = reference_source(self.ctx.course.root, self.p.reference)
        sources = {"reference": (ref_source, ref_name, "<reference>"),
                   "student": (self.code.source, self.p.function, "<answer>")}
        for side, (source, name, filename) in sources.items():
            worker = sandbox.spawn(io_bytes=io_bytes, limits=limits, hide=hide)
            self.workers[side] = worker
            reply = self.request(side, {"op": "load", "source": source, "function": name, "filename": filename,
                                        "arg_names": [a.name for a in self.p.args], "device": self.p.device,
                                        "threads": self.p.threads})
            if not reply.get("ok"):
                if side == "reference":
                    raise RuntimeError(f"reference {self.p.reference} did not load: {reply.get('message')}")
                self._fail_load(reply)
            self.details[side] = {k: reply.get(k) for k in ("device", "torch", "python", "cuda", "threads",
                                                            "load_s", "notes")}
            if side == "student" and reply.get("tampered"):
                raise Stop("code_tampering", "at import the code replaced what the timing relies on: "
                           + ", ".join(reply["tampered"]) + "; tampering with the measurement scores 0")
        self.details["sandbox_start_s"] = round(sandbox.start_s, 4)
        self.details["spawn_and_load_s"] = round(time.perf_counter() - started, 4)
        self.details["device"] = self.details["student"]["device"]
        self.details["torch"] = self.details["student"]["torch"]
        self.details["python"] = self.details["student"]["python"]

    def _fail_load(self, reply: dict[str, Any]) -> None:
        kind = {"syntax": "code_syntax", "missing": "code_missing", "signature": "code_signature"}.get(
            str(reply.get("error")), "code_error")
        what = {"syntax": "The code does not parse", "import": "The code raised while it was loaded"}.get(
            str(reply.get("error")), "The code cannot be called")
        raise Stop(kind, f"{what}: {reply.get('message')}", self.code.line(reply.get("line")))

    def request(self, side: str, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        from grader.sandbox import CallTimeout, WorkerDied
        worker = self.workers[side]
        limit = min(timeout or self.p.call_timeout_s, self.remaining())
        try:
            return worker.request(message, limit)
        except CallTimeout:
            info = worker.kill()
            if side == "reference":
                raise RuntimeError(f"the reference did not finish within {limit:.1f} s") from None
            raise Stop("code_timeout", f"the code did not finish within {limit:.1f} s and was stopped "
                       f"({info.describe()})") from None
        except WorkerDied as died:
            if side == "reference":
                raise RuntimeError(f"the reference run ended: {died}") from None
            raise Stop("code_crash", f"the code's process ended during the call: {died}") from None

    def close(self) -> None:
        for side, worker in self.workers.items():
            info = worker.close()
            record = self.details.setdefault(side, {})
            record.update(exit=info.describe(), cpu_s=info.cpu_s, maxrss_kb=info.maxrss_kb,
                          output_bytes=info.output_bytes)
            if side == "student":
                record["output_head"] = info.output[:OUTPUT_IN_DETAILS]

    # -- one call -------------------------------------------------------------------------------------

    def call(self, side: str, layout: Layout, inputs: list[np.ndarray], timed: bool,
             pause: Worker | None = None) -> tuple[dict[str, Any], np.ndarray | None, float]:
        """Write the inputs, call, check the inputs are unchanged; returns reply, output, round trip."""
        import numpy as np
        worker = self.workers[side]
        for spec, array in zip(layout.args, inputs):
            worker.io[spec["offset"]:spec["offset"] + array.nbytes] = array.tobytes()
        if pause is not None:
            pause.pause()
        try:
            sent = time.perf_counter()
            reply = self.request(side, {"op": "call", "args": layout.args, "out": layout.out, "timed": timed})
            round_trip = time.perf_counter() - sent
        finally:
            if pause is not None:
                pause.resume()
        if side == "reference":
            if not reply.get("ok") or not reply.get("copied"):
                raise RuntimeError(f"the reference failed: {reply.get('message') or reply}")
        else:
            self._judge_reply(reply, layout)
        for spec, array in zip(layout.args, inputs):
            if worker.io[spec["offset"]:spec["offset"] + array.nbytes] != array.tobytes():
                raise Stop("code_mutation", f"the code changed its input {self._arg_name(spec, layout)} in "
                           "place; inputs must be left as they were given")
        out = np.frombuffer(worker.io, dtype=layout.out["dtype"], count=math.prod(layout.out["shape"]),
                            offset=layout.out["offset"]).reshape(layout.out["shape"]).copy()
        return reply, out, round_trip

    def _arg_name(self, spec: dict[str, Any], layout: Layout) -> str:
        return self.p.args[layout.args.index(spec)].name

    def _judge_reply(self, reply: dict[str, Any], layout: Layout) -> None:
        if reply.get("tampered"):
            raise Stop("code_tampering", "the code replaced what the timing relies on: "
                       + ", ".join(reply["tampered"]) + "; tampering with the measurement scores 0")
        if reply.get("threads_changed"):
            raise Stop("code_tampering", "the code changed torch's thread count, which the timing protocol "
                       "fixes for both sides; tampering with the measurement scores 0")
        if not reply.get("ok"):
            kind = {"type": "code_type", "exception": "code_error"}.get(str(reply.get("error")), "code_error")
            prefix = "The function raised" if reply.get("error") == "exception" else "Bad return value"
            raise Stop(kind, f"{prefix}: {reply.get('message')}", self.code.line(reply.get("line")))
        if reply.get("shape") != layout.out["shape"] or reply.get("dtype") != layout.out["dtype"]:
            raise Stop("code_wrong", f"returned a {reply.get('dtype')} tensor of shape {tuple(reply.get('shape') or ())}"
                       f", expected {layout.out['dtype']} of shape {tuple(layout.out['shape'])}")
        if reply.get("threads_left"):
            raise Stop("code_side_stream", f"{reply['threads_left']} thread(s) the function started were still "
                       "running when it returned: work left running is hidden from the timer and its output was "
                       "not ready")
        side_stream = reply.get("side_stream_s")
        if side_stream is not None and reply.get("gpu_s") and side_stream > max(5e-5, 0.2 * reply["gpu_s"]):
            raise Stop("code_side_stream", f"{side_stream * 1e3:.3f} ms of work was still running on another "
                       "CUDA stream when the function returned; its output was not ready")
