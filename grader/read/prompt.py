"""Find where the question text repeated at the top of an answer ends: by the handout's prompt, or by cues."""

from __future__ import annotations

import bisect
import re
from typing import Sequence

Position = tuple[int, int]  # (line offset within the part, column)

_MAX_PARAGRAPHS = 8  # question text repeated before an answer is a few paragraphs at most
_ECHOED = 0.5  # share of a prompt's words that text must hold to be all prompt when no other text follows it
_WINDOW = 12  # how far ahead in the prompt a token may be found (conversions drop and reorder words)

_LEAD = re.compile(r"^[\s>*_#\-–—•]*(?:\(?[0-9a-z]{1,3}[.)]\s+)?", re.I)
_INLINE_MATH = re.compile(r"\$[^$]*\$")
_MATH_SPAN = re.compile(r"\$\$.*?(?:\$\$|$)|\$[^$]*\$|\\\(.*?\\\)")
_SELF = re.compile(r"(?:we|i|our|my|let'?s|let us|solution|answer|proof|to (?:solve|prove|show|answer|see|begin|start)"
                   r"|yes|no)\b", re.I)
# a "?" asks, unless a URL query or a word follows it ("?x=1")
_ASKS = re.compile(r"\?(?![\w=&%/])|\b(?:show|prove|verify|derive) that\b|\(hint|\bhint\s*:|\banswer in [0-9]|\bthis question\b"
                   r"|,\s*(?:write|show|prove|derive|compute|calculate|give|find|express|explain|argue|describe|identify"
                   r"|determine|state|provide)\b", re.I)
_REPLY = re.compile(r"(?:thus|therefore|hence|so|by|from|since|because|according|using|now|first(?:ly)?|clearly|it|this"
                    r"|these|here|as|after|if|starting|substituting|plugging|taking|applying|rewriting|expanding)\b", re.I)
_VERB = re.compile(r"(?:show|prove|derive|compute|calculate|find|give|express|write|explain|describe|discuss|compare"
                   r"|argue|verify|determine|design|propose|unroll|use|apply|state|obtain|implement|complete|identify"
                   r"|sketch|draw|evaluate|justify|list|provide|comment|conclude)\b", re.I)
# setup a handout puts before the actual request: "Let ...", "where ...", "X is a ..." (a definition)
_SETUP = re.compile(r"(?:let|consider|assume|suppose|given|recall|where|with|for|in this|note|define|the following"
                    r"|[\w*\s-]{1,40}\bis (?:a|an|the)\b)", re.I)
# an answer that starts on the question's own line, after a sentence end
_INLINE = re.compile(r"(?:let'?s|let us|now|so|thus|therefore|hence|solution|answer|proof)\b", re.I)
_INLINE_AFTER_ASK = re.compile(r"(?:we|i|my|our)\b", re.I)  # "... Why? We ..." (handouts say "We denote" too)
_INTRODUCES = re.compile(r"(?::|\bas|\bfollowing\b.*|\bthat|\bis|\bby|i\.e\.)\s*[.,]?\s*$", re.I)
_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=\S)")
_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]+|[0-9]+")


def _paragraphs(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) line offsets of blank-separated paragraphs; a display-math line stands alone."""
    out: list[tuple[int, int]] = []
    first: int | None = None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s.startswith("$$"):
            if first is not None:
                out.append((first, i - 1))
                first = None
            if s:
                out.append((i, i))
            continue
        if first is None:
            first = i
    if first is not None:
        out.append((first, len(lines) - 1))
    return out


def classify(text: str) -> str:
    """'math', 'answer', 'question' or 'neutral' for a paragraph right after a question's number."""
    s = text.strip()
    if s.startswith(("$$", "\\[", "\\begin")):
        return "math"
    t = s[_LEAD.match(s).end():]  # type: ignore[union-attr]
    if _SELF.match(t):
        return "answer"
    if _ASKS.search(_INLINE_MATH.sub(" ", t)):
        return "question"
    if _REPLY.match(t):
        return "answer"
    return "question" if _VERB.match(t) else "neutral"


def _inline_answer(line: str) -> int | None:
    """Column where an answer starts inside a question line ("... than the other? Why? Let's see ...")."""
    for m in _SENTENCE.finditer(line):
        asked = line[m.start() - 1] == "?"
        if _INLINE.match(line, m.end()) or (asked and _INLINE_AFTER_ASK.match(line, m.end())):
            return m.end()
    return None


def by_cues(lines: Sequence[str], footnotes: frozenset[int] = frozenset()) -> Position:
    """Where the answer starts when no prompt is known: after the last question-like paragraph at the top.

    A question paragraph (imperative verb, '?', "show that", a hint) may follow setup paragraphs ("Let ...",
    math, "where ...") but any other plain paragraph ends the question, and so does the first reply-like
    paragraph ("We ...", "Thus ...", "If ..."). Lines in `footnotes` (numbered notes) are skipped over.
    """
    paras = _paragraphs(lines)
    last_q = -1
    for k, (a, b) in enumerate(paras[:_MAX_PARAGRAPHS]):
        text = " ".join(lines[a:b + 1])
        kind = classify(text)
        if a in footnotes or kind == "math":
            continue
        setup = kind == "neutral" and last_q < 0 and _SETUP.match(text[_LEAD.match(text).end():])  # type: ignore[union-attr]
        if kind == "answer" or (kind == "neutral" and not setup):
            break
        if kind == "question":
            last_q = k
            if _inline_answer(lines[b]) is not None:
                break  # the answer has begun on this very line
    if last_q < 0:
        return (0, 0)
    a, b = paras[last_q]
    cut = _inline_answer(lines[b])
    if cut is not None:
        return (b, cut)
    end = last_q
    while end + 1 < len(paras) and classify(lines[paras[end + 1][0]]) == "math" and _INTRODUCES.search(lines[paras[end][1]]):
        end += 1
    return (paras[end][1] + 1, 0)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-case word and number tokens with their columns; LaTeX commands are dropped (conversions vary them)."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text) if not m.group().startswith("\\")]


def _prose(line: str, toks: Sequence[tuple[str, int, int]]) -> set[int]:
    """Positions in `toks` of words (two letters or more) outside math; none on a display-math line."""
    if line.lstrip().startswith(("$$", "\\[", "\\begin")):
        return set()
    starts, ends = [], []
    for m in _MATH_SPAN.finditer(line):
        starts.append(m.start())
        ends.append(m.end())

    def in_math(col: int) -> bool:  # spans are disjoint and sorted: one bisection, linear even on a hostile line
        k = bisect.bisect_right(starts, col) - 1
        return k >= 0 and col < ends[k]

    return {k for k, (word, start, _) in enumerate(toks) if len(word) >= 2 and word.isalpha() and not in_math(start)}


def by_prompt(lines: Sequence[str], prompt: str) -> Position:
    """Where the answer starts: after the leading lines that follow the prompt's words in order."""
    words = [t for t, _, _ in _tokens(prompt)]
    if not words:
        return (0, 0)
    p, at = 0, (0, 0)
    echoed: set[str] = set()  # the prompt's prose words the lines taken for the prompt hold
    for i, line in enumerate(lines):
        toks = _tokens(line)
        if not toks:
            continue
        if p >= len(words) - 1:
            break
        # words outside math carry the evidence: an answer restates the prompt's formulas, rarely its sentences
        prose = _prose(line, toks)
        opening, hits, prose_hits, last_end, first = p == 0, 0, 0, 0, p == 0
        for k, (word, _, end) in enumerate(toks):
            window = words[p:] if first else words[p:p + _WINDOW]
            if word in window:
                p += window.index(word) + 1
                hits, last_end, first = hits + 1, end, False
                prose_hits += k in prose
        if hits < 0.7 * len(toks) or prose_hits < 0.7 * len(prose) or (opening and not prose):
            break
        at = (i + 1, 0)
        echoed.update(toks[k][0] for k in prose)
        tail = [t for t in toks if t[1] >= last_end]
        if p >= len(words) - 1 and len(tail) >= 3:
            return (i, tail[0][1])  # the answer goes on after the question on the same line
    if not any(_tokens(line) for line in lines[at[0]:]) and len(echoed) < _ECHOED * len(_prompt_prose(prompt)):
        # all would go, yet it holds few of the prompt's words: an answer that uses them ("Unrolling the running
        # average: $v_t = ...$"), not the prompt copied out with nothing after it
        return (0, 0)
    return at


def _prompt_prose(prompt: str) -> set[str]:
    """The distinct words of a prompt outside its math."""
    toks = _tokens(prompt)
    return {toks[k][0] for k in _prose(prompt, toks)}


# words too common in handouts to tell one question from another
_COMMON = frozenset(
    "the and for that this with from are was were you your our can which what when where how why then than into "
    "its their there these those such each any all not but also using use show prove derive compute find give "
    "write explain question problem part answer solution exercise section let consider assume suppose given "
    "following above below following note hint does have has been being will would should could must may might "
    "one two three".split())
_WORD = re.compile(r"[A-Za-z]{3,}")


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, outside math, less the words every handout uses."""
    plain = _MATH_SPAN.sub(" ", text)
    return {w for w in (m.group().lower() for m in _WORD.finditer(plain)) if w not in _COMMON}


def title_match(title: str, prompts: Sequence[str]) -> list[float]:
    """How well a heading's words name each prompt, in [0, 1]: its words found in that prompt, each weighted
    by how few prompts share it, over all its words (a title word no prompt has counts against every match)."""
    words = content_words(title)
    if not words:
        return [0.0] * len(prompts)
    bags = [content_words(p) for p in prompts]
    spread = {w: sum(w in bag for bag in bags) for w in words}
    return [sum(1.0 / spread[w] for w in words if w in bag) / len(words) for bag in bags]


# math a prompt names that tells one question from another (a gradient, a projector); letters and fractions do not
_NAMED_MATH = {"nabla": "nabla", "partial": "partial", "perp": "perp", "bot": "perp", "otimes": "otimes",
               "odot": "odot", "oplus": "oplus", "int": "int", "prod": "prod", "det": "det",
               "∇": "nabla", "∂": "partial", "⊥": "perp", "⊗": "otimes", "⊙": "odot", "⊕": "oplus", "∫": "int",
               "∏": "prod"}
_MATH_NAME = re.compile(r"\\([A-Za-z]+)|([∇∂⊥⊗⊙⊕∫∏])")
_COMMAND = re.compile(r"\\(?:begin|end)\{[^{}]*\}|\\[A-Za-z]+\*?")
# words that say how, not what: "written in the form", "with respect to", "through"
_GENERIC = frozenset("through under over about between other same only some more most written form respect "
                     "both either neither then thus hence therefore since because".split())


def _stem(word: str) -> str:
    """One spelling per word: British -ise forms as -ize, a plural as its singular ("normalisations" -> "normalization")."""
    for british, american in (("isation", "ization"), ("ising", "izing"), ("ised", "ized")):
        if word.endswith(british):
            word = word[: -len(british)] + american
            break
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def evidence_words(text: str) -> set[str]:
    """What a text says that can tell questions apart: its content words outside math, stemmed, and the
    operators its math names (`\\nabla`, `∇` and `⊥` as "\\nabla", "\\perp")."""
    plain = _COMMAND.sub(" ", _MATH_SPAN.sub(" ", text))
    words = {_stem(w) for w in (m.group().lower() for m in _WORD.finditer(plain)) if w not in _COMMON}
    named = {"\\" + _NAMED_MATH[m.group(1) or m.group(2)] for m in _MATH_NAME.finditer(text)
             if (m.group(1) or m.group(2)) in _NAMED_MATH}
    return {w for w in words if w not in _COMMON and w not in _GENERIC} | named


def shared_evidence(answer: str, question: str) -> int:
    """How many distinct words and named operators an answer (its heading's title and text) shares with a
    question's title and prompt."""
    return len(evidence_words(answer) & evidence_words(question))
