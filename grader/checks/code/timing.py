"""The kernel-timing protocol: alternated trials, robust statistics, integrity checks and credit by speedup."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    """One timed call: its time as measured inside the run, and the round trip as the parent saw it."""

    inside_s: float  # CUDA events on a GPU, perf_counter on a CPU; captured before the code was loaded
    outside_s: float  # request sent to reply received, by the parent's own clock
    cpu_s: float  # process CPU time during the call (threads beyond the fixed count show here)


@dataclass(frozen=True)
class Stats:
    """Median and spread of one side's timed calls."""

    median: float
    q1: float
    q3: float
    n: int

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if len(values) < 2:
            v = values[0] if values else math.nan
            return cls(v, v, v, len(values))
        q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(q2, q1, q3, len(values))

    def to_dict(self) -> dict[str, float | int]:
        return {"median_s": self.median, "iqr_s": self.iqr, "q1_s": self.q1, "q3_s": self.q3, "n": self.n}


@dataclass(frozen=True)
class Timing:
    """Both sides' samples from one alternated session, and what follows from them."""

    reference: tuple[Sample, ...]
    student: tuple[Sample, ...]
    order: tuple[str, ...] = field(default=())  # which side ran first in each trial

    @property
    def ref_stats(self) -> Stats:
        return Stats.of([s.inside_s for s in self.reference])

    @property
    def student_stats(self) -> Stats:
        return Stats.of([s.inside_s for s in self.student])

    @property
    def speedup(self) -> float:
        student = self.student_stats.median
        return self.ref_stats.median / student if student > 0 else math.inf

    def unexplained_s(self) -> float:
        """Median time the student's calls took beyond what the run measured, over the reference's.

        Both sides run the same harness on the same sizes, so the round-trip overhead is the same;
        a difference is time the run's own clock did not see (a tampered timer, work done while the
        output is copied out, threads left running).
        """
        def overhead(samples: Sequence[Sample]) -> float:
            return statistics.median(s.outside_s - s.inside_s for s in samples)
        return overhead(self.student) - overhead(self.reference)

    def cores_used(self) -> float:
        """Median CPU time over wall time of the student's calls (1.0 = one core, as the protocol fixes)."""
        return statistics.median(s.cpu_s / s.inside_s for s in self.student if s.inside_s > 0)

    def to_dict(self) -> dict[str, object]:
        return {
            "reference": self.ref_stats.to_dict(), "student": self.student_stats.to_dict(),
            "speedup": round(self.speedup, 4) if math.isfinite(self.speedup) else None,
            "reference_trials_s": [s.inside_s for s in self.reference],
            "student_trials_s": [s.inside_s for s in self.student],
            "reference_round_trip_s": [s.outside_s for s in self.reference],
            "student_round_trip_s": [s.outside_s for s in self.student],
            "unexplained_s": self.unexplained_s(), "order": list(self.order),
        }


def alternate(run_reference: Callable[[int], Sample], run_student: Callable[[int], Sample],
              trials: int, warmup: int) -> Timing:
    """Run both sides `warmup` times untimed, then `trials` times each, alternating who goes first.

    Each callable gets the trial index (so both sides see the same fresh inputs in a trial) and
    makes its inputs outside the timed region; warm-up indices are negative.
    """
    for i in range(warmup):
        run_reference(-1 - i)
        run_student(-1 - i)
    ref: list[Sample] = []
    stu: list[Sample] = []
    order: list[str] = []
    for i in range(trials):
        if i % 2 == 0:  # alternating the order cancels drift (clock boosts, cache state, the other side's wake-up)
            ref.append(run_reference(i))
            stu.append(run_student(i))
            order.append("reference")
        else:
            stu.append(run_student(i))
            ref.append(run_reference(i))
            order.append("student")
    return Timing(tuple(ref), tuple(stu), tuple(order))


@dataclass(frozen=True)
class Tier:
    """Speedup of at least `speedup` earns `credit` of the speed share."""

    speedup: float
    credit: float


def speed_credit(speedup: float, target: float, tiers: Sequence[Tier] = (), floor: float = 1.0) -> float:
    """Share of the speed points in [0, 1]: the best tier reached, or clamp(log s / log target, 0, 1).

    `floor` > 1 measures from there instead of from 1 (clamp(log(s/floor) / log(target/floor), 0, 1)),
    so that a naive answer measured a little faster than the reference by noise earns nothing.
    """
    if not math.isfinite(speedup) or speedup <= 0:
        return 0.0
    if tiers:
        return max((t.credit for t in tiers if speedup >= t.speedup), default=0.0)
    if target <= floor:
        return 1.0 if speedup >= target else 0.0
    return min(max(math.log(speedup / floor) / math.log(target / floor), 0.0), 1.0)
