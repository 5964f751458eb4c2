"""Benchmark of the math layer: corpus parse shares, equivalence speed, and other tools on the same pairs.

Run:  .venv/bin/python benchmarks/math_bench.py [--corpus ../shared/corpus] [--repeat 3]
Math-Verify and sympy's parse_latex are measured only when the running interpreter can import them
(install them in a throwaway venv, never in the project's).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core
    os.environ.setdefault(_var, "1")

import argparse
import functools
import collections
import re
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "math"))

from pairs_table import load_pairs

from grader.math import MathError, equivalent, find_spans, parse
from grader.math.parsed import parse as cached_parse

RELATION = re.compile(r"(?<![\\a-zA-Z])(=|<|>)|\\(leq?|geq?|neq?|leqslant|geqslant|approx|propto|to|rightarrow|"
                      r"implies|leftarrow|in|ll|gg|sim|equiv)(?![a-zA-Z])|[≤≥≠→≈]")


def reason_group(reason: str) -> str:
    """Group failure reasons: drop positions and quoted fragments."""
    reason = re.sub(r"at position \d+", "", reason)
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "…", reason)
    return reason.strip()


def corpus_report(corpus: Path) -> None:
    files = sorted(corpus.glob("*.txt"))
    if not files:
        print(f"corpus: {corpus} not found, skipped\n")
        return
    print("== corpus: share of math that parses")
    print(f"{'file':34} {'display relations':>20} {'all spans':>18}")
    tot_rel = tot_rel_ok = tot_all = tot_ok = 0
    reasons: collections.Counter[str] = collections.Counter()
    for path in files:
        spans = find_spans(path.read_text(encoding="utf-8"))
        n_rel = ok_rel = n_all = ok_all = 0
        for span in spans:
            is_rel = span.display and bool(RELATION.search(span.latex))
            n_all += 1
            n_rel += is_rel
            try:
                parse(span.latex)
            except (MathError, RecursionError) as exc:
                reasons[f"{'display relation' if is_rel else 'other span'}: {reason_group(str(exc))}"] += 1
                continue
            ok_all += 1
            ok_rel += is_rel
        tot_rel, tot_rel_ok, tot_all, tot_ok = tot_rel + n_rel, tot_rel_ok + ok_rel, tot_all + n_all, tot_ok + ok_all
        print(f"{path.name:34} {ok_rel:>5}/{n_rel:<4} {_pct(ok_rel, n_rel):>8} {ok_all:>5}/{n_all:<4} {_pct(ok_all, n_all):>7}")
    print(f"{'TOTAL':34} {tot_rel_ok:>5}/{tot_rel:<4} {_pct(tot_rel_ok, tot_rel):>8} {tot_ok:>5}/{tot_all:<4} "
          f"{_pct(tot_ok, tot_all):>7}")
    print("reasons for the rest:")
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:4}  {reason}")
    print()


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def time_ours(pairs: list[tuple[str, str, tuple[str, ...], str]], repeat: int) -> tuple[list[float], list[str]]:
    for a, b, assume, _ in pairs:  # warm-up: imports, caches of numpy, the sympy worker
        equivalent(a, b, assume)
    times: list[float] = []
    verdicts: list[str] = []
    for a, b, assume, _ in pairs:
        best = []
        for _ in range(repeat):
            cached_parse.cache_clear()  # every check parses its input again
            t0 = time.perf_counter()
            v = equivalent(a, b, assume)
            best.append(time.perf_counter() - t0)
        times.append(statistics.median(best))
        verdicts.append(v.verdict)
    return times, verdicts


class _Timeout(Exception):
    pass


def _with_alarm(fn: Callable[[], Any], seconds: int = 3) -> Any:
    def handler(signum: int, frame: Any) -> None:
        raise _Timeout()
    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def competitor_math_verify() -> Callable[[str, str], str] | None:
    try:
        from math_verify import parse as mv_parse  # type: ignore[import-not-found]
        from math_verify import verify
    except ImportError:
        return None

    def check(a: str, b: str) -> str:
        pa, pb = mv_parse(f"${a}$"), mv_parse(f"${b}$")
        if not pa or not pb:
            return "unknown"
        return "equivalent" if verify(pb, pa) else "different"
    return check


def competitor_sympy(backend: str) -> Callable[[str, str], str] | None:
    try:
        import sympy
        from sympy.parsing.latex import parse_latex  # type: ignore[import-not-found]
        parse_latex("x", backend=backend)
    except Exception:  # noqa: BLE001 - the backend is missing in this interpreter
        return None

    def check(a: str, b: str) -> str:
        ea, eb = parse_latex(a, backend=backend), parse_latex(b, backend=backend)
        if isinstance(ea, sympy.Equality) or isinstance(eb, sympy.Equality):
            if not (isinstance(ea, sympy.Equality) and isinstance(eb, sympy.Equality)):
                return "different"
            ea, eb = ea.lhs - ea.rhs, eb.lhs - eb.rhs
            if sympy.simplify(ea - eb) == 0 or sympy.simplify(ea + eb) == 0:
                return "equivalent"
            return "different"
        return "equivalent" if sympy.simplify(ea - eb) == 0 else "different"
    return check


def compare_tools(pairs: list[tuple[str, str, tuple[str, ...], str]], ours: list[float],
                  our_verdicts: list[str]) -> None:
    tools = {"math-verify": competitor_math_verify(), "sympy parse_latex (lark)": competitor_sympy("lark"),
             "sympy parse_latex (antlr)": competitor_sympy("antlr")}
    our_right = sum(v == exp for v, (*_, exp) in zip(our_verdicts, pairs))
    print("== other tools on the same pairs (expected verdicts from tests/math/pairs.py)")
    print(f"{'tool':28} {'right':>9} {'parsed':>8} {'median ms':>10} {'time ratio':>11}")
    print(f"{'grader.math':28} {our_right:>4}/{len(pairs):<4} {len(pairs):>8} "
          f"{1000 * statistics.median(ours):>10.2f} {1.0:>11.2f}")
    for name, check in tools.items():
        if check is None:
            print(f"{name:28} not importable here, skipped")
            continue
        right = parsed = 0
        times = []
        for a, b, _, expected in pairs:
            t0 = time.perf_counter()
            try:
                verdict = _with_alarm(functools.partial(check, a, b))
                parsed += verdict != "unknown"
            except _Timeout:
                verdict = "unknown"
            except Exception:  # noqa: BLE001 - a tool that fails on a pair gives no verdict
                verdict = "unknown"
            times.append(time.perf_counter() - t0)
            right += verdict == expected
        ratio = statistics.median(times) / statistics.median(ours)
        print(f"{name:28} {right:>4}/{len(pairs):<4} {parsed:>8} {1000 * statistics.median(times):>10.2f} "
              f"{ratio:>11.2f}")
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3, help="timings per pair (median)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    corpus_report(args.corpus)
    pairs = load_pairs()
    times, verdicts = time_ours(pairs, args.repeat)
    right = sum(v == exp for v, (*_, exp) in zip(verdicts, pairs))
    print("== equivalence checks (one core, warm, parse cache cleared before every check)")
    print(f"pairs: {len(pairs)}  expected verdicts: {right}/{len(pairs)}")
    shaped = load_pairs("SHAPE_PAIRS")  # vector/matrix shapes and notation (grader/math/shapes.py), among `pairs`
    shape_right = sum(v == exp for v, (*_, exp), pair in zip(verdicts, pairs, pairs) if pair in shaped)
    print(f"of which vector/matrix-shape pairs: {len(shaped)}  expected verdicts: {shape_right}/{len(shaped)}")
    print(f"median: {1000 * statistics.median(times):.2f} ms   p90: {1000 * sorted(times)[int(0.9 * len(times))]:.2f} ms"
          f"   max: {1000 * max(times):.1f} ms   checks/s: {len(times) / sum(times):.0f}")
    print()
    compare_tools(pairs, times, verdicts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
