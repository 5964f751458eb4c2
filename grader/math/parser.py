"""Recursive-descent parser from LaTeX tokens to the AST, with deep-learning reading rules."""

from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction

from grader.math import nodes as N
from grader.math.calls import read_euler, read_indicators, read_products, rereadings
from grader.math.errors import LimitExceeded, MathError
from grader.math.lexer import Token, tokenize
from grader.math.limits import DEFAULT_LIMITS, Limits
from grader.math.printer import sym_name
from grader.math.vocab import (ACCENTS, BOLD_CMDS, CONNECTIVES, DOTS, EXTREMA, FONT_CMDS, FUNC_CMDS,
                               FUNC_LETTERS, GREEK, IMPLIES_CMDS, NEGATED, PLAIN_WORDS, RELOP_CMDS,
                               WRAP_CMDS)

ALIGN_ENVS = frozenset("aligned align align* alignat alignat* equation equation* gather gather* gathered "
                       "split multline multline* eqnarray eqnarray* array flalign flalign* subequations".split())
MATRIX_ENVS = frozenset("pmatrix bmatrix Bmatrix vmatrix Vmatrix matrix smallmatrix".split())
CLOSE_OPS = frozenset(")]}")
NAME_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9\-]*|<[A-Za-z]+>|[A-Za-z]+\.)$")
ORDINALS = re.compile(r"^(st|nd|rd|th)$")


def is_separator_text(content: str) -> bool:
    """Prose inside \\text{} that splits a formula into statements ("and", " as ", "if ")."""
    stripped = content.strip()
    if not stripped:
        return True
    if content != content.strip() and stripped in CONNECTIVES:
        return True
    return stripped.lower() in CONNECTIVES or not NAME_RE.match(stripped)


_WORDS_BY_LETTER: dict[str, tuple[str, ...]] = {}  # PLAIN_WORDS by first letter, each group in PLAIN_WORDS order
for _word in PLAIN_WORDS:
    _WORDS_BY_LETTER[_word[0]] = _WORDS_BY_LETTER.get(_word[0], ()) + (_word,)


class Parser:
    """One parse of one formula; keeps the token position, nesting depth and expected closers."""

    def __init__(self, tokens: list[Token], limits: Limits = DEFAULT_LIMITS) -> None:
        self.t = _unsized(_join_split_groups(tokens))
        self.i = 0
        self.limits = limits
        self.depth = 0
        self.closers: list[str] = []  # "|" inside |..|, "||" inside ||..||, "Vert", "rangle"
        self.bold = 0  # inside \mathbf{...}
        self.script = 0  # inside a sub- or superscript
        self.last_spans: list[tuple[int, int]] = []  # source offsets of the statements parse_statements read

    # ------------------------------------------------------------------ token helpers
    @property
    def tok(self) -> Token:
        return self.t[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.t[min(self.i + k, len(self.t) - 1)]

    def next(self) -> Token:
        tok = self.t[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def at(self, kind: str, value: str | None = None) -> bool:
        tok = self.t[self.i]  # not the `tok` property: the parser's most frequent call
        return tok.kind == kind and (value is None or tok.value == value)

    def expect(self, kind: str, value: str | None = None, what: str = "") -> Token:
        if not self.at(kind, value):
            found = self.tok.value or self.tok.kind
            raise MathError(f"expected {what or value or kind} but found {found!r}")
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise LimitExceeded(f"nesting deeper than {self.limits.max_depth} levels")

    def leave(self) -> None:
        self.depth -= 1

    # ------------------------------------------------------------------ classification
    def relop_at(self, i: int | None = None) -> tuple[str, int] | None:
        """The relation operator starting at token i and how many tokens it spans."""
        i = self.i if i is None else i
        tok = self.t[i]
        nxt = self.t[min(i + 1, len(self.t) - 1)]
        if tok.kind == "op":
            if tok.value == "=":
                if nxt.kind == "op" and nxt.value == ":":
                    return "=", 2
                return "=", 1
            if tok.value in "<>":
                if nxt.kind == "op" and nxt.value == "=":
                    return tok.value + "=", 2
                if nxt.kind == "op" and nxt.value == tok.value:
                    return tok.value * 2, 2
                return tok.value, 1
            if tok.value == ":":
                if nxt.kind == "op" and nxt.value == "=":
                    return "=", 2
                return ":", 1
            if tok.value == "!" and nxt.kind == "op" and nxt.value == "=":
                return "!=", 2
            return None
        if tok.kind == "cmd":
            if tok.value in RELOP_CMDS:
                return RELOP_CMDS[tok.value], 1
            if tok.value == "not":
                inner = self.relop_at(i + 1)
                if inner:
                    return NEGATED.get(inner[0], "!" + inner[0]), inner[1] + 1
            if tok.value in ("stackrel", "overset", "underset"):
                j = self._skip_group(i + 1)
                if self.t[j].kind == "op" and self.t[j].value == "{":
                    inner = self.relop_at(j + 1)
                    if inner and self.t[j + 1 + inner[1]].kind == "op" and self.t[j + 1 + inner[1]].value == "}":
                        return inner[0], j + 2 + inner[1] - i
                else:
                    inner = self.relop_at(j)
                    if inner:
                        return inner[0], j + inner[1] - i
        return None

    def _skip_group(self, i: int) -> int:
        """Index after the {group} (or single token) starting at i."""
        tok = self.t[i]
        if tok.kind == "op" and tok.value == "{":
            depth = 0
            while i < len(self.t) - 1:
                tk = self.t[i]
                if tk.kind == "op" and tk.value == "{":
                    depth += 1
                elif tk.kind == "op" and tk.value == "}":
                    depth -= 1
                    if depth == 0:
                        return i + 1
                i += 1
            raise MathError("unbalanced braces")
        return i + 1

    def is_separator(self) -> bool:
        tok = self.tok
        if tok.kind in ("quad", "newrow"):
            return True
        if tok.kind == "op" and tok.value in (",", ";"):
            return True
        if tok.kind == "text" and tok.value != "operatorname" and is_separator_text(tok.arg):
            return True
        if tok.kind == "cmd" and (tok.value in IMPLIES_CMDS or tok.value in ("forall", "exists", "text_")):
            return True
        return False

    def later_vert(self) -> bool:
        """Whether a closing '\\|' follows before the bracket this one sits in closes (so it opens a norm); in
        `KL(p \\| q)` it does not: there it separates a divergence's two arguments."""
        depth = 0
        for tk in self.t[self.i + 1:]:
            if (tk.kind == "op" and tk.value in "([{") or tk.kind == "left" and tk.value != "Vert":
                depth += 1
            elif (tk.kind == "op" and tk.value in ")]}") or tk.kind == "right" and tk.value != "Vert":
                if depth == 0:
                    return False
                depth -= 1
            elif (tk.kind == "cmd" or tk.kind == "right") and tk.value == "Vert" and depth == 0:
                return True
            elif tk.kind in ("eof", "newrow") or (tk.kind == "op" and tk.value == "&"):
                return False
        return False

    def later_bar(self) -> bool:
        """Whether a matching '|' follows at the same bracket depth (so this '|' opens an absolute value)."""
        depth = 0
        j = self.i + 1
        while j < len(self.t):
            tk = self.t[j]
            if tk.kind == "op" and tk.value in "([{":
                depth += 1
            elif tk.kind == "op" and tk.value in ")]}":
                if depth == 0:
                    return False
                depth -= 1
            elif tk.kind in ("left",):
                depth += 1
            elif tk.kind in ("right",):
                if depth == 0:
                    return False
                depth -= 1
            elif tk.kind == "op" and tk.value == "|" and depth == 0:
                return True
            elif tk.kind in ("eof", "newrow") or (tk.kind == "op" and tk.value == "&"):
                return False
            j += 1
        return False

    def can_start_factor(self) -> bool:
        tok = self.tok
        k = tok.kind
        if k in ("num", "letter", "begin"):
            return True
        if k == "text":
            return tok.value == "operatorname" or not is_separator_text(tok.arg)
        if k == "left":
            if self.closers and self.closers[-1] == "Vert" and tok.value == "Vert":
                return False
            return tok.value != "."
        if k == "op":
            if tok.value in "([{":
                return True
            if tok.value == "|":
                if self.closers and self.closers[-1] in ("|", "||"):
                    return False
                nxt = self.peek()
                if nxt.kind == "op" and nxt.value == "|" and nxt.pos == tok.pos + 1:
                    return True
                return self.later_bar()
            return False
        if k == "cmd":
            v = tok.value
            if v == "Vert":
                return not (self.closers and self.closers[-1] == "Vert") and self.later_vert()
            if self.relop_at() is not None or v in IMPLIES_CMDS:
                return False
            if v in ("cdot", "times", "div", "odot", "otimes", "circ", "ast", "star", "pm", "mp", "mid",
                     "rangle", "rbrace", "forall", "exists", "rfloor", "rceil", "oplus", "bmod", "setminus",
                     "wedge", "vee", "cup", "cap", "land", "lor"):
                return False
            return True
        return False

    # ------------------------------------------------------------------ statements
    def parse_top(self) -> N.Node:
        items, joins = self.parse_statements(top=True)
        if not self.at("eof"):
            tok = self.tok
            raise MathError(f"unexpected {tok.value or tok.kind!r} at position {tok.pos}")
        if not items:
            raise MathError("empty formula")
        if len(items) == 1:
            return items[0]
        return N.System(tuple(items), tuple(joins), tuple(self.last_spans))

    def parse_statements(self, top: bool = False, rows: bool = False) -> tuple[list[N.Node], list[str]]:
        """Statements split by commas, \\quad, prose, \\implies and (in environments) row breaks."""
        items: list[N.Node] = []
        joins: list[str] = []
        spans: list[tuple[int, int]] = []
        join = ""
        while True:
            while self.is_separator() or self.at("op", "&") or (self.at("op", ".") and top):
                tok = self.next()
                if tok.kind == "cmd" and tok.value in IMPLIES_CMDS:
                    join = "implies"
                elif tok.kind == "cmd" and tok.value in ("forall", "exists"):
                    join = "forall"
                elif tok.kind == "newrow":
                    join = join or "row"
                elif tok.kind == "text":
                    join = join or "and"
                else:
                    join = join or ","
            if self.at("eof") or self.at("end") or self.at("right") or (
                    self.tok.kind == "op" and self.tok.value in CLOSE_OPS):
                break
            start = self.i
            start_pos = self.tok.pos
            continuation = rows and self.relop_at() is not None
            node = self.parse_chain(allow_leading=True)
            end_pos = self.tok.pos
            if continuation and items and isinstance(node, N.Chain) and node.items[0] is _HOLE:
                prev = items[-1]
                if isinstance(prev, N.Relation):
                    prev = N.Chain((prev.lhs, prev.rhs), (prev.op,))
                if isinstance(prev, N.Chain):
                    items[-1] = N.Chain(prev.items + node.items[1:], prev.ops + node.ops)
                    spans[-1] = (spans[-1][0], end_pos)
                    join = ""
                    continue
                if not isinstance(prev, N.System):
                    items[-1] = N.Chain((prev,) + node.items[1:], node.ops)
                    spans[-1] = (spans[-1][0], end_pos)
                    join = ""
                    continue
            if isinstance(node, N.Chain) and node.items[0] is _HOLE:
                node = N.Chain((N.Dots(),) + node.items[1:], node.ops)  # continues an earlier formula
            if self.i == start:
                tok = self.tok
                raise MathError(f"unexpected {tok.value or tok.kind!r} at position {tok.pos}")
            if items:
                joins.append(join or ",")
            items.append(node)
            spans.append((start_pos, end_pos))
            join = ""
        self.last_spans = spans
        return items, joins

    def parse_chain(self, allow_leading: bool = False) -> N.Node:
        items: list[N.Node] = []
        ops: list[str] = []
        if allow_leading and self.relop_at() is not None:
            items.append(_HOLE)
        else:
            items.append(self.parse_expr())
        while True:
            rel = self.relop_at()
            if rel is None:
                break
            op, width = rel
            self.i += width
            if op == ":" and self.script == 0 and self.at("eof"):
                break
            items.append(self.parse_expr())
            ops.append(op)
        if not ops:
            return items[0]
        if len(ops) == 1 and items[0] is not _HOLE:
            return N.Relation(items[0], ops[0], items[1])
        return N.Chain(tuple(items), tuple(ops))

    # ------------------------------------------------------------------ arithmetic
    def parse_expr(self) -> N.Node:
        self.enter()
        try:
            terms: list[N.Node] = []
            sign = 1
            if self.at("op", "-"):
                self.next()
                sign = -1
            elif self.at("op", "+"):
                self.next()
            if self.at("cmd", "pm") or self.at("cmd", "mp"):
                raise MathError("± is not supported")
            term = self.parse_term()
            terms.append(N.Neg(term) if sign < 0 else term)
            while True:
                if self.at("op", "+") or self.at("op", "-"):
                    neg = self.next().value == "-"
                    if self.at("op", "&"):
                        self.next()
                    term = self.parse_term()
                    terms.append(N.Neg(term) if neg else term)
                elif self.at("cmd", "pm") or self.at("cmd", "mp"):
                    raise MathError("± is not supported")
                else:
                    break
            return terms[0] if len(terms) == 1 else N.Add(tuple(terms))
        finally:
            self.leave()

    def parse_term(self) -> N.Node:
        factors: list[N.Node] = [self.parse_signed_factor()]
        while True:
            tok = self.tok
            if tok.kind == "cmd" and tok.value in ("cdot", "times", "ast", "star", "circ", "otimes"):
                self.next()
                factors.append(self.parse_signed_factor())
            elif tok.kind == "op" and tok.value == "*":
                self.next()
                factors.append(self.parse_signed_factor())
            elif (tok.kind == "op" and tok.value == "/") or (tok.kind == "cmd" and tok.value == "div"):
                self.next()
                den = self.parse_signed_factor()
                num = factors[0] if len(factors) == 1 else N.Mul(tuple(factors))
                factors = [N.Div(num, den)]
            elif tok.kind == "cmd" and tok.value == "odot":
                self.next()
                rhs = self.parse_signed_factor()
                lhs = factors.pop() if factors else rhs
                factors.append(N.Hadamard(lhs, rhs))
            elif tok.kind == "text" and self.depth > 1 and is_separator_text(tok.arg) and tok.value != "operatorname":
                self.next()  # prose inside a group: ignored
            elif self.can_start_factor():
                factors.append(self.parse_factor())
            else:
                break
        return factors[0] if len(factors) == 1 else N.Mul(tuple(factors))

    def parse_signed_factor(self) -> N.Node:
        if self.at("op", "-"):
            self.next()
            return N.Neg(self.parse_signed_factor())
        if self.at("op", "+"):
            self.next()
        if self.at("text") and is_separator_text(self.tok.arg):  # "= \text{the}": prose as a value
            return self.parse_postfix(N.Sym(self.next().arg.strip()))
        if self.at("cmd", "cdot") or self.at("cmd", "bullet"):  # \|\cdot\|: a placeholder
            self.next()
            return N.Sym("cdot")
        if not self.can_start_factor():
            tok = self.tok
            raise MathError(f"expected an expression but found {tok.value or tok.kind!r}")
        return self.parse_factor()

    def parse_factor(self) -> N.Node:
        self.enter()
        try:
            base = self.parse_primary()
            return self.parse_postfix(base)
        finally:
            self.leave()

    # ------------------------------------------------------------------ scripts
    def read_script_tokens(self) -> tuple[int, int]:
        """Span [a, b) of the script's tokens after '_' or '^' (braces excluded)."""
        if self.at("op", "{"):
            a = self.i + 1
            b = self._skip_group(self.i) - 1
            return a, b
        tok = self.tok
        if tok.kind == "cmd" and (tok.value in BOLD_CMDS or tok.value in FONT_CMDS or tok.value in ACCENTS):
            a = self.i
            return a, self._skip_group(self.i + 1)
        if tok.kind == "num" and len(tok.value) > 1 and "." not in tok.value:
            # x_12 is x_1 2 in LaTeX: split the digits
            self.t[self.i:self.i + 1] = [Token("num", tok.value[0], tok.pos),
                                         Token("num", tok.value[1:], tok.pos + 1)]
        if tok.kind == "eof":
            raise MathError("a script has no argument")
        return self.i, self.i + 1

    def parse_script(self) -> N.Node:
        """A sub- or superscript as one node: a tuple for `i,j`, a range for `1:T`."""
        a, b = self.read_script_tokens()
        braced = self.at("op", "{")
        sub = Parser(self.t[a:b] + [Token("eof", "", self.t[b - 1].pos if b > a else 0)], self.limits)
        sub.depth = self.depth
        sub.script = self.script + 1
        sub.bold = self.bold
        self.i = b + 1 if braced else b
        if b == a:
            return N.Label("")
        first, last = self.t[a], self.t[b - 1]
        if first.kind == "op" and first.value == "(" and last.kind == "op" and last.value == ")" and \
                self._matching(a) == b - 1:
            inner = Parser(self.t[a + 1:b - 1] + [Token("eof", "", last.pos)], self.limits)
            inner.depth = self.depth
            inner.script = self.script + 1
            node = inner.parse_script_body()
            return N.TupleN((node,))
        if b - a == 1 and first.kind == "op" and first.value in ("*", "'", "+", "-"):
            return N.Label(first.value)
        if first.kind == "cmd" and b - a == 1 and first.value in ("star", "ast", "dagger", "prime", "top",
                                                                     "intercal", "perp", "bot", "circ"):
            return N.Label({"star": "*", "ast": "*", "prime": "'", "bot": "perp"}.get(
                first.value, first.value))
        if first.kind == "cmd" and first.value == "mathsf" and b - a <= 4:
            return N.Label("top")
        if first.kind == "text" and b - a == 1:
            if first.arg == "T" and first.value in ("mathrm", "text"):
                return N.Label("top")
            word = first.arg.strip()
            if first.value != "operatorname" and len(word) > 1 and word.isalpha() and word not in GREEK:
                return N.Label(word)  # L_{\text{reg}}, \lambda^{\text{dropout}}: the same label as L_{reg}
        if first.kind == "cmd" and first.value == "substack":
            sub.next()
        script_word = _script_word(self.t[a:b])
        if script_word is not None:
            return N.Label(script_word)
        return sub.parse_script_body()

    def _matching(self, i: int) -> int:
        depth = 0
        for j in range(i, len(self.t)):
            tk = self.t[j]
            if tk.kind == "op" and tk.value in "([{":
                depth += 1
            elif tk.kind == "op" and tk.value in ")]}":
                depth -= 1
                if depth == 0:
                    return j
        return -1

    def parse_script_body(self) -> N.Node:
        items: list[N.Node] = []
        while not self.at("eof"):
            if self.at("op", ",") or self.at("newrow") or self.at("op", ";"):
                self.next()
                continue
            if self.at("text") and is_separator_text(self.tok.arg) and self.tok.value != "operatorname":
                items.append(N.Label(self.next().arg.strip()))
                continue
            node = self.parse_chain()
            if isinstance(node, N.Relation) and node.op == ":" and not isinstance(node.rhs, (N.Relation, N.Chain)):
                node = N.Range(node.lhs, node.rhs)
            items.append(node)
            if not (self.at("eof") or self.at("op", ",") or self.at("newrow") or self.at("op", ";") or self.at("text")):
                tok = self.tok
                raise MathError(f"unexpected {tok.value or tok.kind!r} in a script")
        if not items:
            return N.Label("")
        return items[0] if len(items) == 1 else N.TupleN(tuple(items))

    @staticmethod
    def index_items(node: N.Node) -> tuple[N.Node, ...]:
        """Index items of a subscript: w_{ij} is (i, j), h_{t-1} is (t-1,)."""
        if isinstance(node, N.TupleN) and not (len(node.items) == 1):
            return node.items
        if isinstance(node, N.Mul) and all(isinstance(f, N.Sym) and not f.bold for f in node.factors) and \
                all(isinstance(f, N.Sym) and len(f.name) == 1 for f in node.factors):
            return node.factors
        if isinstance(node, N.Mul) and all(isinstance(f, N.Sym) for f in node.factors):
            return node.factors
        return (node,)

    def parse_postfix(self, base: N.Node) -> N.Node:
        node = base
        while True:
            if self.at("op", "_"):
                self.next()
                script = self.parse_script()
                node = self.attach_sub(node, script)
            elif self.at("op", "^"):
                self.next()
                save = self.i
                last = self._trailing_transpose()
                if last is not None:  # \mathbf{U}^{(f)\top}: a label, then a transpose
                    inner = Parser([Token("op", "{", self.tok.pos)] + self.t[save + 1:last] +
                                   [Token("op", "}", self.t[last].pos), Token("eof", "", self.t[last].pos)],
                                   self.limits)
                    inner.depth, inner.script, inner.bold = self.depth, self.script, self.bold
                    script = inner.parse_script()
                    if isinstance(script, N.Sym) and not script.sub and not script.sup:
                        script = N.Label(sym_name(script))  # ^{a\top}, ^{\star\top}: a name, never a power
                    self.i = last + 2
                    node = N.Transpose(self.attach_sup(node, script, self.t[save]))
                    continue
                script = self.parse_script()
                node = self.attach_sup(node, script, self.t[save])
            elif self.at("op", "'"):
                self.next()
                if isinstance(node, N.Sym):
                    node = N.Sym(node.name, node.bold, node.sub, node.sup, node.primes + 1, node.accent)
                elif isinstance(node, N.Func):
                    node = N.Func(node.name, node.args, node.sub, node.sup, node.primes + 1, node.jacobian,
                                  node.inverse, node.accent, node.bold)
            elif self.at("op", "!") and not (self.peek().kind == "op" and self.peek().value == "="):
                self.next()
                node = N.Factorial(node)
            else:
                applied = self.maybe_apply(node)
                if applied is node:
                    break
                node = applied
        return node

    def _trailing_transpose(self) -> int | None:
        """Index of a closing `\\top` in a braced superscript with a label before it (`^{(f)\\top}`, `^{*\\top}`)."""
        if not self.at("op", "{"):
            return None
        end = self._skip_group(self.i) - 1
        if end - self.i < 3:
            return None
        last, before = self.t[end - 1], self.t[end - 2]
        if (last.kind == "cmd" and last.value in ("top", "intercal")) or \
                (last.kind == "letter" and last.value == "T" and before.kind == "op" and before.value == ")"):
            if before.kind == "op" and before.value in ("_", "^", "{", "+", "-", "(", ","):
                return None
            if last.kind == "letter":  # ^{(f)T}: only after a bracketed label
                return end - 1 if before.kind == "op" and before.value == ")" else None
            return end - 1
        return None

    def attach_sub(self, node: N.Node, script: N.Node) -> N.Node:
        if isinstance(node, N.Sym) and not node.sup:
            return N.Sym(node.name, node.bold, node.sub + self.index_items(script), node.sup, node.primes,
                         node.accent)
        if isinstance(node, N.Sym):
            return N.Sym(node.name, node.bold, node.sub + self.index_items(script), node.sup, node.primes,
                         node.accent)
        if isinstance(node, N.Norm) and node.sub is None:
            return N.Norm(node.x, script)
        if isinstance(node, N.Func):
            return N.Func(node.name, node.args, node.sub + self.index_items(script), node.sup, node.primes,
                          node.jacobian, node.inverse, node.accent, node.bold)
        if isinstance(node, N.SetSym):
            return node
        if isinstance(node, N.Pow) and isinstance(node.base, N.Sym):
            return N.Pow(self.attach_sub(node.base, script), node.exp)
        if isinstance(node, (N.Transpose, N.PowT)) and isinstance(node.x, N.Sym):
            return type(node)(self.attach_sub(node.x, script))
        return N.Index(node, self.index_items(script))

    def attach_sup(self, node: N.Node, script: N.Node, first: Token) -> N.Node:
        if isinstance(script, N.Label):
            if script.text == "'":
                if isinstance(node, N.Sym):
                    return N.Sym(node.name, node.bold, node.sub, node.sup, node.primes + 1, node.accent)
                return node
            if script.text in ("top", "intercal"):
                return N.Transpose(node)
            if script.text == "":
                return node
            if isinstance(node, N.Sym):
                return N.Sym(node.name, node.bold, node.sub, node.sup + (script,), node.primes, node.accent)
            if isinstance(node, N.SetSym):
                return N.SetSym(node.name, script)
            return N.Pow(node, script)
        if isinstance(node, N.SetSym):
            return N.SetSym(node.name, script)
        if isinstance(script, N.TupleN) and len(script.items) == 1:
            if isinstance(node, N.Sym):  # \theta^{(i)}: a label, part of the symbol's identity
                return N.Sym(node.name, node.bold, node.sub, node.sup + (script,), node.primes, node.accent)
            if isinstance(node, N.Pow):  # \sigma^{2(0)} written as (\sigma^2)^{(0)}
                return node
            return N.Pow(node, script.items[0])
        if isinstance(script, N.Sym) and script.name == "T" and not script.sub and not script.bold:
            if _is_bold(node):
                return N.Transpose(node)
            if _scalar_expr(node):  # (\sqrt{1-\beta})^T, (1-\beta)^T: T is the sequence length
                return N.Pow(node, script)
            return N.PowT(node)
        if isinstance(script, N.Sym) and isinstance(node, N.Sym) and node.bold and len(script.name) == 1 \
                and script.name.isupper() and not script.sub:
            return N.Sym(node.name, node.bold, node.sub, node.sup + (N.Label(script.name),), node.primes,
                         node.accent)
        if isinstance(node, N.Sym) and isinstance(script, N.Sym) and script.name in ("dropout", "reg"):
            return N.Sym(node.name, node.bold, node.sub, node.sup + (N.Label(script.name),), node.primes,
                         node.accent)
        self.check_exponent(script)
        if isinstance(node, N.Sym) and self.next_is_call() and _is_minus_one(script):
            return N.Func(node.name, (), node.sub, node.sup, node.primes, False, True, node.accent, node.bold)
        return N.Pow(node, script)

    def check_exponent(self, exp: N.Node) -> None:
        value = const_value(exp, self.limits)
        if value is not None and abs(value) > self.limits.max_exponent:
            raise LimitExceeded(f"exponent {value:.3g} is over the limit {self.limits.max_exponent:g}")

    def next_is_call(self) -> bool:
        return self.at("op", "(") or self.at("left", "(")

    def paren_content(self) -> tuple[int, int] | None:
        """Token span inside the parentheses that start here."""
        if self.at("op", "("):
            end = self._matching(self.i)
            return (self.i + 1, end) if end > 0 else None
        if self.at("left", "("):
            depth = 0
            for j in range(self.i, len(self.t)):
                if self.t[j].kind == "left":
                    depth += 1
                elif self.t[j].kind == "right":
                    depth -= 1
                    if depth == 0:
                        return self.i + 1, j
            return None
        return None

    def maybe_apply(self, node: N.Node) -> N.Node:
        """Turn `name(args)` into a function application where the notation says it is one."""
        if not isinstance(node, (N.Sym, N.Func)) or not self.next_is_call():
            return node
        if isinstance(node, N.Func):
            if node.args:
                return node
            args = self.parse_call_args()
            return N.Func(node.name, args, node.sub, node.sup, node.primes, node.jacobian, node.inverse,
                          node.accent, node.bold)
        span = self.paren_content()
        if span is None:
            return node
        a, b = span
        content = self.t[a:b]
        top_comma = _top_level(content, {",", "|", ";"}) or any(tk.kind == "cmd" and tk.value == "mid" for tk in content)
        top_sum = _top_level(content, {"+", "-"})
        name = node.name
        is_fn = (name in FUNC_LETTERS and not node.bold) or (len(name) > 1 and name not in GREEK and
                                                              not name.startswith("Delta")) \
            or (node.accent != "" and name in FUNC_LETTERS) or node.primes > 0
        if node.sub and not node.bold:
            single = len(content) <= 2 or _is_atom(content)
            apply = (not top_sum) and (single or top_comma or _numeric_sub(node) or name in FUNC_LETTERS)
        else:
            apply = top_comma or (is_fn and not node.bold)
        if node.sup and any(isinstance(s, N.TupleN) for s in node.sup) and name not in FUNC_LETTERS:
            apply = apply and top_comma
        if not apply:
            return node
        args = self.parse_call_args()
        return N.Func(name, args, node.sub, node.sup, node.primes, False, False, node.accent, node.bold)

    def parse_call_args(self) -> tuple[N.Node, ...]:
        left = self.at("left")
        self.next()
        self.closers.append(")")
        args: list[N.Node] = []
        try:
            while True:
                if (self.at("op", ")") and not left) or (self.at("right") and left):
                    break
                item = self.parse_chain()
                if self.at("op", "|") or self.at("cmd", "mid") or self.at("op", ";"):
                    self.next()
                    rest = self.parse_chain()
                    while self.at("op", ","):
                        self.next()
                        rest = N.TupleN((rest, self.parse_chain()))
                    item = N.Cond(item, rest)
                args.append(item)
                if self.at("op", ",") or self.at("cmd", "Vert"):  # `KL(p \| q)`: the divergence's two arguments
                    self.next()
                    continue
                break
            if left:
                self.expect("right", what="\\right)")
            else:
                self.expect("op", ")", what="')'")
        finally:
            self.closers.pop()
        return tuple(args)

    # ------------------------------------------------------------------ primaries
    def parse_group(self, open_: str, close: str) -> N.Node:
        """Content of (..), [..] or {..}: an expression, a relation, or a tuple."""
        self.expect("op", open_)
        self.closers.append(close)
        try:
            items: list[N.Node] = []
            while not self.at("op", close):
                if self.at("eof"):
                    raise MathError(f"unbalanced {open_!r}")
                if self.at("quad") or (self.at("text") and is_separator_text(self.tok.arg) and
                                       not (self.peek().kind == "op" and self.peek().value == close)):
                    self.next()
                    continue
                items.append(self.parse_chain())
                if self.at("op", ",") or self.at("op", ";"):
                    self.next()
                    continue
                if self.at("quad") or (self.at("text") and is_separator_text(self.tok.arg)):
                    self.next()
                    continue
                if not self.at("op", close):
                    tok = self.tok
                    raise MathError(f"expected {close!r} but found {tok.value or tok.kind!r}")
            self.next()
        finally:
            self.closers.pop()
        if not items:
            return N.TupleN(())
        if len(items) == 1:
            return items[0]
        return N.TupleN(tuple(items))

    def parse_left(self) -> N.Node:
        tok = self.next()
        d = tok.value
        close = {"(": ")", "[": "]", "lbrace": "rbrace", "langle": "rangle", "|": "|", "Vert": "Vert",
                 ".": None, "lfloor": "rfloor", "lceil": "rceil", "]": "[", ")": "("}.get(d, None)
        self.closers.append("right")
        try:
            items: list[N.Node] = []
            while not self.at("right"):
                if self.at("eof"):
                    raise MathError(f"unbalanced \\left{d}: no matching \\right")
                items.append(self.parse_chain())
                if self.at("op", ",") or self.at("op", ";"):
                    self.next()
                    continue
                if self.at("quad") or self.at("newrow") or (self.at("text") and is_separator_text(self.tok.arg)):
                    self.next()
                    continue
                if self.at("op", "|") or self.at("cmd", "mid"):
                    self.next()
                    rest = self.parse_chain()
                    items[-1] = N.Cond(items[-1], rest)
                    continue
                if not self.at("right"):
                    tok = self.tok
                    raise MathError(f"expected \\right but found {tok.value or tok.kind!r}")
            rtok = self.next()
        finally:
            self.closers.pop()
        if close is not None and rtok.value not in (close, ".") and d not in ("(", "[", ")", "]") and rtok.value not in (")", "]"):
            raise MathError(f"\\left{d} closed by \\right{rtok.value}")
        inner: N.Node = items[0] if len(items) == 1 else N.TupleN(tuple(items))
        if not items:
            inner = N.TupleN(())
        if d == "Vert":
            return N.Norm(inner)
        if d == "|":
            return N.Abs(inner)
        if d == "langle" and isinstance(inner, N.TupleN) and len(inner.items) == 2:
            return N.Inner(inner.items[0], inner.items[1])
        if d == "lbrace":
            return N.SetN(inner.items if isinstance(inner, N.TupleN) else (inner,))
        if d == "lfloor":
            return N.Func("floor", (inner,))
        if d == "lceil":
            return N.Func("ceil", (inner,))
        return inner

    def parse_primary(self) -> N.Node:
        tok = self.tok
        k = tok.kind
        if k == "num":
            self.next()
            return N.Num(Fraction(tok.value), tok.value, bool(self.bold))
        if k == "letter":
            return self.parse_letter()
        if k == "text":
            return self.parse_text()
        if k == "left":
            return self.parse_left()
        if k == "begin":
            return self.parse_env()
        if k == "op":
            v = tok.value
            if v == "(":
                return self.parse_group("(", ")")
            if v == "[":
                return self.parse_group("[", "]")
            if v == "{":
                return self.parse_group("{", "}")
            if v == "|":
                nxt = self.peek()
                if nxt.kind == "op" and nxt.value == "|" and nxt.pos == tok.pos + 1:
                    self.next()
                    self.next()
                    self.closers.append("||")
                    try:
                        inner = self.parse_expr()
                    finally:
                        self.closers.pop()
                    self.expect("op", "|", what="closing ||")
                    self.expect("op", "|", what="closing ||")
                    return N.Norm(inner)
                self.next()
                self.closers.append("|")
                try:
                    inner = self.parse_expr()
                finally:
                    self.closers.pop()
                self.expect("op", "|", what="closing |")
                return N.Abs(inner)
            raise MathError(f"unexpected {v!r}")
        if k == "cmd":
            return self.parse_command()
        raise MathError(f"unexpected {tok.value or k!r}")

    def parse_letter(self) -> N.Node:
        tok = self.tok
        # a plain word such as softmax( or Var[
        for word in _WORDS_BY_LETTER.get(tok.value, ()):  # only words that can start here (a hot loop)
            if self._word_at(word):
                end = self.i + len(word)
                nxt = self.t[end]
                if word in ("Var", "Cov", "var") and nxt.kind == "op" and nxt.value in "[(":
                    self.i = end
                    return self.parse_expectation({"var": "Var"}.get(word, word))
                if word in ("max", "min", "argmax", "argmin"):
                    self.i = end
                    return self.parse_extremum(word)
                if nxt.kind == "op" and nxt.value in "(_^" or word in ("exp", "log", "ln", "tanh", "softmax",
                                                                        "sigmoid", "sin", "cos"):
                    self.i = end
                    return self.parse_named_function(word)
        self.next()
        name = tok.value
        if name == "O" and self.next_is_call() and not self.bold:
            return self.parse_asym("O")
        if name == "o" and self.next_is_call() and not self.bold:
            return self.parse_asym("o")
        if name == "E" and not self.bold and (self.at("op", "[") or self.at("left", "[")):
            return self.parse_expectation("E")
        if name == "D" and not self.bold and self._function_follows():
            inner = self.parse_factor()
            if isinstance(inner, N.Func):
                return N.Func(inner.name, inner.args, inner.sub, inner.sup, inner.primes, True, inner.inverse,
                              inner.accent, inner.bold)
            return N.Mul((N.Sym("D"), inner))
        if name == "e" and self.at("op", "^") and not self.bold:
            return N.Const("e")
        return N.Sym(name, bool(self.bold))

    def _word_at(self, word: str) -> bool:
        if self.i + len(word) >= len(self.t):
            return False
        pos0 = self.t[self.i].pos
        for k, ch in enumerate(word):
            tk = self.t[self.i + k]
            if tk.kind != "letter" or tk.value != ch or tk.pos != pos0 + k:
                return False
        after = self.t[self.i + len(word)]
        return not (after.kind == "letter" and after.pos == pos0 + len(word))

    def _function_follows(self) -> bool:
        tok = self.tok
        if tok.kind == "cmd" and tok.value in FUNC_LETTERS:
            return True
        return tok.kind == "letter" and tok.value in FUNC_LETTERS

    def parse_text(self) -> N.Node:
        tok = self.next()
        content = tok.arg.strip()
        if content in ("Var", "Cov", "var", "E") and (self.at("op", "[") or self.at("left", "[") or self.at("op", "(")):
            return self.parse_expectation({"var": "Var"}.get(content, content))  # \mathrm{E}[x] as \mathbb{E}[x]
        if tok.value == "mathrm" and self.bold == 0 and len(content) == 1:
            return self.parse_letter_like(content)
        if content in ("argmax", "argmin", "arg max", "arg min", "max", "min"):
            return self.parse_extremum(content.replace(" ", ""))
        if content in ("O", "Theta", "Omega") and self.next_is_call():
            return self.parse_asym(content)
        if content in FUNC_CMDS or content in ("softmax", "sigmoid", "relu", "ReLU", "diag", "sign"):
            return self.parse_named_function(content)
        if len(content) == 1 and content.isalpha():
            return self.parse_letter_like(content)
        return N.Sym(content, bool(self.bold))

    def parse_letter_like(self, ch: str) -> N.Node:
        return N.Sym(ch, bool(self.bold))

    def parse_named_function(self, name: str) -> N.Node:
        sub: tuple[N.Node, ...] = ()
        power: N.Node | None = None
        while self.at("op", "_") or self.at("op", "^"):
            is_sub = self.next().value == "_"
            script = self.parse_script()
            if is_sub:
                sub += Parser.index_items(script)
            else:
                power = script
        if self.next_is_call():
            args = self.parse_call_args()
        elif not self.can_start_factor():
            return N.Sym(name)
        else:
            args = (self.parse_simple_product(),)
        node: N.Node = N.Func(name, args, sub)
        if power is not None:
            if _is_minus_one(power):
                return N.Func(name, args, sub, inverse=True)
            node = N.Pow(node, power)
        return node

    def parse_simple_product(self) -> N.Node:
        """The argument of \\log x, \\log BN, \\exp -x: juxtaposed factors, no explicit operators."""
        if self.at("op", "-"):
            self.next()
            return N.Neg(self.parse_simple_product())
        if not self.can_start_factor():
            raise MathError("a function has no argument")
        factors = [self.parse_factor()]
        while self.can_start_factor() and not self.at("cmd", "log") and not self.at("cmd", "exp") and \
                not (self.tok.kind == "cmd" and self.tok.value in ("sum", "prod", "max", "min", "frac", "nabla")):
            factors.append(self.parse_factor())
        return factors[0] if len(factors) == 1 else N.Mul(tuple(factors))

    def parse_asym(self, kind: str) -> N.Node:
        args = self.parse_call_args()
        if len(args) != 1:
            raise MathError(f"{kind}(...) takes one argument")
        return N.Asym(kind, args[0])

    def parse_expectation(self, kind: str) -> N.Node:
        sub: N.Node | None = None
        if self.at("op", "_"):
            self.next()
            sub = self.parse_script()
        if self.at("op", "["):
            body = self.parse_group("[", "]")
        elif self.at("left"):
            body = self.parse_left()
        elif self.at("op", "("):
            body = self.parse_group("(", ")")
        else:
            body = self.parse_factor()
        return N.Expect(kind, body, sub)

    def parse_extremum(self, kind: str) -> N.Node:
        under: N.Node | None = None
        if self.at("op", "_"):
            self.next()
            under = self.parse_script()
        if self.at("op", "^"):
            self.next()
            self.parse_script()
        if self.at("cmd", "lbrace") or self.at("left", "lbrace"):
            body = self.parse_factor()
        elif not self.can_start_factor():
            return N.Sym(kind)
        else:
            body = self.parse_bigop_body()
        return N.Extremum(EXTREMA.get(kind, kind), under, body)

    def parse_bigop_body(self) -> N.Node:
        if not self.can_start_factor():
            raise MathError("an operator has no operand")
        factors = [self.parse_signed_factor()]
        while True:
            if self.at("cmd", "cdot") or self.at("cmd", "times"):
                save = self.i
                self.next()
                if not self.can_start_factor():
                    self.i = save
                    break
                factors.append(self.parse_factor())
            elif self.can_start_factor():
                factors.append(self.parse_factor())
            else:
                break
        return factors[0] if len(factors) == 1 else N.Mul(tuple(factors))

    def parse_bigop(self, kind: str) -> N.Node:
        lower: N.Node | None = None
        upper: N.Node | None = None
        while self.at("op", "_") or self.at("op", "^"):
            is_sub = self.next().value == "_"
            script = self.parse_script()
            if is_sub:
                lower = script
            else:
                upper = script
        var: N.Node | None = None
        lo: N.Node | None = None
        cond: N.Node | None = None
        if isinstance(lower, N.Relation) and lower.op == "=":
            var, lo = lower.lhs, lower.rhs
        elif isinstance(lower, N.Relation):
            var, cond = lower.lhs, lower
        elif isinstance(lower, N.Sym):
            var = lower
        elif lower is not None:
            cond = lower
        body = self.parse_bigop_body()
        return N.BigOp(kind, var, lo, upper, body, cond)

    def parse_frac(self) -> N.Node:
        num_span = self._arg_span()
        den_span = self._arg_span(num_span[2])
        deriv = self._derivative(num_span, den_span)
        if deriv is not None:
            return deriv
        num = self._parse_span(num_span[0], num_span[1])
        den = self._parse_span(den_span[0], den_span[1])
        self.i = den_span[2]
        return N.Div(num, den)

    def _arg_span(self, i: int | None = None) -> tuple[int, int, int]:
        """(start, end, next) of the {argument} at i; a single token otherwise."""
        i = self.i if i is None else i
        tok = self.t[i]
        if tok.kind == "op" and tok.value == "{":
            end = self._skip_group(i)
            return i + 1, end - 1, end
        if tok.kind == "num" and len(tok.value) > 1 and "." not in tok.value:
            self.t[i:i + 1] = [Token("num", tok.value[0], tok.pos), Token("num", tok.value[1:], tok.pos + 1)]
            return i, i + 1, i + 1
        if tok.kind == "eof":
            raise MathError("\\frac needs two arguments")
        if tok.kind == "cmd" and (tok.value in BOLD_CMDS or tok.value in FONT_CMDS):
            end = self._skip_group(i + 1)
            return i, end, end
        return i, i + 1, i + 1

    def _parse_span(self, a: int, b: int) -> N.Node:
        if a >= b:
            raise MathError("empty argument")
        sub = Parser(self.t[a:b] + [Token("eof", "", self.t[b - 1].pos)], self.limits)
        sub.depth = self.depth + 1
        sub.bold = self.bold
        sub.script = self.script
        if sub.depth > self.limits.max_depth:
            raise LimitExceeded(f"nesting deeper than {self.limits.max_depth} levels")
        node = sub.parse_chain()
        if not sub.at("eof"):
            tok = sub.tok
            raise MathError(f"unexpected {tok.value or tok.kind!r} at position {tok.pos}")
        return node

    def _is_d(self, i: int) -> bool:
        tok = self.t[i]
        return (tok.kind == "cmd" and tok.value == "partial") or (tok.kind == "letter" and tok.value == "d") or \
            (tok.kind == "text" and tok.arg == "d")

    def _derivative(self, num: tuple[int, int, int], den: tuple[int, int, int]) -> N.Node | None:
        a, b, _ = num
        c, d, nxt = den
        if a >= b or c >= d or not self._is_d(a) or not self._is_d(c):
            return None
        kind = "partial" if self.t[a].kind == "cmd" else "d"
        after_num = self.t[a + 1] if a + 1 < b else None
        after_den = self.t[c + 1] if c + 1 < d else None
        if after_den is None or (after_den.kind == "op" and after_den.value in "_'"):
            return None
        if kind == "d" and after_num is not None and after_num.kind == "op" and after_num.value in "_'":
            return None
        order = 1
        j = a + 1
        if j < b and self.t[j].kind == "op" and self.t[j].value == "^":
            order = int(self.t[j + 1].value) if self.t[j + 1].kind == "num" else 2
            j += 2
        wrt: list[N.Node] = []
        k = c + 1
        seg_start = k
        pieces: list[tuple[int, int]] = []
        while k < d:
            if self._is_d(k) and k > seg_start:
                pieces.append((seg_start, k))
                seg_start = k + 1
            k += 1
        pieces.append((seg_start, d))
        for p, q in pieces:
            node = self._parse_span(p, q)
            if isinstance(node, N.Pow) and order > 1:
                node = node.base
            wrt.append(node)
        self.i = nxt
        if j >= b:  # operator form: \frac{\partial}{\partial x} f
            operand = self.parse_bigop_body()
            return N.Deriv(operand, tuple(wrt), kind, order)
        return N.Deriv(self._parse_span(j, b), tuple(wrt), kind, order)

    def parse_command(self) -> N.Node:
        tok = self.next()
        v = tok.value
        if v in GREEK:
            if v == "Delta" and self._symbol_follows():
                inner = self.parse_primary()
                if isinstance(inner, N.Sym):
                    return N.Sym("Delta " + inner.name, inner.bold, inner.sub, inner.sup, inner.primes, inner.accent)
                return N.Mul((N.Sym("Delta"), inner))
            if v in ("Theta", "Omega") and self.next_is_call() and not self.bold and self.script == 0:
                return self.parse_asym(v)
            if v == "varepsilon":
                v = "epsilon"
            return N.Sym(v, bool(self.bold))
        if v in BOLD_CMDS:
            return self.parse_font_arg(bold=True)
        if v in FONT_CMDS:
            if v in ("mathcal", "mathscr") and self.at("op", "{") and self.peek().kind == "letter" and \
                    self.peek().value == "O" and self.peek(2).kind == "op" and self.peek(2).value == "}":
                self.i += 3
                if self.next_is_call():
                    return self.parse_asym("O")
                return N.Sym("O")
            if v == "mathsf" and self.at("op", "{") and self.peek().kind == "letter" and self.peek().value == "T":
                self.i += 3
                return N.Sym("T")
            return self.parse_font_arg(bold=False)
        if v in ("mathbb", "mathbbm"):  # \mathbbm{1} (the bbm package) is \mathbb{1}
            content, _ = self._raw_group()
            if content == "E":
                return self.parse_expectation("E")
            if content in ("P", "Pr"):
                node = N.Sym("P")
                return self.maybe_apply(N.Func("P", ())) if self.next_is_call() else node
            if content == "1":
                return N.Num(Fraction(1), "1", True)
            return N.SetSym(content)
        if v in ACCENTS:
            return self.parse_accent(ACCENTS[v])
        if v in WRAP_CMDS:
            inner = self.parse_font_like_group()
            if v in ("underbrace", "overbrace") and (self.at("op", "_") or self.at("op", "^")):
                self.next()
                self._raw_group()  # the note under the brace is prose or a side remark (`_{=z}`): skipped
            return inner
        if v in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.parse_frac()
        if v == "sqrt":
            index: N.Node | None = None
            if self.at("op", "["):
                index = self.parse_group("[", "]")
            arg = self.parse_font_like_group()
            if index is not None:
                return N.Pow(arg, N.Div(N.Num(Fraction(1), "1"), index))
            return N.Func("sqrt", (arg,))
        if v in ("sum", "prod"):
            return self.parse_bigop(v)
        if v == "int" or v == "oint":
            lower = upper = None
            while self.at("op", "_") or self.at("op", "^"):
                is_sub = self.next().value == "_"
                s = self.parse_script()
                if is_sub:
                    lower = s
                else:
                    upper = s
            return N.Integral(lower, upper, self.parse_bigop_body())
        if v == "arg":
            if self.at("cmd", "max") or self.at("cmd", "min"):
                return self.parse_extremum("arg" + self.next().value)
            if self.at("text") and self.tok.arg in ("max", "min"):
                return self.parse_extremum("arg" + self.next().arg)
            return N.Sym("arg")
        if v in EXTREMA:
            return self.parse_extremum(v)
        if v == "lim":
            sub: N.Node | None = None
            if self.at("op", "_"):
                self.next()
                sub = self.parse_script()
            body = self.parse_bigop_body()
            if isinstance(sub, N.Relation):
                return N.Lim(sub.lhs, sub.rhs, body)
            return N.Lim(sub or N.Label(""), N.Const("inf"), body)
        if v in FUNC_CMDS:
            return self.parse_named_function(v)
        if v == "nabla":
            return self.parse_nabla("")
        if v == "partial":
            if self.at("op", "_"):
                self.next()
                wrt = self.parse_script()
                return N.Deriv(self.parse_factor(), (wrt,), "partial")
            # inline `\partial L/\partial a` (and `\partial L / \partial \mathbf{a}`): the derivative
            num = self.parse_factor()
            if self.at("op", "/") and self.peek().kind == "cmd" and self.peek().value == "partial":
                self.i += 2
                return N.Deriv(num, (self.parse_factor(),), "partial")
            raise MathError("\\partial outside a derivative")
        if v in ("infty", "infin"):
            return N.Const("inf")
        if v == "pi":
            return N.Const("pi")
        if v in DOTS:
            return N.Dots()
        if v == "emptyset" or v == "varnothing":
            return N.SetN(())
        if v == "lbrace":
            self.closers.append("rbrace")
            try:
                items: list[N.Node] = []
                while not self.at("cmd", "rbrace"):
                    if self.at("eof"):
                        raise MathError("unbalanced \\{")
                    items.append(self.parse_chain())
                    if self.at("op", ",") or self.at("op", ";"):
                        self.next()
                    elif self.at("op", "|") or self.at("op", ":") or self.at("cmd", "mid"):
                        self.next()
                        items = [N.Cond(items[-1], self.parse_chain())]
                self.next()
            finally:
                self.closers.pop()
            return N.SetN(tuple(items))
        if v == "Vert":
            self.closers.append("Vert")
            try:
                inner = self.parse_expr()
            finally:
                self.closers.pop()
            if not (self.at("cmd", "Vert") or self.at("right", "Vert")):
                raise MathError("unclosed \\|")
            self.next()
            return N.Norm(inner)
        if v == "langle":
            self.closers.append("rangle")
            try:
                a = self.parse_expr()
                if self.at("cmd", "rangle"):  # \langle BOS \rangle: angle brackets around a name
                    self.next()
                    return a
                self.expect("op", ",", what="',' in ⟨a, b⟩")
                b = self.parse_expr()
            finally:
                self.closers.pop()
            self.expect("cmd", "rangle", what="⟩")
            return N.Inner(a, b)
        if v in ("mathstrut", "displaystyle"):
            return self.parse_primary()
        if v in ("top", "intercal", "perp", "bot"):
            return N.Sym(v)
        if v in ("prime",):
            return N.Sym("prime")
        if v in ("star", "ast"):
            return N.Label("*")
        if v in ("imath", "jmath"):
            return N.Sym(v[0])
        if v == "operatorname":
            return self.parse_text()
        raise MathError(f"unknown command \\{v}")

    def _symbol_follows(self) -> bool:
        tok = self.tok
        if tok.kind == "letter":
            return True
        if tok.kind == "cmd" and (tok.value in GREEK or tok.value in BOLD_CMDS or tok.value in FONT_CMDS):
            return True
        return False

    def _raw_group(self) -> tuple[str, int]:
        a, b = self.read_script_tokens()
        braced = self.at("op", "{")
        text = "".join(tk.value for tk in self.t[a:b])
        self.i = b + 1 if braced else b
        return text, b

    def parse_font_like_group(self) -> N.Node:
        if self.at("op", "{"):
            return self.parse_group("{", "}")
        return self.parse_factor()

    def parse_font_arg(self, bold: bool) -> N.Node:
        if bold:
            self.bold += 1
        try:
            if self.at("op", "{"):
                node = self.parse_group("{", "}")
            else:
                node = self.parse_primary()
        finally:
            if bold:
                self.bold -= 1
        if isinstance(node, N.Mul) and bold and all(isinstance(f, N.Sym) for f in node.factors):
            return node  # \mathbf{AB}: a product of two bold matrices
        if isinstance(node, N.Mul) and not bold:
            letters = [f.name for f in node.factors if isinstance(f, N.Sym) and len(f.name) == 1]
            if len(letters) == len(node.factors):
                return N.Sym("".join(letters))  # \mathrm{softmax} style names
        return node

    def parse_accent(self, kind: str) -> N.Node:
        if self.at("op", "{") and self.peek().kind == "cmd" and self.peek().value == "nabla":
            self.i += 2
            self.expect("op", "}")
            return self.parse_nabla(kind)
        if self.at("cmd", "nabla"):
            self.next()
            return self.parse_nabla(kind)
        if kind == "underline":
            return self.parse_font_like_group()
        inner = self.parse_font_like_group() if self.at("op", "{") else self.parse_primary()
        if isinstance(inner, N.Sym):
            accent = kind if not inner.accent else f"{kind} {inner.accent}"
            if kind == "vec":
                return N.Sym(inner.name, True, inner.sub, inner.sup, inner.primes, inner.accent)
            return N.Sym(inner.name, inner.bold, inner.sub, inner.sup, inner.primes, accent)
        return N.Accent(kind, inner)

    def parse_nabla(self, accent: str) -> N.Node:
        wrt: N.Node | None = None
        order = 1
        while self.at("op", "_") or self.at("op", "^"):
            is_sub = self.next().value == "_"
            s = self.parse_script()
            if is_sub:
                wrt = s
            elif isinstance(s, N.Num):
                order = int(s.value)
        body = self.parse_factor()
        if wrt is not None and not _applied(body):
            body = self.gradient_product(body, wrt)
        return N.Grad(wrt, body, order, accent)

    def gradient_product(self, first: N.Node, wrt: N.Node) -> N.Node:
        """`\\nabla_{\\mathbf x} \\mathbf x^\\top\\mathbf A\\mathbf x`: the gradient takes the juxtaposed product
        that follows (up to `+`, `-`, an operator or a relation) when the product goes on to mention the variable;
        `\\nabla f(\\mathbf x)^\\top \\mathbf d` (a function's gradient at a point) keeps its one factor."""
        start = self.i
        rest: list[N.Node] = []
        while self.can_start_factor() and not (self.tok.kind == "cmd" and self.tok.value == "nabla"):
            rest.append(self.parse_factor())
        if rest and any(wrt == n for r in rest for n in N.walk(r)):
            return N.Mul((first, *rest))
        self.i = start
        return first

    def parse_env(self) -> N.Node:
        env = self.next().value
        if env == "array" or env.startswith("alignat"):
            if self.at("op", "{"):
                self.i = self._skip_group(self.i)
        if env in MATRIX_ENVS:
            rows = self.parse_cells(env)
            width = max(len(r) for r in rows)
            if any(len(r) != width for r in rows):
                raise MathError("matrix rows have different lengths")
            return N.Matrix(tuple(tuple(r) for r in rows), env)
        if env in ("cases", "dcases", "rcases"):
            rows = self.parse_cells(env)
            branches = []
            for r in rows:
                cond = r[1] if len(r) > 1 else None
                branches.append((r[0], cond))
            return N.Cases(tuple(branches))
        if env in ALIGN_ENVS:
            items, joins = self.parse_statements(rows=True)
            self.expect("end", what=f"\\end{{{env}}}")
            if not items:
                raise MathError(f"empty {env} environment")
            spans = self.last_spans
            if len(items) == 1:
                return items[0]
            return N.System(tuple(items), tuple(joins), tuple(spans))
        raise MathError(f"unknown environment {env}")

    def parse_cells(self, env: str) -> list[list[N.Node]]:
        rows: list[list[N.Node]] = [[]]
        while not self.at("end"):
            if self.at("eof"):
                raise MathError(f"\\begin{{{env}}} without \\end")
            if self.at("op", "&"):
                self.next()
                continue
            if self.at("newrow"):
                self.next()
                rows.append([])
                continue
            if self.at("text") and is_separator_text(self.tok.arg):
                self.next()
                continue
            items: list[N.Node] = []
            while True:
                items.append(self.parse_chain())
                if self.at("op", ",") or self.at("op", "."):
                    self.next()
                    if self.at("op", "&") or self.at("newrow") or self.at("end"):
                        break
                    continue
                if self.at("text") and is_separator_text(self.tok.arg):
                    self.next()
                    if self.at("op", "&") or self.at("newrow") or self.at("end"):
                        break
                    continue
                break
            rows[-1].append(items[0] if len(items) == 1 else N.TupleN(tuple(items)))
            if not (self.at("op", "&") or self.at("newrow") or self.at("end")):
                tok = self.tok
                raise MathError(f"unexpected {tok.value or tok.kind!r} in {env}")
        self.next()
        if rows and not rows[-1]:
            rows.pop()
        if not rows:
            raise MathError(f"empty {env}")
        return rows


_HOLE = N.Label("\u2400")  # left side of a row that starts with "&=" (continues the previous row)


def _applied(node: N.Node) -> bool:
    """A function applied (`f(x)`, `f(x)^\\top`, `L(\\theta)_i`): its gradient is complete in one factor."""
    while isinstance(node, (N.Transpose, N.PowT, N.Pow, N.Index)):
        node = node.base if isinstance(node, (N.Pow, N.Index)) else node.x
    return isinstance(node, N.Func) and bool(node.args)


def _is_bold(node: N.Node) -> bool:
    if isinstance(node, N.Sym):
        return node.bold
    if isinstance(node, (N.Mul,)):
        return any(_is_bold(f) for f in node.factors)
    if isinstance(node, (N.Add,)):
        return any(_is_bold(f) for f in node.terms)
    if isinstance(node, (N.Neg, N.Transpose, N.PowT)):
        return _is_bold(node.x)
    if isinstance(node, N.Func):
        return node.bold or any(_is_bold(a) for a in node.args)
    if isinstance(node, N.Div):
        return _is_bold(node.num)
    if isinstance(node, N.Pow):
        return _is_bold(node.base)
    return False


_SCALAR_FUNCS = frozenset(("sqrt", "exp", "log", "ln", "lg", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan",
                           "det", "tr"))


def _scalar_expr(node: N.Node) -> bool:
    """A non-bold expression that is a number by its form: a fraction, a power, a scalar function, a norm, or a
    sum or product with a number in it. `^T` on it is a power, never a transpose."""
    if _is_bold(node):
        return False
    if isinstance(node, (N.Num, N.Const, N.Norm, N.Abs, N.Div, N.Pow)):
        return True
    if isinstance(node, N.Func):
        return node.name in _SCALAR_FUNCS
    if isinstance(node, N.Neg):
        return _scalar_expr(node.x)
    if isinstance(node, N.Add):
        return any(_scalar_expr(t) for t in node.terms)
    if isinstance(node, N.Mul):
        return any(_scalar_expr(f) for f in node.factors)
    return False


_VOWELS = frozenset("aeouAEOU")


def _script_word(tokens: list[Token]) -> str | None:
    """A multi-letter word written as a script (`L_{reg}`, `\\lambda^{dropout}`, `\\mathbf{h}_{out}`): a label.

    Three or more adjacent letters with a vowel other than i; `w_{ij}`, `a_{ijk}` and two-letter scripts
    (`W_{hh}`) stay index letters."""
    if len(tokens) < 3 or not all(tk.kind == "letter" for tk in tokens):
        return None
    if any(tokens[k + 1].pos != tokens[k].pos + 1 for k in range(len(tokens) - 1)):
        return None
    word = "".join(tk.value for tk in tokens)
    if not any(ch in _VOWELS for ch in word):
        return None
    return word


def _is_minus_one(node: N.Node) -> bool:
    return isinstance(node, N.Neg) and isinstance(node.x, N.Num) and node.x.value == 1


def _numeric_sub(node: N.Sym) -> bool:
    return len(node.sub) == 1 and isinstance(node.sub[0], N.Num)


def _top_level(tokens: list[Token], values: set[str]) -> bool:
    depth = 0
    for tk in tokens:
        if tk.kind in ("left", "begin") or (tk.kind == "op" and tk.value in "([{"):
            depth += 1
        elif tk.kind in ("right", "end") or (tk.kind == "op" and tk.value in ")]}"):
            depth -= 1
        elif depth == 0 and tk.kind == "op" and tk.value in values:
            return True
    return False


def _is_atom(tokens: list[Token]) -> bool:
    """A single symbol with optional scripts: (j), (w_{t-1}), (\\text{ellipse}), (\\mathbf{x})."""
    if not tokens:
        return False
    first = tokens[0]
    if first.kind not in ("letter", "num", "text", "cmd"):
        return False
    if first.kind == "cmd" and first.value not in GREEK and first.value not in BOLD_CMDS and \
            first.value not in FONT_CMDS and first.value not in ACCENTS:
        return False
    depth = 0
    heads = 0
    for k, tk in enumerate(tokens):
        if tk.kind == "op" and tk.value == "{":
            depth += 1
        elif tk.kind == "op" and tk.value == "}":
            depth -= 1
        elif depth == 0 and tk.kind == "op" and tk.value in "_^'":
            continue
        elif depth == 0 and k > 0 and tokens[k - 1].kind == "op" and tokens[k - 1].value in "_^":
            continue
        elif depth == 0:
            if tk.kind == "cmd" and tk.value in BOLD_CMDS | FONT_CMDS | set(ACCENTS):
                heads += 1
                continue
            if k > 0 and tokens[k - 1].kind == "cmd" and tokens[k - 1].value in BOLD_CMDS | FONT_CMDS | set(ACCENTS):
                continue
            heads += 1
    return heads <= 1


def const_value(node: N.Node, limits: Limits = DEFAULT_LIMITS) -> float | None:
    """The value of a constant expression (numbers, `\\pi`, Euler's `e`), refusing towers of exponents."""
    if isinstance(node, N.Num):
        return float(node.value) if not node.bold else None
    if isinstance(node, N.Const):
        return {"pi": math.pi, "e": math.e}.get(node.name)
    if isinstance(node, N.Neg):
        v = const_value(node.x, limits)
        return None if v is None else -v
    if isinstance(node, N.Add):
        vals = [const_value(t, limits) for t in node.terms]
        return None if any(v is None for v in vals) else sum(vals)  # type: ignore[arg-type]
    if isinstance(node, N.Mul):
        out = 1.0
        for f in node.factors:
            v = const_value(f, limits)
            if v is None:
                return None
            out *= v
        return out
    if isinstance(node, N.Div):
        a, b = const_value(node.num, limits), const_value(node.den, limits)
        if a is None or b is None or b == 0:
            return None
        return a / b
    if isinstance(node, N.Pow):
        base, exp = const_value(node.base, limits), const_value(node.exp, limits)
        if base is None or exp is None:
            return None
        if abs(exp) > limits.max_exponent:
            raise LimitExceeded(f"exponent {exp:.3g} is over the limit {limits.max_exponent:g}")
        try:
            return float(base) ** exp if base > 0 or float(exp).is_integer() else None
        except (OverflowError, ZeroDivisionError):
            return float("inf")
    return None


def parse_node(latex: str, limits: Limits = DEFAULT_LIMITS) -> N.Node:
    """Parse a LaTeX formula (without delimiters) into an AST root node."""
    tokens = tokenize(latex, limits)
    try:
        root = Parser(tokens, limits).parse_top()
        ones, calls, euler = rereadings(root)  # one walk decides which whole-formula rereadings can apply
        if ones:
            root = read_indicators(root)
        if calls:
            root = read_products([root])[0]
        return read_euler([root])[0] if euler else root
    except RecursionError as exc:
        raise LimitExceeded("formula nested too deeply") from exc


def _unsized(tokens: list[Token]) -> list[Token]:
    """`\\left( .. \\right)` and `\\left[ .. \\right]` as the plain brackets they only size, so that every rule
    written for `(`, `[` holds for them too; other pairs (bars, braces, `\\left.`, half-open intervals) stay."""
    out = list(tokens)
    opened: list[int] = []
    for k, tk in enumerate(out):
        if tk.kind == "left":
            opened.append(k)
        elif tk.kind == "right" and opened:
            j = opened.pop()
            if (out[j].value, tk.value) in (("(", ")"), ("[", "]")):
                out[j] = dataclasses.replace(out[j], kind="op")
                out[k] = dataclasses.replace(tk, kind="op")
    return out


def _join_split_groups(tokens: list[Token]) -> list[Token]:
    """Drop `\\right. \\\\ & \\left.`: a group broken over two rows is one group."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tk = tokens[i]
        if tk.kind == "right" and tk.value == ".":
            j = i + 1
            while j < len(tokens) and (tokens[j].kind in ("newrow", "quad") or
                                       (tokens[j].kind == "op" and tokens[j].value == "&")):
                j += 1
            if j < len(tokens) and tokens[j].kind == "left" and tokens[j].value == ".":
                i = j + 1
                continue
        out.append(tk)
        i += 1
    return out
