"""Split a write-up into one answer per rubric question id, robust to conversion artifacts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.read.ingest import Document
from grader.read.assign import FORCED, Outline, Segment, chain
from grader.read.headings import Candidate, Scan, scan
from grader.read.prompt import by_cues, by_prompt


@dataclass(frozen=True)
class Answer:
    """The student's own text for one question: lines (question text removed) and their original numbers."""

    question_id: str
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    heading_line: int | None = None  # original line of the heading / number that opened the answer
    notes: tuple[str, ...] = ()  # what a TA should know: text shared by several ids, an id answered twice
    line_files: tuple[str, ...] = ()  # per line, its file, where the submission has several write-ups

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def found(self) -> bool:
        return any(line.strip() for line in self.lines)

    @property
    def line(self) -> int | None:
        return self.line_numbers[0] if self.line_numbers else self.heading_line

    @property
    def end_line(self) -> int | None:
        return self.line_numbers[-1] if self.line_numbers else self.heading_line



@dataclass(frozen=True)
class _Zone:
    """Where a Solution/Answer marker (or a second heading for an id) opens a stretch for one scope."""

    head: Segment
    subs: tuple[Segment, ...]
    end: int  # first line after the zone


def segment(document: Document, question_ids: Sequence[str],
            prompts: Mapping[str, str] | None = None) -> dict[str, Answer | None]:
    """Map every question id to its answer, or None when it cannot be found (then it is `missing`).

    `prompts` optionally gives the handout's question text per id, so that text repeated
    before an answer is not taken for the answer.
    """
    result: dict[str, Answer | None] = {q: None for q in question_ids}
    if not result or not document.lines:
        return result
    outline = Outline(list(result))
    if not outline.nodes:
        return result
    sc = scan(document.lines)
    cands = [c for c in sc.candidates if c.marker or _denotes_any(c, outline)]
    evidence = _group_evidence(cands, outline)
    outline.reorder({g: pos for g, (pos, _) in evidence.items()})
    bonus = {cand.index: FORCED for _, cand in evidence.values() if cand is not None}
    anchors = chain(cands, outline, range(len(outline.nodes)), bonus=bonus)
    zones = _zones(cands, anchors, outline, len(document.lines))
    segments = _segments(anchors, zones, outline)
    used = {s.start for s in segments}
    loose = frozenset(c.index for c in sc.candidates if c.index not in used)
    for node, parts in _parts(segments, zones, outline, len(document.lines)).items():
        qid = outline.rubric[outline.nodes[node]]
        result[qid] = _answer(document, sc, qid, parts, loose, (prompts or {}).get(qid))
    return result


def _denotes_any(c: Candidate, outline: Outline) -> bool:
    return c.label in outline.index if c.absolute else c.label in outline.by_suffix


def _group_evidence(cands: Sequence[Candidate], outline: Outline) -> dict[tuple[str, ...], tuple[float, Candidate | None]]:
    """Where each top-level question starts, when headings say so; keyword headings are kept by the chain.

    A keyword counts only when the write-up uses it for several questions, so a title such as
    "Homework 3" does not pull question 3 to the top. Without keywords, dotted labels ("2.1") vote
    by their median line, so one stray "3.1" at the start of a line cannot reorder the questions.
    """
    groups = [n for n in outline.nodes if len(n) == 1]
    keyed = [c for c in cands if c.keyword and c.absolute and c.label[:1] in outline.index]
    distinct: dict[str, set[str]] = {}
    for c in keyed:
        distinct.setdefault(c.keyword, set()).add(c.label[0])
    need = min(2, len(groups))
    found: dict[tuple[str, ...], tuple[float, Candidate | None]] = {}
    for c in keyed:
        g = c.label[:1]
        if len(distinct[c.keyword]) >= need and g not in found and not (c.marker and len(c.label) > 1):
            found[g] = (float(c.index), c if not c.marker else None)
    if found:
        return found
    lines: dict[tuple[str, ...], list[int]] = {}
    for c in cands:
        if c.absolute and len(c.label) >= 2 and c.label in outline.index:
            lines.setdefault(c.label[:1], []).append(c.index)
    return {g: (float(statistics.median(v)), None) for g, v in lines.items()}


def _zones(cands: Sequence[Candidate], anchors: Sequence[tuple[Candidate, int]], outline: Outline,
           n_lines: int) -> list[_Zone]:
    """Answer zones (after a marker that re-answers a scope) and repeat zones (an id headed a second time)."""
    at = {c.index: j for c, j in anchors}
    zones: list[_Zone] = []
    for m in cands:
        if m.index in at or _inside(zones, m.index):
            continue
        zone = None
        if m.marker:
            zone = _marker_zone(m, cands, at, outline, n_lines)
        elif m.absolute and m.label in outline.index:
            j = outline.index[m.label]
            if any(i < m.index and at[i] == j for i in at):
                zone = _zone(m, j, "repeat", cands, at, outline, n_lines)
        if zone is not None:
            zones.append(zone)
    return zones


def _inside(zones: Sequence[_Zone], index: int) -> bool:
    return any(z.head.start < index < z.end for z in zones)


def _marker_zone(m: Candidate, cands: Sequence[Candidate], at: dict[int, int], outline: Outline,
                 n_lines: int) -> _Zone | None:
    """A zone when the marker answers a whole scope: "Answer 3." after question 3, or "Solution." then a), b) again."""
    before = [i for i in sorted(at) if i < m.index]
    if m.label:
        s = outline.index.get(m.label)
        if s is None or not any(at[i] in outline.subtree(s) for i in before):
            return None
        return _zone(m, s, "answer", cands, at, outline, n_lines)
    if not before:
        return None
    node = outline.nodes[at[before[-1]]]
    for depth in range(len(node) - 1, 0, -1):
        s = outline.index[node[:depth]]
        tree = set(outline.subtree(s))
        children = [at[i] for i in before if at[i] in tree and at[i] != s]
        if not children:
            continue
        zone = _zone(m, s, "answer", cands, at, outline, n_lines)
        reused = [seg.node for seg in zone.subs if seg.node in children]
        first = next((c for c in cands if m.index < c.index < zone.end and not c.marker), None)
        if (zone.subs and first is not None and zone.subs[0].start == first.index and zone.subs[0].node == children[0]
                and len(reused) >= min(2, len(children))):
            return zone
    return None


def _zone(m: Candidate, s: int, kind: str, cands: Sequence[Candidate], at: dict[int, int], outline: Outline,
          n_lines: int) -> _Zone:
    tree = outline.subtree(s)
    tree_set = set(tree)
    end = next((i for i in sorted(at) if i > m.index and at[i] not in tree_set), n_lines)
    region = [c for c in cands if m.index < c.index < end]
    subs = tuple(Segment(c.index, c.rest, j, kind) for c, j in chain(region, outline, tree, start=s))
    return _Zone(Segment(m.index, m.rest, s, kind, head=True), subs, end)


def _segments(anchors: Sequence[tuple[Candidate, int]], zones: Sequence[_Zone], outline: Outline) -> list[Segment]:
    """All segment starts in document order; chain anchors a zone re-reads are replaced by the zone's own."""
    out = []
    for c, j in anchors:
        covered = any(z.head.start < c.index < z.end and j in outline.subtree(z.head.node) for z in zones)
        if not covered:
            out.append(Segment(c.index, c.rest, j, "question"))
    for z in zones:
        out.append(z.head)
        out.extend(z.subs)
    return sorted(out, key=lambda s: (s.start, s.head is False))


def _parts(segments: Sequence[Segment], zones: Sequence[_Zone], outline: Outline,
           n_lines: int) -> dict[int, list[tuple[Segment, int, bool]]]:
    """For each rubric node, its segments with their end line and whether the text is shared with other ids."""
    ends = [s.start for s in segments[1:]] + [n_lines]
    spans = list(zip(segments, ends))
    out: dict[int, list[tuple[Segment, int, bool]]] = {}
    for j, label in enumerate(outline.nodes):
        if label not in outline.rubric:
            continue
        answered = [z for z in zones if z.head.zone == "answer" and j in outline.subtree(z.head.node)]
        if answered:
            own = [(s, e, False) for s, e in spans if s.zone == "answer" and s.node == j]
            shared = [(z.head, e, True) for z in answered if not z.subs and z.head.node != j
                      for s, e in spans if s is z.head]
            out[j] = own or shared
        else:
            out[j] = [(s, e, False) for s, e in spans if s.node == j and s.zone != "answer"]
    return out


def _answer(document: Document, sc: Scan, qid: str, parts: Sequence[tuple[Segment, int, bool]],
            loose: frozenset[int], prompt: str | None) -> Answer | None:
    """The answer text of one id from its parts, question text and noise removed; None when nothing is left."""
    lines: list[str] = []
    numbers: list[int] = []
    heading: int | None = None
    notes: list[str] = []
    files: list[str] = []
    markers = {c.index: c for c in sc.candidates if c.marker and not c.label}
    for seg, end, shared in parts:
        rows = [(i, document.lines[i][seg.col:] if i == seg.start else document.lines[i])
                for i in range(seg.start, end) if i not in sc.noise]
        rows = _strip_question(rows, seg, markers, loose, prompt)
        while rows and not rows[0][1].strip():
            rows.pop(0)
        while rows and not rows[-1][1].strip():
            rows.pop()
        if not rows:
            continue
        if heading is None:
            heading = document.original_line(seg.start)
        elif not shared:
            notes.append(f"answered more than once (again at line {document.original_line(seg.start)})")
        if shared:
            notes.append("the answer section has no sub-question labels: its text serves every part")
        lines.extend(text for _, text in rows)
        numbers.extend(document.original_line(i) for i, _ in rows)
        if document.line_files:
            files.extend(document.original_file(i) for i, _ in rows)
    if not lines:
        return None
    return Answer(qid, tuple(lines), tuple(numbers), heading, tuple(dict.fromkeys(notes)), tuple(files))


def _strip_question(rows: list[tuple[int, str]], seg: Segment, markers: dict[int, Candidate],
                    loose: frozenset[int], prompt: str | None) -> list[tuple[int, str]]:
    """Drop the question text at the top of a part: up to a Solution marker, else by prompt or by cues."""
    if seg.zone != "answer":
        for k, (i, _) in enumerate(rows):
            if i != seg.start and i in markers:
                return [(i, rows[k][1][markers[i].rest:])] + rows[k + 1:]
    texts = [t for _, t in rows]
    if prompt:
        line, col = by_prompt(texts, prompt)
    elif seg.zone == "answer":
        return rows
    else:
        footnotes = frozenset(k for k, (i, _) in enumerate(rows) if i in loose and i != seg.start)
        line, col = by_cues(texts, footnotes)
    if line >= len(rows):
        return []
    return [(rows[line][0], rows[line][1][col:])] + rows[line + 1:]
