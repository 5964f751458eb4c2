"""The `constraint` check: the values an answer chooses (k = 3, "stride 2") must satisfy the rubric's relations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from grader.checks.base import Check, CheckContext, CheckOutcome, Params, Verdict
from grader.grading.results import Finding, Severity

if TYPE_CHECKING:  # the math layer is imported when a check runs or a rubric is validated, not on import
    from grader.math import nodes as N

# relations a rubric may state; `\ne` is allowed too ("s \ne 0")
OPS = ("=", "<=", "<", ">=", ">", "!=")
TOLERANCE = 1e-9
# a number as a student writes it in prose: 3, 0.5, 1/2, -1
PROSE_NUMBER = r"-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?"
# what may stand between a prose name and its value: "kernel size of 3", "stride is 2", "padding: 1", "a stride-2",
# "kernel size $k = 3$"
FILLER = (r"(?:[\s:=\-]|\bof\b|\bis\b|\bare\b|\bequal(?:s)?\b|\bto\b|\bset\b|\bbe\b|\bwas\b|\bwith\b)*"
          r"(?:\$\s*)?(?:\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*=\s*)?")


class Variable(BaseModel):
    """How one value the student chooses is written: its symbol is the key of `variables`, `words` its names in
    prose; `integer` values must be whole numbers; `default` is used when the answer does not state it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: tuple[str, ...] = ()
    integer: bool = False
    default: str | None = None

    @field_validator("words", mode="before")
    @classmethod
    def _one_word(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v


class ConstraintParams(Params):
    """`variables`: symbol -> how it is written; `given`: values the question fixes; `relations`: what must hold;
    `example`: one valid choice (checked when the rubric loads; `grader try --variants` starts from it)."""

    variables: dict[str, Variable] = Field(min_length=1)
    given: dict[str, str] = {}
    relations: tuple[str, ...] = Field(min_length=1)
    example: dict[str, str] = {}

    @field_validator("variables", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # `k: [kernel size, kernel]` or `k:` alone are shorthands for {words: [...]}
        if isinstance(v, dict):
            return {k: ({"words": w} if isinstance(w, (list, tuple, str)) else {} if w is None else w)
                    for k, w in v.items()}
        return v

    @field_validator("variables")
    @classmethod
    def _symbols(cls, v: dict[str, Variable]) -> dict[str, Variable]:
        keys = [symbol_key(name, "variables") for name in v]
        if len(set(keys)) < len(keys):
            raise ValueError("two variables name the same symbol")
        for name, var in v.items():
            if var.default is not None:
                number(var.default, f"variables.{name}.default")
        return v

    @field_validator("given", "example", mode="before")
    @classmethod
    def _values_as_text(cls, v: Any) -> Any:
        # YAML reads `n: 32` as an int: values are LaTeX text
        return {k: str(x) for k, x in v.items()} if isinstance(v, dict) else v

    @field_validator("given")
    @classmethod
    def _given(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        declared = {symbol_key(n, "variables") for n in info.data.get("variables") or {}}
        for name, text in v.items():
            if symbol_key(name, "given") in declared:
                raise ValueError(f"{name!r} is both a variable and a given value")
            number(text, f"given.{name}")
        return v

    @field_validator("relations", mode="before")
    @classmethod
    def _one_relation(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v

    @field_validator("relations")
    @classmethod
    def _relations(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known = {symbol_key(n, "variables") for n in info.data.get("variables") or {}}
        known |= {symbol_key(n, "given") for n in info.data.get("given") or {}}
        for i, text in enumerate(v, start=1):
            links = relation_links(text, f"relations[{i}]")
            for name in sorted(_symbols_of(links) - known):
                raise ValueError(f"relations[{i}]: {name!r} is neither a variable nor a given value")
        return v

    @field_validator("example")
    @classmethod
    def _example(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        variables: dict[str, Variable] | None = info.data.get("variables")
        relations: tuple[str, ...] | None = info.data.get("relations")
        if not v or variables is None or relations is None or "given" not in info.data:
            return v  # an earlier field is broken: its own error says so
        keys = {symbol_key(n, "variables"): n for n in variables}
        values = {}
        for name, text in v.items():
            key = symbol_key(name, "example")
            if key not in keys:
                raise ValueError(f"{name!r} is not one of the variables")
            values[key] = number(text, f"example.{name}")
        for key, name in keys.items():
            if key not in values:
                if variables[name].default is None:
                    raise ValueError(f"no value for {name!r}")
                values[key] = number(variables[name].default or "", f"variables.{name}.default")
        env = {**{symbol_key(n, "given"): number(t, "given") for n, t in info.data["given"].items()}, **values}
        for text in relations:
            broken = breaks(text, env)
            if broken:
                raise ValueError(f"the example breaks {text!r} ({broken})")
        return v


def symbol_key(latex: str, where: str) -> str:
    """The key of a symbol written in LaTeX (`k`, `C_{out}`), as the evaluator looks it up; ValueError if not one."""
    from grader.math import MathError, parse
    from grader.math import nodes as N

    try:
        root = parse(str(latex)).root
    except MathError as exc:
        raise ValueError(f"{where}: {latex!r} cannot be read ({exc})") from None
    if not isinstance(root, N.Sym):
        raise ValueError(f"{where}: {latex!r} is not a single symbol")
    return key_of(root)


def key_of(node: N.Sym) -> str:
    """A symbol's identity: name, index and superscript (the evaluator's fallback key), bold or not."""
    from grader.math.printer import sym_name, to_text

    out = sym_name(node)
    if node.sub:
        out += "_" + ",".join(to_text(s) for s in node.sub)
    if node.sup:
        out += "^" + ",".join(to_text(s) for s in node.sup)
    return out


def number(latex: str, where: str) -> float:
    """The value of a number written in LaTeX ("32", "\\frac{1}{2}"); ValueError naming `where` if it is not one."""
    from grader.math import MathError, evaluate, parse

    try:
        value = _real(evaluate(parse(str(latex)).root, {}))
    except (MathError, ArithmeticError, ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {latex!r} is not a number ({exc})") from None
    if value is None:
        raise ValueError(f"{where}: {latex!r} is not a finite number")
    return value


def _real(value: Any) -> float | None:
    """A finite real scalar, or None (an array, a complex number, an infinity)."""
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return out if math.isfinite(out) else None


def relation_links(text: str, where: str) -> tuple[tuple[N.Node, str, N.Node], ...]:
    """The links of a rubric relation; ValueError if it is not a relation with the allowed symbols."""
    from grader.math import MathError, parse

    try:
        parsed = parse(text)
    except MathError as exc:
        raise ValueError(f"{where}: {text!r} cannot be read ({exc})") from None
    if parsed.kind not in ("relation", "chain") or not parsed.links:
        raise ValueError(f"{where}: {text!r} is not a relation (write e.g. 'a + b = 16' or 's \\ge 1')")
    for _, op, _ in parsed.links:
        if op not in OPS:
            raise ValueError(f"{where}: {text!r} uses {op!r}; a relation uses one of {' '.join(OPS)}")
    return parsed.links


def _symbols_of(links: tuple[tuple[N.Node, str, N.Node], ...]) -> set[str]:
    """The symbols a relation uses; an index is part of its symbol's name (k_h, C_{out}), not a value of its own."""
    return {key_of(n) for lhs, _, rhs in links for side in (lhs, rhs) for n in _top_symbols(side)}


def _top_symbols(node: N.Node) -> list[N.Sym]:
    """Symbols that are not inside another symbol's index."""
    from grader.math import nodes as N

    out: list[N.Sym] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, N.Sym):
            out.append(n)
            continue  # its indices are part of its name
        stack.extend(n.children())
    return out


def _holds(a: float, op: str, b: float) -> bool:
    close = math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return {"=": close, "!=": not close, "<=": a <= b or close, ">=": a >= b or close,
            "<": a < b and not close, ">": a > b and not close}[op]


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.6g}"


def breaks(text: str, env: dict[str, float]) -> str:
    """Why the rubric relation `text` does not hold with the values `env` ("" when it holds)."""
    from grader.math import MathError, evaluate

    for lhs, op, rhs in relation_links(text, "relation"):
        try:
            a, b = _real(evaluate(lhs, env)), _real(evaluate(rhs, env))
        except (MathError, ArithmeticError, ValueError, TypeError) as exc:
            return f"it cannot be evaluated with these values ({exc})"
        if a is None or b is None:
            return "it has no finite value with these values (a division by zero?)"
        if not _holds(a, op, b):
            return f"the left side is {_fmt(a)} and the right side {_fmt(b)}"
    return ""


@dataclass(frozen=True)
class Stated:
    """One value the answer gives a variable, where it gives it."""

    key: str
    value: float
    line: int
    order: int  # position in the answer, to take the last one stated


def _stated_in_math(ctx: CheckContext, keys: dict[str, str], known: dict[str, float]) -> list[Stated]:
    """Values from relations in the answer's math: `k = 3`, `p = (k-1)/2 = 1`, `s = 2, p = 1`."""
    from grader.math import MathError, evaluate
    from grader.math import nodes as N

    out: list[Stated] = []
    order = 0
    # math, then values said in words ("$k$ and $p$ both one"), each at its line
    for st in sorted((*ctx.reading.statements, *ctx.reading.worded), key=lambda st: st.line):
        chains: list[list[Any]] = []  # items of each chain of links: a = b = c
        for link in st.links:
            if chains and chains[-1][-1] is link.lhs and link.op == "=":
                chains[-1].append(link.rhs)
            elif link.op == "=":
                chains.append([link.lhs, link.rhs])
        for items in chains:
            order += 1
            named = [key_of(i) for i in items if isinstance(i, N.Sym) and key_of(i) in keys]
            if not named:
                continue
            value = None
            for item in reversed(items):  # the last form of a chain is its value: p = (k-1)/2 = 1
                if isinstance(item, N.Sym) and key_of(item) in keys:
                    continue
                try:
                    value = _real(evaluate(item, {**known, **{s.key: s.value for s in out}}))
                except (MathError, ArithmeticError, ValueError, TypeError):
                    value = None
                if value is not None:
                    break
            if value is not None:
                out.extend(Stated(k, value, st.line, order) for k in named)
    return out


def _stated_in_prose(ctx: CheckContext, p: ConstraintParams, keys: dict[str, str]) -> list[Stated]:
    """Values named in prose: "kernel size 3", "a stride of 2", and `k = 3` written without math delimiters."""
    out: list[Stated] = []
    for key, name in keys.items():
        var = p.variables[name]
        alts = [rf"(?i:\b{re.escape(w)}s?\b)" for w in var.words]
        if re.fullmatch(r"[A-Za-z]", name):  # a one-letter symbol written without `$`: "k = 3"
            alts.append(rf"(?<![\w\\$]){name}(?=\s*=)")
        if not alts:
            continue
        rx = re.compile(rf"(?:{'|'.join(alts)}){FILLER}({PROSE_NUMBER})(?![\d.]*[\w^_{{])")
        for text, line in zip(ctx.answer.lines, ctx.answer.line_numbers):
            for m in rx.finditer(text):
                try:
                    value = number(m.group(1).replace(" ", ""), "answer")
                except ValueError:
                    continue
                # prose comes after the math of its line in order, so a line's last word is its last value
                out.append(Stated(key, value, line, 10**6 + m.start()))
    return out


class ConstraintCheck(Check):
    name = "constraint"
    Params = ConstraintParams

    def run(self, ctx: CheckContext) -> CheckOutcome:
        p: ConstraintParams = ctx.params  # type: ignore[assignment]
        label = ctx.label or "the chosen values"
        keys = {symbol_key(n, "variables"): n for n in p.variables}
        given = {symbol_key(n, "given"): number(t, "given") for n, t in p.given.items()}
        stated = _stated_in_math(ctx, keys, given) + _stated_in_prose(ctx, p, keys)
        stated.sort(key=lambda s: (s.line, s.order))
        values: dict[str, float] = {}
        lines: dict[str, int] = {}
        findings: list[Finding] = []
        for key in keys:
            mine = [s for s in stated if s.key == key]
            if mine:
                values[key], lines[key] = mine[-1].value, mine[-1].line
                if len({s.value for s in mine}) > 1:  # the conclusion counts; earlier tries are steps
                    findings.append(Finding("constraint", f"{label}: {keys[key]} is given several values; the last "
                                            f"one ({_fmt(mine[-1].value)}, line {mine[-1].line}) is used.",
                                            mine[-1].line, mine[-1].line, Severity.INFO))
            elif p.variables[keys[key]].default is not None:
                values[key] = number(p.variables[keys[key]].default or "", "default")
        missing = [keys[k] for k in keys if k not in values]
        shown = ", ".join(f"{keys[k]} = {_fmt(v)}" for k, v in values.items())
        details: dict[str, Any] = {"values": {keys[k]: v for k, v in values.items()}}
        if missing:
            what = ", ".join(self._named(p, m) for m in missing)
            verdict = Verdict.UNKNOWN
            message = (f"{label}: no value was found for {what}; state each as an equation "
                       f"(e.g. ${missing[0]} = \\dots$).")
            findings.append(Finding("constraint", message, ctx.answer.line, ctx.answer.end_line, Severity.WARNING))
            return CheckOutcome(verdict, f"{label}: no value for {what}", tuple(findings),
                                details={**details, "missing": missing})
        line = max(lines.values(), default=ctx.answer.line)
        for key, value in values.items():
            if p.variables[keys[key]].integer and not float(value).is_integer():
                message = f"{label}: {keys[key]} = {_fmt(value)} is not a whole number."
                findings.append(Finding("constraint", message, lines.get(key, line), lines.get(key, line),
                                        Severity.ERROR))
                return CheckOutcome(Verdict.FAIL, f"{label}: {keys[key]} is not a whole number", tuple(findings),
                                    details=details)
        env = {**given, **values}
        for text in p.relations:
            why = breaks(text, env)
            if why:
                message = f"{label}: with {shown}, ${text}$ does not hold: {why}."
                findings.append(Finding("constraint", message, line, line, Severity.ERROR))
                return CheckOutcome(Verdict.FAIL, f"{label}: ${text}$ does not hold", tuple(findings),
                                    details={**details, "broken": text})
        findings.append(Finding("constraint", f"{label}: {shown} satisfies every condition.", line, line,
                                Severity.INFO))
        return CheckOutcome(Verdict.PASS, f"{label}: {shown} is valid", tuple(findings), details=details)

    @staticmethod
    def _named(p: ConstraintParams, name: str) -> str:
        words = p.variables[name].words
        return f"{words[0]} ${name}$" if words else f"${name}$"


CHECK = ConstraintCheck
