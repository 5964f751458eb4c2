"""Name tables of the notation: Greek letters, function-like names, relation and operator commands."""

from __future__ import annotations

GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu
xi omicron rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma
Upsilon Phi Psi Omega ell hbar imath jmath""".split())

# Symbols that name functions when followed by "(" (elsewhere "x(" is a product).
FUNC_LETTERS = frozenset("f g h p q P L F G J K N Q R".split()) | frozenset(
    "sigma phi varphi psi ell Phi Psi".split())

# \log x, \exp(x): commands that apply to the argument that follows.
FUNC_CMDS = frozenset("log ln exp sin cos tan tanh sinh cosh sec csc cot arcsin arccos arctan det tr "
                      "diag sgn lg Pr dim ker rank erf".split())

# Plain words that students write without a backslash.
PLAIN_WORDS = ("softmax", "sigmoid", "argmax", "argmin", "tanh", "diag", "relu", "ReLU", "sign", "Var", "Cov",
               "var", "exp", "log", "max", "min", "det", "sin", "cos", "ln", "tr")

EXTREMA = {"max": "max", "min": "min", "sup": "sup", "inf": "inf", "argmax": "argmax", "argmin": "argmin",
           "liminf": "liminf", "limsup": "limsup"}

RELOP_CMDS = {
    "leq": "<=", "le": "<=", "leqslant": "<=", "leqq": "<=", "geq": ">=", "ge": ">=", "geqslant": ">=",
    "geqq": ">=", "neq": "!=", "ne": "!=", "approx": "approx", "simeq": "approx", "cong": "approx",
    "propto": "propto", "to": "->", "rightarrow": "->", "longrightarrow": "->", "mapsto": "->",
    "leftarrow": "<-", "gets": "<-", "longleftarrow": "<-", "in": "in", "notin": "notin", "ll": "<<",
    "gg": ">>", "sim": "sim", "equiv": "=", "coloneqq": "=", "triangleq": "=", "doteq": "=", "eqqcolon": "=",
    "subset": "subset", "subseteq": "subset", "lt": "<", "gt": ">", "iff": "iff",
    "Leftrightarrow": "iff", "Longleftrightarrow": "iff",
}
IMPLIES_CMDS = frozenset("implies Rightarrow Longrightarrow therefore because impliedby Leftarrow".split())
NEGATED = {"=": "!=", "<=": ">", ">=": "<", "<": ">=", ">": "<=", "in": "notin", "approx": "!=",
           "equiv": "!=", "subset": "notsubset"}

ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
           "overline": "bar", "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve",
           "acute": "acute", "grave": "grave", "mathring": "ring", "underline": "underline"}
BOLD_CMDS = frozenset("mathbf boldsymbol bm pmb vec mathbfit boldmath".split())
FONT_CMDS = frozenset("mathcal mathscr mathit mathsf mathtt mathfrak mathnormal".split())
WRAP_CMDS = frozenset("cancel bcancel xcancel boxed mathop underbrace overbrace displaystyle "
                      "underline_ smash mathclap mathrlap mathllap".split())

CONNECTIVES = frozenset("""and or as if otherwise where for with then since so thus hence else when while
i.e. e.g. s.t. st is are be by of on the that which using we get have holds iff implies because all any some
any""".split())

DOTS = frozenset("dots cdots ldots vdots ddots dotsc dotsb dotsm dotsi".split())
