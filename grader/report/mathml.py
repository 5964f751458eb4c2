"""Render the math of a line of student text as MathML, and everything else escaped: no script can pass."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from html.parser import HTMLParser
from typing import Iterator

from markupsafe import Markup

MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle merror mpadded mphantom "
    "mfenced menclose munder mover munderover mtable mtr mtd mlabeledtr semantics annotation".split()
)
MATHML_ATTRS = frozenset(
    "xmlns display mathvariant stretchy fence separator lspace rspace linethickness columnalign rowspacing "
    "columnspacing columnlines rowlines frame accent accentunder movablelimits minsize maxsize width height "
    "depth notation open close separators symmetric largeop form scriptlevel displaystyle mathsize mathcolor "
    "class rowalign align".split()
)
MAX_MATH_CHARS = 4000  # longer spans are shown as source; converting them is slow and pointless to read
# what one page may draw (a write-up can hold a million spans): past it, spans show as their source
MAX_PAGE_SPANS = 3000
MAX_PAGE_MATHML_CHARS = 3_000_000
_budget: ContextVar[list[int] | None] = ContextVar("mathml_budget", default=None)
_OPENER = re.compile(r"\$\$|\\\[|\$|\\\(")
_CLOSER = {"$$": "$$", "\\[": "\\]", "$": "$", "\\(": "\\)"}


class _Whitelist(HTMLParser):
    """Accepts only MathML elements and attributes; anything else marks the output unsafe."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MATHML_TAGS or any(name not in MATHML_ATTRS for name, _ in attrs):
            self.safe = False
        for _, value in attrs:
            if value and ("javascript:" in value.lower() or "<" in value):
                self.safe = False

    def handle_endtag(self, tag: str) -> None:
        if tag not in MATHML_TAGS:
            self.safe = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.safe = False

    def handle_decl(self, decl: str) -> None:
        self.safe = False

    def handle_pi(self, data: str) -> None:
        self.safe = False


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool = False) -> str | None:
    """MathML for `latex`, or None when it cannot be converted or the result is not plain MathML."""
    if len(latex) > MAX_MATH_CHARS:
        return None
    try:
        from latex2mathml.converter import convert
        out = convert(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any converter failure just means: show the source
        return None
    checker = _Whitelist()
    try:
        checker.feed(out)
        checker.close()
    except Exception:  # noqa: BLE001
        return None
    return out if checker.safe else None


@contextmanager
def page_budget() -> Iterator[None]:
    """Render one page: the spans drawn as MathML inside it share one budget of count and size."""
    token = _budget.set([MAX_PAGE_SPANS, MAX_PAGE_MATHML_CHARS])
    try:
        yield
    finally:
        _budget.reset(token)


def _spans(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, latex, display) of each `$$..$$`, `\\[..\\]`, `$..$`, `\\(..\\)`, in linear time.

    A regular expression with lazy groups rescans to the end of the line for every unclosed opener,
    which a line of 100 000 `\\(` turns into minutes.
    """
    absent: dict[str, int] = {}  # closer -> an offset after which it does not occur

    def find(closer: str, start: int) -> int:
        if start >= absent.get(closer, len(text) + 1):
            return -1
        j = text.find(closer, start)
        if j < 0:
            absent[closer] = start
        return j

    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        opener = m.group(0)
        j = find(_CLOSER[opener], m.end() + 1)  # at least one character inside
        if j < 0 and opener == "$$":
            opener, j = "$", find("$", m.start() + 2)  # `$$x$` is an inline span holding `$x`
        if j < 0:
            pos = m.start() + 1
            continue
        end = j + len(_CLOSER[opener])
        yield m.start(), end, text[m.start() + len(opener):j], opener in ("$$", "\\[")
        pos = end


# display environments drawn whole; align-like ones become `split` (rows aligned at &, no equation numbers),
# gather-like ones a centred one-column array
DISPLAY_ENVS = ("equation", "align", "gather", "multline", "flalign", "eqnarray")
_ENV_BEGIN = re.compile(r"\\begin\{(" + "|".join(DISPLAY_ENVS) + r")(\*?)\}")
_NO_NUMBER = re.compile(r"\\(?:label|tag)\*?\{[^{}]*\}|\\(?:nonumber|notag)\b")


def env_latex(env: str, body: str) -> str:
    """The body of a display environment as LaTeX the converter draws (it numbers `align` and knows no `gather`)."""
    body = _NO_NUMBER.sub("", body).strip()
    if env == "equation":
        return body
    if env in ("gather", "multline"):
        return "\\begin{array}{c}" + body.replace("&", "") + "\\end{array}"
    return "\\begin{split}" + body + "\\end{split}"


def open_env(text: str) -> str | None:
    """`\\end{env}` closing the last display environment that `text` opens and leaves open, else None."""
    pos, closer = 0, None
    while (m := _ENV_BEGIN.search(text, pos)) is not None:
        end = f"\\end{{{m.group(1)}{m.group(2)}}}"
        j = text.find(end, m.end())
        if j < 0:
            return end
        pos, closer = j + len(end), None
    return closer


def _draw(latex: str, display: bool, source: str, budget: list[int]) -> str:
    rendered = latex_to_mathml(latex.strip(), display) if budget[0] > 0 else None
    if rendered is not None and len(rendered) <= budget[1]:
        budget[0] -= 1
        budget[1] -= len(rendered)
        return rendered
    budget[0] = 0 if rendered is not None else budget[0]  # out of room: the rest of the page is source
    return f'<code class="tex">{html.escape(source)}</code>'


def render_text(text: str) -> Markup:
    """Student text that may hold display environments (`\\begin{align}`…`\\end{align}`, across lines):
    each drawn whole as MathML, the text around them as `render_line` draws it."""
    budget = _budget.get() or [MAX_PAGE_SPANS, MAX_PAGE_MATHML_CHARS]
    parts: list[str] = []
    pos = 0
    while (m := _ENV_BEGIN.search(text, pos)) is not None:
        env, star = m.group(1), m.group(2)
        end = f"\\end{{{env}{star}}}"
        j = text.find(end, m.end())
        if j < 0:
            break
        parts.append(render_line(text[pos:m.start()]))
        parts.append(_draw(env_latex(env, text[m.end():j]), True, text[m.start():j + len(end)], budget))
        pos = j + len(end)
    parts.append(render_line(text[pos:]))
    return Markup("".join(parts))


def render_line(text: str) -> Markup:
    """One line of student text as HTML: math spans as MathML where possible, the rest escaped."""
    budget = _budget.get() or [MAX_PAGE_SPANS, MAX_PAGE_MATHML_CHARS]  # outside a page: a budget per line
    parts: list[str] = []
    pos = 0
    for start, end, latex, display in _spans(text):
        parts.append(html.escape(text[pos:start]))
        parts.append(_draw(latex, display, text[start:end], budget))
        pos = end
    parts.append(html.escape(text[pos:]))
    return Markup("".join(parts))
