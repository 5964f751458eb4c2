"""Whether a `constraint` check's relations may ship in a self-check pack: they must not name the answer."""

from __future__ import annotations

import re
from typing import Any

from grader.checks.constraint import key_of, number, relation_links, symbol_key


def _value_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _in_prompt(value: float, names: list[str], prompt: str) -> bool:
    """The prompt gives this value to this variable: "dilation 1", "$d = 1$", "a stride of 2"."""
    name = "|".join(re.escape(n) for n in names if n)
    rx = rf"(?i:(?<![\w\\])(?:{name})s?)[\s:=$]*(?:of\s+|is\s+|equal\s+to\s+)?{re.escape(_value_text(value))}(?![\w.])"
    return bool(name) and re.search(rx, prompt) is not None


def withheld_reason(params: dict[str, Any], prompt: str) -> str:
    """Why a constraint check's relations must stay out of the pack ("" when they may ship).

    A constraint question asks for any combination that satisfies its relations, so a relation that ties several
    chosen values together (the output-size formula with the prompt's sizes) is the question's condition, not an
    answer, and ships. A relation that fixes one chosen value by itself (`k = 3`, `2k = n`) would tell that value:
    it ships only when it is `symbol = value` and the prompt states the value too (`d = 1` for "dilation 1").
    The rubric's `example` (one valid choice) never ships."""
    from grader.math import MathError, evaluate
    from grader.math import nodes as N

    variables = {symbol_key(name, "variables"): [name, *_words(spec)]
                 for name, spec in params.get("variables", {}).items()}
    given = {symbol_key(name, "given"): number(str(v), "given") for name, v in (params.get("given") or {}).items()}
    for i, text in enumerate(params.get("relations", ()), start=1):
        for lhs, op, rhs in relation_links(text, "relation"):
            named = {key_of(n) for side in (lhs, rhs) for n in _symbols(side)} & set(variables)
            if op != "=" or len(named) != 1:
                continue
            value, names = None, variables[next(iter(named))]
            for bare, other in ((lhs, rhs), (rhs, lhs)):
                if isinstance(bare, N.Sym) and key_of(bare) in variables:
                    try:
                        value = float(evaluate(other, given))
                    except (MathError, ArithmeticError, ValueError, TypeError):
                        value = None
            if value is None or not _in_prompt(value, names, prompt):
                # the relation itself is not quoted: it would tell the value
                return f"its relation {i} fixes one of the chosen values by itself, which would tell the answer"
    return ""


def _words(spec: Any) -> list[str]:
    """A variable's names in prose, in any of the rubric's shorthands (a word, a list, or {words: ...})."""
    words = spec.get("words", ()) if isinstance(spec, dict) else spec or ()
    return [words] if isinstance(words, str) else [str(w) for w in words]


def _symbols(node: Any) -> list[Any]:
    """The symbols of a side, an index being part of its symbol (k_h is one symbol)."""
    from grader.math import nodes as N

    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, N.Sym):
            out.append(n)
        else:
            stack.extend(n.children())
    return out
