"""An answer read once: its math spans, relation sides, statements with their links and conditions, O/Θ/Ω claims."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Callable

from grader.read.segment import Answer

if TYPE_CHECKING:  # the math layer is imported on first use: check modules stay light to import (rubric validation)
    from grader.math import nodes as N
    from grader.math.spans import MathSpan
    from grader.read.evidence import Match

# ---------------------------------------------------------------- relation sides (final answers, numbers)

RELATIONS = ("\\leqslant", "\\geqslant", "\\leq", "\\geq", "\\neq", "\\le", "\\ge", "\\ne", "\\approx",
             "=", "<", ">", "\u2264", "\u2265", "\u2260")
# what separates statements written on one row: `a = 1 \quad \text{and} \quad b = 2`, `a \le b \implies c \le d`
STATEMENT_SEPARATORS = ("\\implies", "\\Rightarrow", "\\Leftrightarrow", "\\iff", "\\Longrightarrow",
                        "\\text{and}", "\\text{ and }", "\\qquad", "\\quad", ",", ";")
EQUALITY = ("=",)
# O( ), and the same bracket sized: O\left( \right), O\big( \big)
ASYMPTOTIC = re.compile(r"(?:\\mathcal\{O\}|\\Theta|\\Omega|\\mathcal O|\\operatorname\{O\}|\\mathrm\{O\}|[O\u0398\u03a9])"
                        r"\s*(?:\\(?:left|[bB]igg?l?)(?![a-zA-Z])\s*)?\(")
PLAIN_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\d)")


# ---------------------------------------------------------------- the conclusion of an answer
# The answer's own mark on a statement as *the* answer: a box, "the answer is", "overall", "in conclusion".
STRONG_MARKERS = re.compile(r"\\boxed(?![a-zA-Z])|\\therefore|\b(?:the\s+(?:final\s+)?(?:answer|result)\s+is|"
                            r"final\s+(?:answer|result)|in\s+conclusion|to\s+conclude|in\s+summary|"
                            r"to\s+summari[sz]e|overall|all\s+in\s+all|altogether)\b", re.IGNORECASE)
# words that open a consequence: a conclusion as often as the next step of a derivation ("so", "thus")
WEAK_MARKERS = re.compile(r"\b(?:so|thus|therefore|hence|finally|consequently)\b", re.IGNORECASE)
# what makes the formula after it a special case of the result, not the result: "in particular", "for example",
# "as $t \to \infty$", a symbol set to a number ("for $t = 1$", "with $\beta = 0$", "if $p = 1$")
SPECIAL_WORDS = re.compile(r"\b(?:in\s+particular|for\s+example|for\s+instance|as\s+a\s+special\s+case|"
                           r"in\s+the\s+(?:special\s+)?case|in\s+the\s+limit|for\s+large|for\s+small)\b|\be\.\s?g\.",
                           re.IGNORECASE)
SPECIAL_SETTING = re.compile(r"\b(?:for|with|at|when|if|taking|setting|choosing|picking)\s*(?:\$|\\\()\s*[^$=]{1,40}?"
                             r"=\s*-?\s*\d+(?:\.\d+)?\s*(?:\$|\\\))|"
                             r"\b(?:as|when|for|if)\s*(?:\$|\\\()[^$]{1,40}?\\(?:to|rightarrow)(?![a-zA-Z])",
                             re.IGNORECASE)
# a formula after these words in its clause is a comparison or an aside, not the claim: "Θ(nd²) instead of
# Θ(n²d)", "compared to the naive O(N^T)", "(the projections add Θ(nd²))"
CONTRAST = re.compile(r"\b(?:instead\s+of|rather\s+than|compared\s+(?:to|with)|as\s+opposed\s+to|versus|vs\.?|"
                      r"unlike|than)\s*$|\b(?:instead\s+of|rather\s+than|compared\s+(?:to|with)|as\s+opposed\s+to|"
                      r"versus|unlike)\b", re.IGNORECASE)
# where a clause ends for its marker words (a colon does not: "Therefore: $$x = 1$$")
_CLAUSE_END = re.compile(r"(?:[.;!?](?:\s|$)|\n\s*\n)")
_OPENERS = re.compile(r"(?:\$\$?|\\\[|\\\(|\\begin\{[A-Za-z*]+\}(?:\{[^}]*\})?)\s*$")


@dataclass(frozen=True)
class Mark:
    """How the prose before a statement presents it: as the answer, as a step, as a special case."""

    strength: int = 0  # 2: marked as the answer (boxed, "the answer is", "overall"); 1: "so", "thus"; 0: unmarked
    special: bool = False  # a special case ("for $t = 1$", "in particular"), not the general result asked for

    @property
    def words(self) -> str:
        return "marked as the answer" if self.strength == 2 else "a special case" if self.special else ""


def mark_before(head: str, latex: str = "") -> Mark:
    """The mark of a statement from the text before it (`head`, up to where it starts; math in `$` or `\\(`) and
    its own LaTeX: the clause since the sentence began or the previous formula ended gives the marker words,
    the whole sentence so far a special case."""
    head = _OPENERS.sub("", head)
    if head.replace("$$", "$").count("$") % 2:  # the statement sits in a formula that started earlier: `$O(N) + O(TN^2)$`
        head = head[:head.rfind("$")]
    # "e.g." and "i.e." do not end a sentence
    plain = re.sub(r"\b[eE]\.\s?[gG]\.|\b[iI]\.\s?[eE]\.", lambda m: m.group(0).replace(".", " "), head)
    cut = max((m.end() for m in _CLAUSE_END.finditer(plain)), default=0)
    sentence = head[cut:]
    clause = re.split(r"\$|\\\)", sentence)[-1]
    strength = 2 if STRONG_MARKERS.search(clause) or STRONG_MARKERS.search(latex) else (
        1 if WEAK_MARKERS.search(clause) else 0)
    special = bool(SPECIAL_WORDS.search(sentence) or SPECIAL_SETTING.search(sentence) or CONTRAST.search(clause)
                   or _aside(clause))
    return Mark(strength, special)


def _aside(clause: str) -> bool:
    """Whether the clause leaves a bracket of prose open: "(the projections add " puts what follows aside."""
    depth = 0
    for c in clause:
        depth += 1 if c == "(" else -1 if c == ")" and depth > 0 else 0
    return depth > 0


@dataclass(frozen=True)
class Conclusion:
    """Which of an answer's statements about the asked quantity decides, by index into them."""

    final: int  # the conclusion: the last one marked as the answer, else the last general statement
    steps: tuple[int, ...]  # the others before or around it, latest first: intermediate claims
    rivals: tuple[int, ...]  # other statements marked as the answer, in other statements: a contradiction if they differ


def conclusion(marks: Sequence[Mark], statement: Sequence[Hashable]) -> Conclusion:
    """The conclusion among statements with these marks; `statement[i]` says which written statement (a
    relation or chain, a line of claims) the i-th comes from, so that a chain's own links are never rivals.

    "so" and "thus" open the next step of a derivation as often as its result, so only a mark as *the* answer
    outranks position; a special case ("for $t = 1$") is never the conclusion while a general statement exists."""
    everything = list(range(len(marks)))
    general = [i for i in everything if not marks[i].special] or everything
    strong = [i for i in general if marks[i].strength == 2]
    final = strong[-1] if strong else general[-1]
    rivals = tuple(i for i in strong if statement[i] != statement[final])
    steps = tuple(i for i in reversed(everything) if i != final)
    return Conclusion(final, steps, rivals)


@dataclass(frozen=True)
class Side:
    """One side of a relation (or a bare expression) written in the answer, with its original line."""

    latex: str
    line: int
    index: int  # position of the side in its relation: 0 is the left-most
    of: int  # how many sides that relation has
    relation: str  # the whole relation it belongs to
    ops: tuple[str, ...] = ()  # the relation symbols between its sides, in order (len = of - 1)
    mark: Mark = Mark()  # how the prose before it presents it
    reading: str = ""  # how the answer's words were read to get it ("solved for x from line 3"); "" as written
    alternatives: tuple[tuple[str, str], ...] = ()  # other readings that state it too: (LaTeX, how it was read)


@dataclass(frozen=True)
class Span:
    latex: str
    line: int
    end_line: int
    display: bool


def _found_spans(text: str) -> list[MathSpan]:
    from grader.math import find_spans

    return find_spans(text, first_line=1)


def spans(answer: Answer, found: Sequence[MathSpan] | None = None) -> list[Span]:
    """Every math span of the answer, with lines of the original file (`found`: the spans of its text, if known)."""
    out = []
    for s in _found_spans(answer.text) if found is None else found:
        line = answer.line_numbers[min(s.line, len(answer.line_numbers)) - 1] if answer.line_numbers else s.line
        end = answer.line_numbers[min(s.end_line, len(answer.line_numbers)) - 1] if answer.line_numbers else s.end_line
        out.append(Span(s.latex, line, end, s.display))
    return out


def _split_top(latex: str, seps: tuple[str, ...]) -> list[str]:
    """Split at separators outside braces, brackets, \\left...\\right groups and environments."""
    return _split_keep(latex, seps)[0]


@lru_cache(maxsize=64)
def _by_first(seps: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
    """The separators by their first character, each group in the order given (the first that matches wins),
    and a pattern of every character the splitter acts on (the others are skipped in one search)."""
    out: dict[str, list[str]] = {}
    for sep in seps:
        out.setdefault(sep[0], []).append(sep)
    acting = "".join(sorted(set("\\{}()[]") | set(out)))
    return {c: tuple(group) for c, group in out.items()}, re.compile("[" + re.escape(acting) + "]")


def _split_keep(latex: str, seps: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The parts between top-level separators, and the separators themselves."""
    parts, found, depth, start, i = [], [], 0, 0, 0
    by_first, acting = _by_first(seps)
    while i < len(latex):
        jump = acting.search(latex, i)
        if jump is None:
            break
        i = jump.start()
        c = latex[i]
        if c == "\\":  # the commands below all start with a backslash: test them only there (a hot loop)
            if latex.startswith("\\left", i) and not latex[i + 5:i + 6].isalpha():
                depth += 1
                i += 5
                continue
            if latex.startswith("\\right", i) and not latex[i + 6:i + 7].isalpha():
                depth -= 1
                i += 6
                continue
            # a cases or matrix environment is one expression: its rows are not rows of the answer
            if latex.startswith("\\begin{", i) or latex.startswith("\\end{", i):
                depth += 1 if latex[i + 1] == "b" else -1
                close = latex.find("}", i)
                i = close + 1 if close > 0 else i + 1
                continue
            if i + 1 < len(latex) and not latex[i + 1].isalpha():
                # a control symbol (`\{`, `\;`, `\,`) is never a bracket or a separator, except `\\` when asked
                if not (depth == 0 and latex[i + 1] == "\\" and "\\\\" in seps):
                    depth += 1 if latex[i + 1] == "{" else -1 if latex[i + 1] == "}" else 0
                    i += 2
                    continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0:
            for sep in by_first.get(c, ()):
                if latex.startswith(sep, i) and not (sep[0] == "\\" and sep[-1].isalpha()
                                                     and latex[i + len(sep):i + len(sep) + 1].isalpha()):
                    parts.append(latex[start:i])
                    found.append(sep)
                    start = i + len(sep)
                    i = start - 1
                    break
        i += 1
    parts.append(latex[start:])
    return parts, found


def row_statements(row: str) -> list[str]:
    """The statements of one row; a piece without a relation belongs to the statement before it (`a = 1, 2`)."""
    parts, seps = _split_keep(row, STATEMENT_SEPARATORS)
    out: list[str] = []
    for k, part in enumerate(parts):
        has_relation = len(_split_top(part, RELATIONS)) > 1
        if out and not has_relation and seps[k - 1] in (",", ";"):
            out[-1] = out[-1] + seps[k - 1] + part
        elif part.strip():
            out.append(part)
    return [p.strip().rstrip(".,;").strip() for p in out if p.strip().rstrip(".,;").strip()]


def _outside_environments(latex: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text outside `\\begin{...}...\\end{...}` (a cases block keeps its `&`)."""
    out, depth, last = [], 0, 0
    for m in re.finditer(r"\\(begin|end)\{[^}]*\}", latex):
        if m.group(1) == "begin":
            if depth == 0:
                out.append(change(latex[last:m.start()]))
                last = m.start()
            depth += 1
        else:
            depth = max(0, depth - 1)
            if depth == 0:
                out.append(latex[last:m.end()])
                last = m.end()
    out.append(change(latex[last:]) if depth == 0 else latex[last:])
    return "".join(out)


def rows(latex: str) -> list[str]:
    """The rows of an aligned block (`\\\\` separated, `&` removed), or the span itself."""
    body = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split|array|eqnarray\*?)\}(?:\{[^}]*\})?",
                  "", latex)
    body = re.sub(r"\\tag\{[^}]*\}", "", body)
    out = []
    for row in _split_top(body, ("\\\\",)):
        row = _outside_environments(row, lambda text: text.replace("&", " ")).strip().rstrip(".,;")
        if row:
            out.append(row)
    # a row starting with a relation continues the previous one: `a &= b \\ &= c`
    merged: list[str] = []
    for row in out:
        if merged and any(row.startswith(r) for r in RELATIONS):
            merged[-1] = merged[-1] + " " + row
        else:
            merged.append(row)
    return merged


# ---------------------------------------------------------------- values and powers said in words
# "$c$ and $\mu$ both zero", "$x$ is zero", "N to the power T", "N squared", "two to the T": a small grammar
# over a line's tokens (inline math, numbers, number words, one-letter symbols, words), each operand read by the
# math reader; anything else ("to the power of the network", "the derivative of $f$ is zero") reads as nothing
NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "hundred": "100"}
_PROSE_TOKEN = re.compile(r"\$(?!\$)([^$]+)\$|(\d+(?:\.\d+)?)|([A-Za-z]+)|(\S)")
# a value said in words ends its clause: "both zero, and", "is zero." (not "one of", "two times")
_VALUE_ENDS = frozenset({"and", "or", "so", "then", "for", "in", "when", "if", "here", "at", "which", "since",
                         "because", "as", "by", "respectively", "initially"})
# a name right after these is a complement ("the derivative of $f$ is zero"), not the subject of the sentence
_NOT_SUBJECT = frozenset({"of", "at", "to", "from", "by", "in", "on", "over", "under", "into", "than", "per",
                          "the", "a", "an", "if", "when", "whenever", "unless", "suppose", "assume", "assuming", "for"})
_ARITHMETIC = ("+", "-", "*", "/", "^", "_", "(", "'")
# (a bare "=" in prose is plain math, the plain-math reader's: "for i = 1, ..., N" is a range, no value)
_COPULA = frozenset({"is", "are", "be", "both", "all", "equal", "equals", "each", "set", "was", "were"})


@dataclass(frozen=True)
class _Token:
    kind: str  # "math", "num", "word", "punct"
    text: str
    start: int


def _prose_tokens(line: str) -> list[_Token]:
    out = []
    for m in _PROSE_TOKEN.finditer(line):
        if m.group(1) is not None:
            out.append(_Token("math", m.group(1).strip(), m.start()))
        elif m.group(2) is not None:
            out.append(_Token("num", m.group(2), m.start()))
        elif m.group(3) is not None:
            out.append(_Token("word", m.group(3), m.start()))
        else:
            out.append(_Token("punct", m.group(4), m.start()))
    return out


@lru_cache(maxsize=4096)
def _reads_as(latex: str) -> str:
    """What the math reader makes of an operand's LaTeX: its root's kind ("Sym", "Num", ...), "" if unreadable
    or a relation."""
    from grader.math.errors import MathError
    from grader.math.parsed import parse

    try:
        parsed = parse(latex)
    except (MathError, RecursionError):
        return ""
    return "" if parsed.links else type(parsed.root).__name__


def _operand(tokens: Sequence[_Token], i: int, symbols: bool = True, numbers: bool = True) -> str | None:
    """The LaTeX of the operand at token `i`: inline math, a number, a number word or a one-letter symbol."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t.kind == "math" and _reads_as(t.text):
        kind = _reads_as(t.text)
        if (kind == "Num" and numbers) or (kind != "Num" and symbols):
            return t.text
        return None
    if t.kind == "num" and numbers:
        return t.text
    if t.kind == "word" and numbers and t.text.lower() in NUMBER_WORDS:
        return NUMBER_WORDS[t.text.lower()]
    if t.kind == "word" and symbols and len(t.text) == 1 and t.text not in ("a", "A", "I"):
        return t.text
    return None


def _is_word(tokens: Sequence[_Token], i: int, *words: str) -> bool:
    return 0 <= i < len(tokens) and tokens[i].kind in ("word", "punct") and tokens[i].text.lower() in words


def _inside_term(tokens: Sequence[_Token], i: int) -> bool:
    """Whether token `i` is part of a longer term: after arithmetic or a number or formula ("2x", "N-x")."""
    return i > 0 and (_is_word(tokens, i - 1, *_ARITHMETIC) or tokens[i - 1].kind in ("num", "math"))


def _power(base: str, exponent: str) -> str:
    """`base^{exponent}`, the base bracketed unless it is one symbol or number."""
    simple = re.fullmatch(r"[A-Za-z]|\d+(?:\.\d+)?|\\[A-Za-z]+", base.strip())
    return f"{base}^{{{exponent}}}" if simple else f"\\left({base}\\right)^{{{exponent}}}"


def _power_at(tokens: Sequence[_Token], i: int) -> tuple[str, int] | None:
    """`N to the power (of) T`, `two to the T`, `N squared`, `N cubed` starting at token `i`: (LaTeX, end)."""
    if not (_is_word(tokens, i + 1, "squared", "cubed") or _is_word(tokens, i + 1, "to")):
        return None  # the words come first: only then is the operand worth reading
    base = _operand(tokens, i)
    if base is None or _is_word(tokens, i - 1, "from") or _inside_term(tokens, i):
        return None
    j = i + 1
    if _is_word(tokens, j, "squared", "cubed"):
        return _power(base, "2" if tokens[j].text.lower() == "squared" else "3"), j + 1
    if not (_is_word(tokens, j, "to") and _is_word(tokens, j + 1, "the")):
        return None
    j += 2
    short = not _is_word(tokens, j, "power")
    if not short:
        j += 1 + _is_word(tokens, j + 1, "of")
    exponent = _operand(tokens, j)
    if exponent is None:
        return None
    # "to the T" alone is a power only as a whole phrase: "from 1 to the N-th" or "go to the T step" is not
    if short and (tokens[i].kind == "word" and len(tokens[i].text) == 1 or
                  (j + 1 < len(tokens) and tokens[j + 1].kind == "punct" and tokens[j + 1].text in "-^_")):
        return None
    end = j + 1
    if _is_word(tokens, end, "th", *_ARITHMETIC):  # "N to the power T+1" is not N^T
        return None
    return _power(base, exponent), end


def _values_at(tokens: Sequence[_Token], i: int) -> tuple[list[str], int] | None:
    """`$c$ and $\\mu$ (are) both zero`, `$x$ is zero`, `k equals two` starting at token `i`: the relations
    `name = value` it states and the token after it."""
    if not any(_is_word(tokens, k, *_COPULA, "to") for k in range(i + 1, min(i + 16, len(tokens)))):
        return None  # no verb near: nothing is said to be a value here (checked before any operand is read)
    if _is_word(tokens, i - 1, *_NOT_SUBJECT) or _inside_term(tokens, i):
        return None
    names, j = [], i
    while True:
        name = _operand(tokens, j, numbers=False)
        if name is None:
            return None
        names.append(name)
        j += 1
        if _is_word(tokens, j, "and", ",") and _operand(tokens, j + 1, numbers=False) is not None:
            j += 1
            continue
        break
    verbs = 0
    while _is_word(tokens, j, *_COPULA, "to") and verbs < 4:
        verbs += 1
        j += 1
    value = _operand(tokens, j, symbols=False)
    # "to" only as "equal to", "set to" or after a verb before the name ("set $b$ to zero")
    if not verbs or value is None or (_is_word(tokens, j - 1, "to") and not _is_word(tokens, j - 2, "equal", "set")
                                      and not _is_word(tokens, i - 1, "set", "setting", "choose", "choosing")):
        return None
    end = j + 1
    if end < len(tokens) and not (tokens[end].kind == "punct" and tokens[end].text in ".,;:!?)"
                                  or _is_word(tokens, end, *_VALUE_ENDS)):
        return None
    return [f"{n} = {value}" for n in names], end


def worded_math(line: str) -> list[tuple[str, int]]:
    """(LaTeX, column) of each value or power the line states in words ("$c$ and $\\mu$ both zero" gives
    `c = 0` and `\\mu = 0`; "N to the power T" gives `N^{T}`)."""
    tokens = _prose_tokens(line)
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        values = _values_at(tokens, i)
        if values is not None:
            out.extend((latex, tokens[i].start) for latex in values[0])
            i = values[1]
            continue
        power = _power_at(tokens, i)
        if power is not None:
            out.append((power[0], tokens[i].start))
            i = power[1]
            continue
        i += 1
    return out


def worded_spans(answer: Answer) -> list[tuple[Span, str]]:
    """Values and powers stated in words, as spans of math at their original lines, with the text before them."""
    out = []
    lines = answer.text.split("\n")
    for k, text in enumerate(lines):
        line = answer.line_numbers[min(k + 1, len(answer.line_numbers)) - 1] if answer.line_numbers else k + 1
        for latex, column in worded_math(text):
            out.append((Span(latex, line, line, False), text[:column]))
    return out


def plain_spans(answer: Answer, relations: bool = False) -> list[tuple[Span, str]]:
    """Math written in prose without delimiters ("N^T possible sequences"), with original lines and the text
    before it on its line; with `relations` (a write-up without math delimiters), its plain-text relations too
    (`w* = (XᵀX + λI)⁻¹Xᵀy`)."""
    from grader.math import find_plain_math

    out = []
    lines = answer.text.split("\n")
    found = [(m.line, m.column, m.latex, len(m.latex)) for m in find_plain_math(answer.text, first_line=1)]
    if relations:
        related = [(k + 1, column, latex, width) for k, text in enumerate(lines)
                   for latex, column, width in plain_relations(text)]
        # a piece of plain math inside a relation is read with it
        found = [f for f in found if not any(r[0] == f[0] and r[1] <= f[1] < r[1] + r[3] for r in related)]
        found = sorted(found + related)
    for k, column, latex, _ in found:
        line = answer.line_numbers[min(k, len(answer.line_numbers)) - 1] if answer.line_numbers else k
        head = lines[k - 1][:column] if 0 < k <= len(lines) else ""
        out.append((Span(latex, line, line, False), head))
    return out


_PLAIN_CLAUSE = re.compile(r"[.;!?](?=\s|$)|,\s|:\s")


def _prose_chunk(chunk: str) -> bool:
    """A word of prose ("With", "one-hot"), not math: letters only, two or more, and no function's name."""
    from grader.math.vocab import FUNC_CMDS, PLAIN_WORDS

    word = chunk.rstrip(",.;:")
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z'-]+", word)) and word not in FUNC_CMDS and word not in PLAIN_WORDS


def plain_relations(text: str) -> list[tuple[str, int, int]]:
    """The relations a line of plain text states outside math (`With p = softmax(z) and one-hot y`: `p =
    softmax(z)`): runs of chunks between words of prose that hold `=` and read as math, each as (LaTeX, column,
    width in the line). A name starred before its `=` (`w* =`) is `w^*`."""
    from grader.math.errors import MathError
    from grader.math.parsed import parse

    out: list[tuple[str, int, int]] = []
    pieces = [(0, len(text))]
    for m in _PLAIN_CLAUSE.finditer(text):
        pieces[-1:] = [(pieces[-1][0], m.start()), (m.end(), len(text))]
    for start, piece_end in pieces:
        chunks = [(m.group(0), start + m.start()) for m in re.finditer(r"\S+", text[start:piece_end])]
        k = 0
        while k < len(chunks):
            if _prose_chunk(chunks[k][0]):
                k += 1
                continue
            end = k
            while end < len(chunks) and not _prose_chunk(chunks[end][0]):
                end += 1
            a, b = chunks[k][1], chunks[end - 1][1] + len(chunks[end - 1][0])
            latex = re.sub(r"(?<=\w)\*(?=\s*=)", "^*", text[a:b])
            k = end
            if "=" not in latex.replace("==", ""):
                continue
            try:
                parse(latex)
            except (MathError, RecursionError):
                continue
            out.append((latex, a, b - a))
    return out


def plain_found(answer: Answer) -> tuple[MathSpan, ...]:
    """The plain-text relations of a write-up without math delimiters, as the spans of its text (1-based lines)
    that delimited math would give."""
    from grader.math.spans import MathSpan as Found

    return tuple(Found(latex, k, k, False) for k, text in enumerate(answer.text.split("\n"), start=1)
                 for latex, _, _ in plain_relations(text))


def _placed(text: str, found: Sequence[MathSpan]) -> list[tuple[int, int]]:
    """Where each delimited span's LaTeX starts and ends in the answer's text, found in order."""
    out, cursor = [], 0
    for s in found:
        pos = text.find(s.latex, cursor)
        pos = pos if pos >= 0 else cursor
        cursor = pos + len(s.latex)
        out.append((pos, cursor))
    return out


def _heads(text: str, found: Sequence[MathSpan]) -> list[str]:
    """For each delimited span, the text of the answer before it (for its mark)."""
    out = []
    for pos, _ in _placed(text, found):
        # from the paragraph's start (or a line start not too far back): a mark never reaches further
        start = text.rfind("\n\n", 0, pos) + 1
        if pos - start > 1500:
            start = text.rfind("\n", 0, pos - 1500) + 1
        out.append(text[start:pos])
    return out


def _brace_end(latex: str, opening: int) -> int:
    """Where the `}` closing the `{` at `opening` is (the text's length when it is never closed)."""
    i, depth = opening, 0
    while i < len(latex):
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        if depth == 0:
            break
        i += 1
    return i


def _unbox(latex: str) -> str:
    """`\\boxed{x = 3}` read as `x = 3` (the box marks the answer; its relation is read as any other)."""
    while True:
        start = latex.find("\\boxed{")
        if start < 0:
            return latex
        i = _brace_end(latex, start + len("\\boxed"))
        latex = latex[:start] + latex[start + len("\\boxed{"):i] + latex[i + 1:]


def sides(answer: Answer, found: Sequence[MathSpan] | None = None) -> list[Side]:
    """Every relation side and bare expression of the answer (delimited math, then prose math), in line order,
    each with the mark the prose before its formula gives it."""
    found = _found_spans(answer.text) if found is None else found
    delimited = list(zip(spans(answer, found), _heads(answer.text, found)))
    out: list[Side] = []
    for span, head in sorted(delimited + plain_spans(answer, relations=not found) + worded_spans(answer),
                             key=lambda s: s[0].line):
        for boxed_row in rows(span.latex):
            row = _unbox(boxed_row)
            for statement in row_statements(row):
                parts, ops = _split_keep(statement, RELATIONS)
                parts = [p.strip() for p in parts]
                if not parts[0] and len(parts) > 1:  # `= b` on its own: a continuation the row merge could not join
                    parts[0] = _continued(head, out)
                if not all(parts):
                    continue
                mark = mark_before(head, statement if row == boxed_row else "\\boxed")
                for k, part in enumerate(parts):
                    out.append(Side(part, span.line, k, len(parts), statement, tuple(ops), mark))
    return out


_CLOSERS = re.compile(r"\$|\\\)|\\\]")


def _continued(head: str, before: Sequence[Side]) -> str:
    """The left side of a formula that opens with its relation (`Output size $= 12$.`): the words of its
    clause before it, as text; with no words there, the left side of the formula just before it
    (`$a = b + c$ $= 12$`, or that formula's paragraph ending there); "" when there is neither."""
    head = _OPENERS.sub("", head)  # the formula's own opening `$`
    closers = list(_CLOSERS.finditer(head))
    tail = head[closers[-1].end():] if closers else head
    # the last clause that has words ("By the formula, the output size $= 12$": "the output size")
    clauses: list[list[str]] = [re.findall(r"[A-Za-z][A-Za-z'-]*", c) for c in re.split(r"[.;:!?,](?:\s|$)|\n\s*\n", tail)]
    words: list[str] = next((c for c in reversed(clauses) if c), [])[-6:]
    if words:
        return "\\text{" + " ".join(words) + "}"
    if not tail.strip(" \t\n,"):
        return next((s.latex for s in reversed(before) if s.index == 0), "")
    return ""


SYMBOLS = {"\\leqslant": "<=", "\\leq": "<=", "\\le": "<=", "\u2264": "<=", "<=": "<=",
           "\\geqslant": ">=", "\\geq": ">=", "\\ge": ">=", "\u2265": ">=", ">=": ">=",
           "\\neq": "!=", "\\ne": "!=", "\u2260": "!=", "\\approx": "~", "=": "=", "<": "<", ">": ">"}


def relation_symbol(op: str) -> str:
    """One spelling per relation: `\\leq`, `\\le`, `≤` and `<=` are all `<=`."""
    return SYMBOLS.get(op.strip(), op.strip())


def statements_of(all_sides: list[Side]) -> list[list[Side]]:
    """The sides grouped back into the statements they came from, in reading order."""
    groups: list[list[Side]] = []
    for s in all_sides:
        if s.index == 0 or not groups:
            groups.append([s])
        else:
            groups[-1].append(s)
    return groups


def items(latex: str) -> list[str]:
    """The members of a written list or tuple (`(2.5, 2.583)`, `\\frac83, \\frac{10}3`), or the side itself."""
    body = latex.strip()
    for left, right in ((r"\left(", r"\right)"), (r"\left[", r"\right]"), ("(", ")"), ("[", "]")):
        if body.startswith(left) and body.endswith(right):
            inner = body[len(left):-len(right)]
            if len(_split_top(inner, (",",))) > 1:
                body = inner
            break
    parts = [p.strip() for p in _split_top(body, (",", ";")) if p.strip()]
    return parts or [latex]


# a number stated in prose ("The output size is 13."): after the label's words, "is", "equals", "=" or "of",
# then at most two words (a unit) before the sentence ends; not in brackets, not a dotted label, not a list number
_PROSE_TIMES = r"(?:\s*(?:\\times(?![a-zA-Z])|\u00d7|[xX])\s*|\s+by\s+)"  # 13 x 13, 13 × 13, 13 by 13
_PROSE_VALUE = (rf"(?<![\w.(\[$\\])(-?\d+(?:\.\d+)?(?![\d.]*\d)(?:{_PROSE_TIMES}\d+(?![\d.]*\d)){{0,2}}(?:\s*%)?)"
                r"(?:[ \t]+[A-Za-z]+){0,2}[ \t]*(?:[.!?;](?=\s|$)|$)")
_PROSE_AFTER = r"\s*(?:[:=]|\bis\b|\bequals\b|\bequal\s+to\b|\bof\b)?\s*"
_PROSE_WORDS = re.compile(rf"(?i:\b(is|equals|equal\s+to|of)\b|(=))\s*{_PROSE_VALUE}")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


# after the label's own words a value may end its clause too ("... is 3.05 and the second moment is 10.003")
_PROSE_CLAUSE_VALUE = (rf"(?<![\w.(\[$\\])(-?\d+(?:\.\d+)?(?![\d.]*\d)(?:{_PROSE_TIMES}\d+(?![\d.]*\d)){{0,2}}(?:\s*%)?)"
                       r"(?:[ \t]+[A-Za-z]+){0,2}[ \t]*(?:[.!?;,](?=\s|$)|$|(?=\s+(?:and|but|while|whereas)\b))")
# a relation in plain text: its left side, then the relations of a chain, ending in a number ("m̂₂ = 0.58/0.19 = 3.05")
_PROSE_CHAIN = re.compile(r"(?:^|(?<=[,;:(.!?]\s)|(?<=\b(?i:and|let)\s)|(?<=\b(?i:with)\s)|(?<=\b(?i:where)\s))"
                          r"([^=,;:]{1,40}?)\s*(?:=|\bis\b)(?:(?:(?!\sand\s)[^=\n,;])*=)*\s*" + _PROSE_CLAUSE_VALUE)


def prose_numbers(lines: Sequence[str], line_numbers: Sequence[int], label: str = "",
                  target: str | Sequence[str] | None = None) -> list[tuple[str, int]]:
    """Numbers stated in prose outside math, for a write-up without math delimiters ("The output size is 13."):
    the last value of a relation whose left side is `target` as written in plain text (`m̂₂ = ... = 3.05` for
    `\\hat m_2`); else after the words of `label` when the answer uses them; else after "is", "equals", "=" or
    "of", near the end of a sentence. Products (`13 x 13`) are given with `\\times`; years after "of" are left
    out."""
    words = [w for w in re.findall(r"[A-Za-z]+", label)]
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    labelled = (re.compile(r"(?i:\b" + r"\s+".join(map(re.escape, words)) + r"\b)" + _PROSE_AFTER
                           + _PROSE_CLAUSE_VALUE) if words else None)
    targets = (target,) if isinstance(target, str) else tuple(target or ())
    by_target: list[tuple[str, int]] = []
    by_label: list[tuple[str, int]] = []
    by_word: list[tuple[str, int]] = []
    for text, number in zip(lines, line_numbers):
        masked = re.sub(r"\$[^$]*\$", lambda m: " " * len(m.group(0)), text)  # math is read elsewhere
        if targets:
            by_target.extend((_product(m.group(2)), number) for m in _PROSE_CHAIN.finditer(masked)
                             if _names(m.group(1), targets))
        if labelled is not None:
            by_label.extend((_product(m.group(1)), number) for m in labelled.finditer(masked))
        for m in _PROSE_WORDS.finditer(masked):
            value = m.group(3)
            if (m.group(1) or "").lower() == "of" and _YEAR.match(value):
                continue
            by_word.append((_product(value), number))
    # the target written out, then the label's own words pick out the quantity; bare "is"/"of" only when the
    # answer never names it
    return by_target or by_label or by_word


def _names(words: str, targets: Sequence[str]) -> bool:
    """Whether the words before a relation end in one of `targets` as written ("With x", "so m̂₂")."""
    parts = words.split()
    return any(same_quantity(" ".join(parts[k:]), t) for k in range(max(0, len(parts) - 3), len(parts))
               for t in targets)


def _product(text: str) -> str:
    """`13 x 13`, `13 × 13` and `13 by 13` written as LaTeX (`13 \\times 13`), a plain number as it is."""
    return re.sub(_PROSE_TIMES, r" \\times ", text.strip())


@lru_cache(maxsize=8192)
def same_quantity(a: str, b: str) -> bool:
    """Whether two pieces of LaTeX name the same quantity as written (not merely the same value): the same
    reading, or the same tokens as the math reader splits them (`\\mathrm{KL}(p \\,\\|\\, q)` and `KL(p‖q)`)."""
    from grader.math import MathError, parse, to_text

    try:
        if to_text(parse(a).root) == to_text(parse(b).root):
            return True
    except (MathError, RecursionError):
        pass
    return written_tokens(a) == written_tokens(b)


# combining accents a converted write-up puts after a letter (m̂₂), as the command LaTeX would put before it
_ACCENTS = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde", "\u0307": "dot", "\u20d7": "vec"}
_ACCENTED = re.compile("([A-Za-z\u0370-\u03ff])([" + "".join(_ACCENTS) + "])")


@lru_cache(maxsize=8192)
def written_tokens(latex: str) -> tuple[tuple[str, str], ...] | str:
    """A name as written, for telling whether two spellings are the same quantity: the math reader's tokens
    (spacing dropped, Unicode read as commands), with `\\mathrm{KL}` as its letters, `\\left(` as `(`, `||` as
    `\\|`, braces around one token dropped (`\\hat{m}_{2}` is `\\hat m_2`) and a trailing `*` a superscript
    (`w*` is `w^*`). The text without spaces where the reader refuses it."""
    from grader.math.errors import MathError
    from grader.math.lexer import tokenize

    latex = _ACCENTED.sub(lambda m: "\\" + _ACCENTS[m.group(2)] + "{" + m.group(1) + "}", latex)
    try:
        raw = tokenize(latex)
    except (MathError, RecursionError):
        return "".join(latex.split())
    flat: list[tuple[str, str]] = []
    for t in raw:
        if t.kind == "eof":
            continue
        if t.kind == "text" and re.fullmatch(r"[A-Za-z0-9]+", t.arg):
            flat.extend(("num" if c.isdigit() else "letter", c) for c in t.arg)
        elif t.kind in ("left", "right"):
            flat.append(("cmd", "Vert") if t.value == "Vert" else ("op", t.value))
        elif t.kind == "text":
            flat.append(("text", t.arg))
        elif (t.kind, t.value) == ("op", "|") and flat and flat[-1] == ("op", "|"):
            flat[-1] = ("cmd", "Vert")
        else:
            flat.append((t.kind, t.value))
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(flat):
        if flat[i] == ("op", "{") and i + 2 < len(flat) and flat[i + 2] == ("op", "}"):
            out.append(flat[i + 1])
            i += 3
            continue
        out.append(flat[i])
        i += 1
    if len(out) > 1 and out[-1] == ("op", "*") and out[-2] != ("op", "^"):
        out.insert(len(out) - 1, ("op", "^"))
    return tuple(out)


def asymptotic_claims(answer: Answer) -> list[tuple[str, int, str]]:
    """(claim LaTeX, original line, text before it on that line) for every O/Θ/Ω written in the answer."""
    found: list[tuple[str, int, str]] = []
    for text, number in zip(answer.lines, answer.line_numbers):
        for m in ASYMPTOTIC.finditer(text):
            depth, j = 0, m.end() - 1
            while j < len(text):
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth == 0 and j < len(text):
                claim = text[m.start():j + 1]
                found.append((claim, number, text[:m.start()]))
    return found


# ---------------------------------------------------------------- statements with links (derivation steps)

CHECKED_OPS = frozenset({"=", "<", "<=", ">", ">=", "approx"})
RELATION_START = re.compile(r"^\s*&?\s*(=|<|>|\\le|\\ge|\\leq|\\geq|\\approx|\\leqslant|\\geqslant|\u2264|\u2265)")
# words that make the math after them in the same sentence a hypothesis or a condition, not a claim
CONDITIONAL = re.compile(r"\b(if|iff|such that|suppose|supposing|assume|assuming|let|whenever|when|unless|"
                         r"given that|for some|provided|we want|want to|need to show|to show|prove that|"
                         r"show that)\b", re.IGNORECASE)
CONSEQUENCE = re.compile(r"\b(then|we get|we have|we obtain|so|hence|thus|therefore|which gives|gives)\b",
                         re.IGNORECASE)
# words that make a formula written right after them a special case or a choice, not a claim: "no regularization
# at $p = 1$", "with $u = w$ it is ...", "for $t = 1$", "taking $\\mu = 0$" (also the formulas joined to it by
# "and", "or" or a comma: "with $E[h] = 0$ and $Var(h) = 1$"); elsewhere in a sentence these words say nothing
SPECIAL_CASE = re.compile(r"\b(with|for|at|taking|setting|choosing|picking|in the case|in the limit)\s*"
                          r"(?:\$[^$]*\$\s*(?:,|\band\b|\bor\b)\s*)*(?:\$|\\\()?$", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?:[.;:!?](?:\s|$)|\n\s*\n)")


@dataclass(frozen=True)
class Link:
    """One relation a statement asserts: `lhs op rhs`, checked on its own."""

    lhs: N.Node
    op: str
    rhs: N.Node


@dataclass(frozen=True)
class Statement:
    """A row of math (or an inline formula) with its links and the original line it sits on."""

    latex: str
    line: int
    links: tuple[Link, ...]
    conditional: bool = False  # in prose as a hypothesis ("if $x > 0$"): read, never reported false
    unparsed: str = ""  # the parser's reason when the row could not be read
    # conditional only as a case named by a bare symbol ("with $-\lambda = 2\eta\gamma$"): a value stated for
    # that symbol, which a final answer reads as it reads "with $\lambda = ...$"
    setting: bool = False


def _prepare(latex: str) -> str:
    """Spellings the parser reads differently from the course: W^\\perp, stacked relations."""
    latex = re.sub(r"\^\s*\{?\\perp\}?", r"^{\\text{perp}}", latex)
    latex = re.sub(r"\\(?:stackrel|overset)\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\{(=|<|>|\\leq?|\\geq?)\}", r"\1", latex)
    return _drop_underbraces(latex)


def _drop_underbraces(latex: str) -> str:
    """`\\underbrace{x}_{\\text{note}}` reads as x."""
    while True:
        start = latex.find("\\underbrace{")
        if start < 0:
            return latex
        i = _brace_end(latex, start + len("\\underbrace"))
        body, rest = latex[start + len("\\underbrace{"):i], latex[i + 1:]
        note = re.match(r"\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\S)", rest)
        latex = latex[:start] + "{" + body + "}" + (rest[note.end():] if note else rest)


def split_rows(latex: str) -> list[tuple[str, int]]:
    """Rows of an aligned block split at top-level `\\\\`, with the newline count before each row."""
    body = re.sub(r"\\(?:begin|end)\{(?:aligned|align\*?|equation\*?|gathered|split|eqnarray\*?)\}", " ", latex)
    rows, depth, start, i = [], 0, 0, 0
    env_depth = 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            env_depth += 1
        elif body.startswith("\\end{", i):
            env_depth -= 1
        c = body[i]
        if c == "\\" and body.startswith("\\\\", i) and depth == 0 and env_depth == 0:
            rows.append((body[start:i], body.count("\n", 0, start)))
            start = i + 2
            i += 2
            continue
        if c == "\\" and i + 1 < len(body) and body[i + 1] in "{}":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    rows.append((body[start:], body.count("\n", 0, start)))
    # a row's line is where its first character is, not where the previous row break ended
    return [(r, n + r[:len(r) - len(r.lstrip())].count("\n")) for r, n in rows if r.strip()]


def _drop_alignment(row: str) -> str:
    """Remove the `&` of an aligned row, keeping those of a nested cases/matrix environment."""
    out, depth, i = [], 0, 0
    while i < len(row):
        if row.startswith("\\begin{", i):
            depth += 1
        elif row.startswith("\\end{", i):
            depth -= 1
        c = row[i]
        if c == "\\" and i + 1 < len(row):
            out.append(row[i:i + 2])
            i += 2
            continue
        out.append(" " if c == "&" and depth == 0 else c)
        i += 1
    return "".join(out)


def _links(node: N.Node) -> list[Link]:
    from grader.math.parsed import statement_links

    return [Link(a, op, b) for a, op, b in statement_links(node)]


def _conditional_before(text: str, start: int) -> tuple[bool, bool]:
    """Whether the sentence holding position `start` states a hypothesis before the formula, and whether the
    formula comes right after a word that makes a special case of it ("at $p = 1$", "with $u = w$")."""
    head = text[:start]
    cut = 0
    for m in SENTENCE_END.finditer(head):
        cut = m.end()
    clause = head[cut:]
    last_if = max((m.end() for m in CONDITIONAL.finditer(clause)), default=-1)
    last_then = max((m.end() for m in CONSEQUENCE.finditer(clause)), default=-1)
    return last_if > last_then, bool(SPECIAL_CASE.search(clause))


def _setting(links: Sequence[Link]) -> bool:
    """`p = 1`, `u = w`, `2\\gamma\\eta = \\lambda`, `E[h] = 0`: a relation with a bare symbol or number on a side
    names a case; "for $\\partial h_{t-1}/\\partial h_{t-2} = W\\sigma'(h_{t-2})$" is still a claim."""
    from grader.math import nodes as N

    def bare(node: N.Node) -> bool:
        node = node.x if isinstance(node, N.Neg) else node
        return isinstance(node, N.Num) or (isinstance(node, N.Sym) and not node.sub)
    return bool(links) and all(bare(link.lhs) or bare(link.rhs) for link in links)


def _span_starts(text: str, latex: str, after: int) -> int:
    pos = text.find(latex, after)
    return pos if pos >= 0 else after


def statements(lines: Sequence[str], line_numbers: Sequence[int],
               found: Sequence[MathSpan] | None = None) -> list[Statement]:
    """Every statement of an answer given as its lines and their original 1-based numbers (`found`: the spans
    of their text, if known)."""
    from grader.math.errors import MathError
    from grader.math.parsed import parse

    text = "\n".join(lines)
    out: list[Statement] = []
    cursor = 0

    def original(k: int) -> int:
        k = min(max(k, 1), len(line_numbers)) if line_numbers else k
        return line_numbers[k - 1] if line_numbers else k

    for span in _found_spans(text) if found is None else found:
        pos = _span_starts(text, span.latex, cursor)
        cursor = pos + len(span.latex)
        hypothesis, special = _conditional_before(text, pos) if not span.display else (False, False)
        latex = _prepare(span.latex)
        seen: set[tuple[Any, str, Any]] = set()
        previous = ""
        for row, offset in split_rows(latex) if span.display else [(latex, 0)]:
            line = original(span.line + offset)
            body = _drop_alignment(row).strip().rstrip(".,;")
            if previous and RELATION_START.match(row):
                body = previous + " " + body  # `&= c` continues the row above
            try:
                parsed = parse(body)
            except MathError as exc:
                out.append(Statement(row.strip(), line, (), hypothesis or special, unparsed=str(exc)))
                previous = ""
                continue
            previous = body
            fresh = []
            for link in (lk for st in parsed.statements for lk in _links(st)):
                key = (link.lhs, link.op, link.rhs)
                if key in seen:
                    continue
                seen.add(key)
                fresh.append(link)
            if fresh:
                setting = not hypothesis and special and _setting(fresh)
                out.append(Statement(row.strip(), line, tuple(fresh), hypothesis or setting, setting=setting))
    return out


# "where $\lambda = ...$", "with", "let", "here", "write", "call", "define": the formula after it names a symbol
DEFINING = re.compile(r"\b(?:where|with|let|here|given|denote|denoting|define|defining|write|writing|call|calling|"
                      r"set|setting|and|for)\s*,?\s*$", re.IGNORECASE)
NAMING_WORDS = re.compile(r"\b(?:where|let|here|denote|denoting|define|defining|write|writing|call|calling)\s*,?\s*$",
                          re.IGNORECASE)
# "$\eta = \epsilon$ for the step size", "$m = E[g]$ as the true mean": words after the formula that name it
NAMED_AFTER = re.compile(r"^\s*(?:for|as|to\s+be|to\s+denote|to\s+mean)\s+(?:the|a|an|our|its)\b", re.IGNORECASE)


def _tails(text: str, found: Sequence[MathSpan]) -> list[str]:
    """For each delimited span, the rest of its line after the closing delimiter."""
    out = []
    for _, end in _placed(text, found):
        rest = text[end:].split("\n", 1)[0]
        out.append(re.sub(r"^\s*(?:\$\$?|\\\]|\\\))", "", rest))
    return out


def definitions(answer: Answer, found: Sequence[MathSpan]) -> list[tuple[N.Node, N.Node, int, str]]:
    """(symbol, value, original line, LaTeX) of each symbol the answer may define in words ("where
    $\\lambda = (1-p)/p$", "with $s = g/\\|u\\|$", "let $a = 2$", "write $\\mathbf m = E[g]$", "$\\eta = \\epsilon$ for
    the step size"): a formula right after such a word, or followed by "for the ...", with one symbol alone on a
    side (a relation of two symbols gives both readings, the one on the left first). A number is a definition
    only after a naming word ("for $t = 1$" is a case, not a name); "and" continues a list of definitions. Which
    of these name a new symbol (not the asked quantity, not one of the rubric's) is for the check to say."""
    from grader.math import nodes as N
    from grader.math.errors import MathError
    from grader.math.parsed import parse

    out: list[tuple[N.Node, N.Node, int, str]] = []
    previous = ""  # the word that opened the list the last formula belonged to ("" after anything else)
    for span, head, tail, shown in zip(found, _heads(answer.text, found), _tails(answer.text, found),
                                       spans(answer, found)):
        clause = re.split(r"\$|\\\)", _OPENERS.sub("", head))[-1]
        word = DEFINING.search(clause)
        joined = word is not None and word.group(0).strip().lower().startswith("and")
        opener = previous if joined else (word.group(0) if word is not None else "")
        named_after = NAMED_AFTER.match(tail) is not None
        previous = ""
        if not opener and not named_after:
            continue
        try:
            parsed = parse(span.latex.strip().rstrip(".,;"))
        except (MathError, RecursionError):
            continue
        if len(parsed.links) != 1 or parsed.links[0][1] != "=":
            continue
        lhs, _, rhs = parsed.links[0]
        found_any = False
        for name, value in ((lhs, rhs), (rhs, lhs)):
            if not isinstance(name, N.Sym) or any(n == name for n in N.walk(value)):
                continue
            if isinstance(value, N.Num) and not (NAMING_WORDS.search(opener) or named_after):
                continue
            out.append((name, value, shown.line, span.latex.strip()))
            found_any = True
        if found_any:
            previous = opener
    return out


# ---------------------------------------------------------------- the reading every check shares
class Reading:
    """One answer read once, before its checks run: each view is built on first use and kept, so that the
    checks of a question (and the questions that build on it) never parse the same math again."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self._same: dict[tuple[str, str], bool] = {}

    @cached_property
    def found(self) -> tuple[MathSpan, ...]:
        """The delimited math of the answer's text, at lines of that text (1-based)."""
        return tuple(_found_spans(self.answer.text))

    @cached_property
    def spans(self) -> tuple[Span, ...]:
        """Every math span at its original line."""
        return tuple(spans(self.answer, self.found))

    @cached_property
    def sides(self) -> tuple[Side, ...]:
        """Every relation side and bare expression (delimited math, then prose math), in line order."""
        return tuple(sides(self.answer, self.found))

    @cached_property
    def groups(self) -> tuple[tuple[Side, ...], ...]:
        """The sides grouped into the statements (relations, chains) they came from."""
        return tuple(tuple(g) for g in statements_of(list(self.sides)))

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        """Every statement with its links, its original line and whether prose makes it a condition."""
        return tuple(statements(self.answer.lines, self.answer.line_numbers, self.found))

    @cached_property
    def worded(self) -> tuple[Statement, ...]:
        """The values and powers stated in words ("$c$ and $\\mu$ both zero"), as statements with links."""
        from grader.math.errors import MathError
        from grader.math.parsed import parse

        out = []
        for span, head in worded_spans(self.answer):
            try:
                parsed = parse(span.latex)
            except (MathError, RecursionError):
                continue
            links = tuple(lk for st in parsed.statements for lk in _links(st))
            if links:
                out.append(Statement(span.latex, span.line, links, bool(CONDITIONAL.search(head))))
        return tuple(out)

    @cached_property
    def definitions(self) -> tuple[tuple[N.Node, N.Node, int, str], ...]:
        """(symbol, value, original line, LaTeX) of each symbol the answer defines in words ("where ...")."""
        # a write-up without math delimiters defines its names in plain text ("With p = softmax(z), ...")
        return tuple(definitions(self.answer, self.found or plain_found(self.answer)))

    @cached_property
    def claims(self) -> tuple[tuple[str, int, str], ...]:
        """(claim, original line, text before it on its line) for every O/Θ/Ω written in the answer."""
        return tuple(asymptotic_claims(self.answer))

    @cached_property
    def items(self) -> dict[str, tuple[str, ...]]:
        """The members of each side written as a list or tuple, by the side's LaTeX."""
        return {s.latex: tuple(items(s.latex)) for s in self.sides}

    @cached_property
    def phrases(self) -> tuple[tuple[tuple[str, ...], int], ...]:
        """Each line as rubric phrases are matched against it (evidence.readings), with its original number."""
        from grader.read.evidence import readings

        return tuple((readings(text), number) for text, number in zip(self.answer.lines, self.answer.line_numbers))

    def find(self, pattern: str) -> Match | None:
        """First line where a rubric phrase or pattern occurs, as `evidence.find` says, without re-reading lines."""
        from grader.read.evidence import search

        return search(self.phrases, pattern)

    def same_quantity(self, a: str, b: str) -> bool:
        """`same_quantity`, remembered: several checks ask it of the same sides."""
        key = (a, b)
        if key not in self._same:
            self._same[key] = same_quantity(a, b)
        return self._same[key]
