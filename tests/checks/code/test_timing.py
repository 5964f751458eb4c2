"""The timing protocol's pure parts: statistics, alternation, hidden time, credit by speedup."""

from __future__ import annotations

import math

import pytest

from grader.checks.code.timing import Sample, Stats, Tier, Timing, alternate, speed_credit


def test_stats_median_and_iqr() -> None:
    s = Stats.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s.median, s.q1, s.q3, s.iqr, s.n) == (3.0, 2.0, 4.0, 2.0, 5)
    assert Stats.of([7.0]).iqr == 0.0


def test_alternate_warms_up_then_alternates_who_goes_first() -> None:
    calls: list[tuple[str, int]] = []

    def side(name: str, t: float):
        def run(i: int) -> Sample:
            calls.append((name, i))
            return Sample(t, t + 0.001, t)
        return run

    timing = alternate(side("ref", 0.010), side("stu", 0.002), trials=4, warmup=1)
    assert calls == [("ref", -1), ("stu", -1), ("ref", 0), ("stu", 0), ("stu", 1), ("ref", 1),
                     ("ref", 2), ("stu", 2), ("stu", 3), ("ref", 3)]
    assert timing.speedup == pytest.approx(5.0)
    assert timing.unexplained_s() == pytest.approx(0.0)
    assert timing.order == ("reference", "student", "reference", "student")


def test_time_hidden_from_the_run_clock_shows_as_unexplained() -> None:
    honest = tuple(Sample(0.010, 0.011, 0.010) for _ in range(5))
    hiding = tuple(Sample(0.001, 0.011, 0.001) for _ in range(5))  # 9 ms the run's clock did not see
    assert Timing(honest, hiding).unexplained_s() == pytest.approx(0.009)


def test_speed_credit_log_scale_tiers_and_floor() -> None:
    assert speed_credit(1.0, 8.0) == 0.0
    assert speed_credit(0.5, 8.0) == 0.0
    assert speed_credit(math.sqrt(8.0), 8.0) == pytest.approx(0.5)
    assert speed_credit(100.0, 8.0) == 1.0
    assert speed_credit(math.inf, 8.0) == 0.0  # an infinite speedup is a broken measurement, never credit
    assert speed_credit(1.2, 8.0, floor=1.25) == 0.0
    assert speed_credit(2.5, 10.0, floor=1.25) == pytest.approx(math.log(2) / math.log(8))
    tiers = [Tier(2.0, 0.5), Tier(4.0, 1.0)]
    assert [speed_credit(s, 8.0, tiers) for s in (1.5, 2.0, 3.9, 4.0)] == [0.0, 0.5, 0.5, 1.0]
