"""Tokenizer for LaTeX math: commands, letters, numbers, delimiters; refuses macros and oversize input."""

from __future__ import annotations

from dataclasses import dataclass

from grader.math.errors import LimitExceeded, MathError
from grader.math.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class Token:
    kind: str  # num | letter | cmd | op | text | left | right | begin | end | newrow | quad | eof
    value: str
    pos: int
    arg: str = ""  # text content for kind "text"


# Unicode that converted write-ups contain, mapped to the command or character LaTeX would use.
UNICODE = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda",
    "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "varphi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega", "∞": "infty", "≤": "leq", "≥": "geq", "≠": "neq", "·": "cdot", "⋅": "cdot",
    "×": "times", "→": "rightarrow", "←": "leftarrow", "⇒": "implies", "⟹": "implies", "∈": "in",
    "≈": "approx", "∝": "propto", "∑": "sum", "∏": "prod", "∂": "partial", "∇": "nabla", "⊤": "top",
    "≪": "ll", "≫": "gg", "⊙": "odot", "…": "dots", "⋯": "cdots", "ℓ": "ell", "∀": "forall",
    "√": "sqrt", "∘": "circ", "∼": "sim", "≡": "equiv", "⟨": "langle", "⟩": "rangle", "∣": "mid",
    "‖": "Vert", "∫": "int", "∅": "emptyset", "⊗": "otimes", "±": "pm",
}
UNICODE_OPS = {"−": "-", "–": "-", "∗": "*", "′": "'", "’": "'"}

MACRO_COMMANDS = {"def", "newcommand", "renewcommand", "providecommand", "let", "edef", "gdef", "xdef",
                  "input", "include", "catcode", "csname", "write", "immediate", "expandafter",
                  "DeclareMathOperator", "newenvironment", "renewenvironment", "usepackage", "read",
                  "openin", "openout", "special"}
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "texttt", "textsf", "mbox", "operatorname",
                 "mathrm", "textnormal", "hbox", "operatorname*"}
DROP_COMMANDS = {",", ";", "!", ":", ">", " ", "displaystyle", "textstyle", "scriptstyle", "limits",
                 "nolimits", "nonumber", "notag", "hfill", "mathstrut", "strut", "left.", "right.",
                 "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
                 "Biggl", "Biggr", "bigm", "Bigm", "middle", "checkmark", "allowbreak", "quad_",
                 "vphantom", "enspace", "thinspace", "negthinspace", "medspace", "thickspace"}
DROP_WITH_ARG = {"tag", "label", "phantom", "hphantom", "color", "textcolor_", "eqref_", "ref_", "vspace", "hspace"}
DELIMS = {"(", ")", "[", "]", "|", ".", "/"}
DELIM_CMDS = {"|": "Vert", "Vert": "Vert", "vert": "|", "{": "lbrace", "}": "rbrace", "lbrace": "lbrace",
              "rbrace": "rbrace", "langle": "langle", "rangle": "rangle", "lvert": "|", "rvert": "|",
              "lVert": "Vert", "rVert": "Vert", "lfloor": "lfloor", "rfloor": "rfloor", "lceil": "lceil",
              "rceil": "rceil", "lbrack": "[", "rbrack": "]"}


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SCRIPT_DIGITS = _SUPERSCRIPTS + "₀₁₂₃₄₅₆₇₈₉"  # str.isdigit() is true for these too: they are not numbers


def _ascii_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _read_group(src: str, i: int) -> tuple[str, int]:
    """The raw text of a balanced {...} group starting at src[i] (or one character), and the next index."""
    n = len(src)
    while i < n and src[i] == " ":
        i += 1
    if i >= n:
        raise MathError("missing argument at end of formula")
    if src[i] != "{":
        if src[i] == "\\":
            j = i + 1
            while j < n and src[j].isalpha():
                j += 1
            return src[i:max(j, i + 2)], max(j, i + 2)
        return src[i], i + 1
    depth, j = 0, i
    while j < n:
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return src[i + 1:j], j + 1
        j += 1
    raise MathError("unbalanced braces")


def tokenize(src: str, limits: Limits = DEFAULT_LIMITS) -> list[Token]:
    """Split LaTeX into tokens; raises MathError on macros, unknown input or limits."""
    if len(src) > limits.max_chars:
        raise LimitExceeded(f"formula too long ({len(src)} characters, limit {limits.max_chars})")
    out: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        if len(out) > limits.max_tokens:
            raise LimitExceeded(f"formula too long (more than {limits.max_tokens} tokens)")
        c = src[i]
        if c.isspace() or c == "~":
            i += 1
            continue
        if c == "%":  # a LaTeX comment runs to the end of the line
            while i < n and src[i] != "\n":
                i += 1
            continue
        if c == "\u1d40":  # Xᵀ: the transpose, as ^{\top}
            out += [Token("op", "^", i), Token("op", "{", i), Token("cmd", "top", i), Token("op", "}", i)]
            i += 1
            continue
        if c == "\u207b" and i + 1 < n and src[i + 1] in _SUPERSCRIPTS:  # A⁻¹: ^{-1}
            j = i + 1
            while j < n and src[j] in _SUPERSCRIPTS:
                j += 1
            digits = "".join(str(_SUPERSCRIPTS.index(ch)) for ch in src[i + 1:j])
            out += [Token("op", "^", i), Token("op", "{", i), Token("op", "-", i), Token("num", digits, i),
                    Token("op", "}", i)]
            i = j
            continue
        if c in _SCRIPT_DIGITS:  # x², h₀: a Unicode script reads as ^{2}, _{0}
            j = i
            while j < n and src[j] in _SCRIPT_DIGITS and (src[j] in _SUPERSCRIPTS) == (c in _SUPERSCRIPTS):
                j += 1
            digits = "".join(str(_SCRIPT_DIGITS.index(ch) % 10) for ch in src[i:j])
            out += [Token("op", "^" if c in _SUPERSCRIPTS else "_", i), Token("op", "{", i), Token("num", digits, i),
                    Token("op", "}", i)]
            i = j
            continue
        if _ascii_digit(c) or (c == "." and i + 1 < n and _ascii_digit(src[i + 1])):
            j = i
            while j < n and _ascii_digit(src[j]):
                j += 1
            if j < n - 1 and src[j] == "." and _ascii_digit(src[j + 1]):
                j += 1
                while j < n and _ascii_digit(src[j]):
                    j += 1
            text = src[i:j]
            if len(text) > limits.max_number_digits:
                raise LimitExceeded(f"number with {len(text)} digits is over the limit")
            out.append(Token("num", text, i))
            i = j
            continue
        if c.isascii() and c.isalpha():
            out.append(Token("letter", c, i))
            i += 1
            continue
        if c == "\\":
            cstart = i  # tokens of a command carry its start offset
            j = i + 1
            if j >= n:
                raise MathError("a lone backslash ends the formula")
            if src[j].isalpha():
                while j < n and src[j].isalpha():
                    j += 1
                if j < n and src[j] == "*" and src[i + 1:j] in ("operatorname", "align", "arg"):
                    j += 1
            else:
                j += 1
            name = src[i + 1:j]
            i = j
            if name in MACRO_COMMANDS:
                raise MathError(f"macro definitions are not supported (\\{name})")
            if name == "\\":
                out.append(Token("newrow", "\\\\", cstart))
                if i < n and src[i] == "[":  # \\[2pt]
                    k = src.find("]", i)
                    if 0 < k - i < 10:
                        i = k + 1
                continue
            if name in ("quad", "qquad"):
                out.append(Token("quad", name, cstart))
                continue
            if name in DROP_COMMANDS:
                continue
            if name in DROP_WITH_ARG:
                _, i = _read_group(src, i)
                continue
            if name.rstrip("*") in TEXT_COMMANDS or name == "operatorname*":
                content, i = _read_group(src, i)
                out.append(Token("text", name.rstrip("*"), cstart, arg=content.strip()))
                continue
            if name in ("begin", "end"):
                env, i = _read_group(src, i)
                out.append(Token(name, env.strip(), cstart))
                continue
            if name in ("left", "right", "bigl", "bigr"):
                while i < n and src[i] == " ":
                    i += 1
                if i >= n:
                    raise MathError(f"\\{name} without a delimiter")
                d = src[i]
                if d == "\\":
                    j = i + 1
                    if j < n and src[j].isalpha():
                        while j < n and src[j].isalpha():
                            j += 1
                    else:
                        j += 1
                    dn = src[i + 1:j]
                    if dn not in DELIM_CMDS:
                        raise MathError(f"\\{name} followed by unknown delimiter \\{dn}")
                    d = DELIM_CMDS[dn]
                    i = j
                else:
                    d = UNICODE_OPS.get(d, d)
                    if d not in DELIMS:
                        raise MathError(f"\\{name} followed by unknown delimiter {d!r}")
                    i += 1
                out.append(Token(name, d, cstart))
                continue
            if name in ("lbrack", "rbrack"):  # pandoc writes [ and ] so
                out.append(Token("op", "[" if name == "lbrack" else "]", cstart))
                continue
            if name in ("lfloor", "lceil", "rfloor", "rceil"):  # bare floor/ceiling brackets pair as \left..\right
                out.append(Token("left" if name[0] == "l" else "right", name, cstart))
                continue
            if name in ("{", "}"):
                out.append(Token("cmd", "lbrace" if name == "{" else "rbrace", cstart))
                continue
            if name == "|":
                out.append(Token("cmd", "Vert", cstart))
                continue
            if name in ("vert", "lvert", "rvert"):
                out.append(Token("op", "|", cstart))
                continue
            if name in ("Vert", "lVert", "rVert"):
                out.append(Token("cmd", "Vert", cstart))
                continue
            if name in ("_", "%", "&", "#", "$"):
                out.append(Token("op", name, cstart))
                continue
            out.append(Token("cmd", name, cstart))
            continue
        if c in UNICODE:
            out.append(Token("cmd", UNICODE[c], i))
            i += 1
            continue
        if c in UNICODE_OPS:
            out.append(Token("op", UNICODE_OPS[c], i))
            i += 1
            continue
        if c == "&":
            out.append(Token("op", "&", i))
            i += 1
            continue
        if c in "+-*/^_()[]{}|,;:=<>!'.?":
            out.append(Token("op", c, i))
            i += 1
            continue
        if c == "$":
            i += 1
            continue
        raise MathError(f"unexpected character {c!r}")
    out.append(Token("eof", "", n))
    return out
