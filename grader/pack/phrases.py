"""Phrase fingerprints: rubric phrases hashed, matched against hashes of the answer's word n-grams."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from grader.read.evidence import readings  # the same readings of a line the full check matches on
from grader.pack.hashing import digest
from grader.read.segment import Answer

_WORD = re.compile(r"\w")
MAX_WORDS = 12  # longer phrases are not hashed (no rubric phrase comes close)


def is_pattern(phrase: str) -> bool:
    """`re:` entries are regular expressions: they cannot be hashed, so the pack cannot check them."""
    return phrase.startswith("re:")


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
    if not is_pattern(phrase):
        return phrase
    m = _WORDS_PATTERN.fullmatch(phrase[3:])
    if m is None:
        return None
    words = " ".join(m.group(1).split("\\s+"))
    return words if m.group(2) == "\\b" else words + "*"


def hashed(phrases: Iterable[str], salt: str) -> dict[str, Any]:
    """The hashable phrases' digests (a trailing `*`: any word that starts so), how many were patterns the pack
    cannot hold, and the longest phrase in words."""
    readable = [as_phrase(p) for p in phrases]
    plain = [p for p in readable if p is not None and p.strip() and len(p.split()) <= MAX_WORDS]
    return {"digests": [phrase_digest(p, salt) for p in plain], "patterns": len(readable) - len(plain),
            "words": max((len(p.split()) for p in plain), default=0)}


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
            _add_grams(out, reading.split(), number, words, salt)
    return out


def _add_grams(out: dict[str, Gram], tokens: list[str], number: int, words: int, salt: str) -> None:
    for i, token in enumerate(tokens):
        found: dict[str, str] = {}  # gram -> the answer's words it stands for
        if words >= 1:
            for single in _singles(token):
                found[single] = single
            for start in _starts(token):  # `normaliz*`: a word that starts so
                for j in range(1, len(start) + 1):
                    found.setdefault(start[:j] + "*", start)
        for k in range(2, words + 1):
            if i + k > len(tokens):
                break
            middle, last = tokens[i + 1:i + k - 1], tokens[i + k - 1]
            for head in _starts(token):
                for tail in _ends(last):
                    found[" ".join([head, *middle, tail])] = " ".join([head, *middle, tail])
                for j in range(1, len(last) + 1):
                    found.setdefault(" ".join([head, *middle, last[:j]]) + "*", " ".join([head, *middle, last]))
        for gram in sorted(found):
            out.setdefault(phrase_digest(gram, salt), Gram(number, found[gram]))


def lookup(answer: Answer, digests: Sequence[str], words: int, salt: str) -> list[Gram | None]:
    """For each digest, where the answer says it (or None)."""
    grams = answer_grams(answer.lines, answer.line_numbers, words, salt)
    return [grams.get(d) for d in digests]
