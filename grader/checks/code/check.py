"""The `code` check: run a code answer sandboxed, compare it with the reference on fresh inputs, time both."""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from grader.checks.code import timing
from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

if TYPE_CHECKING:  # numpy and the sandbox are imported when a code check runs, not when rubrics load
    import numpy as np

    from grader.sandbox import Worker


OUTPUT_IN_DETAILS = 2000  # characters of the run's stdout/stderr kept with the result
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\w*)")


class ArgSpec(BaseModel):
    """One argument of the function: a random tensor of the given symbolic shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    shape: tuple[str | int, ...]
    scale: float = 1.0  # standard deviation of its entries
    dtype: Literal["float32", "float64"] = "float32"


class TierSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    speedup: float = Field(gt=0)
    credit: float = Field(ge=0, le=1)


class TimingSpec(BaseModel):
    """How the answer is timed against the reference, and how speed turns into credit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: dict[str, int]  # sizes timed on a CPU
    cuda_case: dict[str, int] | None = None  # sizes timed on a GPU (default: `case`)
    warmup: int = Field(default=2, ge=0)
    trials: int = Field(default=15, ge=3)
    target_speedup: float = Field(default=4.0, gt=1)  # full speed credit from here (log scale below)
    speedup_floor: float = Field(default=1.0, ge=1)  # no speed credit up to here: the noise of the measurement
    tiers: tuple[TierSpec, ...] = ()  # instead of the log scale: credit by the best tier reached
    implausible_speedup: float = Field(default=1000.0, gt=1)  # above this a person looks
    max_cores: float = Field(default=1.5, gt=1)  # CPU time over wall time of a call; the protocol fixes one thread


class CodeParams(Params):
    """Rubric parameters of a `code` check."""

    function: str  # the name the answer must define
    reference: str  # `file.py:function` under the course's reference/
    args: tuple[ArgSpec, ...]
    output_shape: tuple[str | int, ...]
    cases: tuple[dict[str, int], ...]  # sizes for correctness: include odd and degenerate ones
    trials_per_case: int = Field(default=2, ge=1)  # public seeds per case
    secret_trials: int = Field(default=1, ge=0)  # per case, from a seed that never leaves the grader
    rtol: float = Field(default=1e-4, ge=0)
    atol: float = Field(default=1e-5, ge=0)
    max_rel_error: float = Field(default=1e-4, gt=0)  # ||out - ref|| / ||ref||
    correctness_share: float = Field(default=0.5, ge=0, le=1)  # credit for correct code, before speed
    timing: TimingSpec | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    threads: int = Field(default=1, ge=1)  # torch threads on a CPU, the same for both sides
    call_timeout_s: float = Field(default=30.0, gt=0)
    memory_mb: int = Field(default=4096, gt=0)
    cpu_s: int = Field(default=300, gt=0)

    @model_validator(mode="after")
    def _dims_bound(self) -> CodeParams:
        dims = {d for a in self.args for d in a.shape if isinstance(d, str)} | {
            d for d in self.output_shape if isinstance(d, str)}
        sizes = list(self.cases) + ([self.timing.case] if self.timing else []) + (
            [self.timing.cuda_case] if self.timing and self.timing.cuda_case else [])
        for case in sizes:
            if dims - set(case):
                raise ValueError(f"case {case} does not give {sorted(dims - set(case))}")
        if ":" not in self.reference:
            raise ValueError("reference must read `file.py:function`")
        return self


class RubricProblem(Exception):
    """The rubric's check cannot tell answers apart (a near-constant or non-finite reference output)."""


@dataclass(frozen=True)
class Code:
    """The code of an answer, with the original line of each of its lines."""

    source: str
    lines: tuple[int, ...]
    file: str | None  # a `.py` file of the submission, or None for the write-up itself

    def line(self, code_line: int | None) -> int | None:
        if code_line is None or not self.lines:
            return None
        return self.lines[min(max(code_line, 1), len(self.lines)) - 1]


def fenced_python(lines: Sequence[str], numbers: Sequence[int]) -> Code | None:
    """Every fenced python block of an answer, joined in order."""
    out: list[str] = []
    where: list[int] = []
    fence: str | None = None
    for text, number in zip(lines, numbers):
        m = _FENCE.match(text)
        if fence is None:
            if m and m.group(2).lower() in ("python", "py", "python3"):
                fence = m.group(1)
        elif m and m.group(1).startswith(fence[0]) and len(m.group(1)) >= len(fence) and not m.group(2):
            fence = None
        else:
            out.append(text)
            where.append(number)
    return Code("\n".join(out) + "\n", tuple(where), None) if out else None


def find_code(answer_lines: Sequence[str], answer_numbers: Sequence[int], files: dict[str, str],
              function: str) -> Code | None:
    """The answer's python blocks if they define `function`, else a `.py` file of the submission that does."""
    defines = re.compile(rf"^\s*(async\s+)?def\s+{re.escape(function)}\s*\(", re.MULTILINE)
    block = fenced_python(answer_lines, answer_numbers)
    if block is not None and defines.search(block.source):
        return block
    for name in sorted(files):
        if name.endswith(".py") and defines.search(files[name]):
            text = files[name]
            return Code(text, tuple(range(1, text.count("\n") + 2)), name)
    return block


@dataclass
class _Layout:
    """Where each argument and the output lie in a worker's shared buffer."""

    args: list[dict[str, Any]]
    out: dict[str, Any]
    nbytes: int


def _shape(dims: Sequence[str | int], case: dict[str, int]) -> list[int]:
    return [case[d] if isinstance(d, str) else int(d) for d in dims]


def _layout(p: CodeParams, case: dict[str, int]) -> _Layout:
    offset = 0
    args = []
    for a in p.args:
        shape = _shape(a.shape, case)
        args.append({"offset": offset, "shape": shape, "dtype": a.dtype})
        offset += -(-math.prod(shape) * _itemsize(a.dtype) // 64) * 64  # 64-byte aligned, as torch likes
    out_shape = _shape(p.output_shape, case)
    dtype = p.args[0].dtype
    capacity = math.prod(out_shape) * _itemsize(dtype)
    out = {"offset": offset, "shape": out_shape, "dtype": dtype, "capacity": capacity}
    return _Layout(args, out, offset + capacity)


def _itemsize(dtype: str) -> int:
    return {"float32": 4, "float64": 8}[dtype]


def _inputs(p: CodeParams, case: dict[str, int], seed: int) -> list[np.ndarray]:
    import numpy as np
    rng = np.random.Generator(np.random.PCG64(seed))
    return [(rng.standard_normal(_shape(a.shape, case), dtype=np.float64) * a.scale).astype(a.dtype) for a in p.args]


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big") >> 1


def _secret_seed(key: str, public: int, index: int) -> int:
    return int.from_bytes(hmac.new(key.encode(), f"{public}:{index}".encode(), "sha256").digest()[:8], "big") >> 1


def _reference_source(root: Path, target: str) -> tuple[str, str]:
    """Text and function name of `file.py:function` under the course's reference/ (read, never imported here)."""
    filename, _, name = target.partition(":")
    reference_dir = (root / "reference").resolve()
    path = (reference_dir / filename).resolve()
    if reference_dir not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no reference module {filename!r} in {reference_dir}")
    return path.read_text(encoding="utf-8"), name


@dataclass
class Compared:
    ok: bool
    message: str
    max_abs_error: float
    rel_error: float


def compare(out: np.ndarray, ref: np.ndarray, p: CodeParams) -> Compared:
    """allclose and the relative norm of the error, both required; computed in float64."""
    import numpy as np
    o, r = out.astype(np.float64), ref.astype(np.float64)
    if not np.isfinite(r).all():
        raise RubricProblem("the reference output is not finite on these inputs")
    spread = float(r.std())
    if spread <= 10 * (p.atol + p.rtol * float(np.abs(r).mean())):
        raise RubricProblem(f"the reference output is near-constant (std {spread:.3g}); a constant would pass")
    if not np.isfinite(o).all():
        return Compared(False, "the output has NaN or infinite entries", math.inf, math.inf)
    err = np.abs(o - r)
    rel = float(np.linalg.norm(o - r) / np.linalg.norm(r))
    close = bool(np.all(err <= p.atol + p.rtol * np.abs(r)))
    ok = close and rel <= p.max_rel_error
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    message = "" if ok else (f"output differs from the reference: relative error {rel:.3g} (allowed "
                             f"{p.max_rel_error:g}), largest at index {tuple(int(i) for i in worst)}: "
                             f"{o[worst]:.6g} instead of {r[worst]:.6g}")
    return Compared(ok, message, float(err.max()), rel)


class _Stop(Exception):
    """Ends the run early with a verdict: wrong output, an error, a cheat."""

    def __init__(self, kind: str, message: str, line: int | None = None, verdict: Verdict = Verdict.FAIL):
        super().__init__(message)
        self.kind, self.message, self.line, self.verdict = kind, message, line, verdict


class _Session:
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
            raise _Stop("code_timeout", f"the code check ran out of its {self.ctx.timeout:g} s budget")
        return left

    # -- workers --------------------------------------------------------------------------------------

    def start(self, io_bytes: int) -> None:
        from grader.sandbox import Limits, shared
        sandbox = shared()
        started = time.perf_counter()
        hide = sorted({str(self.ctx.course.root), str(Path(self.ctx.document.path).resolve().parent),
                       os.getcwd(), *filter(None, os.environ.get("GRADER_SANDBOX_HIDE", "").split(":"))})
        limits = Limits(cpu_s=self.p.cpu_s, memory_mb=self.p.memory_mb)
        ref_source, ref_name = _reference_source(self.ctx.course.root, self.p.reference)
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
                raise _Stop("code_tampering", "at import the code replaced what the timing relies on: "
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
        raise _Stop(kind, f"{what}: {reply.get('message')}", self.code.line(reply.get("line")))

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
            raise _Stop("code_timeout", f"the code did not finish within {limit:.1f} s and was stopped "
                        f"({info.describe()})") from None
        except WorkerDied as died:
            if side == "reference":
                raise RuntimeError(f"the reference run ended: {died}") from None
            raise _Stop("code_crash", f"the code's process ended during the call: {died}") from None

    def close(self) -> None:
        for side, worker in self.workers.items():
            info = worker.close()
            record = self.details.setdefault(side, {})
            record.update(exit=info.describe(), cpu_s=info.cpu_s, maxrss_kb=info.maxrss_kb,
                          output_bytes=info.output_bytes)
            if side == "student":
                record["output_head"] = info.output[:OUTPUT_IN_DETAILS]

    # -- one call -------------------------------------------------------------------------------------

    def call(self, side: str, layout: _Layout, inputs: list[np.ndarray], timed: bool,
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
                raise _Stop("code_mutation", f"the code changed its input {self._arg_name(spec, layout)} in "
                            "place; inputs must be left as they were given")
        out = np.frombuffer(worker.io, dtype=layout.out["dtype"], count=math.prod(layout.out["shape"]),
                            offset=layout.out["offset"]).reshape(layout.out["shape"]).copy()
        return reply, out, round_trip

    def _arg_name(self, spec: dict[str, Any], layout: _Layout) -> str:
        return self.p.args[layout.args.index(spec)].name

    def _judge_reply(self, reply: dict[str, Any], layout: _Layout) -> None:
        if reply.get("tampered"):
            raise _Stop("code_tampering", "the code replaced what the timing relies on: "
                        + ", ".join(reply["tampered"]) + "; tampering with the measurement scores 0")
        if reply.get("threads_changed"):
            raise _Stop("code_tampering", "the code changed torch's thread count, which the timing protocol "
                        "fixes for both sides; tampering with the measurement scores 0")
        if not reply.get("ok"):
            kind = {"type": "code_type", "exception": "code_error"}.get(str(reply.get("error")), "code_error")
            prefix = "The function raised" if reply.get("error") == "exception" else "Bad return value"
            raise _Stop(kind, f"{prefix}: {reply.get('message')}", self.code.line(reply.get("line")))
        if reply.get("shape") != layout.out["shape"] or reply.get("dtype") != layout.out["dtype"]:
            raise _Stop("code_wrong", f"returned a {reply.get('dtype')} tensor of shape {tuple(reply.get('shape'))}"
                        f", expected {layout.out['dtype']} of shape {tuple(layout.out['shape'])}")
        side_stream = reply.get("side_stream_s")
        if side_stream is not None and reply.get("gpu_s") and side_stream > max(5e-5, 0.2 * reply["gpu_s"]):
            raise _Stop("code_side_stream", f"{side_stream * 1e3:.3f} ms of work was still running on another "
                        "CUDA stream when the function returned; its output was not ready")

    # -- the protocol ---------------------------------------------------------------------------------

    def correctness(self) -> None:
        p = self.p
        for c, case in enumerate(p.cases):
            layout = _layout(p, case)
            seeds = [("public", _seed(self.ctx.seed, c, t)) for t in range(p.trials_per_case)]
            seeds += [("secret", _secret_seed(self.ctx.course.secret(), self.ctx.seed, c * 100 + t)) for t in range(p.secret_trials)]
            for kind, seed in seeds:
                inputs = _inputs(p, case, seed)
                record: dict[str, Any] = {"case": case, "seed": seed if kind == "public" else "secret"}
                self.details["trials"].append(record)
                _, ref, _ = self.call("reference", layout, inputs, timed=False)
                _, out, _ = self.call("student", layout, inputs, timed=False)
                assert ref is not None and out is not None
                result = compare(out, ref, p)
                record.update(max_abs_error=result.max_abs_error, rel_error=result.rel_error, ok=result.ok)
                if not result.ok:
                    where = "a hidden trial" if kind == "secret" else f"seed {seed}"
                    raise _Stop("code_wrong", f"{p.function}{tuple(_shape(p.args[0].shape, case))}...: "
                                f"{result.message} (sizes {case}, {where})")

    def timing(self) -> timing.Timing:
        p = self.p
        assert p.timing is not None
        on_gpu = str(self.details["student"]["device"]).startswith("cuda")
        case = (p.timing.cuda_case or p.timing.case) if on_gpu else p.timing.case
        layout = _layout(p, case)
        base = _seed(self.ctx.seed, "timing")
        self.details["timing_case"] = case
        self.details["timing_seed"] = base
        refs: dict[int, np.ndarray] = {}
        outs: dict[int, np.ndarray] = {}
        inputs_cache: dict[int, list[np.ndarray]] = {}

        def inputs(i: int) -> list[np.ndarray]:
            if i not in inputs_cache:  # fresh inputs per trial, shared by both sides, made outside the timing
                inputs_cache.clear()
                inputs_cache[i] = _inputs(p, case, base + 1000 + i)
            return inputs_cache[i]

        def check_pair(i: int) -> None:
            if i in refs and i in outs:
                result = compare(outs.pop(i), refs.pop(i), p)
                if not result.ok:
                    raise _Stop("code_wrong", f"during timing (sizes {case}, trial {i}): {result.message}")

        def side(name: str, other: str, store: dict[int, np.ndarray]) -> Any:
            def run(i: int) -> timing.Sample:
                reply, out, round_trip = self.call(name, layout, inputs(i), timed=True, pause=self.workers[other])
                assert out is not None
                store[i] = out
                check_pair(i)
                inside = reply["gpu_s"] if "gpu_s" in reply else reply["wall_s"]
                return timing.Sample(inside, round_trip, reply["cpu_s"])
            return run

        return timing.alternate(side("reference", "student", refs), side("student", "reference", outs),
                                p.timing.trials, p.timing.warmup)


class CodeCheck(Check):
    """Code answers: sandboxed, checked against the reference on fresh inputs, timed; DESIGN.md's protocol."""

    name = "code"
    Params = CodeParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p = ctx.params
        assert isinstance(p, CodeParams)
        code = find_code(ctx.answer.lines, ctx.answer.line_numbers, dict(ctx.document.files), p.function)
        if code is None:
            return _fail(ctx, "code_missing", f"no fenced python block and no .py file defines {p.function}()",
                         None, None, {})
        if f"def {p.function}" not in code.source:
            return _fail(ctx, "code_missing", f"the code does not define {p.function}()", code.lines[0], code, {})
        session = _Session(ctx, p, code)
        layouts = [_layout(p, c) for c in p.cases]
        if p.timing:
            layouts += [_layout(p, p.timing.case)] + ([_layout(p, p.timing.cuda_case)] if p.timing.cuda_case else [])
        try:
            session.start(max(layout.nbytes for layout in layouts))
            session.correctness()
            measured = session.timing() if p.timing else None
        except _Stop as stop:
            session.close()
            return _fail(ctx, stop.kind, stop.message, stop.line, code, session.details, stop.verdict)
        except BaseException:
            session.close()
            raise
        session.close()
        return _score(ctx, p, code, measured, session.details)


def _finding(ctx: CheckContext, kind: str, message: str, line: int | None, code: Code | None,
             severity: Severity = Severity.ERROR) -> Finding:
    if line is None and code is not None and code.file is None and code.lines:
        line = code.lines[0]  # anchor on the code block when the run could not name a line
    if code is not None and code.file is not None:
        return Finding(kind, message, line, line, severity, file=code.file)
    return Finding(kind, message, line if line is not None else ctx.answer.line, line, severity)


def _fail(ctx: CheckContext, kind: str, message: str, line: int | None, code: Code | None,
          details: dict[str, Any], verdict: Verdict = Verdict.FAIL) -> CheckOutcome:
    details = {**details, "failure": {"kind": kind, "message": message}}
    return CheckOutcome(verdict, message, (_finding(ctx, kind, message, line, code),), 0.0, details)


def _score(ctx: CheckContext, p: CodeParams, code: Code, measured: timing.Timing | None,
           details: dict[str, Any]) -> CheckOutcome:
    if measured is None or p.timing is None:
        return CheckOutcome(Verdict.PASS, "the code matches the reference on every trial", (), 1.0, details)
    spec = p.timing
    details["timing"] = measured.to_dict()
    s = measured.speedup
    def credit(speedup: float) -> float:
        return timing.speed_credit(speedup, spec.target_speedup, [timing.Tier(t.speedup, t.credit) for t in spec.tiers],
                                   spec.speedup_floor)
    speed = credit(s)
    fraction = p.correctness_share + (1 - p.correctness_share) * speed
    details["speed_credit"] = speed
    summary = (f"correct on every trial; {s:.2f}x the reference's speed (median {measured.student_stats.median * 1e3:.3f}"
               f" ms vs {measured.ref_stats.median * 1e3:.3f} ms)")
    review: list[str] = []
    if s > spec.implausible_speedup:
        review.append(f"a speedup of {s:.0f}x is above the {spec.implausible_speedup:g}x this rubric finds plausible")
    # Time the run's clock did not see, charged back to the answer: if that changes the credit, a person looks.
    hidden = max(measured.unexplained_s(), 0.0)
    charged = measured.ref_stats.median / (measured.student_stats.median + hidden)
    details["speedup_with_unexplained_time"] = charged
    if credit(charged) < speed - 0.1:
        review.append(f"each call took {hidden * 1e3:.2f} ms longer, seen from outside, than its own clock says "
                      f"(counted, the speedup would be {charged:.2f}x)")
    on_cpu = not str(details.get("device", "")).startswith("cuda")
    if on_cpu and measured.cores_used() > spec.max_cores:
        review.append(f"the calls used {measured.cores_used():.1f} cores; the protocol times one thread")
    if review:
        message = summary + "; to review: " + "; ".join(review)
        return CheckOutcome(Verdict.REVIEW, message, (_finding(ctx, "code_review", message, None, code,
                                                               Severity.WARNING),),
                            p.correctness_share, details)
    if speed >= 1.0:
        return CheckOutcome(Verdict.PASS, summary, (_finding(ctx, "code_speed", summary, None, code, Severity.INFO),),
                            fraction, details)
    message = (f"{summary}; speed credit {speed:.0%} (full credit from {spec.target_speedup:g}x)")
    return CheckOutcome(Verdict.PASS, message, (_finding(ctx, "code_speed", message, None, code, Severity.WARNING),),
                        fraction, details)


CHECK = CodeCheck
