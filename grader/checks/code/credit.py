"""What a code check's run comes to: findings anchored on the code, and credit by speedup (or review)."""

from __future__ import annotations

from typing import Any

from grader.checks.base import CheckContext, CheckOutcome, Verdict
from grader.checks.code import timing
from grader.checks.code.extract import Code
from grader.checks.code.params import CodeParams
from grader.grading.results import Finding, Severity


def finding(ctx: CheckContext, kind: str, message: str, line: int | None, code: Code | None,
            severity: Severity = Severity.ERROR) -> Finding:
    if line is None and code is not None and code.file is None and code.lines:
        line = code.lines[0]  # anchor on the code block when the run could not name a line
    if code is not None and code.file is not None:
        return Finding(kind, message, line, line, severity, file=code.file)
    return Finding(kind, message, line if line is not None else ctx.answer.line, line, severity)


def fail(ctx: CheckContext, kind: str, message: str, line: int | None, code: Code | None,
         details: dict[str, Any], verdict: Verdict = Verdict.FAIL) -> CheckOutcome:
    details = {**details, "failure": {"kind": kind, "message": message}}
    return CheckOutcome(verdict, message, (finding(ctx, kind, message, line, code),), 0.0, details)


def score(ctx: CheckContext, p: CodeParams, code: Code, measured: timing.Timing | None,
          details: dict[str, Any]) -> CheckOutcome:
    """Correct code earns the correctness share, the rest by speedup; doubtful timings go to a person."""
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
        return CheckOutcome(Verdict.REVIEW, message, (finding(ctx, "code_review", message, None, code,
                                                              Severity.WARNING),),
                            p.correctness_share, details)
    if speed >= 1.0:
        return CheckOutcome(Verdict.PASS, summary, (finding(ctx, "code_speed", summary, None, code, Severity.INFO),),
                            fraction, details)
    message = (f"{summary}; speed credit {speed:.0%} (full credit from {spec.target_speedup:g}x)")
    return CheckOutcome(Verdict.PASS, message, (finding(ctx, "code_speed", message, None, code, Severity.WARNING),),
                        fraction, details)
