"""Find the lines of a write-up that may open an answer, with the label each carries, and the noise lines."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

Label = tuple[str, ...]

# wrappers in front of a label: quote marks, markdown headings, bullets, emphasis, LaTeX sectioning
_HEADING_WRAP = re.compile(r"\#{1,6}\s*|\\(?:sub)*section\*?\{|\\paragraph\*?\{|\\textbf\{|\*\*|__")
_OTHER_WRAP = re.compile(r"\s+|>\s*|[-+•–—·▪]\s+|\\\*|\*|_|\\(?:textit|emph|item)\b\s*\[?|\{")
_CLOSE = r"[*_}\]\s]*"
# the heading markup a line opens with: `#`s, a LaTeX section, or bold; its rank orders them from the outside in
_LEVEL = re.compile(r"\s{0,3}(#{1,6})(?!#)|\s*\\((?:sub){0,2})section\*?\{|\s*(?:\*\*|__|\\textbf\{)")
BOLD_LEVEL = 7  # bold labels rank below every sectioning level
_LETTER = r"[a-z]|[ivx]{2,4}"
_PATH = r"[0-9]{1,2}(?:\.[0-9]{1,2})*"

_KEYWORD = re.compile(
    r"(question|problem|exercise|assignment|task|homework|hw|part|q|ex)\.?\s*"
    rf"(?:({_PATH})(?:\s*,?\s*(?:part\s*)?\(({_LETTER})\)|\.?({_LETTER})\b|\s*,?\s*part\s+({_LETTER}|[0-9]{{1,2}}\b))?"
    rf"|\(({_LETTER})\)|({_LETTER})\b){_CLOSE}[.:)]?{_CLOSE}", re.I)
_DOTTED = re.compile(
    rf"([0-9]{{1,2}}(?:\.[0-9]{{1,2}})+)(?:\.?([a-z])(?![a-z0-9])|\s*\(({_LETTER})\)|\s+({_LETTER})\))?{_CLOSE}[.:)]?{_CLOSE}(?=\s|$)")
# "1.", "1)", and a number with a sub-part letter: "1(a)", "1a)", "1. (a)", "1. a)", "1.a" (relative to a question)
_NUMBER = re.compile(
    rf"([0-9]{{1,2}})(?:\s*\(({_LETTER})\)|([a-z])\)){_CLOSE}[.:]?{_CLOSE}(?=\s|$)"
    rf"|([0-9]{{1,2}}){_CLOSE}[.):](?:[ \t]*\(({_LETTER})\)|[ \t]*({_LETTER})\)|(?<=\.)([a-z])(?![a-z0-9])[.:)]?)?"
    rf"{_CLOSE}(?=\s|$)")
# a number alone in a heading: "### 2", "**2**", "\\section*{2}", "## 2 Backprop" (that last one for `#` headings only)
_BARE_NUMBER = re.compile(r"([0-9]{1,2})(?:([*_}]+)[ \t]*(?=\s|$)|[ \t]*$|[ \t]+(?=\S))")
# "(b)", "b)", "b.", and "(2)": a bracketed number is a part too (PDF exports number parts "(1)", "(2)")
_LETTERED = re.compile(rf"(?:\(({_LETTER}|[0-9]{{1,2}})\)(?:[*_]*:)?|({_LETTER})[*_]*[.)]){_CLOSE}(?=\s|$)", re.I)
# a label several levels deep: "3(d)(ii)", "3.d.ii", "(b)(ii)", "Q3(d)(ii)", "Problem 2 (c) (i)"
_CHAIN_HEAD = re.compile(
    rf"(?:(question|problem|exercise|assignment|task|homework|hw|q|ex)\.?\s*)?(?:([0-9]{{1,2}})|\(({_LETTER})\))", re.I)
_CHAIN_STEP = re.compile(
    rf"\s?\(({_LETTER}|[0-9]{{1,2}})\)|\.({_LETTER}|[0-9]{{1,2}})(?![a-z0-9])|\s*,?\s*part\s+({_LETTER}|[0-9]{{1,2}})\b", re.I)
_CHAIN_END = re.compile(rf"{_CLOSE}[.:)]?{_CLOSE}(?=\s|$)")
# a label set in math: "$(b)$", "$\\bm{ii}:$", "$\\mathbf{b)}$"; it needs brackets or a colon, so "$a$ is ..." is not one
_MATH_LABEL = re.compile(
    rf"\$\s*(?:\\(?:bm|mathbf|textbf|boldsymbol|mathrm|text)\s*\{{\s*)?(\()?\s*({_LETTER})\s*(\))?\s*\}}?\s*([.:)]?)"
    rf"\s*\}}?\s*\$[*_]*([.:)]?){_CLOSE}(?=\s|$)", re.I)
_MARKER = re.compile(
    r"(solutions?|answers?|proof|sol\.)(?![a-z])"
    r"(?!\s+(?:in|the|each|is|are|should|must|will|may|with|of\s+the|to\s+(?:this|the))\b)"
    r"(?:\s+(?:to|of|for))?(?:\s+(?:question|problem|exercise|part|q)\.?)?\s*"
    rf"({_PATH}(?:\.?[a-z](?![a-z0-9]))?)?{_CLOSE}([.:)\-–—]*){_CLOSE}", re.I)

_NOISE = re.compile(
    r"[-–—\s]*(?:page\s*)?[0-9]{1,3}(?:\s*(?:/|of)\s*[0-9]{1,3})?[-–—\s]*$"
    r"|.*\bdo not (?:distribute|copy|share|circulate)\b|\W*confidential\W*$|\W*draft\W*$|\W*due(?:\s+date)?\s*:"
    r"|\\(?:documentclass|usepackage|maketitle|(?:begin|end)\{document\})", re.I)
_PAGE_TAIL = re.compile(r"\s+[0-9]{1,3}$")  # the page number at the end of a running header
_MATH_OPEN = re.compile(r"\\begin\{(equation|align|aligned|gather|multline|eqnarray|array|[bpvV]?matrix|cases)\*?\}")


@dataclass(frozen=True)
class Candidate:
    """A line that may open an answer: the label it carries and how sure that is."""

    index: int  # 0-based line of the document
    label: Label  # components as written, lower case: ("2", "2", "a"), ("b",), () for a bare marker
    absolute: bool  # the label names a path from the top (keyword or dotted), not one relative to context
    marker: bool  # a "Solution" / "Answer" / "Proof" line
    strength: int  # how sure the line is a heading
    rest: int  # column where the text after the label starts
    keyword: str = ""  # "question", "problem", ... when a keyword names the label
    short: int = 0  # a label read several levels deep may drop components down to this length to fit the rubric
    heading: bool = False  # set in heading markup (`#`, `\\section`, bold): a line of the text rarely is
    level: int = 0  # heading rank: a Markdown heading's `#`s, a LaTeX section's depth, BOLD_LEVEL for bold; else 0


@dataclass(frozen=True)
class Scan:
    """What segmentation needs to know about each line."""

    candidates: tuple[Candidate, ...]
    noise: frozenset[int]  # page headers, footers, watermarks: never part of an answer
    display: frozenset[int]  # inside multi-line math or code: never a heading


def _unwrap(line: str, start: int = 0) -> tuple[int, bool]:
    """Column after the wrappers in front of a label, and whether a heading wrapper was among them."""
    pos, heading = start, False
    for _ in range(8):  # a handful of nested wrappers at most; bounded for hostile input
        m = _HEADING_WRAP.match(line, pos)
        if m and m.end() > pos:
            pos, heading = m.end(), True
            continue
        m = _OTHER_WRAP.match(line, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return pos, heading


def _letters(*groups: str | None) -> Label:
    return tuple(g.lower() for g in groups if g)


def _parse(line: str, index: int) -> Candidate | None:
    """The label a line opens with, if any; a label several levels deep wins over the shorter one it begins with."""
    pos, heading = _unwrap(line)
    if pos >= len(line) or line.startswith("<sup>", pos):
        return None  # a footnote mark is never a heading
    bonus = 1 if heading else 0
    if line[pos] == "$":
        found = _math_label(line, index, pos, bonus)  # other math is never a heading
    else:
        found = _parse_flat(line, index, pos, bonus)
        deep = _chain(line, index, pos, bonus)
        if deep is not None and (found is None or (not found.marker and len(deep.label) > len(found.label))):
            found = deep
        elif found is not None:
            found = _part_after(line, found)
    if found is None or not heading:
        return found
    return replace(found, heading=True, level=_level(line))


def _level(line: str) -> int:
    """The rank of the heading markup a line opens with (same rank, same depth of heading); 0 for none."""
    m = _LEVEL.match(line)
    if m is None:
        return 0
    if m.group(1):
        return len(m.group(1))
    return 1 + len(m.group(2)) // 3 if m.group(2) is not None else BOLD_LEVEL


def _part_after(line: str, found: Candidate) -> Candidate:
    """A numbered label followed by a part label in wrappers of its own: "\\textbf{4.3} \\textbf{(a)}" is 4.3.a."""
    if found.marker or not found.label or not found.label[-1].isdigit() or len(found.label) >= 6:
        return found
    pos, _ = _unwrap(line, found.rest)
    m = _LETTERED.match(line, pos)
    if m is None or not (m.group(1) or m.group(2)).isalpha():
        return found
    label = found.label + _letters(m.group(1), m.group(2))
    return replace(found, label=label, rest=m.end(), short=found.short or len(found.label))


def _math_label(line: str, index: int, pos: int, bonus: int) -> Candidate | None:
    """A sub-part label typeset in math, "$(b)$" or "$\\bm{ii}:$"; brackets or a colon make it a label."""
    m = _MATH_LABEL.match(line, pos)
    if m is None or not ((m.group(1) and m.group(3)) or m.group(4) or m.group(5)):
        return None
    if bool(m.group(1)) != bool(m.group(3)):
        return None
    return Candidate(index, (m.group(2).lower(),), False, False, 3 + bonus, m.end())


def _chain(line: str, index: int, pos: int, bonus: int) -> Candidate | None:
    """A label of three levels, or two after a bracketed letter: "3(d)(ii)", "Q3.d.ii", "(b)(ii)"."""
    m = _CHAIN_HEAD.match(line, pos)
    if m is None:
        return None
    label = [(m.group(2) or m.group(3)).lower()]
    end = m.end()
    while len(label) < 6:
        step = _CHAIN_STEP.match(line, end)
        if step is None:
            break
        label.append(next(g for g in step.groups() if g).lower())
        end = step.end()
    close = _CHAIN_END.match(line, end)
    if close is None or len(label) < (2 if m.group(3) else 3):
        return None
    keyword = (m.group(1) or "").lower()
    if keyword and m.group(3):
        return None  # "Q(b)(ii)": no question named
    strength = (6 if keyword else 4) + bonus
    return Candidate(index, tuple(label), bool(keyword), False, strength, close.end(), keyword,
                     short=2 if m.group(2) else 1)


def _parse_flat(line: str, index: int, pos: int, bonus: int) -> Candidate | None:
    """A label of at most a question, a part and a letter, as the patterns above read it."""
    m = _MARKER.match(line, pos)
    if m and (m.group(2) or m.group(3) or m.end() >= len(line.rstrip()) or m.group(1).lower().startswith("sol")):
        label = tuple(_split_path(m.group(2))) if m.group(2) else ()
        return Candidate(index, label, bool(label), True, 5 + bonus, m.end(), "answer" if label else "")
    m = _KEYWORD.match(line, pos)
    if m:
        word = m.group(1).lower()
        label = tuple(_split_path(m.group(2) or "")) + _letters(m.group(3), m.group(4), m.group(5), m.group(6), m.group(7))
        if label and (m.group(2) or word == "part"):
            strength = (6 if word != "part" else 3) + bonus
            return Candidate(index, label, word != "part", False, strength, m.end(), word)
    m = _DOTTED.match(line, pos)
    if m:
        label = tuple(_split_path(m.group(1))) + _letters(m.group(2), m.group(3), m.group(4))
        return Candidate(index, label, True, False, 5 + bonus, m.end())
    m = _NUMBER.match(line, pos)
    if m and (m.group(1) or m.group(4)) != "0":
        sub = _letters(m.group(2), m.group(3), m.group(5), m.group(6), m.group(7))
        return Candidate(index, (m.group(1) or m.group(4),) + sub, False, False, 3 + bonus + bool(sub), m.end())
    m = _LETTERED.match(line, pos)
    if m and m.group(1) != "0":
        return Candidate(index, _letters(m.group(1), m.group(2)), False, False, 3 + bonus, m.end())
    m = _BARE_NUMBER.match(line, pos) if bonus else None
    if m and m.group(1) != "0" and (m.group(2) or line.lstrip().startswith("#")):
        return Candidate(index, (m.group(1),), False, False, 3 + bonus, m.end())
    return None


def _split_path(path: str) -> list[str]:
    """'2.2.a' -> ['2', '2', 'a']; '2.4a' -> ['2', '4', 'a']."""
    parts: list[str] = []
    for piece in path.lower().split("."):
        m = re.fullmatch(r"([0-9]+)([a-z])", piece)
        parts.extend(m.groups() if m else [piece])
    return [p for p in parts if p]


def _closer(s: str) -> str | None:
    """What closes the block a stripped line opens (fence, `$$`, `\\[`, a math environment), if it opens one."""
    if s.startswith(("```", "~~~")):
        return s[:3]
    if s.startswith("$$"):
        return "$$" if "$$" not in s[2:] else None  # a `$$ ... $$` line is whole, whatever it holds
    if s.startswith("\\["):
        return "\\]" if "\\]" not in s else None
    m = _MATH_OPEN.search(s)
    return f"\\end{{{m.group(1)}" if m and f"\\end{{{m.group(1)}" not in s else None


def _display_lines(lines: Sequence[str]) -> frozenset[int]:
    """Lines inside fenced code, multi-line $$ math or LaTeX math environments.

    A block never closed is not a block: an unclosed `\\begin{pmatrix}` must not hide every heading after it.
    """
    stripped = [line.strip() for line in lines]
    holding: dict[str, list[int]] = {}  # closer -> the lines that hold it, in order

    def next_with(closer: str, start: int) -> int:
        if closer not in holding:
            holding[closer] = [k for k, t in enumerate(stripped) if closer in t]
        found = holding[closer]
        k = bisect.bisect_left(found, start)
        return found[k] if k < len(found) else -1

    inside: set[int] = set()
    i = 0
    while i < len(lines):
        closer = _closer(stripped[i]) if stripped[i] else None
        end = next_with(closer, i + 1) if closer is not None else -1
        if end < 0:
            i += 1
            continue
        inside.update(range(i, end + 1))
        i = end + 1
    return frozenset(inside)


_SETEXT = re.compile(r"\s{0,3}={3,}\s*$")


def _noise_lines(lines: Sequence[str], display: frozenset[int]) -> frozenset[int]:
    """Watermarks, page numbers, due dates, and headers repeated on every page."""
    keys = [_noise_key(line) for line in lines]
    counts = Counter(k for k in keys if k)
    firsts = {k for k in keys[:10] if k and not k.startswith("label ")}  # a title that comes back is a running header
    noise = set()
    for i, line in enumerate(lines):
        if i in display or not line.strip():
            continue
        pos, heading = _unwrap(line)
        k = keys[i]
        numbered = heading and _BARE_NUMBER.match(line, pos)  # "### 2" is a heading, not a page number
        if (_NOISE.match(line, pos) and not numbered) or (k and (counts[k] >= 3 or (counts[k] >= 2 and k in firsts))):
            noise.add(i)
        elif _SETEXT.match(line) and i > 0 and lines[i - 1].strip():
            noise.add(i)  # the `=====` under a Markdown (pandoc) heading is markup, not part of the answer
    return frozenset(noise)


def _noise_key(line: str) -> str:
    """A line that could be a running header: long enough, no math, not a marker; the page number dropped.

    A line with an absolute label and a page number at its end gets a key of its own kind, a header only when
    it comes back three times ("Homework 3 - Name - 2" on every page): a heading does not end in a page number.
    """
    s = " ".join(line.split())
    tail = _PAGE_TAIL.search(s)
    s = s[:tail.start()] if tail else s
    if len(s) < 15 or "$" in s or "\\" in s:
        return ""
    found = _parse(line, 0)
    if found is not None and (found.marker or not found.absolute or tail is None):
        return ""
    return ("label " if found is not None else "") + s.lower()


def scan(lines: Sequence[str]) -> Scan:
    """Candidates, noise and display lines of a document."""
    display = _display_lines(lines)
    noise = _noise_lines(lines, display)
    found = []
    for i, line in enumerate(lines):
        if i in display or i in noise or not line.strip():
            continue
        cand = _parse(line, i)
        if cand is not None:
            found.append(cand)
    return Scan(tuple(found), noise, display)
