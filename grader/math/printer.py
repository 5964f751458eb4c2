"""AST nodes as text: canonical LaTeX-like keys and messages (`to_text`), and LaTeX that reads back (`to_latex`)."""

from __future__ import annotations

from typing import Any

from grader.math import nodes as N
from grader.math.vocab import FUNC_CMDS, GREEK

_OPS = {"<=": "\\le", ">=": "\\ge", "!=": "\\ne", "approx": "\\approx", "propto": "\\propto", "->": "\\to",
        "<-": "\\leftarrow", "in": "\\in", "<<": "\\ll", ">>": "\\gg", "sim": "\\sim", "notin": "\\notin"}


def op_text(op: str) -> str:
    return _OPS.get(op, op)


def sym_name(node: N.Sym | N.Func) -> str:
    """The symbol's name with accent and primes: "hat m", "sigma'", "Delta theta"."""
    name = node.name
    if node.accent:
        name = f"{node.accent} {name}"
    return name + "'" * node.primes


def to_text(node: N.Node | None) -> str:
    if node is None:
        return ""
    t = to_text
    if isinstance(node, N.Num):
        return node.text
    if isinstance(node, N.Const):
        return {"inf": "\\infty", "pi": "\\pi", "e": "e"}[node.name]
    if isinstance(node, N.Sym):
        out = sym_name(node)
        if node.bold:
            out = f"\\mathbf{{{out}}}"
        if node.sub:
            out += "_{" + ",".join(t(s) for s in node.sub) + "}"
        if node.sup:
            out += "^{" + ",".join(t(s) for s in node.sup) + "}"
        return out
    if isinstance(node, N.Label):
        return node.text
    if isinstance(node, N.Add):
        parts = [t(node.terms[0])]
        for term in node.terms[1:]:
            parts.append(f" - {t(term.x)}" if isinstance(term, N.Neg) else f" + {t(term)}")
        return "".join(parts)
    if isinstance(node, N.Neg):
        return f"-{_wrap(node.x)}"
    if isinstance(node, N.Mul):
        return " ".join(_wrap(f) for f in node.factors)
    if isinstance(node, N.Hadamard):
        return f"{_wrap(node.a)} \\odot {_wrap(node.b)}"
    if isinstance(node, N.Div):
        return f"\\frac{{{t(node.num)}}}{{{t(node.den)}}}"
    if isinstance(node, N.Pow):
        return f"{_wrap(node.base, True)}^{{{t(node.exp)}}}"
    if isinstance(node, N.Transpose):
        return f"{_wrap(node.x, True)}^\\top"
    if isinstance(node, N.PowT):
        return f"{_wrap(node.x, True)}^T"
    if isinstance(node, N.Func):
        name = sym_name(node)
        if node.jacobian:
            name = "D" + name
        if node.sub:
            name += "_{" + ",".join(t(s) for s in node.sub) + "}"
        if node.inverse:
            name += "^{-1}"
        return f"{name}(" + ", ".join(t(a) for a in node.args) + ")"
    if isinstance(node, N.Norm):
        return f"\\|{t(node.x)}\\|" + (f"_{{{t(node.sub)}}}" if node.sub is not None else "")
    if isinstance(node, N.Abs):
        return f"|{t(node.x)}|"
    if isinstance(node, N.BigOp):
        lower = t(node.cond) if node.cond is not None else (
            f"{t(node.var)}={t(node.lower)}" if node.lower is not None else t(node.var))
        upper = f"^{{{t(node.upper)}}}" if node.upper is not None else ""
        return f"\\{node.kind}_{{{lower}}}{upper} {_wrap(node.body)}"
    if isinstance(node, N.Extremum):
        under = f"_{{{t(node.under)}}}" if node.under is not None else ""
        return f"\\{node.kind}{under} {_wrap(node.body)}"
    if isinstance(node, N.Lim):
        return f"\\lim_{{{t(node.var)} \\to {t(node.to)}}} {_wrap(node.body)}"
    if isinstance(node, N.Deriv):
        d = "\\partial " if node.kind == "partial" else "d"
        return f"\\frac{{{d}{t(node.num)}}}{{" + "".join(d + t(w) for w in node.wrt) + "}"
    if isinstance(node, N.Grad):
        return f"\\nabla_{{{t(node.wrt)}}} {_wrap(node.body)}"
    if isinstance(node, N.Expect):
        sub = f"_{{{t(node.sub)}}}" if node.sub is not None else ""
        return f"\\mathbb{{{node.kind}}}{sub}[{t(node.body)}]"
    if isinstance(node, N.Inner):
        return f"\\langle {t(node.a)}, {t(node.b)} \\rangle"
    if isinstance(node, N.Cond):
        return f"{t(node.a)} | {t(node.b)}"
    if isinstance(node, N.Range):
        return f"{t(node.lo)}:{t(node.hi)}"
    if isinstance(node, N.TupleN):
        return "(" + ", ".join(t(i) for i in node.items) + ")"
    if isinstance(node, N.SetN):
        return "\\{" + ", ".join(t(i) for i in node.items) + "\\}"
    if isinstance(node, N.Matrix):
        return "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(t(c) for c in r) for r in node.rows) + "\\end{pmatrix}"
    if isinstance(node, N.Cases):
        return "\\begin{cases}" + " \\\\ ".join(f"{t(v)} & {t(c)}" for v, c in node.branches) + "\\end{cases}"
    if isinstance(node, N.Asym):
        name = {"O": "O", "o": "o"}.get(node.kind, "\\" + node.kind)
        return f"{name}({t(node.body)})"
    if isinstance(node, N.Dots):
        return "\\cdots"
    if isinstance(node, N.Accent):
        return f"\\{node.kind}{{{t(node.x)}}}"
    if isinstance(node, N.Index):
        return f"[{t(node.base)}]_{{" + ",".join(t(i) for i in node.items) + "}"
    if isinstance(node, N.Integral):
        return f"\\int {t(node.body)}"
    if isinstance(node, N.Factorial):
        return f"{_wrap(node.x)}!"
    if isinstance(node, N.SetSym):
        return f"\\mathbb{{{node.name}}}" + (f"^{{{t(node.sup)}}}" if node.sup is not None else "")
    if isinstance(node, N.Relation):
        return f"{t(node.lhs)} {op_text(node.op)} {t(node.rhs)}"
    if isinstance(node, N.Chain):
        parts = [t(node.items[0])]
        for op, item in zip(node.ops, node.items[1:]):
            parts.append(f" {op_text(op)} {t(item)}")
        return "".join(parts)
    if isinstance(node, N.System):
        return ", ".join(t(i) for i in node.items)
    return type(node).__name__


def _wrap(node: N.Node, tight: bool = False) -> str:
    text = to_text(node)
    if isinstance(node, (N.Add, N.Relation, N.Chain)) or (tight and isinstance(node, (N.Mul, N.Neg, N.Div, N.Pow))):
        return f"({text})"
    return text


class Unprintable(Exception):
    """A node this printer does not write back as LaTeX: its variant is left out."""


def _latex_name(word: str) -> str:
    return "".join(f"\\{w}" if w in GREEK else w for w in word.split(" "))


def to_latex(node: N.Node) -> str:
    """LaTeX the math reader reads back as `node` (for the nodes a reference answer commonly has), unlike
    `to_text`, whose canonical text serves as a key and in messages; `grader try --variants` writes answers with it."""
    t = to_latex
    if isinstance(node, N.Num):
        return node.text
    if isinstance(node, N.Const):
        return {"inf": "\\infty", "pi": "\\pi", "e": "e"}[node.name]
    if isinstance(node, N.Sym):
        out = _latex_name(node.name)
        if node.accent:
            out = f"\\{node.accent}{{{out}}}"
        if node.bold:
            out = f"\\mathbf{{{out}}}" if len(node.name) == 1 and node.name.isalpha() else f"\\boldsymbol{{{out}}}"
        out += "'" * node.primes
        if node.sub:
            out += "_{" + ",".join(t(x) for x in node.sub) + "}"
        if node.sup:
            out += "^{" + ",".join(t(x) for x in node.sup) + "}"
        return out
    if isinstance(node, N.Label):
        return f"\\text{{{node.text}}}" if len(node.text) > 1 else node.text
    if isinstance(node, N.Add):
        parts = [t(node.terms[0])]
        for term in node.terms[1:]:
            parts.append(f" - {_wrap_latex(term.x, N.Add)}" if isinstance(term, N.Neg) else f" + {t(term)}")
        return "".join(parts)
    if isinstance(node, N.Neg):
        return f"-{_wrap_latex(node.x, (N.Add, N.Neg))}"
    if isinstance(node, N.Mul):
        return " ".join(_wrap_latex(f, (N.Add, N.Neg)) for f in node.factors)
    if isinstance(node, N.Div):
        return f"\\frac{{{t(node.num)}}}{{{t(node.den)}}}"
    if isinstance(node, N.Pow):
        return f"{_wrap_latex(node.base, (N.Add, N.Neg, N.Mul, N.Div, N.Pow))}^{{{t(node.exp)}}}"
    if isinstance(node, N.Transpose):
        return f"{_wrap_latex(node.x, (N.Add, N.Neg, N.Mul, N.Div))}^\\top"
    if isinstance(node, N.PowT):
        return f"{_wrap_latex(node.x, (N.Add, N.Neg, N.Mul, N.Div))}^T"
    if isinstance(node, N.Expect) and node.kind in ("E", "Var", "Cov"):
        head = "\\mathbb{E}" if node.kind == "E" else f"\\mathrm{{{node.kind}}}"
        return head + (f"_{{{t(node.sub)}}}" if node.sub is not None else "") + f"[{t(node.body)}]"
    if (isinstance(node, N.Func) and len(node.name) == 1 and (node.sub or node.accent)
            and not (node.sup or node.jacobian or node.inverse or node.primes or node.bold)):
        # a named function with an index or an accent: \hat{f}_{x_0}(x_1)
        name = f"\\{node.accent}{{{node.name}}}" if node.accent else node.name
        sub = "_{" + ",".join(t(x) for x in node.sub) + "}" if node.sub else ""
        return f"{name}{sub}(" + ", ".join(t(a) for a in node.args) + ")"
    if isinstance(node, N.Func) and not (node.sub or node.sup or node.jacobian or node.inverse or node.primes):
        args = ", ".join(t(a) for a in node.args)
        if node.name == "sqrt":
            return f"\\sqrt{{{args}}}"
        if node.name in ("floor", "ceil"):
            return f"\\left\\l{node.name} {args} \\right\\r{node.name}"
        if len(node.name) == 1:
            return f"{node.name}({args})"
        # a command only where LaTeX and the reader have one (\log); other names as operators (\operatorname{softmax})
        return f"\\{node.name}({args})" if node.name in FUNC_CMDS else f"\\operatorname{{{node.name}}}({args})"
    if isinstance(node, N.Norm):
        return f"\\|{t(node.x)}\\|" + (f"_{{{t(node.sub)}}}" if node.sub is not None else "")
    if isinstance(node, N.Abs):
        return f"|{t(node.x)}|"
    if isinstance(node, N.Asym):
        return ("O" if node.kind == "O" else f"\\{node.kind}") + f"({t(node.body)})"
    raise Unprintable(type(node).__name__)


def _wrap_latex(node: N.Node, kinds: Any) -> str:
    return f"({to_latex(node)})" if isinstance(node, kinds) else to_latex(node)
