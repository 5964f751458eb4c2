"""Split a write-up into one answer per rubric question id, robust to conversion artifacts."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from itertools import takewhile
from dataclasses import KW_ONLY, dataclass, replace
from typing import Mapping, Sequence

from grader.read.document import Document, Heading
from grader.read.assign import FORCED, Outline, Segment, by_content, chain, split_id
from grader.read.headings import Candidate, Label, Scan, scan
from grader.read.prompt import by_cues, by_prompt, content_words, shared_evidence, title_match

ORDER = 1  # a heading without a usable label earns a question by its place alone (a labelled one earns 6 or more)
TEXT = 6  # ... and up to this much more when its title names the question's prompt
COUNTER = 3  # ... and this much when LaTeX's counter gives it that very number
NAMED = 0.3  # title match from which the answer counts as located by its text rather than by its order
MARKUP = 7  # strength of a heading whose markup carries a label the student wrote
# sectioning from the outside in, for a kind no labelled heading shows the depth of
_KIND_RANK = ("problem", "question", "section", "part", "subsection", "subpart", "subsubsection", "paragraph", "item")
_CONTINUES = ("solution", "proof")  # markup kinds that carry on the answer above them
_ITEM = re.compile(r"\\item\b\s*(?:\[[^\]]*\])?\s*")
# an exam class mark (`\question[3]`, `\part`): its answer may start on the same line, after the points
_EXAM_MARK = re.compile(r"\\(?:question|part|subpart|subsubpart)(?![A-Za-z@])\s*(?:\[[^\]\n]*\])?\s*")
_EXAM_KINDS = ("question", "part", "subpart", "subsubpart")
_SOLUTION_ENV = re.compile(r"\\(begin|end)\{(?:solution|soln|sol|answer|proof)\*?\}", re.I)
# headings that close a write-up and answer no question
_BACK_MATTER = re.compile(r"\W*(?:references?|bibliography|works cited|sources|citations|further reading|appendi(?:x|ces)"
                          r"|acknowledge?ments?|collaborat(?:ors?|ion)|notes?)\W*$", re.I)
_HASHES = re.compile(r"\s{0,3}(#{1,6})\s+(\S.*)")


@dataclass(frozen=True)
class Answer:
    """The student's own text for one question: lines (question text removed) and their original numbers."""

    question_id: str
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    heading_line: int | None = None  # original line of the heading / number that opened the answer
    notes: tuple[str, ...] = ()  # what a TA should know: text shared by several ids, an id answered twice
    _: KW_ONLY  # the fields added since are named where they are given: two of the same type cannot be swapped
    inferred: str = ""  # "text", "content" or "order" when no label located the answer: its heading's title, its
    # title and text against a counter's number, or its place did
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
class _Free:
    """A heading without a usable label: it opens an answer wherever the order of the others leaves one free."""

    cand: Candidate
    depth: int  # length of the ids it may stand for: 1 for a question, 2 for a part, ...
    title: str
    counter: Label = ()  # the number LaTeX's counter gives it, when known
    cuts: bool = False  # a question-level markup heading ends the answer above it even when no id is left for it
    by_text: bool = False  # its place says nothing (its kind's counter contradicts the rubric): only its words place it


@dataclass(frozen=True)
class _Zone:
    """Where a Solution/Answer marker (or a second heading for an id) opens a stretch for one scope."""

    head: Segment
    subs: tuple[Segment, ...]
    end: int  # first line after the zone


def segment(document: Document, question_ids: Sequence[str],
            prompts: Mapping[str, str] | None = None,
            titles: Mapping[str, str] | None = None) -> dict[str, Answer | None]:
    """Map every question id to its answer, or None when it cannot be found (then it is `missing`).

    `prompts` optionally gives the handout's question text per id, so that text repeated
    before an answer is not taken for the answer; an unlabelled heading is matched against it, or against the
    question's short `titles` where the rubric has no prompt (titles are never stripped from an answer).
    """
    result: dict[str, Answer | None] = {q: None for q in question_ids}
    if not result or not document.lines:
        return result
    outline = Outline(list(result))
    if not outline.nodes:
        return result
    sc = scan(document.lines)
    fitted = _roman_one([_fit(c, outline) for c in sc.candidates], outline)
    cands = [c for c in fitted if c.marker or _denotes_any(c, outline)]
    cands, frees = _markup(document, cands, outline)
    evidence = _group_evidence(cands, outline)
    outline.reorder({g: pos for g, (pos, _) in evidence.items()})
    outline.reorder_parts(_part_evidence(cands, outline))
    bonus = {cand.index: FORCED for _, cand in evidence.values() if cand is not None}
    everything = range(len(outline.nodes))
    anchors = chain(cands, outline, everything, bonus=bonus)
    reversed_parts = _relative_part_order(cands, anchors, outline)
    if reversed_parts:  # parts answered out of order under short labels: read again in the order written
        outline.reorder_parts({**reversed_parts, **_part_evidence(cands, outline)})
        anchors = chain(cands, outline, everything, bonus=bonus)
    if not document.structure:
        frees = _markdown_free(document, sc, cands, anchors, outline)
    cuts: list[Segment] = []
    how: dict[int, str] = {}
    if frees:
        labelled = anchors
        for _ in range(2):  # once more without the list items the first reading placed
            weights, sims = _free_weights(frees, outline, _alignment_texts(prompts, titles), labelled)
            anchors = chain(sorted(cands + [f.cand for f in frees], key=lambda c: c.index), outline, everything,
                            bonus=bonus, free=weights)
            items = _list_items(anchors, fitted, frees, outline)
            if not items:
                break
            cands = [c for c in cands if c.index not in items]
            labelled = chain(cands, outline, everything, bonus=bonus)
        at = {c.index: j for c, j in anchors}
        how = {j: "text" if sims[c.index].get(j, 0.0) >= NAMED else "order" for c, j in anchors if c.index in weights}
        anchors, how = _by_content(document, frees, cands, anchors, how, outline, prompts, titles)
        at = {c.index: j for c, j in anchors}
        cuts = [Segment(f.cand.index, f.cand.rest, -1, "cut") for f in frees
                if (f.cuts or _BACK_MATTER.match(f.title)) and f.cand.index not in at]
    zones = _zones(cands, anchors, outline, len(document.lines))
    strays = _strays(cands, anchors, zones, outline)
    cuts += _skipped(cands, anchors, zones, outline, {s.start for s in strays})
    segments = sorted(_segments(anchors, zones, outline) + strays + cuts, key=lambda s: (s.start, s.head is False))
    used = {s.start for s in segments}
    loose = frozenset(c.index for c in sc.candidates if c.index not in used)
    for node, parts in _parts(segments, zones, outline, len(document.lines), _solution_ends(document.lines)).items():
        qid = outline.rubric[outline.nodes[node]]
        answer = _answer(document, sc, qid, parts, loose, (prompts or {}).get(qid))
        located = _located(node, outline, how, {j: c.absolute for c, j in anchors})
        result[qid] = replace(answer, inferred=located) if answer is not None and located else answer
    if not anchors and not any(result.values()):  # not one label nor heading: align the paragraphs themselves
        for qid, (rows, placed_by) in _unlabelled(document, sc, outline, _alignment_texts(prompts, titles)).items():
            result[qid] = _unlabelled_answer(document, qid, rows, placed_by, (prompts or {}).get(qid))
    return result


_BODY = 40  # lines of an answer read for the words that name its question


def _by_content(document: Document, frees: Sequence[_Free], cands: Sequence[Candidate],
                anchors: list[tuple[Candidate, int]], how: dict[int, str], outline: Outline,
                prompts: Mapping[str, str] | None,
                titles: Mapping[str, str] | None) -> tuple[list[tuple[Candidate, int]], dict[int, str]]:
    """Anchors with counted headings moved where their title and text name the question (assign.by_content);
    a moved answer is marked as located by its content."""
    counted: dict[int, int] = {}
    for f in frees:
        j = outline.index.get(f.counter) if f.counter else None
        if j is not None and how.get(j) == "order" and any(c.index == f.cand.index and k == j for c, k in anchors):
            counted[f.cand.index] = j
    if not counted:
        return anchors, how
    asked = {q: " ".join(t for t in ((titles or {}).get(q, ""), (prompts or {}).get(q, "")) if t) for q in
             outline.rubric.values()}
    starts = sorted({c.index for c in cands} | {f.cand.index for f in frees})
    heads = {f.cand.index: f for f in frees}
    shared: dict[int, dict[int, int]] = {}
    for line, j in counted.items():
        end = next((i for i in starts if i > line), len(document.lines))
        text = "\n".join([heads[line].title, *document.lines[line + 1:min(end, line + 1 + _BODY)]])
        label = outline.nodes[j]
        shared[line] = {k: shared_evidence(text, " ".join(asked[q] for lab, q in outline.rubric.items()
                                                          if lab[:len(n)] == n))
                        for k, n in enumerate(outline.nodes) if len(n) == len(label) and n[:-1] == label[:-1]}
    moves = by_content([(c.index, j) for c, j in anchors], counted, shared, outline)
    for line, k in moves.items():
        how.pop(counted[line], None)
        how[k] = "content"
    return [(c, moves.get(c.index, j)) for c, j in anchors], how


def _alignment_texts(prompts: Mapping[str, str] | None, titles: Mapping[str, str] | None) -> dict[str, str]:
    """What an unlabelled answer is matched against per id: the prompt, else the question's title."""
    out = {q: t for q, t in (titles or {}).items() if t}
    out.update({q: t for q, t in (prompts or {}).items() if t})
    return out


def _fit(c: Candidate, outline: Outline) -> Candidate:
    """A label read several levels deep, cut back to the depth the rubric has ("Q3(d)(ii)" answers 3.d)."""
    if not c.short or _denotes_any(c, outline):
        return c
    for n in range(len(c.label) - 1, c.short - 1, -1):
        shorter = replace(c, label=c.label[:n])
        if _denotes_any(shorter, outline):
            return shorter
    return c


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}


def _roman_one(cands: list[Candidate], outline: Outline) -> list[Candidate]:
    """Roman part labels read as the numbers of numbered ids ("(ii)" answers 1.2) where no id is spelled in them.

    A lone "i" is the letter i, unless its sibling is "ii" (and "v" after "iv", "x" after "ix"): the nearest part
    label that is either sibling, the roman or the letter one ("j" after "i", "u" before "v", "w" before "x"), decides;
    labels of a list nested in between ("(i)" then "(a) (b) (c)" then "(ii)") are passed over, and the search stops
    at the next question heading or numbered item.
    """
    out = list(cands)
    for k, c in enumerate(cands):  # siblings are read as written, not as already turned into numbers
        if c.absolute or len(c.label) != 1 or c.label[0] not in _ROMAN or _denotes_any(c, outline):
            continue
        if len(c.label[0]) == 1:  # i, v, x are letters too: roman only beside ii, iv, ix
            near = {"i": (cands[k + 1:], "ii", "j"), "v": (cands[k - 1::-1] if k else [], "iv", "u"),
                    "x": (cands[k - 1::-1] if k else [], "ix", "w")}[c.label[0]]
            # within the same list: up to the next question heading or numbered item
            scope = takewhile(lambda d: not d.absolute and not (len(d.label) == 1 and d.label[0].isdigit()), near[0])
            beside = next((d for d in scope if len(d.label) == 1 and d.label[0] in near[1:]), None)
            if beside is None or beside.label != (near[1],):
                continue
        number = replace(c, label=(_ROMAN[c.label[0]],))
        if _denotes_any(number, outline):
            out[k] = number
    return out


def _fit_label(label: Label, outline: Outline) -> Label | None:
    """The longest prefix of a full path that names an id, so a markup item deeper than the rubric still counts."""
    for n in range(len(label), 0, -1):
        if label[:n] in outline.index:
            return label[:n]
    return None


def _markup(document: Document, cands: list[Candidate], outline: Outline) -> tuple[list[Candidate], list[_Free]]:
    """Candidates with the markup's headings merged in, and the headings that carry no label the rubric knows.

    A label the student wrote in the markup is a strong candidate (stronger than one read from the text); one
    from a counter is only evidence, so such a heading is placed like an unlabelled one, with a bonus for its number.
    """
    if not document.structure:
        return cands, []
    by_line = {c.index: c for c in cands}
    structure = [replace(h, label=_counted(h.label, document.structure)) if h.inferred else h
                 for h in document.structure]
    depth = _kind_depths(structure, outline)
    top = min(depth.values(), default=1)
    misnumbered = _misnumbered_kinds(structure, cands, outline)
    frees: list[_Free] = []
    for h in structure:
        if not 0 <= h.index < len(document.lines):
            continue
        found = by_line.get(h.index)
        if found is not None and found.marker:
            continue  # "Solution": the zones read it
        rest = _markup_rest(document.lines[h.index], h.kind)
        if found is not None and h.kind == "item":
            rest = max(rest, found.rest)  # "\\item (b) ..." : the text after the written label
        fit = _fit_label(h.label, outline) if h.label and not h.inferred else None
        if fit is not None and found is not None and _extends(found, fit, outline):
            # the text reader read more of the same written label ("Question 2, part 1" where the markup saw 2)
            by_line[h.index] = replace(found, strength=MARKUP, heading=True)
            continue
        if fit is not None:
            by_line[h.index] = Candidate(h.index, fit, True, False, MARKUP, rest, h.kind, heading=True)
            continue
        if found is not None:
            continue  # the text carries a label the rubric knows; the counter has nothing to add
        if h.kind in _CONTINUES:
            continue  # a solution or proof continues the problem above it: it opens no answer of its own
        d = len(h.label) if h.label else depth.get(h.kind)
        if d is not None:
            cand = Candidate(h.index, (), False, False, 0, rest, h.kind)
            distrusted = h.inferred and h.kind in misnumbered
            frees.append(_Free(cand, d, h.title, h.label if h.inferred and not distrusted else (), cuts=d == top,
                               by_text=distrusted))
    return sorted(by_line.values(), key=lambda c: c.index), frees


def _misnumbered_kinds(structure: Sequence[Heading], cands: Sequence[Candidate], outline: Outline) -> set[str]:
    """Kinds of counted heading whose numbers contradict the rubric's shape, so neither number nor place may say
    which id one answers.

    An exam's `\\question` counted 1 with nothing below it, where the rubric's question 1 has parts, numbers
    the write-up's answers flat: its second `\\question` may answer part 1.b, not question 2.
    """
    out: set[str] = set()
    for k, h in enumerate(structure):
        if not h.inferred or not h.label or h.kind in out or h.label in outline.rubric:
            continue
        j = outline.index.get(h.label)
        if j is None or len(outline.subtree(j)) == 1:
            continue  # the rubric has no such question with parts
        end = next((g.index for g in structure[k + 1:] if len(g.label) <= len(h.label) and g.kind not in _CONTINUES),
                   None)
        inside = [g for g in structure[k + 1:] if end is None or g.index < end]
        if not any(len(g.label) > len(h.label) or not g.label for g in inside if g.kind not in _CONTINUES) and \
                not any(h.index < c.index and (end is None or c.index < end) and not c.marker for c in cands):
            out.add(h.kind)
    return out


def _extends(found: Candidate, fit: Label, outline: Outline) -> bool:
    """Whether the text's label on a markup heading's line names an id below the markup's own label."""
    return (not found.marker and found.absolute and len(found.label) > len(fit) and found.label[:len(fit)] == fit
            and found.label in outline.index)


_ROMAN_NUMERAL = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_DIGITS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ROMAN_NEXT = {"i": "ii", "v": "iv", "x": "ix"}  # the sibling that shows a one-letter numeral is roman


def _counted(label: Label, structure: Sequence[Heading]) -> Label:
    """A counter's label with its roman numerals as numbers ("(3, ii, a)" -> "(3, 2, a)"), so the rubric's ids,
    numbered or lettered, match it. A one-letter numeral (i, v, x) is roman only beside its roman sibling (ii, iv,
    ix) under the same parent: alone it may be the letter of an alph counter."""
    labels = {h.label for h in structure}
    out = list(label[:1])
    for k, part in enumerate(label[1:], 1):
        m = _ROMAN_NUMERAL.fullmatch(part) if part else None
        roman = m is not None and (len(part) > 1 or label[:k] + (_ROMAN_NEXT[part],) in labels
                                   or (part != "i" and label[:k] + ("i",) in labels))
        if m is not None and roman:
            out.append(str(10 * len(m.group(1)) + _ROMAN_DIGITS.get(m.group(2), 0)))
        else:
            out.append(part)
    return tuple(out)


def _kind_depths(structure: Sequence[Heading], outline: Outline) -> dict[str, int]:
    """How deep each kind of heading sits in the rubric: as its labelled headings show, else by its usual rank."""
    seen: dict[str, Counter[int]] = {}
    for h in structure:
        if h.kind in _CONTINUES:
            continue
        fit = _fit_label(h.label, outline) if h.label else None
        seen.setdefault(h.kind, Counter())
        if fit is not None:
            seen[h.kind][len(fit)] += 1
    out = {k: c.most_common(1)[0][0] for k, c in seen.items() if c}
    ranked = sorted((k for k in seen if k not in out), key=lambda k: _KIND_RANK.index(k) if k in _KIND_RANK else 99)
    taken = set(out.values())
    for k in ranked:
        d = 1
        while d in taken:
            d += 1
        out[k] = d
        taken.add(d)
    return out


def _markup_rest(line: str, kind: str) -> int:
    """Where the answer text starts on a markup heading's line: after `\\item` or an exam mark (and its optional
    argument), or after a section's braced title."""
    if kind == "item":
        m = _ITEM.search(line)
        return m.end() if m else 0
    if kind in _EXAM_KINDS:  # these take no braced title: a `{` on the line belongs to the answer's math
        m = _EXAM_MARK.search(line)
        return m.end() if m else 0
    start = line.find("{")
    if start < 0:
        return len(line)
    depth = 0
    for k in range(start, len(line)):
        depth += {"{": 1, "}": -1}.get(line[k], 0) if line[k - 1] != "\\" else 0
        if depth == 0:
            return k + 1
    return len(line)


def _markdown_free(document: Document, sc: Scan, cands: Sequence[Candidate],
                   anchors: Sequence[tuple[Candidate, int]], outline: Outline) -> list[_Free]:
    """`#` headings without a usable label, at a level the write-up uses for its labelled question headings."""
    levels: dict[int, Counter[int]] = {}
    for c, j in anchors:
        m = _HASHES.match(document.lines[c.index])
        if m:
            levels.setdefault(len(m.group(1)), Counter())[len(outline.nodes[j])] += 1
    depth = {lvl: c.most_common(1)[0][0] for lvl, c in levels.items()}
    if not depth:  # no heading carries a label: the outermost level used more than once holds the questions
        used = Counter(len(m.group(1)) for m in map(_HASHES.match, document.lines) if m)
        repeated = [lvl for lvl, n in used.items() if n >= 2]
        if not repeated:
            return []
        depth = {min(repeated): 1}
    labelled = {c.index for c in cands} | {c.index for c in sc.candidates if c.marker}
    frees = []
    for i, line in enumerate(document.lines):
        m = _HASHES.match(line)
        if m is None or i in labelled or i in sc.noise or i in sc.display or len(m.group(1)) not in depth:
            continue
        cand = Candidate(i, (), False, False, 0, len(line), "heading")
        frees.append(_Free(cand, depth[len(m.group(1))], m.group(2)))
    return frees


def _free_weights(frees: Sequence[_Free], outline: Outline, prompts: Mapping[str, str],
                  anchors: Sequence[tuple[Candidate, int]]) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, float]]]:
    """Per unlabelled heading: the weight it earns at each id of its depth, and how well its title names each.

    Back matter (references, an appendix) answers nothing. A title that shares no word with an id's known
    prompt needs evidence beyond its place: LaTeX's counter, or labelled headings on both sides leaving only
    that id free between them; else a trailing "Discussion" would take whichever question was left unanswered.
    """
    texts = []
    for label in outline.nodes:
        texts.append(" ".join(prompts.get(q, "") for lab, q in outline.rubric.items() if lab[:len(label)] == label))
    weights: dict[int, dict[int, int]] = {}
    sims: dict[int, dict[int, float]] = {}
    for f in frees:
        nodes = [j for j, n in enumerate(outline.nodes) if len(n) == f.depth]
        match = title_match(f.title, [texts[j] for j in nodes]) if f.title else [0.0] * len(nodes)
        sims[f.cand.index] = dict(zip(nodes, match))
        counted = outline.index.get(f.counter) if f.counter else None
        if _BACK_MATTER.match(f.title) and counted is None:
            weights[f.cand.index] = {}
            continue
        worded = bool(content_words(f.title))
        between = _only_slot(f, nodes, anchors, outline)
        weights[f.cand.index] = {j: ORDER + round(TEXT * m) + (COUNTER if j == counted else 0)
                                 for j, m in zip(nodes, match)
                                 if m > 0 or (not f.by_text and (j == counted or j == between or not texts[j].strip()
                                                                 or not worded))}
    return weights, sims


def _only_slot(f: _Free, nodes: Sequence[int], anchors: Sequence[tuple[Candidate, int]], outline: Outline) -> int | None:
    """The one id of the heading's depth that the labelled headings around it leave free, if exactly one."""
    def at_depth(j: int) -> int:  # a deeper anchor stands for its ancestor at that depth (preorder keeps the order)
        return outline.index.get(outline.nodes[j][:f.depth], j)

    before = [at_depth(j) for c, j in anchors if c.index < f.cand.index]
    after = [at_depth(j) for c, j in anchors if c.index > f.cand.index]
    low = before[-1] if before else -1
    high = after[0] if after else None
    if high is None:
        return None  # nothing labelled after it: its place says nothing
    free = [j for j in nodes if low < j < high]
    return free[0] if len(free) == 1 else None


def _located(node: int, outline: Outline, how: Mapping[int, str], absolute: Mapping[int, bool]) -> str:
    """How an answer was located when no label did: by its own heading, or by the unlabelled heading above it.

    A label naming the id in full ("2.1" under an untitled "## Momentum") locates it whatever the heading above.
    """
    label = outline.nodes[node]
    for n in range(len(label), 0, -1):
        j = outline.index.get(label[:n])
        if j is not None and j in how:
            return how[j]
        if j is not None and absolute.get(j):
            return ""
    return ""


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
        for c in cands:  # a question no keyword names may still be placed by its parts' headings ("### 4(b)")
            full = _full_short(c, outline)
            if full is not None and full[:1] not in found:
                found[full[:1]] = (float(c.index), None)
        return found
    lines: dict[tuple[str, ...], list[int]] = {}
    for c in cands:
        full = c.label if c.absolute and len(c.label) >= 2 and c.label in outline.index else _full_short(c, outline)
        if full is not None:
            lines.setdefault(full[:1], []).append(c.index)
    return {g: (float(statistics.median(v)), None) for g, v in lines.items()}


def _full_short(c: Candidate, outline: Outline) -> Label | None:
    """The id a heading's short label names in full ("### 4(b)" is 4.b), when no other id ends the same way.

    Such a label is read relative to its context, but set as a heading with a question number and a part it
    names the path from the top as a dotted one does; one that a deeper id also ends with ("1(a)" beside 3.1.a)
    is left to the order.
    """
    if c.absolute or c.marker or not c.heading or len(c.label) < 2 or c.label not in outline.index:
        return None
    j = outline.index[c.label]
    return outline.nodes[j] if outline.by_suffix.get(c.label) == [j] else None


def _strays(cands: Sequence[Candidate], anchors: Sequence[tuple[Candidate, int]], zones: Sequence[_Zone],
            outline: Outline) -> list[Segment]:
    """Labels naming a part in full that the order could not place, for parts answered nowhere else.

    Parts of several questions answered interleaved ("1(a)", "2(a)", "1(b)") leave the chain, which keeps the
    rubric's order, one of them: left unplaced, "2(a)" would run on inside 1.a's answer. Such a label names its
    id on its own ("1(a)" where no deeper id also ends in 1.a), so it opens that id's answer; a label of an id
    already answered is left to the order (it may be a reference back).
    """
    placed = {c.index for c, _ in anchors} | {z.head.start for z in zones} | {s.start for z in zones for s in z.subs}
    taken = {j for _, j in anchors} | {z.head.node for z in zones} | {s.node for z in zones for s in z.subs}
    out: list[Segment] = []
    for c in cands:
        if c.marker or c.index in placed or _inside(zones, c.index) or c.absolute or len(c.label) < 2:
            continue
        j = outline.index.get(c.label)
        if j is None or outline.by_suffix.get(c.label) != [j] or outline.nodes[j] not in outline.rubric:
            continue
        if any(k in taken for k in outline.subtree(j)):
            continue
        taken.add(j)
        out.append(Segment(c.index, c.rest, j, "question"))
    return out


def _skipped(cands: Sequence[Candidate], anchors: Sequence[tuple[Candidate, int]], zones: Sequence[_Zone],
             outline: Outline, strays: set[int]) -> list[Segment]:
    """Headings naming an id in full that the order could not place: each ends the answer above it.

    Its text goes to no id, since an answer placed on the wrong question costs more than a missing one.
    """
    placed = {c.index for c, _ in anchors} | {z.head.start for z in zones} | {s.start for z in zones for s in z.subs}
    placed |= strays
    return [Segment(c.index, c.rest, -1, "cut") for c in cands
            if c.heading and not c.marker and c.index not in placed and not _inside(zones, c.index)
            and ((c.absolute and c.label in outline.index) or _full_short(c, outline) is not None)]


def _part_evidence(cands: Sequence[Candidate], outline: Outline) -> dict[tuple[str, ...], float]:
    """Where each part is first answered, by the headings that name it in full ("4.2", "Problem 4(b)").

    Only headings count (a keyword, or a dotted label in heading markup), and only their first line: a
    reference back to a part further down ("2.1 gives ...") must not move it.
    """
    first: dict[tuple[str, ...], float] = {}
    for c in cands:
        j = outline.index.get(c.label) if c.absolute and not c.marker and len(c.label) >= 2 else None
        if j is not None and (c.keyword or c.heading):
            first.setdefault(outline.nodes[j], float(c.index))
        elif (full := _full_short(c, outline)) is not None:
            first.setdefault(full, float(c.index))
    return first


def _list_items(anchors: Sequence[tuple[Candidate, int]], found: Sequence[Candidate], frees: Sequence[_Free],
                outline: Outline) -> set[int]:
    """Placed labels that are items of a list inside an answer: the label just before each is its predecessor
    ("v." before "vi.", "5." before "6.") and went to no id, and a markup heading further down that its counter
    gives the same id ("\\subpart" f) was displaced by it."""
    placed = {c.index for c, _ in anchors}
    counted = {outline.index.get(f.counter): f.cand.index for f in frees
               if f.counter and not f.by_text and f.cand.index not in placed}
    out: set[int] = set()
    for c, j in anchors:
        if c.absolute or c.marker or len(c.label) != 1 or counted.get(j, -1) < c.index:
            continue
        before = next((d for d in reversed(found) if d.index < c.index), None)
        if before is not None and before.index not in placed and len(before.label) == 1 and not before.marker \
                and _predecessor(before.label[0], c.label[0]):
            out.add(c.index)
    return out


_ROMAN_ORDER = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def _predecessor(first: str, second: str) -> bool:
    """Whether `first` is the list label just before `second`: 5 and 6, e and f, v and vi."""
    if first.isdigit() and second.isdigit():
        return int(first) + 1 == int(second)
    if first in _ROMAN_ORDER and second in _ROMAN_ORDER and _ROMAN_ORDER.index(first) + 1 == _ROMAN_ORDER.index(second):
        return True
    return len(first) == len(second) == 1 and first.isalpha() and ord(first) + 1 == ord(second)


def _relative_part_order(cands: Sequence[Candidate], anchors: Sequence[tuple[Candidate, int]],
                         outline: Outline) -> dict[Label, float]:
    """Where each part is first answered, by short labels ("(b)" then "(a)") that are out of the rubric's order.

    A short label belongs to the question of the placed label at or above it (the first one, above them all);
    it counts when it names one part of that question. Only a question whose parts are each labelled once and
    out of order gives evidence: a label that comes back is a nested list or a reference, and says nothing.
    """
    if not anchors:
        return {}
    placed = sorted((c.index, outline.nodes[j][0]) for c, j in anchors)
    depth = {c.index: len(outline.nodes[j]) for c, j in anchors}
    seen: dict[str, list[tuple[int, int]]] = {}  # question -> (line, part node) of its short labels, in order
    for c in cands:
        if c.absolute or c.marker or len(c.label) != 1 or depth.get(c.index, 2) != 2:
            continue  # "### 2" placed as a question is no part label
        group = next((g for i, g in reversed(placed) if i <= c.index), placed[0][1])
        parts = [j for j in outline.by_suffix.get(c.label, ()) if len(outline.nodes[j]) == 2
                 and outline.nodes[j][0] == group]
        if len(parts) == 1:
            seen.setdefault(group, []).append((c.index, parts[0]))
    out: dict[Label, float] = {}
    for found in seen.values():
        nodes = [j for _, j in found]
        if len(nodes) >= 2 and len(set(nodes)) == len(nodes) and nodes != sorted(nodes):
            out.update({outline.nodes[j]: float(i) for i, j in found})
    return out


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
        # a heading placed between the marker and the first label again (a markup part) means the marker only
        # answers the part above it: a "1." further down is then a footnote, not the scope's parts answered again
        placed_between = first is not None and any(m.index < i < first.index for i in at)
        if (zone.subs and first is not None and zone.subs[0].start == first.index and zone.subs[0].node == children[0]
                and len(reused) >= min(2, len(children)) and not placed_between):
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


def _solution_ends(lines: Sequence[str]) -> dict[int, int]:
    """Line -> the line that closes the solution environment (solution, answer, proof) it lies inside."""
    owner: dict[int, int] = {}  # line -> the line opening the innermost environment around it
    closed: dict[int, int] = {}  # opening line -> closing line
    open_at: list[int] = []
    for i, line in enumerate(lines):
        if open_at:
            owner[i] = open_at[-1]
        for m in _SOLUTION_ENV.finditer(line):
            if m.group(1).lower() == "begin":
                open_at.append(i)
            elif open_at:
                closed[open_at.pop()] = i
    return {i: closed[o] for i, o in owner.items() if o in closed}


def _parts(segments: Sequence[Segment], zones: Sequence[_Zone], outline: Outline, n_lines: int,
           closes: Mapping[int, int]) -> dict[int, list[tuple[Segment, int, bool]]]:
    """For each rubric node, its segments with their end line and whether the text is shared with other ids.

    A segment that opens inside a solution environment ends with it: "(b)" in the solution of problem 1 does
    not run on into problem 2 when problem 2's heading was not read.
    """
    ends = [min(e, closes.get(s.start, e)) for s, e in zip(segments, [s.start for s in segments[1:]] + [n_lines])]
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
        while rows and _no_text(rows[0][1]):
            rows.pop(0)
        while rows and _no_text(rows[-1][1]):
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
    return Answer(qid, tuple(lines), tuple(numbers), heading, tuple(dict.fromkeys(notes)), line_files=tuple(files))


# a list or an exam's structure opened or closed: markup around answers, never answer text
_STRUCTURE_LINE = re.compile(r"\s*(?:\\(?:begin|end)\{(?:questions|parts|subparts|subsubparts|enumerate|itemize|description"
                             r"|solution|soln|sol|answer|proof)\*?\}(?:\[[^\]]*\])?\s*)+$")


def _no_text(line: str) -> bool:
    """Whether a line at the edge of an answer holds none of its text: blank, or a list or exam environment's
    `\\begin`/`\\end` alone (an "Answer 1." followed only by `\\end{parts}` answers nothing)."""
    return not line.strip() or bool(_STRUCTURE_LINE.match(line))


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


# --- write-ups without a single label: answers aligned to the rubric by order, and by text where prompts say ---

# a thematic break: "---", "***", "___" (Markdown) or a rule (LaTeX)
_BREAK = re.compile(r"\s{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$|\s*\\(?:hrule|hrulefill|hline)\b")
# a line of LaTeX commands only ("\maketitle", "\section*{Homework 3}"): markup, never answer text
_COMMAND_LINE = re.compile(r"\s*(?:\\[A-Za-z]+\*?(?:\[[^\]]*\])?(?:\{[^{}]*\})*\s*)+$")
_TITLE_WORDS = 10  # a first paragraph of one short line without a sentence end is the write-up's title
EVIDENCE = 0.15  # share of a paragraph's words a prompt must hold for text alone to place it


def _paragraph_blocks(document: Document, sc: Scan) -> list[list[list[int]]]:
    """The body's paragraphs (lists of line numbers), grouped between thematic breaks.

    Display math stays with the paragraph above it; headings, LaTeX command lines, the preamble and noise
    are no answer text and only separate paragraphs.
    """
    lines = document.lines
    begin = next((i for i, line in enumerate(lines) if "\\begin{document}" in line), -1)
    groups: list[list[list[int]]] = [[]]
    para: list[int] = []

    def close() -> None:
        if para:
            groups[-1].append(list(para))
            para.clear()

    for i in range(begin + 1, len(lines)):
        line = lines[i]
        if i in sc.noise or "\\end{document}" in line:
            continue
        if i not in sc.display and _BREAK.match(line):
            close()
            groups.append([])
        elif not line.strip() or (i not in sc.display and (_HASHES.match(line) or _COMMAND_LINE.match(line))):
            close()
        elif not para and (i in sc.display or line.lstrip().startswith(("$$", "\\["))) and groups[-1]:
            groups[-1][-1].append(i)  # display math belongs to the paragraph it follows
        else:
            para.append(i)
    close()
    groups = [g for g in groups if g]
    if groups and len(groups[0][0]) == 1:
        first = lines[groups[0][0][0]].strip()
        if len(first.split()) <= _TITLE_WORDS and "$" not in first and not first.endswith((".", "?", "!", ":")):
            groups[0].pop(0)
            groups = [g for g in groups if g]
    return groups


def _unlabelled(document: Document, sc: Scan, outline: Outline,
                prompts: Mapping[str, str]) -> dict[str, tuple[list[int], str]]:
    """Answers of a write-up without labels: question id -> (its lines, "order" or "text").

    Thematic breaks that cut the write-up into as many groups as there are questions give each question its
    group; inside one (or in the whole write-up), as many paragraphs as ids give one each, in order. Where the
    counts differ inside a question's group, the prompts place its paragraphs by their words; elsewhere
    nothing is placed, since a wrong placement costs more than a missing one (a short answer's words often
    name another part's prompt better than its own).
    """
    leaves = [outline.rubric[n] for n in outline.nodes if n in outline.rubric]
    groups = _paragraph_blocks(document, sc)
    tops = [n for n in outline.nodes if len(n) == 1]
    out: dict[str, tuple[list[int], str]] = {}
    if len(groups) > 1 and len(groups) == len(tops):
        for top, group in zip(tops, groups):
            ids = [q for q in leaves if split_id(q)[:1] == top]
            out.update(_align(group, ids, document, prompts))
        return out
    return _align([p for g in groups for p in g], leaves, document, {})  # text over a whole write-up misleads


def _align(paras: Sequence[list[int]], ids: Sequence[str], document: Document,
           prompts: Mapping[str, str]) -> dict[str, tuple[list[int], str]]:
    """Paragraphs to ids, keeping both orders: one each when the counts agree, else by the prompts' words."""
    if not paras or not ids:
        return {}
    if len(ids) == 1:
        return {ids[0]: ([i for p in paras for i in p], "order")}
    if len(paras) == len(ids):
        return {q: (list(p), "order") for q, p in zip(ids, paras)}
    if not all(prompts.get(q, "").strip() for q in ids):
        return {}
    sims = [title_match(" ".join(document.lines[i] for i in p), [prompts[q] for q in ids]) for p in paras]
    # best monotone assignment: score[k][j] = best total with paragraph k on id j
    score = [[0.0] * len(ids) for _ in paras]
    back = [[0] * len(ids) for _ in paras]
    for k in range(len(paras)):
        for j in range(len(ids)):
            if k == 0:
                score[k][j], back[k][j] = sims[k][j], j
                continue
            prev = max(range(j + 1), key=lambda i: (score[k - 1][i], i == j))  # staying on the same id wins ties
            score[k][j], back[k][j] = score[k - 1][prev] + sims[k][j], prev
    j = max(range(len(ids)), key=lambda i: score[-1][i])
    owner = [0] * len(paras)
    for k in range(len(paras) - 1, -1, -1):
        owner[k] = j
        j = back[k][j]
    # a paragraph stays where its words name that id best; one that names none follows the named one above it
    keep: list[int | None] = []
    for k, j in enumerate(owner):
        best, second = sorted(sims[k])[-1], sorted(sims[k])[-2]
        if best >= EVIDENCE:
            keep.append(j if sims[k][j] == best and best >= 2 * second else None)  # named clearly, or not at all
        else:
            keep.append(keep[-1] if keep else None)  # the order keeps it after its predecessor's id
    out: dict[str, tuple[list[int], str]] = {}
    for j, q in enumerate(ids):
        mine = [i for k in range(len(paras)) if keep[k] == j for i in paras[k]]
        if mine:
            out[q] = (mine, "text")
    return out


def _unlabelled_answer(document: Document, qid: str, rows: Sequence[int], how: str,
                       prompt: str | None) -> Answer | None:
    """An answer from the lines alignment gave it, less any restated prompt at its top."""
    texts = [document.lines[i] for i in rows]
    line, col = by_prompt(texts, prompt) if prompt else (0, 0)
    kept = [(rows[line], texts[line][col:])] + list(zip(rows[line + 1:], texts[line + 1:])) if line < len(rows) else []
    if not any(t.strip() for _, t in kept):
        return None
    numbers = tuple(document.original_line(i) for i, _ in kept)
    return Answer(qid, tuple(t for _, t in kept), numbers, numbers[0], inferred=how)
