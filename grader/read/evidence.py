"""Find rubric keywords and phrases in an answer, with the lines where they occur."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from grader.math.lexer import UNICODE, UNICODE_OPS
from grader.read.segment import Answer


@dataclass(frozen=True)
class Match:
    """Where a pattern was found: the original line and the text matched."""

    pattern: str
    line: int
    text: str


# LaTeX that changes how a formula looks, not what it says: a rubric's pattern written for `\frac{a}{b}` or
# `E[x]` must also find `\dfrac{a}{b}` and `E\left[x\right]`
_LOOKS = (
    (re.compile(r"\\(?:left|right)\s*\.(?![0-9])"), ""),  # the invisible delimiter
    (re.compile(r"\\(?:left|right|middle|[bB]igg?[lrm]?)(?![a-zA-Z])\s*"), ""),  # keeps the delimiter
    (re.compile(r"\\[dtc]frac(?![a-zA-Z])"), r"\\frac"),
    (re.compile(r"\\(?:displaystyle|textstyle|scriptstyle)(?![a-zA-Z])\s*"), ""),
    (re.compile(r"\\(?:boldsymbol|bm)\s*\{"), r"\\mathbf{"),
    (re.compile(r"\\([lg]e)qslant(?![a-zA-Z])"), r"\\\1q"),
    (re.compile(r"\\[,;:> ]|\\q?quad(?![a-zA-Z])"), " "),
    (re.compile(r"\\!"), ""),
    (re.compile(r"\\intercal(?![a-zA-Z])|\\mathsf\{T\}"), r"\\top"),  # the transpose, however it is set
    (re.compile(r"\\[lr]?Vert(?![a-zA-Z])\s?"), r"\\|"),  # the norm bars
    (re.compile(r"\\[lr]vert(?![a-zA-Z])\s?"), "|"),
)


# Unicode letters and symbols the math reader knows, spelled as their commands (`αt` -> `\alpha t`)
_UNICODE_MATH = re.compile("([" + "".join(re.escape(c) for c, name in UNICODE.items() if name.isalpha())
                           + "])([A-Za-z])?")


_ASCII_OPS = str.maketrans(UNICODE_OPS)  # the minus sign, dashes, primes


def _spell(m: re.Match[str]) -> str:
    return "\\" + UNICODE[m.group(1)] + (" " + m.group(2) if m.group(2) else "")


def _normalise(text: str) -> str:
    for rx, replacement in _LOOKS:
        text = rx.sub(replacement, text)
    # `\textit{necessary}` and `*necessary*` should read as the word; math stays as written
    text = re.sub(r"\\(?:text|textit|textbf|emph|mathrm|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\*{1,3}([^*\n]+)\*{1,3}", r"\1", text)
    # `_word_` is emphasis only at word edges: `h_{t-1}` and `x_t` keep their underscores
    return re.sub(r"(?<!\w)_{1,3}([^_\n]+)_{1,3}(?!\w)", r"\1", text).lower()


# ---------------------------------------------------------------- what a rubric claim may be

class MathClaim(BaseModel):
    """`{math: '<LaTeX>'}`: some expression of the answer (a relation's side, a bare formula, or a term, factor,
    numerator, denominator or argument inside one) is equivalent to this one, as final_answer compares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    math: str
    # `denominator`: only what the answer divides by counts (a fraction's denominator, the base of a negative
    # power), so `{math: '1-\\beta^t', part: denominator}` is "something over 1-β^t", whatever the numerator
    part: Literal["denominator"] | None = None

    @field_validator("math")
    @classmethod
    def _readable(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("empty formula: write the LaTeX the answer must contain")
        from grader.math import MathError, parse

        try:
            parse(v)
        except MathError as exc:
            raise ValueError(f"cannot read the LaTeX {v!r}: {exc}") from None
        except RecursionError:
            raise ValueError(f"cannot read the LaTeX {v!r}: nested too deeply") from None
        return v


class Pattern(BaseModel):
    """`{re: '<regular expression>', why: '<reason>'}`: a pattern kept where no phrase or formula says the same."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    regex: str = Field(alias="re")
    why: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("empty pattern")
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"the pattern {v!r} does not compile: {exc}") from None
        return v

    @field_validator("why")
    @classmethod
    def _said(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("say why a regular expression is needed here")
        return v


# ---------------------------------------------------------------- notation as tokens

NOTATION_TOKENS = 12  # longest notation claim, in tokens (the pack hashes the answer's token runs up to this)
# a command, an escaped symbol (`\|`), a run of letters, a run of digits, or one other character; braces and
# `$` only group or delimit, so `\nabla^{2}` and `$\nabla^2$` are the same tokens
_TOKEN = re.compile(r"\\[a-z]+|\\[^a-z\s]|[a-z]+|\d+|[^\s{}$]")
# decorations that do not change which symbol is meant (`\hat{\mathbf v}` is `\hat v`, `\mathbb{E}` is `E`)
_DECORATION = frozenset({"\\mathbf", "\\mathbold", "\\mathit", "\\mathrm", "\\vec", "\\mathbb"})
# spellings of one symbol, as one (Unicode as the command it prints)
_SAME_SYMBOL = {
    "\\rightarrow": "\\to", "\\longrightarrow": "\\to", "\u2192": "\\to", "\\leq": "\\le", "\u2264": "\\le",
    "\\geq": "\\ge", "\u2265": "\\ge", "\\gets": "\\leftarrow", "\u2190": "\\leftarrow", "\u2193": "\\downarrow",
    "\u2211": "\\sum", "\u220f": "\\prod", "\u222b": "\\int", "\u2207": "\\nabla", "\u221a": "\\sqrt",
    "\u22a5": "\\perp", "\u226a": "\\ll", "\u22ef": "\\cdots", "\u2026": "\\ldots", "\\dots": "\\ldots",
    "\\ne": "\\neq", "\u2260": "\\neq", "\\lvert": "|", "\\rvert": "|", "\u2016": "\\|",
}


# a Greek letter's name written as a word is its command in plain-text math ("2gamma theta" is `2\\gamma\\theta`)
_GREEK = frozenset("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
                   "pi rho sigma tau upsilon phi varphi chi psi omega".split())


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """A normalised reading (`readings`) as notation tokens with where each starts and ends in it (cached: every
    notation and ordered-words claim of a question reads the same lines)."""
    out, held = [], None  # held: where a decoration dropped just before starts (shown with its symbol)
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok in _DECORATION:
            held = m.start() if held is None else held
            continue
        out.append(("\\" + tok if tok in _GREEK else _SAME_SYMBOL.get(tok, tok), m.start() if held is None else held,
                    m.end()))
        held = None
    return tuple(out)


@lru_cache(maxsize=1024)
def notation_tokens(notation: str) -> tuple[str, ...]:
    """A notation claim's tokens, read as an answer's line is (normalised, lowercased)."""
    return tuple(t for t, _, _ in tokens(_normalise(notation)))


class NotationClaim(BaseModel):
    """`{notation: '<LaTeX>'}`: this piece of notation occurs in the answer (`\\nabla`, `\\nabla^2`, `\\hat v`), as
    a run of tokens (commands, letters, digits, symbols) of one line, braces, `$`, spacing and `\\mathbf` aside."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notation: str

    @field_validator("notation")
    @classmethod
    def _notation(cls, v: str) -> str:
        toks = notation_tokens(v)
        if not toks:
            raise ValueError("empty notation: write the LaTeX command or symbols the answer must contain")
        if all(t.isalpha() for t in toks) or all(t.isdigit() for t in toks):
            raise ValueError(f"{v!r} is words or numbers, not notation: write it as a phrase")
        if len(toks) > NOTATION_TOKENS:
            raise ValueError(f"{v!r} is {len(toks)} tokens, more than {NOTATION_TOKENS}: "
                             "write an expression as {math: ...}")
        return v


def shown_span(text: str, start: int, end: int) -> str:
    """The student's text from `start` to `end`, with the braces it opened closed (`\\hat{v}`, not `\\hat{v`)."""
    while end < len(text) and text[end] == "}" and text.count("{", start, end) > text.count("}", start, end):
        end += 1
    return text[start:end]


def find_notation(rows: Iterable[tuple[Iterable[str], int]], notation: str) -> Match | None:
    """The first line (rows as `search` takes them) where the notation's tokens occur in a row, or None."""
    want = notation_tokens(notation)
    n = len(want)
    for texts, number in rows:
        for text in texts:
            toks = tokens(text)
            for i in range(len(toks) - n + 1):
                if tuple(t for t, _, _ in toks[i:i + n]) == want:
                    return Match(pattern="notation:" + notation, line=number, text=shown_span(text, toks[i][1],
                                                                                              toks[i + n - 1][2]))
    return None


# ---------------------------------------------------------------- words in order

WORDS_MAX = 8  # most words of an ordered-words claim
WITHIN_MAX = 40  # most other words allowed between two of its words
_SENTENCE_END = frozenset(".;!?")


@lru_cache(maxsize=8192)
def word_keys(word: str) -> frozenset[str]:
    """What an answer's word matches in an ordered-words claim: itself and each of its starts with `*`."""
    return frozenset({word, *(word[:j] + "*" for j in range(1, len(word) + 1))})


def claim_word_keys(word: str) -> frozenset[str]:
    """The keys a claim's word is found by: `regulariz*` itself, else the word and its plural and verb forms."""
    w = word.lower()
    return frozenset({w}) if w.endswith("*") else frozenset(inflections(w))


@lru_cache(maxsize=4096)
def sentence_words(text: str) -> tuple[tuple[int, str, int, int], ...]:
    """A reading's words (letter and digit runs) with the index of their sentence (`.`, `;`, `!`, `?` end one,
    a decimal point does not) and where each starts and ends."""
    toks = tokens(text)
    out, sentence = [], 0
    for k, (tok, start, end) in enumerate(toks):
        if tok in _SENTENCE_END:
            decimal = (tok == "." and 0 < k < len(toks) - 1 and toks[k - 1][0].isdigit() and toks[k + 1][0].isdigit())
            sentence += 0 if decimal else 1
        elif tok.isalnum():
            out.append((sentence, tok, start, end))
    return tuple(out)


def gaps(within: int | Sequence[int], n: int) -> list[int]:
    """`within` as the most other words allowed in each of the n - 1 gaps between n words."""
    return [within] * (n - 1) if isinstance(within, int) else [int(g) for g in within]


def ordered(words: Sequence[Collection[str]], want: Sequence[Collection[str]], sentences: Sequence[int],
            within: int | Sequence[int]) -> tuple[int, int] | None:
    """The first run of `words` (each the keys it is found by) that holds `want`'s words in order, in one sentence,
    with at most `within` other words between two of them (one number for every gap, or one per gap): (index of
    its first word, of its last), or None."""
    room = gaps(within, len(want))

    def rest(k: int, j: int) -> int | None:
        if k == len(want):
            return j - 1
        for i in range(j, min(j + room[k - 1] + 1, len(words))):
            if sentences[i] != sentences[j - 1]:
                break
            if not set(want[k]).isdisjoint(words[i]):
                end = rest(k + 1, i + 1)
                if end is not None:
                    return end
        return None
    for i in range(len(words)):
        if not set(want[0]).isdisjoint(words[i]):
            end = rest(1, i + 1)
            if end is not None:
                return i, end
    return None


class WordsClaim(BaseModel):
    """`{words: [small, more], within: 5}`: these words in this order in one sentence, with at most `within` other
    words between two of them (0: next to each other, symbols and LaTeX commands aside; a list: one per gap), each
    word also in its plural and verb forms, or any ending after a `*`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: tuple[str, ...]
    within: int | tuple[int, ...] = 0  # one number for every gap, or one per gap (`[30, 0]`)

    @field_validator("words", mode="before")
    @classmethod
    def _numbers(cls, v: Any) -> Any:
        """A number in the list (`[mean, is, 0]` in YAML) is the word it is written as."""
        return [str(w) if isinstance(w, int) and not isinstance(w, bool) else w for w in v] if isinstance(v, list) else v

    @field_validator("words")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not 2 <= len(v) <= WORDS_MAX:
            raise ValueError(f"give 2 to {WORDS_MAX} words (one word is a phrase)")
        for w in v:
            if not re.fullmatch(r"[A-Za-z0-9]+\*?", w):
                raise ValueError(f"{w!r} is not one word (letters or digits, optionally ending in `*`)")
        return v

    @field_validator("within")
    @classmethod
    def _within(cls, v: int | tuple[int, ...]) -> int | tuple[int, ...]:
        if not all(0 <= g <= WITHIN_MAX for g in ((v,) if isinstance(v, int) else v)):
            raise ValueError(f"within is how many other words may stand between two of the words: 0 to {WITHIN_MAX}")
        return v

    @model_validator(mode="after")
    def _one_per_gap(self) -> WordsClaim:
        if not isinstance(self.within, int) and len(self.within) != len(self.words) - 1:
            raise ValueError(f"within: give one number, or one per gap between the words ({len(self.words) - 1})")
        return self


def find_words(rows: Iterable[tuple[Iterable[str], int]], claim: WordsClaim) -> Match | None:
    """The first line (rows as `search` takes them) where the claim's words stand in order, or None."""
    want = [claim_word_keys(w) for w in claim.words]
    for texts, number in rows:
        for text in texts:
            found = sentence_words(text)
            hit = ordered([word_keys(w) for _, w, _, _ in found], want, [s for s, _, _, _ in found], claim.within)
            if hit is not None:
                return Match(pattern="words:" + " ".join(claim.words), line=number,
                             text=text[found[hit[0]][2]:found[hit[1]][3]])
    return None


def _entry(v: Any) -> Any:
    """A claim as written: a phrase, `re:...` (a pattern of an older rubric), `{math: ...}`, `{notation: ...}` or
    `{re: ..., why: ...}`."""
    if isinstance(v, str):
        if not v.strip():
            raise ValueError("empty phrase")
        if v.startswith("re:"):
            try:
                re.compile(v[3:])
            except re.error as exc:
                raise ValueError(f"the pattern {v[3:]!r} does not compile: {exc}") from None
        return v
    if isinstance(v, dict):
        model: type[BaseModel] | None = (MathClaim if "math" in v else NotationClaim if "notation" in v
                                          else WordsClaim if "words" in v else Pattern if "re" in v else None)
        if model is None:
            if "why" in v:
                raise ValueError("a reason (`why`) needs its pattern: {re: '...', why: '...'}")
            raise ValueError("a claim is a phrase, {math: '<LaTeX>'}, {notation: '<LaTeX>'}, "
                             "{words: [<word>, ...], within: <n>} or {re: '<pattern>', why: '<reason>'}")
        try:
            return model.model_validate(v)
        except ValidationError as exc:
            raise ValueError("; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'claim'}: {e['msg']}"
                                       for e in exc.errors())) from None
    return v


# one entry of a claim list (`any`, `all`, `none`, a free-text point's `any`)
Entry = Annotated[Union[str, MathClaim, NotationClaim, WordsClaim, Pattern], BeforeValidator(_entry)]


def entry_text(entry: str | MathClaim | NotationClaim | WordsClaim | Pattern) -> str:
    """The entry as one line of text (a pattern as `re:...`, a formula as `math:...`, notation as `notation:...`),
    for messages and keys."""
    if isinstance(entry, MathClaim):
        return "math:" + entry.math
    if isinstance(entry, NotationClaim):
        return "notation:" + entry.notation
    if isinstance(entry, WordsClaim):
        return "words:" + " ".join(entry.words) + (f" (within {entry.within})" if entry.within != 0 else "")
    if isinstance(entry, Pattern):
        return "re:" + entry.regex
    return entry


# ---------------------------------------------------------------- phrases as words

_APOSTROPHE = "['\u2019]"
_NOT = r"(?:(?<!\w)not|n" + _APOSTROPHE + "t)"  # "not", and the "n't" of "isn't"
# words that deny what follows them in the same clause: "does not vanish", "no longer vanishes", "isn't unbiased"
_NEGATION = re.compile(r"(?<!\w)(?:not|no|never|cannot|neither|nor|without|hardly)(?!\w)|\w+n" + _APOSTROPHE + "t(?!\\w)")
_CLAUSE_END = re.compile(r"[.;:,!?()]|(?<!\w)(?:but|because|since|while|whereas|although|though|and|so|which|"
                         r"that|when|if|then|as)(?!\w)")
NEGATION_WORDS = 3  # how many words before a phrase a negation may stand and still deny it
_NOT_DENYING = ("only", "just", "merely")  # "not only X" still says X
_SIBILANT = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"


def inflections(word: str) -> tuple[str, ...]:
    """The forms a phrase's word also matches: plural and verb endings ("vanish": vanishes, vanished,
    vanishing; "vary": varies, varied; "stop": stopped), never another word ("soft" is not "softmax")."""
    if not word.isalpha() or len(word) < 3:
        return (word,)
    base = word
    if word.endswith("ies") and len(word) > 4:
        base = word[:-3] + "y"
    elif word.endswith("es") and word[:-2].endswith(_SIBILANT):
        base = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "as", "os")) and len(word) > 3:
        base = word[:-1]
    forms = {word, base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2] not in _VOWELS:
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(_SIBILANT):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
        if len(base) <= 4 and base[-1] not in _VOWELS + "wxy" and base[-2] in _VOWELS and base[-3] not in _VOWELS:
            forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}  # stop -> stopped
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def _word_pattern(word: str) -> str:
    if word.endswith("*") and len(word) > 1:
        return re.escape(word[:-1]) + r"\w*"
    if word == "not":
        return _NOT
    if re.fullmatch(r"\w+n['\u2019]t", word):  # "isn't" written in the rubric: also "is not"
        head = word[:-3]
        head = {"ca": "can", "wo": "will"}.get(head, head)
        return rf"(?:{re.escape(head)}\s*not|{re.escape(word[:-3])}n{_APOSTROPHE}t)"
    forms = inflections(word)
    return re.escape(word) if len(forms) == 1 else "(?:" + "|".join(re.escape(f) for f in forms) + ")"


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """`re:...` is a regular expression written by the course; anything else is a phrase matched as whole words,
    each word also in its plural and verb forms (`vanish` finds "vanishes", "vanishing"), where a word ending in
    `*` matches any ending (`normaliz*` finds "normalization")."""
    if pattern.startswith("re:"):
        return re.compile(pattern[3:], re.IGNORECASE)
    words = pattern.lower().split()
    # "not" carries its own left edge: the "n't" of "isn't" starts inside a word
    edge = "" if words and words[0] == "not" else r"(?<!\w)"
    return re.compile(edge + r"\s+".join(_word_pattern(w) for w in words) + r"(?!\w)")


def negated(text: str, start: int) -> bool:
    """Whether a negation among the few words before `start`, in the same clause, denies what starts there
    ("whether or not it vanishes" and "not only vanishes" deny nothing)."""
    head = text[:start]
    cut = 0
    for m in _CLAUSE_END.finditer(head):
        cut = m.end()
    words = head[cut:].split()
    first = max(len(words) - NEGATION_WORDS, 0)
    for k in range(first, len(words)):
        if not _NEGATION.fullmatch(words[k]):
            continue
        after = words[k + 1] if k + 1 < len(words) else ""
        if words[k] == "not" and (k > 0 and words[k - 1] == "or" or after in _NOT_DENYING):
            continue
        return True
    return False


def readings(text: str) -> tuple[str, ...]:
    """A line as phrases and patterns are matched against it: as written, and, when it holds Unicode math
    (α, ≤, →, −), also with those spelled as the LaTeX a course's patterns are written in."""
    plain = _normalise(text)
    spelled = _UNICODE_MATH.sub(_spell, text).translate(_ASCII_OPS)
    return (plain,) if spelled == text else (plain, _normalise(spelled))


def find(answer: Answer, pattern: str) -> Match | None:
    """First line of the answer where `pattern` occurs (in any of its readings), or None."""
    return search(((readings(text), number) for text, number in zip(answer.lines, answer.line_numbers)), pattern)


def search(rows: Iterable[tuple[Iterable[str], int]], pattern: str) -> Match | None:
    """The first match of `pattern` in rows of (a line's readings, its line number), or None. A phrase that a
    negation denies ("does not vanish" for `vanish`) is not found there, and a phrase that starts with "not"
    (`not vanish`) is also found where any negation denies the rest ("neither vanish", "no longer vanishes").
    A course's `re:` pattern is matched as written."""
    rx = compile_pattern(pattern)
    words = not pattern.startswith("re:")
    head, _, rest = pattern.lower().strip().partition(" ")
    denied = compile_pattern(rest) if words and head == "not" and rest.strip() else None
    for texts, number in rows:
        for text in texts:
            for m in rx.finditer(text):
                if words and negated(text, m.start()):
                    continue
                return Match(pattern=pattern, line=number, text=m.group(0))
            for m in denied.finditer(text) if denied is not None else ():
                if negated(text, m.start()):
                    return Match(pattern=pattern, line=number, text=_from_negation(text, m))
    return None


def _from_negation(text: str, m: re.Match[str]) -> str:
    """The student's words from the negation to the end of the phrase ("neither vanish")."""
    head = text[:m.start()]
    last = None
    for n in _NEGATION.finditer(head):
        last = n
    return text[last.start():m.end()] if last is not None else m.group(0)


# ---------------------------------------------------------------- formulas by meaning

MATH_COMPARISONS = 60  # most expressions of one answer compared with one formula (those sharing its symbols)
MATH_BUDGET_S = 3.0  # and the time they may take together


def _leaf(node: Any) -> bool:
    from grader.math import nodes as N

    return isinstance(node, (N.Sym, N.Num, N.Const, N.Label))


def symbols(node: Any) -> frozenset[Any]:
    """The symbols an expression is written in (`\\mathbf v_t` is one symbol: its index is part of its name)."""
    from grader.math import nodes as N

    out: set[Any] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, N.Sym):
            out.add(n)
        else:
            stack.extend(n.children())
    return frozenset(out)


def subexpressions(root: Any) -> list[Any]:
    """An expression and what is inside it (terms, factors, numerators, denominators, arguments, each side of a
    relation), outermost first; symbols and numbers alone are not."""
    from grader.math import nodes as N

    out, stack = [], [root]
    while stack:
        n = stack.pop(0)
        if _leaf(n):
            continue
        if not isinstance(n, (N.Relation, N.Chain, N.System)):
            out.append(n)
        stack.extend(n.children())
    return out


def denominators(root: Any) -> list[Any]:
    """What an expression divides by: each fraction's denominator and each base raised to a negative power
    (`(1-\\beta^t)^{-1}`), outermost first."""
    from grader.math import nodes as N

    out = []
    for n in [root, *subexpressions(root)]:
        if isinstance(n, N.Div):
            out.append(n.den)
        elif isinstance(n, N.Pow) and (isinstance(n.exp, N.Neg) and isinstance(n.exp.x, N.Num) and n.exp.x.value == 1
                                       or isinstance(n.exp, N.Num) and n.exp.value == -1):
            out.append(n.base)
    return out


def _rename(node: Any, renames: dict[Any, Any]) -> Any:
    """The expression with the answer's own names replaced by the rubric's (`aliases`)."""
    import dataclasses

    from grader.math import nodes as N

    if node in renames:
        return renames[node]
    if _leaf(node) and not isinstance(node, N.Sym):
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, N.Node):
            new = _rename(value, renames)
        elif isinstance(value, tuple):
            new = tuple(_rename(v, renames) if isinstance(v, N.Node) else
                        tuple(_rename(x, renames) if isinstance(x, N.Node) else x for x in v) if isinstance(v, tuple)
                        else v for v in value)
        else:
            continue
        if new != value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


@lru_cache(maxsize=256)
def _formula(latex: str) -> Any:
    from grader.math import parse

    return parse(latex).root


def _same_value(a: Any, b: Any, assume: tuple[str, ...], deadline: float) -> bool:
    """`equivalent`'s comparison of two parsed expressions (the part inside a side has no LaTeX of its own)."""
    import time

    from grader.math.assume import assumptions
    from grader.math.equivalence import EVAL_ERRORS, Ctx, Inconclusive, compare_statements, implied_range
    from grader.math.errors import MathError
    from grader.math.randenv import infer_types

    try:
        ctx = Ctx(infer_types([a, b]), assumptions(assume), min(deadline, time.monotonic() + 1.5))
        ctx.implied = implied_range([a, b]) if a != b else None
        return compare_statements(a, b, ctx).verdict == "equivalent"
    except Inconclusive:
        from grader.math.solve import symbolic_equal

        v = symbolic_equal(a, b)
        return v is not None and v.verdict == "equivalent"
    except (MathError, RecursionError, *EVAL_ERRORS):
        return False


def _shown(node: Any) -> str:
    from grader.math.printer import to_latex, to_text

    try:
        return to_latex(node)
    except Exception:  # the printer knows fewer forms than the parser: its plain text then
        return to_text(node)


def find_math(sides: Iterable[Any], formula: str, assume: tuple[str, ...] = (),
              aliases: dict[str, str] | None = None, part: str | None = None) -> Match | None:
    """The first expression among the answer's relation sides (`Reading.sides`: `.latex`, `.line`), or inside one,
    that is equivalent to `formula` under `assume`, with the answer's names mapped by `aliases` (answer's LaTeX ->
    the formula's). A relation as `formula` is compared with the answer's whole relations; with `part:
    denominator`, only what the answer divides by (`denominators`) is compared."""
    import time

    from grader.math import MathError, equivalent, parse
    from grader.math import nodes as N

    target = _formula(formula)
    relation = isinstance(target, (N.Relation, N.Chain, N.System))
    want = symbols(target)
    renames: dict[Any, Any] = {}
    for theirs, ours in (aliases or {}).items():
        try:
            renames[_formula(theirs)] = _formula(ours)
        except (MathError, RecursionError):
            continue
    deadline = time.monotonic() + MATH_BUDGET_S
    compared, seen = 0, set()
    for side in sides:
        latex = side.relation if relation else side.latex
        if (latex, side.line) in seen:
            continue
        seen.add((latex, side.line))
        try:
            root = parse(latex).root
        except (MathError, RecursionError):
            continue
        renamed = _rename(root, renames) if renames else root
        candidates = ([renamed] if relation else denominators(renamed) if part == "denominator"
                      else [renamed] + [n for n in subexpressions(renamed) if n is not renamed])
        for k, node in enumerate(candidates):
            if symbols(node) != want or time.monotonic() > deadline or compared >= MATH_COMPARISONS:
                continue
            compared += 1
            whole = k == 0 and renamed is root and part is None
            same = (equivalent(latex, formula, assume).verdict == "equivalent" if whole
                    else _same_value(node, target, assume, deadline))
            if same:
                return Match(pattern="math:" + formula, line=side.line, text=latex.strip() if whole else _shown(node))
    return None
