"""Assign rubric question ids to heading lines: a monotone dynamic program over the expected id order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.read.headings import Candidate, Label

FORCED = 100  # weight that makes the chain keep a question heading that fixes the order of the questions
WEAK = 1  # a relative label whose parent heading was never written ("1." right after the previous question)
CONTENT_STRONG = 3  # shared words from which content outweighs a counter whose own question shares some too
SIBLING = 1  # penalty for reading a numbered heading as other than a sibling of the one before it at its level
# (or other than a part of the numbered heading one level up)
ALIAS = 1  # penalty for reading a label in the other style (a letter for an ordinal, or back), so the id as spelled wins


def split_id(question_id: str) -> Label:
    """'2.2.a' -> ('2', '2', 'a'); '1.a' -> ('1', 'a'); 'Q3' -> ('3',)."""
    parts: list[str] = []
    for piece in question_id.strip().lower().replace("(", ".").replace(")", "").split("."):
        piece = piece.strip()
        if piece[:1] == "q" and piece[1:].isdigit():
            piece = piece[1:]
        if len(piece) >= 2 and piece[:-1].isdigit() and piece[-1].isalpha():
            parts.extend([piece[:-1], piece[-1]])
        elif piece:
            parts.append(piece)
    return tuple(parts)


@dataclass(frozen=True)
class Segment:
    """A stretch of the document from `start` (column `col`) up to the next segment, attributed to one id."""

    start: int
    col: int
    node: int  # index into the expanded id list
    zone: str  # "question": heading in the flow; "answer": after a Solution/Answer marker; "repeat": answered again
    head: bool = False  # the zone's own opening line (marker) rather than a sub-heading inside it


class Outline:
    """The expanded id list: every rubric id and its ancestors, in preorder (parents before children)."""

    def __init__(self, question_ids: Sequence[str]) -> None:
        self.rubric = {split_id(q): q for q in question_ids}
        order: list[Label] = []
        for label in self.rubric:
            for depth in range(1, len(label) + 1):
                if label[:depth] not in order:
                    order.append(label[:depth])
        self.nodes = self._preorder(order)
        self._index()

    @staticmethod
    def _preorder(order: list[Label]) -> list[Label]:
        out: list[Label] = []

        def visit(parent: Label) -> None:
            for n in order:
                if len(n) == len(parent) + 1 and n[:-1] == parent:
                    out.append(n)
                    visit(n)

        visit(())
        return out

    def subtree(self, node: int) -> list[int]:
        """`node` and its descendants (a contiguous run of the preorder)."""
        top = self.nodes[node]
        end = node + 1
        while end < len(self.nodes) and self.nodes[end][: len(top)] == top:
            end += 1
        return list(range(node, end))

    def reorder(self, first_seen: Mapping[Label, float]) -> None:
        """Put top-level groups in the order the document answers them; unseen groups follow their predecessor."""
        groups: list[list[Label]] = []
        for n in self.nodes:
            if len(n) == 1:
                groups.append([])
            groups[-1].append(n)
        seen = sorted((g for g in groups if g[0] in first_seen), key=lambda g: first_seen[g[0]])
        placed: list[list[Label]] = []
        for g in seen:
            placed.append(g)
        for pos, g in enumerate(groups):
            if g[0] in first_seen:
                continue
            before = groups[pos - 1] if pos else None
            at = placed.index(before) + 1 if before in placed else 0
            placed.insert(at, g)
        self.nodes = [n for g in placed for n in g]
        self._index()

    def reorder_parts(self, first_seen: Mapping[Label, float]) -> None:
        """Put the parts of each question in the order the document answers them, as `reorder` does the questions.

        A part is seen where it or one of its own parts is first seen; unseen parts follow their predecessor.
        """
        at: dict[Label, float] = {}
        for label, line in first_seen.items():
            for n in range(2, len(label) + 1):
                at[label[:n]] = min(at.get(label[:n], line), line)
        if not at:
            return
        out: list[Label] = []

        def visit(level: list[Label]) -> None:
            placed = sorted((n for n in level if n in at), key=lambda n: at[n])
            for pos, n in enumerate(level):
                if n in at:
                    continue
                before = level[pos - 1] if pos else None
                placed.insert(placed.index(before) + 1 if before in placed else 0, n)
            for n in placed:
                out.append(n)
                visit([m for m in self.nodes if len(m) == len(n) + 1 and m[:-1] == n])

        for top in [n for n in self.nodes if len(n) == 1]:
            out.append(top)
            visit([m for m in self.nodes if len(m) == 2 and m[0] == top[0]])
        self.nodes = out
        self._index()

    def _index(self) -> None:
        """Look-ups by whole label and by label suffix; a sub-question may be written in the other style.

        "Exercise 1" then "(b)" answers 1.2 when the rubric numbers its parts, and "1." answers 1.a when it
        letters them: below the top level a letter and its ordinal name the same part (a = 1, b = 2, ...).
        The rubric's own spelling wins over a variant of another id's.
        """
        self.index: dict[Label, int] = {n: i for i, n in enumerate(self.nodes)}
        self.by_suffix: dict[Label, list[int]] = {}
        for i, n in enumerate(self.nodes):
            for v in _variants(n):
                if v != n:
                    self.index.setdefault(v, i)
                for k in range(1, len(v) + 1):
                    found = self.by_suffix.setdefault(v[-k:], [])
                    if i not in found:
                        found.append(i)


_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xi": 11, "xii": 12}


def _ordinal_alias(part: str) -> str | None:
    """The other spelling of a sub-question label: 'b' -> '2', '2' -> 'b', 'iii' -> '3'; None when there is none."""
    if part.isdigit():
        return chr(ord("a") + int(part) - 1) if 1 <= int(part) <= 26 else None
    if part in _ROMAN:
        return str(_ROMAN[part])
    return str(ord(part) - ord("a") + 1) if len(part) == 1 and "a" <= part <= "z" else None


def _variants(label: Label) -> list[Label]:
    """`label` and its spellings with sub-question components swapped between letters and ordinals."""
    out: list[Label] = [label[:1]]
    for part in label[1:]:
        alias = _ordinal_alias(part)
        out = [v + (p,) for v in out for p in ((part, alias) if alias else (part,))]
    return out


def by_content(placed: Sequence[tuple[int, int]], counted: Mapping[int, int],
               shared: Mapping[int, Mapping[int, int]], outline: Outline) -> dict[int, int]:
    """Headings a counter alone placed on a question their content does not name, moved to the sibling it names.

    `placed`: (line, node) of every placed heading, in document order; `counted`: line -> node for the headings
    placed where their counter (not a number the student wrote) says; `shared`: line -> node -> how many words
    the heading's title and text share with that node's question. A heading moves to a sibling that the order
    leaves free and nothing else answers, when its counter's question shares nothing with it while the sibling
    shares something, or when the sibling shares CONTENT_STRONG words and that many times more: one common word
    does not outweigh a counter. Ties go to the sibling nearest the counter; as near on both sides, it stays.
    Returns line -> new node.
    """
    nodes = [j for _, j in placed]
    moves: dict[int, int] = {}
    for pos, (line, j) in enumerate(placed):
        if counted.get(line) != j:
            continue
        tree = set(outline.subtree(j))
        if any(n in tree for k, n in enumerate(nodes) if k != pos):
            continue  # parts of its question are answered under it: the heading stays with them
        low = max(nodes[:pos], default=-1)
        high = min(nodes[pos + 1:], default=len(outline.nodes))
        label, here = outline.nodes[j], shared.get(line, {})
        options: list[tuple[int, int, int]] = []  # (shared words, nearness to the counter, node)
        for k, n in enumerate(outline.nodes):
            if k == j or len(n) != len(label) or n[:-1] != label[:-1]:
                continue
            sub = outline.subtree(k)
            if low < k and sub[-1] < high and not any(m in sub for m in nodes):
                options.append((here.get(k, 0), -abs(k - j), k))
        if not options:
            continue
        best = max(options)
        own = here.get(j, 0)
        if best[0] == 0 or (own and (best[0] < CONTENT_STRONG or best[0] < CONTENT_STRONG * own)):
            continue
        if any(o[:2] == best[:2] and o[2] != best[2] for o in options):
            continue
        nodes[pos] = moves[line] = best[2]
    return moves


@dataclass(frozen=True)
class _Node:
    score: int
    cand: int  # position in the candidate list
    node: int
    prev: "_Node | None"


def _matches(c: Candidate, outline: Outline, allowed: set[int]) -> list[tuple[int, int | None]]:
    """(node, scope depth) pairs the candidate can denote; depth None for an absolute label."""
    if c.absolute:
        j = outline.index.get(c.label)
        return [(j, None)] if j is not None and j in allowed else []
    k = len(c.label)
    return [(j, len(outline.nodes[j]) - k) for j in outline.by_suffix.get(c.label, ()) if j in allowed]


def chain(cands: Sequence[Candidate], outline: Outline, allowed: Sequence[int], start: int | None = None,
          bonus: dict[int, int] | None = None,
          free: Mapping[int, Mapping[int, int]] | None = None) -> list[tuple[Candidate, int]]:
    """Best monotone assignment of ids (in outline order) to candidates (in document order).

    A relative label ("1.", "(b)") may only continue inside its parent's scope, so a footnote "1." inside
    question 1.2 cannot be 1.1 again (that would go backwards) nor 2.1 (question 2 has not started).
    `free` gives headings without a usable label (line -> {node: weight}): they take whichever node the
    order leaves them, at the weight their title and place earn, inside the parent's scope like a relative label.
    """
    free = free or {}
    allowed_set = set(allowed)
    order = sorted(allowed_set)
    best: dict[int, _Node] = {}
    root = _Node(0, -1, start, None) if start is not None else None
    if root is not None:
        best[start] = root  # type: ignore[index]
    bonus = bonus or {}
    siblings = _siblings(cands)
    for pos, c in enumerate(cands):
        if c.marker and not c.label:
            continue
        updates: list[_Node] = []
        weights = free.get(c.index)
        found = _matches(c, outline, allowed_set) if weights is None else \
            [(j, len(outline.nodes[j]) - 1 or None) for j in weights if j in allowed_set]
        for j, depth in found:
            if j == start:
                continue
            prev = _best_before(best, order, outline, j, depth, root)
            if prev is None:
                continue
            node, weak = prev
            if weights is not None:
                weight = WEAK if weak else weights[j]
            else:
                weight = WEAK if weak else 2 * c.strength + bonus.get(c.index, 0)
            if weights is None and not weak and outline.nodes[j][-len(c.label):] != c.label:
                weight -= ALIAS  # "2" read as part b: only where no id is spelled "2" in that place
            if pos in siblings and not _sibling_kept(node, siblings[pos], j, outline):
                weight -= SIBLING
            score = (node.score if node else 0) + weight
            if j not in best or score > best[j].score:
                updates.append(_Node(score, pos, j, node))
        for u in updates:
            if u.node not in best or u.score > best[u.node].score:
                best[u.node] = u
    return _unwind(best, cands, root)


def _numbered_heading(c: Candidate, named: bool = False) -> bool:
    """A heading whose label is one number read relative to its place: "## 3", "## 3 Attention", "**3**";
    with `named`, also one a keyword names ("## Question 2"; not a title such as "# Homework 3")."""
    keyed = named and c.keyword not in ("", "homework", "hw", "assignment")
    return (c.level > 0 and (not c.absolute or keyed) and not c.marker and len(c.label) == 1
            and c.label[0].isdigit())


def _siblings(cands: Sequence[Candidate]) -> dict[int, tuple[int, bool]]:
    """Numbered heading -> the numbered heading it is read against, and whether as its sibling (else its child).

    "## 2" (or "## Question 2") then "## 3" are siblings: the second is question 3 (or part 3 of 2's parent),
    never part 2.3; so are "**2**" then "**3**". A heading one level deeper, "### 3" under "## 2", is a part.
    A shallower heading ends the series of the deeper ones before it.
    """
    out: dict[int, tuple[int, bool]] = {}
    last: dict[int, int] = {}  # level -> position of the last heading at that level
    for pos, c in enumerate(cands):
        if c.level <= 0:
            continue
        for lvl in [lvl for lvl in last if lvl > c.level]:
            del last[lvl]
        if _numbered_heading(c):
            sibling = c.level in last
            before = last[c.level] if sibling else last[max(last)] if last else None
            if before is not None and _numbered_heading(cands[before], named=True):
                out[pos] = (before, sibling)
        last[c.level] = pos
    return out


def _sibling_kept(prev: _Node | None, against: tuple[int, bool], j: int, outline: Outline) -> bool:
    """Whether node j stands to the node the chain ending at `prev` gave the heading it is read against as
    its sibling (or child) should (or that heading is off the chain, so nothing is known)."""
    before, sibling = against
    node = prev
    while node is not None and node.cand > before:
        node = node.prev
    if node is None or node.cand != before or node.node is None:
        return True
    there, here = outline.nodes[node.node], outline.nodes[j]
    if sibling:
        return len(there) == len(here) and there[:-1] == here[:-1]
    return len(here) > len(there) and here[:len(there)] == there


def _best_before(best: dict[int, _Node], order: list[int], outline: Outline, j: int, depth: int | None,
                 root: _Node | None) -> tuple[_Node | None, bool] | None:
    """Best chain end that may precede node j and whether the link is weak; None when j cannot come next."""
    target = outline.nodes[j]
    scope = target[:depth] if depth else ()
    strong = root if root is not None and outline.nodes[root.node][: len(scope)] == scope else None
    weak: _Node | None = None
    for i in order:
        if i >= j:
            break
        n = best.get(i)
        if n is None or n is root:
            continue
        if outline.nodes[i][: len(scope)] == scope:
            if strong is None or n.score > strong.score:
                strong = n
        elif weak is None or n.score > weak.score:
            weak = n
    if strong is not None:
        return strong, False
    if not scope:
        return (None, False) if root is None else None  # opens the chain
    if outline.index.get(scope, -2) + 1 == j:
        return weak, True  # first child of a parent whose heading is absent
    return None


def _unwind(best: dict[int, _Node], cands: Sequence[Candidate], root: _Node | None) -> list[tuple[Candidate, int]]:
    ends = [n for n in best.values() if n is not root]
    if not ends:
        return []
    top = max(ends, key=lambda n: (n.score, -n.cand))
    out: list[tuple[Candidate, int]] = []
    node: _Node | None = top
    while node is not None and node is not root:
        out.append((cands[node.cand], node.node))
        node = node.prev
    return out[::-1]
