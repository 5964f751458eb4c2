"""Fresh inputs from public and secret seeds, the comparison with the reference, and the correctness and timed trials."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.checks.code import timing
from grader.checks.code.params import CodeParams
from grader.checks.code.session import Layout, Session, Stop

if TYPE_CHECKING:  # numpy is imported when a code check runs, not when rubrics load
    import numpy as np


class RubricProblem(Exception):
    """The rubric's check cannot tell answers apart (a near-constant or non-finite reference output)."""


def shape_of(dims: Sequence[str | int], case: dict[str, int]) -> list[int]:
    return [case[d] if isinstance(d, str) else int(d) for d in dims]


def _itemsize(dtype: str) -> int:
    return {"float32": 4, "float64": 8}[dtype]


def layout_of(p: CodeParams, case: dict[str, int]) -> Layout:
    offset = 0
    args = []
    for a in p.args:
        shape = shape_of(a.shape, case)
        args.append({"offset": offset, "shape": shape, "dtype": a.dtype})
        offset += -(-math.prod(shape) * _itemsize(a.dtype) // 64) * 64  # 64-byte aligned, as torch likes
    out_shape = shape_of(p.output_shape, case)
    dtype = p.args[0].dtype
    capacity = math.prod(out_shape) * _itemsize(dtype)
    out = {"offset": offset, "shape": out_shape, "dtype": dtype, "capacity": capacity}
    return Layout(args, out, offset + capacity)


def every_layout(p: CodeParams) -> list[Layout]:
    """The layouts of every size the check runs (correctness cases and timing cases): the buffer fits the largest."""
    sizes = list(p.cases)
    if p.timing:
        sizes += [p.timing.case] + ([p.timing.cuda_case] if p.timing.cuda_case else [])
    return [layout_of(p, case) for case in sizes]


def make_inputs(p: CodeParams, case: dict[str, int], seed: int) -> list[np.ndarray]:
    import numpy as np
    rng = np.random.Generator(np.random.PCG64(seed))
    return [(rng.standard_normal(shape_of(a.shape, case), dtype=np.float64) * a.scale).astype(a.dtype)
            for a in p.args]


def public_seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big") >> 1


def secret_seed(key: str, public: int, index: int) -> int:
    return int.from_bytes(hmac.new(key.encode(), f"{public}:{index}".encode(), "sha256").digest()[:8], "big") >> 1


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


def correctness(session: Session) -> None:
    """Every case, on public seeds and on seeds derived from the course secret; the first wrong output stops."""
    p, ctx = session.p, session.ctx
    for c, case in enumerate(p.cases):
        layout = layout_of(p, case)
        seeds = [("public", public_seed(ctx.seed, c, t)) for t in range(p.trials_per_case)]
        seeds += [("secret", secret_seed(ctx.course.secret(), ctx.seed, c * 100 + t)) for t in range(p.secret_trials)]
        for kind, seed in seeds:
            inputs = make_inputs(p, case, seed)
            record: dict[str, Any] = {"case": case, "seed": seed if kind == "public" else "secret"}
            session.details["trials"].append(record)
            _, ref, _ = session.call("reference", layout, inputs, timed=False)
            _, out, _ = session.call("student", layout, inputs, timed=False)
            assert ref is not None and out is not None
            result = compare(out, ref, p)
            record.update(max_abs_error=result.max_abs_error, rel_error=result.rel_error, ok=result.ok)
            if not result.ok:
                where = "a hidden trial" if kind == "secret" else f"seed {seed}"
                raise Stop("code_wrong", f"{p.function}{tuple(shape_of(p.args[0].shape, case))}...: "
                           f"{result.message} (sizes {case}, {where})")


def timed(session: Session) -> timing.Timing:
    """The timing protocol on the timing case, with every timed output checked against the reference's too."""
    p = session.p
    assert p.timing is not None
    on_gpu = str(session.details["student"]["device"]).startswith("cuda")
    case = (p.timing.cuda_case or p.timing.case) if on_gpu else p.timing.case
    layout = layout_of(p, case)
    base = public_seed(session.ctx.seed, "timing")
    session.details["timing_case"] = case
    session.details["timing_seed"] = base
    refs: dict[int, np.ndarray] = {}
    outs: dict[int, np.ndarray] = {}
    inputs_cache: dict[int, list[np.ndarray]] = {}

    def inputs(i: int) -> list[np.ndarray]:
        if i not in inputs_cache:  # fresh inputs per trial, shared by both sides, made outside the timing
            inputs_cache.clear()
            inputs_cache[i] = make_inputs(p, case, base + 1000 + i)
        return inputs_cache[i]

    def check_pair(i: int) -> None:
        if i in refs and i in outs:
            result = compare(outs.pop(i), refs.pop(i), p)
            if not result.ok:
                raise Stop("code_wrong", f"during timing (sizes {case}, trial {i}): {result.message}")

    def side(name: str, other: str, store: dict[int, np.ndarray]) -> Callable[[int], timing.Sample]:
        def run(i: int) -> timing.Sample:
            reply, out, round_trip = session.call(name, layout, inputs(i), timed=True, pause=session.workers[other])
            assert out is not None
            store[i] = out
            check_pair(i)
            inside = reply["gpu_s"] if "gpu_s" in reply else reply["wall_s"]
            return timing.Sample(inside, round_trip, reply["cpu_s"])
        return run

    return timing.alternate(side("reference", "student", refs), side("student", "reference", outs),
                            p.timing.trials, p.timing.warmup)
