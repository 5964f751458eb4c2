"""Measure the step checker on answers with known false steps: localised share, false alarms, time per write-up."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.read import reading as st
from grader.worlds import steps
from grader.worlds.world import World


@dataclass(frozen=True)
class AnswerSpec:
    """One answer of a write-up: the file, its original lines, the world and aliases its rubric names."""

    file: str
    question: str
    first: int
    last: int
    world: str  # "worlds/<file>.py:<name>"
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass
class Measurement:
    """Per write-up timings and counts, and the flagged lines against the known false steps."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # wall clock
    cpu_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # this process, one core
    seen: int = 0
    evaluated: int = 0
    skipped: int = 0
    flagged: set[tuple[str, int]] = field(default_factory=set)
    true_lines: set[tuple[str, int]] = field(default_factory=set)  # lines with an evaluated statement
    messages: dict[tuple[str, int], str] = field(default_factory=dict)

    def localised(self, known: Iterable[tuple[str, int]]) -> tuple[int, int]:
        known = set(known)
        return len(known & self.flagged), len(known)

    def false_alarms(self, known: Iterable[tuple[str, int]]) -> tuple[int, int]:
        """(flagged lines that are not known false steps, true lines checked)."""
        known = set(known)
        return len(self.flagged - known), len(self.true_lines - known)


def load_world(course_reference: Any, target: str) -> World:
    filename, _, attr = target.partition(":")
    world = getattr(course_reference(filename), attr)
    if not isinstance(world, World):
        raise TypeError(f"{target} is not a World")
    return world


def measure(answers: Iterable[AnswerSpec], corpus: Path, reference: Any) -> Measurement:
    """Run the step checker on every answer; `reference` imports a reference file (Course.reference)."""
    out = Measurement()
    texts: dict[str, list[str]] = {}
    for spec in answers:
        lines = texts.setdefault(spec.file, (corpus / spec.file).read_text(encoding="utf-8").split("\n"))
        world = load_world(reference, spec.world)
        start, cpu = time.perf_counter(), time.process_time()
        found = st.statements(lines[spec.first - 1:spec.last], list(range(spec.first, spec.last + 1)))
        report = steps.check(found, world, aliases=dict(spec.aliases))
        out.seconds[spec.file] += time.perf_counter() - start
        out.cpu_seconds[spec.file] += time.process_time() - cpu
        out.seen += report.seen
        out.evaluated += report.evaluated
        out.skipped += report.skipped
        for verdict in report.verdicts:
            where = (spec.file, verdict.statement.line)
            if verdict.false:
                out.flagged.add(where)
                out.messages[where] = steps.message(verdict, world)
            elif verdict.evaluated and not verdict.statement.conditional:
                out.true_lines.add(where)
    return out
