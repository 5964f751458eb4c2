"""Phrase fingerprints: rubric phrases hashed, matched against hashes of the answer's word n-grams."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# the full check's readings, word forms, negation and notation tokens
from grader.read.evidence import (claim_word_keys, gaps, inflections, negated, notation_tokens, ordered, readings,
                                  sentence_words, shown_span, tokens, word_keys)
from grader.pack.hashing import digest
from grader.read.segment import Answer

_WORD = re.compile(r"\w")
MAX_WORDS = 12  # longer phrases are not hashed (no rubric phrase comes close)


MAX_FORMS = 64  # word forms hashed per phrase (every combination of its words' forms, up to this many)
MAX_FORMULAS = 60  # expressions of an answer compared with one formula claim, as the full check's limit


def is_pattern(phrase: Any) -> bool:
    """`re:` entries are regular expressions: they cannot be hashed, so the pack cannot check them."""
    return isinstance(phrase, dict) and "re" in phrase or isinstance(phrase, str) and phrase.startswith("re:")


def is_formula(entry: Any) -> bool:
    """`{math: LaTeX}`: a formula claim, held as an expression fingerprint (grader/pack/points.py)."""
    return isinstance(entry, dict) and "math" in entry


def is_notation(entry: Any) -> bool:
    """`{notation: LaTeX}`: a notation claim, held as the digest of its tokens."""
    return isinstance(entry, dict) and "notation" in entry


def is_words(entry: Any) -> bool:
    """`{words: [...], within: n}`: words in order, held as the digests of each word's keys."""
    return isinstance(entry, dict) and "words" in entry


def word_digest(key: str, salt: str) -> str:
    return digest(salt, "word", key)


def notation_digest(toks: Sequence[str], salt: str) -> str:
    return digest(salt, "notation", " ".join(toks))


def canonical(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def phrase_digest(phrase: str, salt: str) -> str:
    return digest(salt, "phrase", canonical(phrase))


# a `re:` pattern that is only words from a word start: `\bmore\s+regulari`, `\bnormaliz\w*`, `\bbern\b`
_WORDS_PATTERN = re.compile(r"\\b([a-z0-9][a-z0-9\-]*(?:\\s\+[a-z0-9][a-z0-9\-]*)*)(\\w\*|\\b)?")


def as_phrase(phrase: str) -> str | None:
    """What the pack can hash for a rubric entry: the phrase itself, or a pattern that is only words from a word
    start as the phrase it matches like (`\\bmore\\s+regulari` -> `more regulari*`, a prefix; `\\bbern\\b` ->
    `bern`); None for any other pattern."""
    if isinstance(phrase, dict):
        if "re" not in phrase:
            return None
        phrase = "re:" + str(phrase["re"])
    if not is_pattern(phrase):
        return phrase
    m = _WORDS_PATTERN.fullmatch(phrase[3:])
    if m is None:
        return None
    words = " ".join(m.group(1).split("\\s+"))
    return words if m.group(2) == "\\b" else words + "*"


def forms(phrase: str) -> list[str]:
    """The phrase as the full check reads it: every combination of its words' plural and verb forms
    (evidence.inflections), the phrase itself first; `*` words and "not" stay as written."""
    out = [""]
    for word in canonical(phrase).split():
        options = (word,) if word.endswith("*") or word == "not" else (word, *(f for f in inflections(word) if f != word))
        out = [f"{head} {w}".strip() for head in out for w in options][:MAX_FORMS]
    return out


def hashed(phrases: Iterable[Any], salt: str, assume: Sequence[str] = (),
           synonyms: dict[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """The hashable phrases' digests (a trailing `*`: any word that starts so; each word also in its other forms,
    and the phrase's `synonyms`), `groups` (per phrase, the indices of its digests), formula claims as expression
    fingerprints, notation claims as the digests of their tokens (`notations`, the longest in `tokens`), words in
    order as the digests of each word's forms (`ordered`: a word's digests sorted, so they do not say which is the
    word itself), how many
    entries were patterns the pack cannot hold, and the longest phrase in words."""
    from grader.pack import points

    entries = list(phrases)
    # a word pattern (`re:\bvanish`) matches as written: no other word forms, and negated uses too
    readable = [(as_phrase(p), is_pattern(p)) for p in entries
                if not is_formula(p) and not is_notation(p) and not is_words(p)]
    plain = [(p, raw) for p, raw in readable if p is not None and p.strip() and len(p.split()) <= MAX_WORDS]
    digests: list[str] = []
    groups: list[list[int]] = []
    others = {canonical(k): [w for w in v if w.strip() and len(w.split()) <= MAX_WORDS]
              for k, v in (synonyms or {}).items()}
    for p, raw in plain:
        start = len(digests)
        said = [p, f"not {p}"] if raw else [f for s in (p, *others.get(canonical(p), ())) for f in forms(s)]
        digests += [phrase_digest(f, salt) for f in said]
        groups.append(list(range(start, len(digests))))
    formulas: list[dict[str, Any]] = []
    unheld = 0
    for k, entry in enumerate(e for e in entries if is_formula(e)):
        try:
            fp = points.fingerprint(str(entry["math"]), assume, salt, f"claim.{k}")
            # which part is asked, as a flag: the part's name may be a word the rubric looks for
            formulas.append({**fp, "divisor": True} if entry.get("part") == "denominator" else fp)
        except points.Unfingerprintable:
            unheld += 1
    notations = [notation_tokens(str(e["notation"])) for e in entries if is_notation(e)]
    return {"digests": digests, "groups": groups, "formulas": formulas,
            "notations": [notation_digest(t, salt) for t in notations],
            "tokens": max((len(t) for t in notations), default=0),
            "ordered": [{"words": [sorted(word_digest(k, salt) for k in claim_word_keys(str(w))) for w in e["words"]],
                         "within": gaps(e.get("within", 0), len(e["words"]))} for e in entries if is_words(e)],
            "patterns": len(readable) - len(plain) + unheld,
            "words": max((len(w.split()) for p, _ in plain for w in (p, *others.get(canonical(p), ()))), default=0)}


def find_formula(reading: Any, fp: dict[str, Any], assume: Sequence[str], salt: str) -> Gram | None:
    """Where the answer states an expression equivalent to a fingerprinted formula claim: a relation's side, a
    bare formula, or a term, factor or argument inside one (those the printer can write back); with a `part`, only
    such parts (`evidence.denominators`); or None."""
    from grader.math import MathError, parse
    from grader.math.printer import Unprintable, to_latex
    from grader.pack import points
    from grader.read.evidence import denominators, subexpressions

    relation = fp.get("form") == "relation"
    part = "denominator" if fp.get("divisor") else None
    compared, seen = 0, set()
    for side in reading.sides:
        latex = side.relation if relation else side.latex
        if (latex, side.line) in seen:
            continue
        seen.add((latex, side.line))
        texts = [] if part == "denominator" and not relation else [latex]  # a denominator is never a whole side
        if not relation:
            try:
                root = parse(latex).root
                for node in denominators(root) if part == "denominator" else subexpressions(root):
                    if node is not root:
                        try:
                            texts.append(to_latex(node))
                        except (Unprintable, MathError):
                            continue
            except (MathError, RecursionError):
                pass
        for text in texts:
            if compared >= MAX_FORMULAS:
                return None
            compared += 1
            if points.compare(text, fp, assume, salt).verdict == "equivalent":
                return Gram(side.line, text.strip())
    return None


def _is_word(ch: str) -> bool:
    return bool(_WORD.match(ch))


def _starts(token: str) -> list[str]:
    """Suffixes of a token that a phrase may start with: at its start or right after a non-word character."""
    return [token[i:] for i in range(len(token)) if i == 0 or not _is_word(token[i - 1])]


def _ends(token: str) -> list[str]:
    """Prefixes of a token that a phrase may end with: at its end or right before a non-word character."""
    return [token[:j] for j in range(1, len(token) + 1) if j == len(token) or not _is_word(token[j])]


def _singles(token: str) -> set[str]:
    out = set()
    for i in range(len(token)):
        if i and _is_word(token[i - 1]):
            continue
        for j in range(i + 1, len(token) + 1):
            if j == len(token) or not _is_word(token[j]):
                out.add(token[i:j])
    return out


@dataclass(frozen=True)
class Gram:
    """Where an n-gram of the answer occurs: its line and its text (the student's own words)."""

    line: int
    text: str


def answer_grams(lines: Sequence[str], numbers: Sequence[int], words: int, salt: str) -> dict[str, Gram]:
    """digest -> first occurrence, for every run of up to `words` words that `evidence.find` could match.

    A phrase of k words matches k consecutive whitespace-separated tokens: the first word ends its token and
    starts after a non-word character, middle words are whole tokens, the last starts its token and ends
    before a non-word character -- exactly the boundaries of the full check's phrase pattern."""
    out: dict[str, Gram] = {}
    for text, number in zip(lines, numbers):
        for reading in readings(text):
            _add_grams(out, reading, number, words, salt)
    return out


def _add_grams(out: dict[str, Gram], reading: str, number: int, words: int, salt: str) -> None:
    spans = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", reading)]
    tokens = [t for _, t in spans]
    for i, (at, token) in enumerate(spans):
        found: dict[str, tuple[str, int]] = {}  # gram -> the answer's words it stands for, where they start
        if words >= 1:
            for single in _singles(token):
                found[single] = (single, at + token.find(single))
            for start in _starts(token):  # `normaliz*`: a word that starts so
                for j in range(1, len(start) + 1):
                    found.setdefault(start[:j] + "*", (start, at + len(token) - len(start)))
        for k in range(2, words + 1):
            if i + k > len(tokens):
                break
            middle, last = tokens[i + 1:i + k - 1], tokens[i + k - 1]
            for head in _starts(token):
                where = at + len(token) - len(head)
                for tail in _ends(last):
                    found[" ".join([head, *middle, tail])] = (" ".join([head, *middle, tail]), where)
                for j in range(1, len(last) + 1):
                    found.setdefault(" ".join([head, *middle, last[:j]]) + "*", (" ".join([head, *middle, last]), where))
        for gram in sorted(found):
            text, where = found[gram]
            # a negated use is no use of the phrase ("does not vanish"), but is one of `not vanish`
            key = f"not {gram}" if negated(reading, where) else gram
            out.setdefault(phrase_digest(key, salt), Gram(number, text))


def notation_grams(lines: Sequence[str], numbers: Sequence[int], longest: int, salt: str) -> dict[str, Gram]:
    """digest -> first occurrence, for every run of up to `longest` notation tokens of a line (in any of its
    readings), as `evidence.find_notation` compares them."""
    out: dict[str, Gram] = {}
    for text, number in zip(lines, numbers):
        for reading in readings(text):
            toks = tokens(reading)
            for i in range(len(toks)):
                for n in range(1, min(longest, len(toks) - i) + 1):
                    key = notation_digest([t for t, _, _ in toks[i:i + n]], salt)
                    out.setdefault(key, Gram(number, shown_span(reading, toks[i][1], toks[i + n - 1][2])))
    return out


@dataclass(frozen=True)
class Line:
    """One reading of an answer's line for ordered-words claims: each word's digests, its sentence, its span."""

    number: int
    text: str
    words: list[frozenset[str]]
    sentences: list[int]
    spans: list[tuple[int, int]]


def answer_words(lines: Sequence[str], numbers: Sequence[int], salt: str) -> list[Line]:
    """Every reading of every line with its words hashed as `evidence.word_keys` gives them."""
    out = []
    for text, number in zip(lines, numbers):
        for reading in readings(text):
            found = sentence_words(reading)
            out.append(Line(number, reading, [frozenset(word_digest(k, salt) for k in word_keys(w))
                                              for _, w, _, _ in found],
                            [s for s, _, _, _ in found], [(a, b) for _, _, a, b in found]))
    return out


def find_ordered(lines: Sequence[Line], claim: dict[str, Any]) -> Gram | None:
    """Where the answer has an ordered-words claim's words in order (as `evidence.find_words`), or None."""
    for line in lines:
        hit = ordered(line.words, claim["words"], line.sentences, claim.get("within", 0))
        if hit is not None:
            return Gram(line.number, line.text[line.spans[hit[0]][0]:line.spans[hit[1]][1]])
    return None


def lookup(answer: Answer, digests: Sequence[str], words: int, salt: str) -> list[Gram | None]:
    """For each digest, where the answer says it (or None)."""
    grams = answer_grams(answer.lines, answer.line_numbers, words, salt)
    return [grams.get(d) for d in digests]
