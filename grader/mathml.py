"""Render the math of a line of student text as MathML, and everything else escaped: no script can pass."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

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
SPAN = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$(.+?)\$|\\\((.+?)\\\)")


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


def render_line(text: str) -> Markup:
    """One line of student text as HTML: math spans as MathML where possible, the rest escaped."""
    parts: list[str] = []
    pos = 0
    for m in SPAN.finditer(text):
        parts.append(html.escape(text[pos:m.start()]))
        latex = next(g for g in m.groups() if g is not None)
        display = m.group(1) is not None or m.group(2) is not None
        rendered = latex_to_mathml(latex.strip(), display)
        parts.append(rendered if rendered is not None else f'<code class="tex">{html.escape(m.group(0))}</code>')
        pos = m.end()
    parts.append(html.escape(text[pos:]))
    return Markup("".join(parts))
