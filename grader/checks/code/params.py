"""The `code` check's rubric parameters: the function, its arguments, the sizes, tolerances, timing and limits."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from grader.checks.base import Params

if TYPE_CHECKING:
    from grader.course.rubric import LoadedRubric

# `grader check` (a student's self-check) times fewer calls than `grade`: its speedups are rougher, which its
# output says. Correctness trials, seeds and the rest of the protocol are the rubric's own.
SELF_CHECK_TRIALS = 7
SELF_CHECK_WARMUP = 1


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


def self_check_timing(params: dict[str, Any]) -> dict[str, Any]:
    """A code check's raw parameters with at most SELF_CHECK_TRIALS timed calls after SELF_CHECK_WARMUP warm-ups."""
    spec = params.get("timing")
    if not isinstance(spec, dict):
        return params
    fewer = dict(spec)
    for key, most in (("trials", SELF_CHECK_TRIALS), ("warmup", SELF_CHECK_WARMUP)):
        given = spec.get(key, TimingSpec.model_fields[key].default)
        if isinstance(given, int):  # anything else is the rubric's error, reported as it would be in `grade`
            fewer[key] = min(given, most)
    return {**params, "timing": fewer}


def self_check_rubric(rubric: LoadedRubric) -> tuple[LoadedRubric, bool]:
    """The rubric with every timed code check on self-check repeats, and whether any check was shortened."""
    shortened = False
    questions = []
    for question in rubric.assignment.questions:
        specs = []
        for spec in question.checks:
            if spec.kind == "code":
                params = self_check_timing(spec.params)
                shortened |= params != spec.params
                spec = spec.model_copy(update={"params": params})
            specs.append(spec)
        questions.append(question.model_copy(update={"checks": tuple(specs)}))
    assignment = rubric.assignment.model_copy(update={"questions": tuple(questions)})
    return dataclasses.replace(rubric, assignment=assignment), shortened
