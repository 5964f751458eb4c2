"""What one glyph means in LaTeX: Unicode and Computer Modern code tables, font roles (italic, symbol, bold, ...)."""

from __future__ import annotations

import unicodedata

# Computer Modern math fonts keep their own encodings; a font without a Unicode map hands us the raw code.
_CMSY = ("- \\cdot \\times * \\div \\diamond \\pm \\mp \\oplus \\ominus \\otimes \\oslash \\odot \\bigcirc \\circ "
         "\\bullet \\asymp \\equiv \\subseteq \\supseteq \\le \\ge \\preceq \\succeq \\sim \\approx \\subset "
         "\\supset \\ll \\gg \\prec \\succ \\leftarrow \\to \\uparrow \\downarrow \\leftrightarrow \\nearrow "
         "\\searrow \\simeq \\Leftarrow \\Rightarrow \\Uparrow \\Downarrow \\Leftrightarrow \\nwarrow \\swarrow "
         "\\propto ' \\infty \\in \\ni \\triangle \\triangledown \\not \\mapsto \\forall \\exists \\neg \\emptyset "
         "\\Re \\Im \\top \\bot \\aleph").split()
_CMSY_TAIL = ("\\cup \\cap \\uplus \\wedge \\vee \\vdash \\dashv \\lfloor \\rfloor \\lceil \\rceil \\{ \\} \\langle "
              "\\rangle | \\| \\updownarrow \\Updownarrow \\backslash \\wr \\surd \\amalg \\nabla \\int \\sqcup "
              "\\sqcap \\sqsubseteq \\sqsupseteq \\S \\dagger \\ddagger \\P \\clubsuit \\diamondsuit \\heartsuit "
              "\\spadesuit").split()
CMSY: dict[int, str] = {i: s for i, s in enumerate(_CMSY)}
CMSY.update({0x41 + i: f"\\mathcal{{{chr(0x41 + i)}}}" for i in range(26)})
CMSY.update({0x5B + i: s for i, s in enumerate(_CMSY_TAIL)})

_CMMI_GREEK = ("\\Gamma \\Delta \\Theta \\Lambda \\Xi \\Pi \\Sigma \\Upsilon \\Phi \\Psi \\Omega \\alpha \\beta "
               "\\gamma \\delta \\epsilon \\zeta \\eta \\theta \\iota \\kappa \\lambda \\mu \\nu \\xi \\pi \\rho "
               "\\sigma \\tau \\upsilon \\phi \\chi \\psi \\omega \\varepsilon \\vartheta \\varpi \\varrho "
               "\\varsigma \\varphi").split()
CMMI: dict[int, str] = {i: s for i, s in enumerate(_CMMI_GREEK)}
CMMI.update({0x3A: ".", 0x3B: ",", 0x3C: "<", 0x3D: "/", 0x3E: ">", 0x3F: "\\star", 0x40: "\\partial",
             0x60: "\\ell", 0x7B: "\\imath", 0x7C: "\\jmath", 0x7D: "\\wp"})
CMMI.update({0x30 + i: str(i) for i in range(10)})

# CMEX: big delimiters and operators; several sizes share one meaning
_CMEX_PAIRS = {"(": (0x00, 0x10, 0x12, 0x20, 0x30, 0x40, 0x42), ")": (0x01, 0x11, 0x13, 0x21, 0x31, 0x41, 0x43),
               "[": (0x02, 0x14, 0x22, 0x32, 0x34, 0x36), "]": (0x03, 0x15, 0x23, 0x33, 0x35, 0x37),
               "\\lfloor": (0x04, 0x16, 0x24), "\\rfloor": (0x05, 0x17, 0x25), "\\lceil": (0x06, 0x18, 0x26),
               "\\rceil": (0x07, 0x19, 0x27), "\\{": (0x08, 0x1A, 0x28, 0x38, 0x3A, 0x3C, 0x3E),
               "\\}": (0x09, 0x1B, 0x29, 0x39, 0x3B, 0x3D), "\\langle": (0x0A, 0x1C, 0x2A),
               "\\rangle": (0x0B, 0x1D, 0x2B), "|": (0x0C,), "\\|": (0x0D,), "/": (0x0E, 0x1E, 0x2C),
               "\\backslash": (0x0F, 0x1F, 0x2D), "\\sum": (0x50, 0x58), "\\prod": (0x51, 0x59),
               "\\int": (0x52, 0x5A), "\\bigcup": (0x53, 0x5B), "\\bigcap": (0x54, 0x5C), "\\oint": (0x48, 0x49),
               "\\bigodot": (0x4A, 0x4B), "\\bigoplus": (0x4C, 0x4D), "\\bigotimes": (0x4E, 0x4F),
               "\\bigwedge": (0x56, 0x5E), "\\bigvee": (0x57, 0x5F), "\\coprod": (0x60, 0x61),
               "\\sqrt": (0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76), "\\widehat": (0x62, 0x63, 0x64),
               "\\widetilde": (0x65, 0x66, 0x67)}
CMEX: dict[int, str] = {code: tex for tex, codes in _CMEX_PAIRS.items() for code in codes}

UNICODE: dict[str, str] = {
    "α": "\\alpha", "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "ϵ": "\\epsilon", "ε": "\\varepsilon",
    "ζ": "\\zeta", "η": "\\eta", "θ": "\\theta", "ϑ": "\\vartheta", "ι": "\\iota", "κ": "\\kappa",
    "λ": "\\lambda", "μ": "\\mu", "ν": "\\nu", "ξ": "\\xi", "π": "\\pi", "ρ": "\\rho", "ϱ": "\\varrho",
    "σ": "\\sigma", "ς": "\\varsigma", "τ": "\\tau", "υ": "\\upsilon", "ϕ": "\\phi", "φ": "\\varphi",
    "χ": "\\chi", "ψ": "\\psi", "ω": "\\omega", "Γ": "\\Gamma", "Δ": "\\Delta", "Θ": "\\Theta",
    "Λ": "\\Lambda", "Ξ": "\\Xi", "Π": "\\Pi", "Σ": "\\Sigma", "Υ": "\\Upsilon", "Φ": "\\Phi", "Ψ": "\\Psi",
    "Ω": "\\Omega", "∂": "\\partial", "∇": "\\nabla", "∞": "\\infty", "≤": "\\le", "≥": "\\ge", "≠": "\\ne",
    "≈": "\\approx", "∼": "\\sim", "≃": "\\simeq", "≡": "\\equiv", "∝": "\\propto", "≪": "\\ll", "≫": "\\gg",
    "·": "\\cdot", "⋅": "\\cdot", "×": "\\times", "÷": "\\div", "±": "\\pm", "∓": "\\mp", "∘": "\\circ",
    "⊙": "\\odot", "⊗": "\\otimes", "⊕": "\\oplus", "∗": "*", "−": "-", "–": "-", "→": "\\to", "←": "\\leftarrow",
    "⇒": "\\Rightarrow", "⇐": "\\Leftarrow", "⇔": "\\Leftrightarrow", "↦": "\\mapsto", "∈": "\\in",
    "∉": "\\notin", "∋": "\\ni", "⊂": "\\subset", "⊆": "\\subseteq", "⊃": "\\supset", "⊇": "\\supseteq",
    "∪": "\\cup", "∩": "\\cap", "∅": "\\emptyset", "∀": "\\forall", "∃": "\\exists", "¬": "\\neg",
    "∧": "\\wedge", "∨": "\\vee", "⊤": "\\top", "⊥": "\\bot", "∥": "\\|", "‖": "\\|", "⟨": "\\langle",
    "⟩": "\\rangle", "⌊": "\\lfloor", "⌋": "\\rfloor", "⌈": "\\lceil", "⌉": "\\rceil", "∑": "\\sum",
    "∏": "\\prod", "∫": "\\int", "∮": "\\oint", "⋃": "\\bigcup", "⋂": "\\bigcap", "√": "\\sqrt", "⎷": "\\sqrt",
    # pieces of tall delimiters by their Adobe glyph names (braceleftmid, ...), as pdfium names CMEX's in private use
    "\uf8eb": "(", "\uf8ec": "(", "\uf8ed": "(", "\uf8ee": "[", "\uf8ef": "[", "\uf8f0": "[", "\uf8f1": "\\{",
    "\uf8f2": "\\{", "\uf8f3": "\\{", "\uf8f4": "\\{", "\uf8f6": ")", "\uf8f7": ")", "\uf8f8": ")",
    "\uf8f9": "]", "\uf8fa": "]", "\uf8fb": "]", "\uf8fc": "\\}", "\uf8fd": "\\}", "\uf8fe": "\\}",
    "…": "\\ldots", "⋯": "\\cdots", "⋮": "\\vdots", "⋱": "\\ddots", "ℓ": "\\ell", "′": "'", "″": "''",
    "{": "\\{", "}": "\\}", "⎛": "(", "⎜": "(", "⎝": "(", "⎞": ")", "⎟": ")", "⎠": ")", "⎡": "[", "⎢": "[",
    "⎣": "[", "⎤": "]", "⎥": "]", "⎦": "]", "⎧": "\\{", "⎨": "\\{", "⎩": "\\{", "⎪": "\\{", "⎫": "\\}",
    "⎬": "\\}", "⎭": "\\}", "∣": "|", "̸": "\\not", "ı": "\\imath", "ȷ": "\\jmath", "⋆": "\\star",
    "∖": "\\setminus", "△": "\\triangle", "⊢": "\\vdash", "ℝ": "\\mathbb{R}", "ℕ": "\\mathbb{N}",
    "ℤ": "\\mathbb{Z}", "ℙ": "\\mathbb{P}", "ℍ": "\\mathbb{H}", "∶": ":", "ℚ": "\\mathbb{Q}", "ℂ": "\\mathbb{C}", "ℰ": "\\mathcal{E}", "ℒ": "\\mathcal{L}",
    "ℋ": "\\mathcal{H}", "ℱ": "\\mathcal{F}", "ℬ": "\\mathcal{B}", "ℳ": "\\mathcal{M}", "ℛ": "\\mathcal{R}",
    "ℎ": "h", "∆": "\\Delta", "µ": "\\mu", "\u2126": "\\Omega", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "’": "'", "‘": "`",
}
NEGATED = {"=": "\\ne", "\\in": "\\notin", "<": "\\not<", ">": "\\not>", "\\le": "\\not\\le", "\\ge": "\\not\\ge",
           "\\equiv": "\\not\\equiv", "\\sim": "\\nsim", "\\subseteq": "\\not\\subseteq"}
BIG_OPERATORS = {"\\sum", "\\prod", "\\int", "\\oint", "\\bigcup", "\\bigcap", "\\bigoplus", "\\bigotimes",
                 "\\bigodot", "\\bigwedge", "\\bigvee", "\\coprod"}
OPERATOR_NAMES = {"sin", "cos", "tan", "exp", "log", "ln", "max", "min", "arg", "sup", "inf", "lim", "det", "tr",
                  "diag", "softmax", "sign", "sgn", "Var", "Cov", "rank", "argmax", "argmin", "limsup", "liminf",
                  "tanh", "sigmoid", "ReLU", "relu", "Tr", "dim", "ker", "span", "mod"}
LIMIT_NAMES = {"max", "min", "sup", "inf", "lim", "argmax", "argmin", "limsup", "liminf"}
ACCENTS = {"˜": "\\tilde", "~": "\\tilde", "^": "\\hat", "ˆ": "\\hat", "¯": "\\bar", "˙": "\\dot",
           "¨": "\\ddot", "⃗": "\\vec", "→": "\\vec", "ˇ": "\\check", "˘": "\\breve",
           # combining marks, as OpenType math fonts (unicode-math) name their accents
           "\u0302": "\\hat", "\u0303": "\\tilde", "\u0304": "\\bar", "\u0305": "\\bar", "\u0307": "\\dot",
           "\u0308": "\\ddot", "\u030c": "\\check", "\u0306": "\\breve"}
# operator names LaTeX has a command for; any other (softmax, tr, Var) is written \operatorname{...}
LATEX_OPERATORS = {"sin", "cos", "tan", "exp", "log", "ln", "max", "min", "arg", "sup", "inf", "lim", "det", "dim",
                   "ker", "tanh", "limsup", "liminf", "mod"}
# CMSY glyphs that pdfium names as ASCII (bar -> |): their raw codes (0x7C clubsuit, 0x7B pilcrow) are never meant
_CMSY_NAMED = {"|": "|", "{": "\\{", "}": "\\}"}
OPEN_BRACKETS = {"(", "[", "\\{", "\\langle", "\\lfloor", "\\lceil"}


def family(font: str) -> str:
    """The font's family without its design size: CMMI10 -> CMMI, LMMathItalic7-Regular -> LMMATHITALIC."""
    name = font.upper().split("-")[0].split(",")[0]
    return name.rstrip("0123456789")


def role(font: str) -> str:
    """math-italic | symbol | extension | bold-math | bold | blackboard | fraktur | math | text."""
    fam = family(font)
    upper = font.upper()
    if fam in ("CMMIB", "LMMATHITALICBOLD") or "BOLDITALIC" in upper and "MATH" in upper:
        return "bold-math"
    if fam in ("CMMI", "LMMATHITALIC", "CMMIR") or fam.startswith("LMMATHITALIC"):
        return "math-italic"
    if fam in ("CMSY", "CMBSY", "LMMATHSYMBOLS", "CMSYR") or fam.startswith("LMMATHSYMBOLS"):
        return "symbol"
    if fam in ("CMEX", "LMMATHEXTENSION") or fam.startswith("LMMATHEXTENSION"):
        return "extension"
    if fam in ("MSBM",):
        return "blackboard"
    if fam in ("EUFM", "EUFB"):
        return "fraktur"
    if fam in ("MSAM", "RSFS", "STMARY", "WASY", "EUSM") or "MATH" in upper:
        return "math"  # an OpenType math font (Latin Modern Math, STIX Two Math, ...) or a symbol font
    if fam.startswith(("CMBX", "CMB", "LMROMAN10-BOLD", "LMBX")) or "BOLD" in upper:
        return "bold"
    return "text"


def _mathalpha(ch: str) -> str | None:
    """LaTeX of a Mathematical Alphanumeric Symbol (U+1D400..): 𝑎 -> a, 𝐠 -> \\mathbf{g}, 𝔼 -> \\mathbb{E}."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    if not name.startswith("MATHEMATICAL "):
        return None
    base = unicodedata.normalize("NFKC", ch)
    if base in UNICODE:
        base = UNICODE[base]
    if "DOUBLE-STRUCK" in name:
        return f"\\mathbb{{{base}}}"
    if "SCRIPT" in name:
        return f"\\mathcal{{{base}}}"
    if "FRAKTUR" in name:
        return f"\\mathfrak{{{base}}}"
    if "BOLD ITALIC" in name or "BOLD" in name and base.startswith("\\"):
        return f"\\boldsymbol{{{base}}}"
    if "BOLD" in name:
        return f"\\mathbf{{{base}}}"
    return base


def latex_of(text: str, font: str) -> tuple[str, bool]:
    """The LaTeX of one glyph and whether it could be read (False: a private-use or unknown code)."""
    ch = text
    code = ord(ch) if len(ch) == 1 else -1
    fam_role = role(font)
    fam = family(font)
    if fam.startswith("CMSY") or fam == "CMBSY":
        if ch in _CMSY_NAMED:  # pdfium read the glyph's name (bar, braceleft): ASCII text, not a raw code
            return _CMSY_NAMED[ch], True
        if 0 <= code < 0x80:
            return CMSY.get(code, "?"), code in CMSY
    elif fam.startswith("CMMI"):
        if 0 <= code < 0x20 or code in (0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x60, 0x7B, 0x7C, 0x7D):
            return CMMI.get(code, "?"), code in CMMI
    elif fam.startswith("CMEX"):
        if 0 <= code < 0x80:
            return CMEX.get(code, "?"), code in CMEX
    elif fam.startswith("MSBM") and ch.isalpha() and ch.isascii():
        return f"\\mathbb{{{ch}}}", True
    elif fam in ("EUFM", "EUFB") and ch.isalpha() and ch.isascii():
        return f"\\mathfrak{{{ch}}}", True
    if ch in UNICODE:
        return UNICODE[ch], True
    alpha = _mathalpha(ch)
    if alpha is not None:
        return alpha, True
    if code >= 0 and (0xE000 <= code <= 0xF8FF or code < 0x20 or code == 0xFFFD):
        return "?", False
    if fam_role == "bold-math" and ch.isalnum():
        return f"\\boldsymbol{{{ch}}}", True
    if fam_role == "text" and "\\" in ch:
        return "\\backslash", True
    if ch in "#$%&_^~":
        return "\\" + ch if ch in "#$%&_" else ch, True
    return ch, True
