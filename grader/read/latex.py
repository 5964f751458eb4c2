"""Read a LaTeX write-up: comments and preamble out, student macros expanded (bounded), markup headings as structure."""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from grader.read.document import Document, Heading, shown

# Real write-ups are tens of KB and define a few dozen macros; every bound below is far past that.
MAX_DEFINITIONS = 2_000  # definitions read per submission; later ones are ignored with a note
MAX_DEPTH = 32  # nested expansions (a macro whose body uses a macro ...)
MAX_STEPS_PER_LINE = 2_000  # macro expansions on one source line
MAX_LINE_CHARS = 20_000  # an expanded line longer than this is a bomb (the math layer refuses longer formulas)
MAX_STEPS_TOTAL = 200_000  # expansions per submission, all lines together
MAX_PARSE_CHARS = 200_000  # body handed to the LaTeX parser for headings (pylatexenc: 30-100 KB/s, see docs/latex.md)
MAX_GROUP_DEPTH = 200  # brace nesting beyond this is not parsed (the parser recurses per group)
MAX_NOTES = 50  # notes per submission; past that one line says how many more
MAX_NOTE_CHARS = 80  # a file name or macro quoted in a note is cut here

SECTIONS = ("section", "subsection", "subsubsection")
THEOREM_LIKE = {"problem": "problem", "exercise": "problem", "question": "problem", "solution": "solution",
                "proof": "proof"}
EXAM_MARKS = {"question": 0, "part": 1, "subpart": 2, "subsubpart": 3}
EXAM_LISTS = {"questions": "question", "parts": "part", "subparts": "subpart", "subsubparts": "subsubpart"}
LIST_STYLES = ("arabic", "alph", "roman", "Alph", "Roman")  # enumerate's default style per depth: 1., (a), i., A.

logging.getLogger("pylatexenc").setLevel(logging.ERROR)  # tolerant parsing logs every repair it makes


@dataclass
class Macro:
    """A student's definition: `\\name` with `nargs` parameters, an optional first argument's default, a body."""

    name: str
    nargs: int
    body: str
    line: int  # 1-based line of the definition, for notes
    default: str | None = None  # the default of an optional first argument (`\newcommand{\x}[2][d]{...}`)
    delims: tuple[str, str, str] | None = None  # a paired delimiter: (left, right, ""), expanded specially

    def __post_init__(self) -> None:
        # a newline in a definition is a space to TeX; kept, it would move the lines after the call
        self.body = re.sub(r"[ \t]*\n\s*", " ", self.body)
        if self.default is not None:
            self.default = re.sub(r"[ \t]*\n\s*", " ", self.default)


@dataclass
class _Notes:
    """Notes of one submission, each said once."""

    items: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    dropped: int = 0

    def add(self, key: str, text: str) -> None:
        """Keep `text` unless a note with this `key` was already kept."""
        if key in self.seen:
            return
        self.seen.add(key)
        if len(self.items) < MAX_NOTES:
            self.items.append(text)
        else:
            self.dropped += 1

    def all(self) -> list[str]:
        return self.items + ([f"{self.dropped} more LaTeX notes like these not listed"] if self.dropped else [])


class _Bomb(Exception):
    """An expansion went past a bound."""


class _Budget(Exception):
    """The submission's expansion steps are spent."""


# ---------------------------------------------------------------- comments


def _strip_comment(line: str) -> str:
    """`line` without its comment: `%` ends the line unless escaped (`\\%`, but `\\\\%` is a comment)."""
    i = line.find("%")
    while i >= 0:
        backslashes = len(line[:i]) - len(line[:i].rstrip("\\"))
        if backslashes % 2 == 0:
            return line[:i]
        i = line.find("%", i + 1)
    return line


def _uncommented(lines: list[str]) -> list[str]:
    """Comments removed and `\\iffalse ... \\fi` blocks blanked, line for line."""
    out: list[str] = []
    hidden = False
    for line in lines:
        line = _strip_comment(line)
        s = line.strip()
        if not hidden and s.startswith("\\iffalse"):
            hidden = True
        if hidden:
            out.append("")
            if s.startswith("\\fi") or s.endswith("\\fi"):
                hidden = False
            continue
        out.append(line)
    return out


# ---------------------------------------------------------------- reading arguments by hand


_CS = re.compile(r"\\([A-Za-z@]+|.)", re.DOTALL)


def _skip_spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)
MAX_OPTIONAL_CHARS = 200  # an optional argument (`[\big]`, `[(a)]`, `[2]`) is short; longer is not one


@functools.lru_cache(maxsize=4)
def _closes(s: str) -> dict[int, int]:
    """Offset of each `{` of `s` -> offset just past its `}`, in one pass (unclosed ones are absent).

    Cached: the same line is asked about at every macro call on it, and rescanning per call is quadratic."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE_TOKENS.finditer(s):
        c = m.group(0)
        if c == "{":
            stack.append(m.start())
        elif c == "}" and stack:
            out[stack.pop()] = m.end()
    return out


def _group(s: str, i: int, open_: str = "{") -> int:
    """End (exclusive) of the group opening at s[i], or -1 when it does not close; braces inside hide a `]`."""
    closes = _closes(s)
    if open_ == "{":
        return closes.get(i, -1)
    j = i + 1
    limit = min(len(s), i + MAX_OPTIONAL_CHARS)
    while j < limit:
        c = s[j]
        if c == "\\":
            j += 2
        elif c == "{":
            j = closes.get(j, -1)
            if j < 0:
                return -1
        elif c == "]":
            return j + 1
        else:
            j += 1
    return -1


def _argument(s: str, i: int) -> tuple[str, int] | None:
    """An undelimited argument at s[i] (after spaces): a braced group's inside or one token; None at the end."""
    i = _skip_spaces(s, i)
    if i >= len(s):
        return None
    if s[i] == "{":
        end = _group(s, i)
        return None if end < 0 else (s[i + 1:end - 1], end)
    if s[i] == "}":
        return None
    m = _CS.match(s, i)
    if m:
        return m.group(0), m.end()
    return s[i], i + 1


def _optional(s: str, i: int) -> tuple[str | None, int]:
    """A `[...]` argument at s[i] (after spaces), or (None, i) when there is none or it does not close."""
    j = _skip_spaces(s, i)
    if j < len(s) and s[j] == "[":
        end = _group(s, j, "[")
        if end > 0:
            return s[j + 1:end - 1], end
    return None, i


def _name_arg(s: str, i: int) -> tuple[str, int] | None:
    """The `\\name` a definer defines, braced or not: `{\\E}` or `\\E`."""
    arg = _argument(s, i)
    if arg is None:
        return None
    text, end = arg
    text = text.strip()
    return (text[1:], end) if _CS.fullmatch(text) else None


# ---------------------------------------------------------------- definitions


_DEFINERS = re.compile(r"\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|def|gdef|edef|xdef|let|"
                       r"DeclareMathOperator|DeclarePairedDelimiter|newtheorem)(?![A-Za-z@])(\*?)")


@dataclass
class _Definitions:
    macros: list[tuple[int, Macro]] = field(default_factory=list)  # (offset of the definition, macro)
    spans: list[tuple[int, int]] = field(default_factory=list)  # offsets blanked from the text
    theorems: dict[str, str] = field(default_factory=dict)  # environment -> its printed name (`\newtheorem`)
    within: dict[str, str] = field(default_factory=dict)  # environment -> counter it is numbered within


def _read_definitions(text: str, line_of: Callable[[int], int], notes: _Notes) -> _Definitions:
    """Every definition in `text` (comments already out), read in order; nested ones stay in their body."""
    out = _Definitions()
    pos = 0
    while True:
        m = _DEFINERS.search(text, pos)
        if m is None:
            return out
        kind, star = m.group(1), m.group(2)
        line = line_of(m.start())
        end, macro = _one_definition(text, m.end(), kind, star, line, out, notes)
        if end <= m.start():
            pos = m.end()
            continue
        out.spans.append((m.start(), end))
        if macro is not None:
            if len(out.macros) >= MAX_DEFINITIONS:
                notes.add("too-many", f"line {line}: more than {MAX_DEFINITIONS} macro definitions; later ones are "
                          "not expanded")
            else:
                out.macros.append((m.start(), macro))
        pos = end


def _one_definition(text: str, i: int, kind: str, star: str, line: int, out: _Definitions,
                    notes: _Notes) -> tuple[int, Macro | None]:
    """(end offset, macro) of the definition whose arguments start at text[i]; end -1 when it cannot be read."""
    if kind == "newtheorem":
        env = _argument(text, i)
        if env is None:
            return -1, None
        shared, j = _optional(text, env[1])
        title = _argument(text, j)
        if title is None:
            return -1, None
        within, k = _optional(text, title[1])
        name = env[0].strip()
        out.theorems[name] = title[0].strip()
        if within:
            out.within[name] = within.strip()
        elif shared:
            out.within[name] = "=" + shared.strip()
        return k, None
    named = _name_arg(text, i)
    if named is None:
        notes.add(f"unread-{kind}-{line}", f"line {line}: \\{kind} whose macro name cannot be read; ignored")
        return -1, None
    name, j = named
    if kind == "let":
        j = _skip_spaces(text, j)
        if j < len(text) and text[j] == "=":
            j += 1
        target = _argument(text, j)
        if target is None:
            return -1, None
        return target[1], Macro(name, 0, target[0], line)
    if kind in ("def", "gdef", "edef", "xdef"):
        params = re.match(r"(?:#[1-9])*", text[j:])
        assert params is not None
        k = j + params.end()
        if k >= len(text) or text[k] != "{":
            close = text.find("{", k)
            end = close if close >= 0 else len(text)
            notes.add(f"delimited-{name}", f"line {line}: \\{kind}\\{shown(name)[:MAX_NOTE_CHARS]} has delimited "
                      "parameters, which are not expanded")
            body_end = _group(text, end) if close >= 0 else -1
            return (body_end if body_end > 0 else end), None
        body_end = _group(text, k)
        if body_end < 0:
            return -1, None
        return body_end, Macro(name, params.end() // 2, text[k + 1:body_end - 1], line)
    if kind == "DeclareMathOperator":
        body = _argument(text, j)
        if body is None:
            return -1, None
        op = "\\operatorname*" if star else "\\operatorname"
        return body[1], Macro(name, 0, op + "{" + body[0] + "}", line)
    if kind == "DeclarePairedDelimiter":
        left = _argument(text, j)
        right = _argument(text, left[1]) if left else None
        if left is None or right is None:
            return -1, None
        return right[1], Macro(name, 1, "", line, delims=(left[0], right[0], ""))
    # \newcommand family: [n] then optional [default] then {body}
    count, k = _optional(text, j)
    nargs = 0
    if count is not None:
        if not count.strip().isdigit() or not 0 <= int(count) <= 9:
            notes.add(f"nargs-{name}", f"line {line}: \\{kind} of \\{shown(name)[:MAX_NOTE_CHARS]} has "
                      f"[{shown(count)[:MAX_NOTE_CHARS]}] arguments; not expanded")
            return -1, None
        nargs = int(count)
    default, k = _optional(text, k) if nargs else (None, k)
    body = _argument(text, k)
    if body is None:
        return -1, None
    return body[1], Macro(name, nargs, body[0], line, default=default)


# ---------------------------------------------------------------- expansion


@dataclass
class _Expander:
    macros: dict[str, Macro]
    notes: _Notes
    disabled: set[str] = field(default_factory=set)
    steps_total: int = 0
    steps: int = 0
    top: str = ""  # the outermost macro being expanded, to blame for a bomb

    def line(self, s: str, number: int) -> str:
        """`s` with every student macro expanded; a macro that blows a bound is disabled and the line retried."""
        if "\\" not in s or not self.macros:
            return s
        while True:
            if self.steps_total >= MAX_STEPS_TOTAL:
                self.notes.add("budget", f"line {number}: macro expansion stops after {MAX_STEPS_TOTAL} steps; "
                               "the rest of the write-up is read unexpanded")
                return s
            self.steps = 0
            try:
                return self._expand(s, 0, number)
            except _Budget:
                continue  # said at the top of the loop
            except _Bomb as exc:
                bad = self.macros[self.top]
                self.disabled.add(self.top)
                self.notes.add(f"bomb-{self.top}", f"line {number}: macro \\{shown(self.top)[:MAX_NOTE_CHARS]} "
                               f"(defined at line {bad.line}) {exc}; left unexpanded")

    def _expand(self, s: str, depth: int, number: int) -> str:
        out: list[str] = []
        size = 0
        i = 0
        while True:
            j = s.find("\\", i)
            if j < 0:
                out.append(s[i:])
                break
            m = _CS.match(s, j)
            if m is None:  # a lone backslash at the end
                out.append(s[i:])
                break
            name = m.group(1)
            macro = self.macros.get(name)
            if macro is None or name in self.disabled:
                out.append(s[i:m.end()])
                size += m.end() - i
                i = m.end()
                continue
            out.append(s[i:j])
            size += j - i
            if depth == 0:
                self.top = name
            self.steps += 1
            self.steps_total += 1
            if self.steps_total > MAX_STEPS_TOTAL:
                raise _Budget()
            if self.steps > MAX_STEPS_PER_LINE:
                raise _Bomb(f"takes more than {MAX_STEPS_PER_LINE} expansion steps on one line")
            if depth >= MAX_DEPTH:
                raise _Bomb(f"expands more than {MAX_DEPTH} levels deep (recursive?)")
            replaced = self._apply(macro, s, m.end(), number)
            if replaced is None:
                out.append(m.group(0))
                size += len(m.group(0))
                i = m.end()
                continue
            text, i = replaced
            piece = self._expand(text, depth + 1, number)
            out.append(piece)
            size += len(piece)
            if size > MAX_LINE_CHARS:
                raise _Bomb(f"grows a line past {MAX_LINE_CHARS} characters")
            if i < len(s) and s[i].isalpha() and re.search(r"\\[A-Za-z@]+$", piece[-40:]):
                out.append(" ")  # `\eps x` -> `\varepsilon x`, not `\varepsilonx`
        return "".join(out)

    def _apply(self, macro: Macro, s: str, i: int, number: int) -> tuple[str, int] | None:
        """(replacement, end offset) of `macro` called at s[i], or None when its arguments cannot be read."""
        if macro.delims is not None:
            return self._paired(macro, s, i, number)
        args: list[str] = []
        if macro.default is not None:
            opt, i = _optional(s, i)
            args.append(macro.default if opt is None else opt)
        while len(args) < macro.nargs:
            arg = _argument(s, i)
            if arg is None:
                self._unreadable(macro, number)
                return None
            args.append(arg[0])
            i = arg[1]
        if not macro.nargs:
            return macro.body, i  # the space after `\E [X]` stays: harmless in math, needed in text
        body = re.sub(r"#(#|[1-9])", lambda mm: "#" if mm.group(1) == "#" else
                      (args[int(mm.group(1)) - 1] if int(mm.group(1)) <= len(args) else ""), macro.body)
        if len(body) > MAX_LINE_CHARS:  # arguments doubled at every level grow before anything is expanded
            raise _Bomb(f"grows a line past {MAX_LINE_CHARS} characters")
        return body, i

    def _paired(self, macro: Macro, s: str, i: int, number: int) -> tuple[str, int] | None:
        """mathtools' paired delimiter: `\\norm{x}`, `\\norm*{x}` -> `\\left.. x \\right..`, `\\norm[\\big]{x}` -> `\\bigl..`."""
        assert macro.delims is not None
        left, right, _ = macro.delims
        starred = i < len(s) and s[i] == "*"
        if starred:
            i += 1
        size, i = (None, i) if starred else _optional(s, i)
        arg = _argument(s, i)
        if arg is None:
            self._unreadable(macro, number)
            return None
        if size:
            size = size.strip()
            return f"{size}l{left} {arg[0]} {size}r{right}", arg[1]
        return f"\\left{left} {arg[0]} \\right{right}", arg[1]

    def _unreadable(self, macro: Macro, number: int) -> None:
        self.notes.add(f"args-{macro.name}", f"line {number}: the arguments of \\{shown(macro.name)[:MAX_NOTE_CHARS]} "
                       "(defined at line {}) do not close on their line; left unexpanded".format(macro.line))


# ---------------------------------------------------------------- structure


_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
          ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _roman(n: int) -> str:
    out = ""
    for sym, val in _ROMAN:
        while n >= val:
            out += sym
            n -= val
    return out or str(n)


def _format(n: int, style: str) -> str:
    style = style.lower()
    if style == "alph":
        return chr(ord("a") + n - 1) if 1 <= n <= 26 else str(n)
    if style == "roman":
        return _roman(n) if n >= 1 else str(n)
    return str(n)


def _list_options(opts: str | None) -> tuple[str | None, int | None, bool]:
    """(counter style, start, resume) from an enumerate's options: `(a)`, `label=(\\roman*)`, `start=3`, `resume`."""
    if not opts:
        return None, None, False
    style = None
    m = re.search(r"\\(arabic|alph|Alph|roman|Roman)\*?", opts)
    if m:
        style = m.group(1)
    elif "=" not in opts:  # the enumerate package's short form: the first of 1 a A i I that stands alone
        short = re.search(r"(?<![A-Za-z\\])([1aAiI])(?![A-Za-z])", opts)
        if short:
            style = {"1": "arabic", "a": "alph", "A": "alph", "i": "roman", "I": "roman"}[short.group(1)]
    start = re.search(r"start\s*=\s*(\d{1,6})", opts)
    return style, int(start.group(1)) if start else None, bool(re.search(r"\bresume\*?\b", opts))


_WRITTEN = re.compile(r"^\s*(?:(question|problem|exercise|task|prob|ex|q)(?![a-z])\.?\s*|(part)(?![a-z])\s*)?"
                      r"\(?(\d{1,3}(?:\.(?:\d{1,3}|[ivx]{2,5}|[a-z]))*|[a-z]|[ivx]{1,5})\)?"
                      r"\s*(?:\(([a-z]|[ivx]{1,5})\)|,?\s*part\s+\(?([a-z]|[ivx]{1,5}|\d{1,2})\)?)?"
                      r"(?=$|[\s:.)\-,])", re.IGNORECASE)


def _written_label(title: str, parent: tuple[str, ...]) -> tuple[str, ...] | None:
    """The label a title writes ("Question 3", "Problem 2.1", "Q7:", "(b)", "Part 2", "Question 2, part 1"), as a
    full path, or None."""
    plain = re.sub(r"\\[A-Za-z]+\*?|[{}$~]", " ", title).strip()
    m = _WRITTEN.match(plain)
    if m is None:
        return None
    keyword, part, number, sub = m.group(1), m.group(2), m.group(3).lower(), m.group(4) or m.group(5)
    if not keyword and not part and not number[0].isdigit() and not plain[:1] == "(":
        return None  # a title that merely starts with a word like "a" or "I" writes no label
    path = tuple(number.split("."))
    if sub:
        path += (sub.lower(),)
    if keyword or len(path) > 1 or (number[0].isdigit() and not parent):
        return path
    return parent + path


def _title_of(text: str) -> str:
    """A short plain title: macros and braces out, spaces collapsed, cut at 80 characters."""
    text = re.sub(r"\\(?:textbf|textit|emph|underline|text)\b", "", text)
    text = re.sub(r"[{}]", "", text)
    return " ".join(text.split())[:80]


@dataclass
class _StructureState:
    """LaTeX's counters while the body is walked in order."""

    exam: bool
    theorems: dict[str, str]
    within: dict[str, str]
    headings: list[Heading] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    section: tuple[str, ...] = ()  # path of the current section level heading
    subsection: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # the innermost heading path that lists number under
    lists: list[dict] = field(default_factory=list)  # open list environments, innermost last
    resumed: dict[int, int] = field(default_factory=dict)  # enumerate depth -> its last counter (for `resume`)
    exam_path: list[str] = field(default_factory=list)

    def add(self, index: int, label: tuple[str, ...], title: str, kind: str, inferred: bool) -> None:
        self.headings.append(Heading(index=index, label=label, title=title, kind=kind, inferred=inferred))

    def step(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        for counter, parent in self.within.items():
            if parent == name:
                self.counters[counter] = 0
        return self.counters[name]

    def sectioning(self, index: int, level: str, starred: bool, title: str) -> None:
        parent = () if level == "section" else self.section if level == "subsection" else self.subsection
        written = _written_label(title, parent)
        if starred:
            label, inferred = (written or ()), False
        else:
            n = self.step(level)
            if level == "section":
                self.counters["subsection"] = self.counters["subsubsection"] = 0
            elif level == "subsection":
                self.counters["subsubsection"] = 0
            label, inferred = (written, False) if written else (parent + (str(n),), True)
        if level == "section":
            self.section = self.subsection = label
        elif level == "subsection":
            self.subsection = label or parent  # an unlabelled `\subsection*` leaves its section's path in force
        self.context = label or parent
        self.add(index, label, _title_of(title), level, inferred)

    def environment(self, index: int, env: str, title: str | None) -> None:
        kind = THEOREM_LIKE.get(env) or _theorem_kind(env, self.theorems.get(env, "")) or "problem"
        written = _written_label(title or "", ())
        numbered = not (kind in ("solution", "proof") and env not in self.theorems)
        label: tuple[str, ...] = ()
        inferred = False
        if numbered:  # LaTeX steps the counter even when an optional title is given
            counter = self.within.get(env, "")
            n = self.step(counter[1:] if counter.startswith("=") else env)
            parent = self.section if counter == "section" else self.subsection if counter == "subsection" else ()
            label, inferred = parent + (str(n),), True
        if written:
            label, inferred = written, False
        if kind == "problem":
            self.context = label
        self.add(index, label, _title_of(title or self.theorems.get(env, env)), kind, inferred)

    def exam_mark(self, index: int, mark: str, rest: str) -> None:
        level = EXAM_MARKS[mark]
        n = self.step(mark)
        for deeper, lvl in EXAM_MARKS.items():
            if lvl > level:
                self.counters[deeper] = 0
        style = ("arabic", "alph", "roman", "Alph")[level]
        del self.exam_path[level:]
        while len(self.exam_path) < level:
            self.exam_path.append("")
        self.exam_path.append(_format(n, style))
        self.context = tuple(p for p in self.exam_path if p)  # a \part before any \question has no question number
        self.add(index, self.context, _title_of(rest), mark, True)

    def open_list(self, env: str, opts: str | None) -> None:
        depth = sum(1 for lst in self.lists if lst["env"] == "enumerate") + 1 if env == "enumerate" else 0
        style, start, resume = _list_options(opts)
        counter = (start - 1) if start is not None else self.resumed.get(depth, 0) if resume else 0
        parent = next((lst["item"] for lst in reversed(self.lists) if lst["item"] is not None), None)
        base = parent if parent is not None else self.context
        self.lists.append({"env": env, "depth": depth, "style": style or LIST_STYLES[(max(depth, 1) - 1) % 4],
                           "n": counter, "path": base, "item": None})

    def close_list(self) -> None:
        if self.lists:
            lst = self.lists.pop()
            if lst["env"] == "enumerate":
                self.resumed[lst["depth"]] = lst["n"]

    def item(self, index: int, explicit: str | None, rest: str) -> None:
        if not self.lists or self.lists[-1]["env"] != "enumerate":
            return  # itemize and description items are bullets, not questions
        lst = self.lists[-1]
        if explicit is not None:  # LaTeX does not step the counter for `\item[..]`
            m = re.search(r"[A-Za-z0-9]+(?:\.[0-9]+)*", explicit)
            if m is None:
                return
            word = m.group(0).lower()
            written = _written_label(explicit, ())
            comp = written[-1] if written else word
            label, inferred = lst["path"] + (comp,), False
        else:
            lst["n"] += 1
            label, inferred = lst["path"] + (_format(lst["n"], lst["style"]),), True
        lst["item"] = label  # a list inside this item numbers under it
        self.add(index, label, _title_of(rest), "item", inferred)


def _theorem_kind(env: str, title: str) -> str | None:
    """The heading kind of a `\newtheorem` environment, or None when it is not a problem or a solution (a lemma)."""
    words = f"{env} {title}".lower()
    if re.search(r"solution|answer|proof", words):
        return "solution"
    if re.search(r"problem|exercise|question|task|prob\b|ex\b|hw", words):
        return "problem"
    return None


def _max_group_depth(text: str) -> int:
    depth = deepest = 0
    for c in re.findall(r"(?<!\\)[{}]", text):
        depth = depth + 1 if c == "{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _structure(body: str, defs: _Definitions, exam: bool, notes: _Notes) -> tuple[Heading, ...]:
    """Headings the markup declares, from pylatexenc's tree of `body` (one line per document line)."""
    if _max_group_depth(body) > MAX_GROUP_DEPTH:
        notes.add("parse-depth", f"braces nest more than {MAX_GROUP_DEPTH} deep; headings are found from the text")
        return ()
    if len(body) > MAX_PARSE_CHARS:
        notes.add("parse-size", f"the LaTeX body is {len(body)} characters, over the {MAX_PARSE_CHARS} the "
                  "structure reader takes; headings are found from the text")
        return ()
    from pylatexenc import macrospec
    from pylatexenc.latexwalker import (LatexEnvironmentNode, LatexGroupNode, LatexMacroNode, LatexMathNode,
                                        LatexWalker)

    from pylatexenc.latexwalker import get_default_latex_context_db

    theorem_envs = set(THEOREM_LIKE) | {e for e, title in defs.theorems.items() if _theorem_kind(e, title)}
    # exam marks, items and these environments take an optional argument that pylatexenc does not know of
    context = get_default_latex_context_db()  # a fresh one on each call
    context.add_context_category(
        "grader", prepend=True,
        macros=[macrospec.MacroSpec(m, "[") for m in EXAM_MARKS] + [macrospec.MacroSpec("item", "[")]
        + [macrospec.MacroSpec(m, "*[{") for m in (*SECTIONS, "paragraph")],  # 2.11 lacks \paragraph
        environments=[macrospec.EnvironmentSpec(e, "[") for e in sorted(theorem_envs)]
        + [macrospec.EnvironmentSpec(e, "[") for e in ("enumerate", "itemize", "description")])
    walker = LatexWalker(body, latex_context=context, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except (RecursionError, MemoryError, ValueError, IndexError) as exc:
        notes.add("parse-fail", f"the LaTeX structure could not be read ({type(exc).__name__}); headings are found "
                  "from the text")
        return ()
    starts = [0] + [m.end() for m in re.finditer("\n", body)]
    lines = body.split("\n")

    def index_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    def rest_of_line(pos: int, at: int) -> str:
        """The text after a heading standing at `at`, up to its line's end: none when its arguments end the line
        (the parser's node runs past the newline to look for an optional argument)."""
        k = index_of(pos)
        return body[pos:starts[k] + len(lines[k])] if k == index_of(at) else ""

    state = _StructureState(exam=exam, theorems=defs.theorems, within=defs.within)

    def arg_text(node, k: int) -> str | None:  # noqa: ANN001 - a pylatexenc node
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if k >= len(args) or args[k] is None:
            return None
        a = args[k]
        text = a.latex_verbatim()
        if a.isNodeType(LatexGroupNode) and text[:1] in "{[" and text[-1:] in "}]":
            text = text[1:-1]
        return text

    def single_line(text: str | None) -> str:
        return (text or "").split("\n")[0]

    def walk(ns: list) -> None:
        for n in ns or []:
            if n is None:
                continue
            if n.isNodeType(LatexMacroNode):
                name = n.macroname
                idx = index_of(n.pos)
                if name in SECTIONS or name == "paragraph":
                    starred = arg_text(n, 0) is not None and arg_text(n, 0) == "*"
                    title = single_line(arg_text(n, 2))
                    if name == "paragraph":
                        written = _written_label(title, state.subsection or state.section)
                        state.add(idx, written or (), _title_of(title), "paragraph", False)
                    else:
                        state.sectioning(idx, name, starred, title)
                elif name == "item":
                    explicit = arg_text(n, 0)
                    state.item(idx, single_line(explicit) if explicit is not None else None,
                               rest_of_line(n.pos + n.len, n.pos))
                elif name in EXAM_MARKS and (exam or _in_exam_list(state)):
                    state.exam_mark(idx, name, rest_of_line(n.pos + n.len, n.pos))
                if n.nodeargd is not None:
                    walk([a for a in n.nodeargd.argnlist if a is not None])
            elif n.isNodeType(LatexEnvironmentNode):
                env = n.environmentname
                idx = index_of(n.pos)
                is_list = env in ("enumerate", "itemize", "description") or env in EXAM_LISTS
                if env in theorem_envs:
                    state.environment(idx, env, single_line(arg_text(n, 0)) if arg_text(n, 0) is not None else None)
                if is_list:
                    state.open_list(env, arg_text(n, 0) if env in ("enumerate", "itemize", "description") else None)
                walk(n.nodelist)
                if is_list:
                    state.close_list()
            elif n.isNodeType(LatexGroupNode) or n.isNodeType(LatexMathNode):
                walk(n.nodelist)

    walk(nodes)
    return tuple(state.headings)


def _in_exam_list(state: _StructureState) -> bool:
    return any(lst["env"] in EXAM_LISTS for lst in state.lists)


# ---------------------------------------------------------------- reading a file


_DOC_BEGIN = re.compile(r"\\begin\s*\{document\}")
_DOC_END = re.compile(r"\\end\s*\{document\}")
_INCLUDES = re.compile(r"\\(input|include|subfile|import|subimport|includeonly|lstinputlisting|verbatiminput)"
                       r"(?![A-Za-z@])\s*(?:\[[^\]\n]*\])?\s*(\{[^}\n]*\}(?:\s*\{[^}\n]*\})?|[^\s{}\\]+)")


def read_latex(text: str, path: str, origin: Sequence[tuple[str, int]] = (),
               followed: Collection[int] = ()) -> Document:
    """A `.tex` write-up as a Document: lines stay the source lines (1:1), answers hold only the expanded body.

    Several files read together (ingest joins them, each input where it stands) give `origin`: per line, its file's
    display path and its line there. Each file that is a whole document then has its own preamble and its own
    `\\end{document}`, and notes name the file and line they concern. `followed`: lines whose `\\input` ingest
    read in place, so no note says it was not followed."""
    raw = text.split("\n")
    notes = _Notes()
    lines = _uncommented(raw)
    joined = "\n".join(lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    defs = _read_definitions(joined, line_of, notes)
    lines = ["" if not ln.strip() else ln for ln in _blank(joined, defs.spans).split("\n")]
    exam = bool(re.search(r"\\documentclass\s*(?:\[[^\]]*\])?\s*\{exam\}", joined))
    files = [f for f, _ in origin] if len(origin) == len(lines) else [path] * len(lines)
    for name in dict.fromkeys(files):
        _outside_document(lines, [k for k, f in enumerate(files) if f == name])
    macros: dict[str, Macro] = {}
    pending = sorted(defs.macros, key=lambda d: d[0])
    expander = _Expander(macros, notes)
    for k in range(len(lines)):
        while pending and line_of(pending[0][0]) <= k + 1:
            macro = pending.pop(0)[1]
            macros[macro.name] = macro
            expander.disabled.discard(macro.name)
        for m in _INCLUDES.finditer(lines[k]) if k not in followed else ():
            target = m.group(2).strip("{}").replace("}{", "/").replace("} {", "/")
            notes.add(f"include-{k}-{m.start()}", f"line {k + 1}: \\{m.group(1)}{{{shown(target)[:MAX_NOTE_CHARS]}}} "
                      "is not followed: only the submitted file is read")
        if lines[k].strip():  # the preamble is blank by now: only the body is expanded
            lines[k] = expander.line(lines[k], k + 1)
        lines[k] = lines[k].rstrip() if not lines[k].strip() == "" else ""
    body = "\n".join(lines)
    structure = _structure(body, defs, exam, notes)
    _closes.cache_clear()  # a 5 MB file's table is large; keep none of it past this file
    return Document(path=path, lines=tuple(lines), line_numbers=tuple(range(1, len(lines) + 1)), kind="latex",
                    notes=tuple(_placed(n, path, origin) for n in notes.all()), structure=structure)


def _outside_document(lines: list[str], own: list[int]) -> None:
    """Blank what of one file lies outside its document body: from its first line to `\\begin{document}`, and from
    `\\end{document}` to its last line (lines of files it inputs there too: LaTeX reads none of it as text).

    `own` are the indices of the file's lines, in order. A file without `\\begin{document}` has no preamble."""
    if not own:
        return
    first = next((k for k in own if _DOC_BEGIN.search(lines[k])), None)
    if first is not None:
        m = _DOC_BEGIN.search(lines[first])
        assert m is not None
        lines[first] = " " * m.end() + lines[first][m.end():]  # `\\begin{document}` itself belongs to no answer
        for k in range(own[0], first):
            lines[k] = ""
    start = own[0] if first is None else first
    end = next((k for k in own if k >= start and _DOC_END.search(lines[k])), None)
    if end is None:
        return
    m = _DOC_END.search(lines[end])
    assert m is not None
    lines[end] = lines[end][:m.start()]
    for k in range(end + 1, own[-1] + 1):
        lines[k] = ""


def _placed(note: str, path: str, origin: Sequence[tuple[str, int]]) -> str:
    """A note prefixed with the file it concerns; "line N" of the joined text becomes that file's own line."""
    m = re.match(r"line (\d+): ", note)
    if m is None or not 1 <= int(m.group(1)) <= len(origin):
        return f"{shown(path)}: {note}"
    name, line = origin[int(m.group(1)) - 1]
    return f"{shown(name)}: line {line}: {note[m.end():]}"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span's characters turned to spaces, its newlines kept (so lines keep their numbers)."""
    out: list[str] = []
    at = 0
    for start, end in spans:
        out.append(text[at:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)
