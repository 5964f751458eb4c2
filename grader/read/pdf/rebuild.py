"""Rebuild the lines of a typeset page from glyph geometry: text stays text, math becomes `$...$`/`$$...$$` LaTeX."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from grader.read.pdf.glyphs import (ACCENTS, BIG_OPERATORS, LIMIT_NAMES, NEGATED, OPEN_BRACKETS, OPERATOR_NAMES, latex_of,
                                    role)
from grader.read.pdf.layer import Glyph, Page, Rule

MATH_ROLES = {"math-italic", "symbol", "extension", "bold-math", "blackboard", "fraktur", "math"}
UNREADABLE = "\\unreadable"  # stands where a glyph could not be read; the formula is then reported, not judged


@dataclass
class Atom:
    """A glyph or a rebuilt piece (fraction, radical, bracket stack) with its box and baseline."""

    x0: float
    x1: float
    bottom: float
    top: float
    baseline: float
    size: float
    tex: str
    text: str  # what it reads as in running text
    kind: str  # M (math), T (text letter), N (neutral: digits, punctuation, brackets), S (rebuilt structure)
    ok: bool = True
    lx0: float = 0.0  # advance box, for spaces between words
    lx1: float = 0.0
    big: bool = False  # a big operator or a tall delimiter: it sets no baseline, it takes limits
    sup: list[Atom] = field(default_factory=list)
    sub: list[Atom] = field(default_factory=list)
    over: list[Atom] = field(default_factory=list)
    under: list[Atom] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def _atom(g: Glyph, piece: bool = False) -> Atom:
    tex, ok = latex_of(g.text, g.font)
    if not ok:
        tex = UNREADABLE
    r = role(g.font)
    if r in MATH_ROLES:
        kind = "M"
    elif g.text.isalpha():
        kind = "T"
    else:
        kind = "N"
    if r == "bold" and g.text.isalnum():
        tex = f"\\mathbf{{{g.text}}}"
    text = g.text if kind == "T" or not ok else (tex if tex in ("fi", "fl", "ff", "ffi", "ffl", "'") else g.text)
    big = r == "extension" or tex in BIG_OPERATORS and g.top - g.bottom > 1.2 * g.size \
        or tex in _DELIMITERS and g.top - g.bottom > 1.5 * g.size  # an OpenType font's size variant of ( or {
    if tex == "\\sqrt":  # a radical sign, whole or a piece of a tall one, takes its bar and body (never limits)
        big = True
    baseline = g.baseline
    if piece:
        big = True
    if r == "extension" or piece:  # CMEX glyphs hang from their origin: the line's baseline is below the math axis
        baseline = (g.top + g.bottom) / 2 - 0.25 * g.size
    return Atom(x0=g.x0, x1=g.x1, bottom=g.bottom, top=g.top, baseline=baseline, size=g.size, tex=tex,
                text=text, kind=kind, ok=ok, big=big, lx0=g.adv_x0 or g.x0, lx1=g.adv_x1 or g.x1)


_DELIMITERS = OPEN_BRACKETS | {")", "]", "\\}", "\\rangle", "\\rfloor", "\\rceil", "|", "\\|", "\\sqrt"}


def _stack_pieces(atoms: list[Atom]) -> list[Atom]:
    """Pieces of one tall delimiter drawn one above the other (CMEX top, extension, bottom) become one atom."""
    pieces = sorted((a for a in atoms if a.big and a.tex not in BIG_OPERATORS), key=lambda a: (-a.top, a.x0))
    merged: set[int] = set()
    for i, a in enumerate(pieces):
        if id(a) in merged:
            continue
        for b in pieces[i + 1:]:
            if id(b) in merged:
                continue
            same = a.tex == b.tex
            # a delimiter's pieces share an edge or overlap (a brace's middle piece juts out left of the rest, a
            # radical's hook left of its stem)
            aligned = abs(b.x0 - a.x0) < 1.0 or abs(b.x1 - a.x1) < 1.0 or same and b.x1 > a.x0 - 0.5 \
                and b.x0 < a.x1 + 0.5
            if aligned and b.top >= a.bottom - 1.5 and b.bottom < a.bottom and (a.tex == "\\sqrt") == (b.tex == "\\sqrt"):
                a.bottom = b.bottom
                if b.tex == "\\sqrt":  # a radical's bottom piece holds the hook: it names the whole sign
                    a.x0 = min(a.x0, b.x0)
                merged.add(id(b))
    return [a for a in atoms if id(a) not in merged]


def _bar_of(x1: float, top: float, r: Rule, size: float) -> bool:
    """The rule starts where a radical sign (right edge x1, top) ends: its bar. Computer Modern's sign meets its bar;
    an OpenType font's extended sign can be reported a little short of it."""
    return abs(x1 - r.x0) < max(1.5, 0.4 * size) and -2.0 < r.y - top < max(2.0, 0.6 * size)


def _inside(a: Atom, r: Rule) -> bool:
    return r.x0 - 1.0 <= a.cx <= r.x1 + 1.0 and a.x0 >= r.x0 - 2.5 and a.x1 <= r.x1 + 2.5


def _accents(atoms: list[Atom]) -> list[Atom]:
    """An accent glyph sitting on a letter (g with a tilde above) becomes \\tilde{g}."""
    gone: set[int] = set()
    for a in atoms:
        if a.text not in ACCENTS:
            continue
        hosts = [h for h in atoms if h is not a and id(h) not in gone and h.text not in ACCENTS
                 and a.size <= 1.05 * h.size  # an accent is set in its letter's size: a bigger glyph is no accent
                 and h.x0 - 1.0 <= a.cx <= h.x1 + 1.0 and a.bottom >= h.top - 0.35 * h.size
                 and a.bottom - h.top < 0.5 * h.size]
        if not hosts:
            continue
        host = min(hosts, key=lambda h: abs(h.cx - a.cx))
        host.tex = f"{ACCENTS[a.text]}{{{host.tex}}}"
        host.kind = "M"
        gone.add(id(a))
    return [a for a in atoms if id(a) not in gone]


def _structures(atoms: list[Atom], rules: list[Rule], ref: float) -> list[Atom]:
    """Fractions, radicals and overlines from drawn rules, innermost (shortest rule) first."""
    done: set[int] = set()  # rules already read: their bars are inside the pieces they made
    for r in sorted(rules, key=lambda r: r.x1 - r.x0):
        done.add(id(r))
        radical = next((a for a in atoms if a.tex in ("\\sqrt", "\\surd") and _bar_of(a.x1, a.top, r, ref)), None)
        below = [a for a in atoms if a is not radical and _inside(a, r) and a.top <= r.y + 0.6
                 and r.y - a.top < 1.4 * ref]
        if radical is not None:  # its body is all under the bar down to the sign's foot (a sum's limits too)
            body = [a for a in atoms if a is not radical and _inside(a, r) and a.top <= r.y + 0.6
                    and a.bottom >= radical.bottom - 1.0 and a.x0 < r.x1 - 0.5]
            # an index sits in the sign's crook: over its left part, under its bar (TeX kerns it 10mu into the
            # sign), so a script that ends before the sign (the T of a^T\sqrt{b}) or above the bar is none
            index = [a for a in atoms if a is not radical and a.x1 <= radical.x0 + 0.6 * (radical.x1 - radical.x0)
                     and a.x1 > radical.x0 + 0.1 * ref and a.x0 >= radical.x0 - 0.8 * ref and a.size < 0.85 * ref
                     and a.bottom > radical.bottom and a.top <= r.y + 0.5]
            inner = _build(body)
            root = f"\\sqrt[{_build(index)}]{{{inner}}}" if index else f"\\sqrt{{{inner}}}"
            gone = {id(a) for a in body + index} | {id(radical)}
            piece = Atom(x0=min([radical.x0] + [a.x0 for a in index]), x1=r.x1, bottom=radical.bottom, top=r.y,
                         baseline=min((a.baseline for a in body), default=radical.bottom), size=ref, tex=root,
                         text=root, kind="S", ok=all(a.ok for a in body + index))
            atoms = [a for a in atoms if id(a) not in gone] + [piece]
            continue
        above = [a for a in atoms if _inside(a, r) and a.bottom >= r.y - 0.6 and a.bottom - r.y < 1.4 * ref]
        # a longer bar between an atom and this one parts them (a nested fraction's denominator is not under the
        # outer fraction's bar)
        live = [q for q in rules if id(q) not in done]
        below = [a for a in below if not any(q.x0 - 1.0 <= a.cx <= q.x1 + 1.0 and a.top - 0.6 < q.y < r.y
                                             for q in live)]
        above = [a for a in above if not any(q.x0 - 1.0 <= a.cx <= q.x1 + 1.0 and r.y < q.y < a.bottom + 0.6
                                             for q in live)]
        if above and below:
            num, den = _connected(above, r.y, up=True), _connected(below, r.y, up=False)
            tex = f"\\frac{{{_build(num)}}}{{{_build(den)}}}"
            gone = {id(a) for a in num + den}
            axis = r.y - 0.25 * ref
            piece = Atom(x0=r.x0, x1=r.x1, bottom=min(a.bottom for a in den), top=max(a.top for a in num),
                         baseline=axis, size=ref, tex=tex, text=tex, kind="S", ok=all(a.ok for a in num + den))
            atoms = [a for a in atoms if id(a) not in gone] + [piece]
        elif below and not above:
            body = _connected(below, r.y, up=False)
            if max(a.top for a in body) > r.y - 0.45 * ref:  # the bar sits right on the glyphs: an overline
                tex = _build(body)
                one = len(body) == 1 and not body[0].sup and not body[0].sub
                tex = f"\\bar{{{tex}}}" if one else f"\\overline{{{tex}}}"
                gone = {id(a) for a in body}
                piece = Atom(x0=min(a.x0 for a in body), x1=max(a.x1 for a in body), bottom=min(a.bottom for a in body),
                             top=r.y, baseline=body[0].baseline, size=max(a.size for a in body), tex=tex, text=tex,
                             kind="S", ok=all(a.ok for a in body))
                atoms = [a for a in atoms if id(a) not in gone] + [piece]
    return atoms


# a tall opening delimiter and the closing one that makes it a matrix environment; `{` alone opens cases
_MATRICES = {("(", ")"): "pmatrix", ("[", "]"): "bmatrix", ("\\{", "\\}"): "Bmatrix", ("|", "|"): "vmatrix",
             ("\\|", "\\|"): "Vmatrix"}


def _arrays(atoms: list[Atom], ref: float) -> list[Atom]:
    """A tall delimiter holding rows of math becomes a matrix (with its closing delimiter) or cases (a `{` with
    none): rows are the baselines inside its height, columns the wide gaps shared by all rows."""
    for opener in sorted((a for a in atoms if a.big and a.tex in OPEN_BRACKETS | {"|", "\\|"}), key=lambda a: a.x0):
        if opener.top - opener.bottom < 1.8 * ref or opener not in atoms:
            continue
        closer = min((a for a in atoms if a.big and a is not opener and a.x0 > opener.x1
                      and (opener.tex, a.tex) in _MATRICES and abs(a.top - opener.top) < 2.0
                      and abs(a.bottom - opener.bottom) < 2.0), key=lambda a: a.x0, default=None)
        if closer is None and opener.tex != "\\{":
            continue
        end = closer.x0 if closer is not None else float("inf")
        inside = [a for a in atoms if a is not opener and a is not closer and opener.x1 - 0.5 <= a.cx < end
                  and opener.bottom - 1.0 <= (a.top + a.bottom) / 2 <= opener.top + 1.0]
        rows = _array_rows(inside, ref)
        if len(rows) < 2:
            continue
        cells = _array_columns(rows, ref)
        body = " \\\\ ".join(" & ".join(_build(cell) for cell in row) for row in cells)
        env = "cases" if closer is None else _MATRICES[(opener.tex, closer.tex)]
        tex = f"\\begin{{{env}}} {body} \\end{{{env}}}"
        right = closer.x1 if closer is not None else max(a.x1 for a in inside)
        piece = Atom(x0=opener.x0, x1=right, bottom=opener.bottom, top=opener.top, baseline=opener.baseline,
                     size=ref, tex=tex, text=tex, kind="S", ok=all(_ok(a) for a in inside), lx0=opener.lx0,
                     lx1=closer.lx1 if closer is not None else right)
        gone = {id(a) for a in inside} | {id(opener), id(closer)}
        atoms = [a for a in atoms if id(a) not in gone] + [piece]
    return atoms


def _array_rows(inside: list[Atom], ref: float) -> list[list[Atom]]:
    """The atoms inside a tall delimiter grouped by the full-size baselines they sit on (scripts join the nearest)."""
    bases: list[float] = []
    for a in sorted((a for a in inside if not a.big and a.size >= 0.85 * ref), key=lambda a: -a.baseline):
        if not bases or bases[-1] - a.baseline > 0.5 * ref:
            bases.append(a.baseline)
    rows: list[list[Atom]] = [[] for _ in bases]
    for a in inside:
        if bases:
            rows[min(range(len(bases)), key=lambda k: abs(bases[k] - a.baseline))].append(a)
    return rows


def _array_columns(rows: list[list[Atom]], ref: float) -> list[list[list[Atom]]]:
    """Each row cut into cells at the wide gaps that every row leaves empty (a matrix's column separation, the
    quad between a case's value and its condition)."""
    spans = sorted((a.x0, a.x1) for row in rows for a in row)
    cuts: list[float] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach > 0.7 * ref:
            cuts.append((x0 + reach) / 2)
        reach = max(reach, x1)
    return [[[a for a in row if (cuts[k - 1] if k else float("-inf")) <= a.cx < (cuts[k] if k < len(cuts)
                                                                                 else float("inf"))]
             for k in range(len(cuts) + 1)] for row in rows]


def _connected(cands: list[Atom], y: float, up: bool) -> list[Atom]:
    """The atoms next to the bar and those touching them: a numerator stops where a gap opens."""
    order = sorted(cands, key=lambda a: a.bottom if up else -a.top)
    picked: list[Atom] = []
    reach = y
    for a in order:
        near = (a.bottom - reach if up else reach - a.top)
        if picked and near > 0.45 * a.size:
            break
        picked.append(a)
        reach = max(reach, a.top) if up else min(reach, a.bottom)
    return picked


def _main_baseline(atoms: list[Atom]) -> float:
    plain = [a for a in atoms if not a.big and a.kind != "S"] or atoms
    size = max(a.size for a in plain)
    votes: dict[float, float] = {}
    for a in plain:
        if a.size >= 0.9 * size:
            key = round(a.baseline, 0)
            votes[key] = votes.get(key, 0.0) + 1.0
    if not votes:
        return plain[0].baseline
    return max(votes, key=lambda k: (votes[k], -abs(k)))


_LABELLED = {"\\xrightarrow", "\\xleftarrow"}  # arrows stretched to hold a label above or below them


def _long_arrows(atoms: list[Atom]) -> list[Atom]:
    """Minus signs drawn overlapping in a row and ending in an arrow head (how \\xrightarrow is stretched) make one
    arrow; the labels set above and below it attach to it later."""
    order = sorted(atoms, key=lambda a: a.x0)
    gone: set[int] = set()
    out: list[Atom] = []
    for i, a in enumerate(order):
        if id(a) in gone or a.tex not in ("-", "\\leftarrow"):
            continue
        chain = [a]
        for b in order[i + 1:]:
            if abs(b.baseline - a.baseline) > 0.1 * a.size or b.size != a.size:
                continue
            if b.x0 >= chain[-1].x1 - 0.2:
                break
            if b.tex == "-" or b.tex == "\\to" and chain[0].tex == "-":
                chain.append(b)
                if b.tex == "\\to":
                    break
        left = chain[0].tex == "\\leftarrow"
        if len(chain) < (2 if left else 3) or not left and chain[-1].tex != "\\to":
            continue  # two glyphs only are a \\longrightarrow, read with the other joined relations
        gone.update(id(c) for c in chain)
        out.append(Atom(x0=chain[0].x0, x1=max(c.x1 for c in chain), bottom=min(c.bottom for c in chain),
                        top=max(c.top for c in chain), baseline=a.baseline, size=a.size,
                        tex="\\xleftarrow" if left else "\\xrightarrow", text="\u2192", kind="M",
                        lx0=chain[0].lx0, lx1=max(c.lx1 for c in chain)))
    return [a for a in atoms if id(a) not in gone] + out if out else atoms


def _attach(atoms: list[Atom]) -> list[Atom]:
    """The atoms on the main baseline, each carrying its scripts and limits, left to right."""
    if not atoms:
        return []
    atoms = _long_arrows(atoms)
    base = _main_baseline(atoms)
    size = max(a.size for a in atoms if not a.big) if any(not a.big for a in atoms) else atoms[0].size
    tol = 0.12 * size
    main: list[Atom] = []
    rest: list[Atom] = []
    for a in atoms:
        on = abs(a.baseline - base) <= tol and a.size >= 0.85 * size
        (main if on or a.big or a.kind == "S" else rest).append(a)
    main.sort(key=lambda a: a.x0)
    loose: list[Atom] = []
    spans = _limit_words(main)
    for a in sorted(rest, key=lambda a: a.x0):
        host = next((m for m in main if (m.big or m.text in LIMIT_NAMES or m.tex.startswith("\\operatorname*")
                                          or m.tex in _LABELLED)
                     and m.x0 - 1.0 <= a.cx <= m.x1 + 1.0 and (a.bottom >= m.top - 1.0 or a.top <= m.bottom + 1.0)),
                    None)
        if host is None:  # under or over a word that takes limits (lim, max) spelt in upright letters
            host = next((last for x0, x1, last in spans if x0 - 1.0 <= a.cx <= x1 + 1.0
                         and (a.bottom >= last.top - 1.0 or a.top <= last.bottom + 1.0)), None)
        if host is not None:
            (host.over if a.baseline > host.baseline or a.bottom >= host.top - 1.0 else host.under).append(a)
            continue
        before = [m for m in main if m.x0 <= a.x0 + 0.5]
        if not before:
            loose.append(a)
            continue
        m = max(before, key=lambda m: m.x0)
        ref = m.baseline if not m.big and m.kind != "S" else base
        (m.sup if a.baseline > ref else m.sub).append(a)
    if loose:  # scripts before anything: keep them, in order, rather than drop them
        main = sorted(main + [Atom(x0=a.x0, x1=a.x1, bottom=a.bottom, top=a.top, baseline=base, size=size,
                                   tex=a.tex, text=a.text, kind=a.kind, ok=a.ok) for a in loose],
                      key=lambda a: a.x0)
    return main


def _limit_words(main: list[Atom]) -> list[tuple[float, float, Atom]]:
    """Upright letters set close together that spell a word taking limits (lim, max, argmin): the span's left and
    right edge and its last letter (which then carries the limits; _words gathers them onto the operator)."""
    out: list[tuple[float, float, Atom]] = []
    i = 0
    while i < len(main):
        a = main[i]
        j = i
        if a.kind == "T" and a.text.isalpha():
            while j + 1 < len(main) and main[j + 1].kind == "T" and main[j + 1].x0 - main[j].x1 < 0.12 * a.size:
                j += 1
            word = "".join(m.text for m in main[i:j + 1])
            if word in LIMIT_NAMES:
                out.append((a.x0, main[j].x1, main[j]))
        i = j + 1
    return out


def _words(main: list[Atom]) -> list[Atom]:
    """Upright letters that spell an operator name (max, log, softmax) become that operator."""
    out: list[Atom] = []
    i = 0
    while i < len(main):
        a = main[i]
        if a.kind == "T" and a.text.isalpha():
            j = i
            while j + 1 < len(main) and main[j + 1].kind == "T" and main[j + 1].x0 - main[j].x1 < 0.12 * a.size:
                j += 1
            word = "".join(m.text for m in main[i:j + 1])
            if word in OPERATOR_NAMES and (j + 1 - i) > 1 and not _prose(main, i, j):
                last = main[j]
                limits = word in LIMIT_NAMES
                tex = f"\\{word}" if word not in ("softmax", "diag", "sign", "sgn", "Var", "Cov", "rank", "argmax",
                                                  "argmin", "sigmoid", "ReLU", "relu", "Tr", "span") \
                    else f"\\operatorname{{{word}}}"
                if word in ("argmax", "argmin"):
                    tex = f"\\arg\\{word[3:]}"
                op = Atom(x0=a.x0, x1=last.x1, bottom=min(m.bottom for m in main[i:j + 1]),
                          top=max(m.top for m in main[i:j + 1]), baseline=a.baseline, size=a.size, tex=tex,
                          text=word, kind="M", big=False, lx0=a.lx0, lx1=last.lx1,
                          sup=[s for m in main[i:j + 1] for s in m.sup], sub=[s for m in main[i:j + 1] for s in m.sub],
                          over=[s for m in main[i:j + 1] for s in m.over],
                          under=[s for m in main[i:j + 1] for s in m.under])
                op.text = word if limits else word
                out.append(op)
                i = j + 1
                continue
        out.append(a)
        i += 1
    return out


def _prose(main: list[Atom], i: int, j: int) -> bool:
    """The upright word main[i..j] is a word of the sentence (the ReLU keeps, the sigmoid to), not an operator: no
    scripts on it and text letters on both sides (a sentence's full stop or comma after it, as in "its argmax." at a
    line's start, counts as text); an operator sits beside math, brackets or a relation."""
    if any(m.sup or m.sub or m.over or m.under for m in main[i:j + 1]):
        return False
    before, after = (main[i - 1] if i > 0 else None), (main[j + 1] if j + 1 < len(main) else None)
    if before is None and after is None:
        return False
    return ((before is None or (before.kind == "T" and before.text.isalpha()))
            and (after is None or (after.kind == "T" and after.text.isalpha()) or after.text in (".", ",", ";", ":")))


def _lone_letters(main: list[Atom]) -> list[Atom]:
    """A bold letter standing alone (a bold matrix W) and a Greek letter set in the text font (OT1 Gamma) are math:
    prose is not set one bold letter at a time (a bold label `(a)` has no math beside it), and Greek in running text
    comes from math."""
    for i, a in enumerate(main):
        if a.kind != "T" or len(a.text) != 1:
            continue
        greek = "\u0391" <= a.text <= "\u03c9"
        joined = any(0 <= k < len(main) and main[k].kind == "T" and abs(main[k].cx - a.cx) < 1.2 * a.size
                     for k in (i - 1, i + 1))
        near_math = any(0 <= k < len(main) and main[k].kind in ("M", "S") for k in (i - 2, i - 1, i + 1, i + 2))
        if a.tex.startswith("\\mathbf") and joined:  # bold letters set close together: math if one carries a script
            run = _bold_run(main, i)   # (W g_{t-1} as in \mathbf{W}\mathbf{g}_{t-1}); a bold word has none
            joined = not any(m.sup or m.sub for m in run)
            near_math = near_math or not joined
        if greek or a.tex.startswith("\\mathbf") and not joined and near_math:
            a.kind = "M"
            if greek:
                a.tex = latex_of(a.text, "")[0]
    return main


def _bold_run(main: list[Atom], i: int) -> list[Atom]:
    """The bold letters set close together around main[i]."""
    def bold(k: int) -> bool:
        return main[k].kind == "T" and len(main[k].text) == 1 and main[k].tex.startswith("\\mathbf")

    lo = hi = i
    while lo > 0 and bold(lo - 1) and abs(main[lo - 1].cx - main[lo].cx) < 1.2 * main[lo].size:
        lo -= 1
    while hi + 1 < len(main) and bold(hi + 1) and abs(main[hi + 1].cx - main[hi].cx) < 1.2 * main[hi].size:
        hi += 1
    return main[lo:hi + 1]


def _glue(parts: list[str]) -> str:
    """Tokens joined by spaces, except digits of one number; primes set as superscripts read as primes."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (out[-1].isdigit() and (p[0].isdigit() or p[0] == ".")) and not (out[-1] == "." and p[0].isdigit()):
            out += " "
        out += p
    return out.replace("^{' '}", "''").replace("^{'}", "'")


def _tex(a: Atom) -> str:
    tex = a.tex
    if tex in _LABELLED:
        under = f"[{_build(a.under)}]" if a.under else ""
        return f"{tex}{under}{{{_build(a.over)}}}"
    if a.over or a.under:
        if a.under:
            tex += f"_{{{_build(a.under)}}}"
        if a.over:
            tex += f"^{{{_build(a.over)}}}"
    sup = _build(a.sup)
    while sup.startswith("'"):  # a prime is set as a superscript: v'^t is v, a prime, then the script t
        tex += "'"
        sup = sup[1:].lstrip()
    if a.sub:
        tex += f"_{{{_build(a.sub)}}}"
    if sup:
        tex += f"^{{{sup}}}"
    return tex


# a relation built from two glyphs overlapping (TeX's \joinrel): = then => is \implies, <= then = \impliedby
_JOINED = {("=", "\\Rightarrow"): "\\implies", ("\\Leftarrow", "="): "\\impliedby",
           ("\\Leftarrow", "\\Rightarrow"): "\\iff", ("-", "\\to"): "\\longrightarrow",
           ("\\leftarrow", "-"): "\\longleftarrow"}


def _negate(main: list[Atom]) -> list[Atom]:
    """A negation slash drawn over the next symbol (CMSY code 0x36) makes one negated relation; two glyphs drawn
    overlapping into one long arrow (= and =>) make that arrow."""
    out: list[Atom] = []
    skip = skip2 = -1
    for i, a in enumerate(main):
        if i == skip:
            continue
        nxt = main[i + 1] if i + 1 < len(main) else None
        if nxt is not None and (a.tex, nxt.tex) in _JOINED and nxt.x0 < a.x1 + 0.3 and not (a.sup or a.sub) \
                and abs(a.baseline - nxt.baseline) < 0.1 * a.size:
            out.append(replace(nxt, tex=_JOINED[(a.tex, nxt.tex)], x0=min(nxt.x0, a.x0), kind="M"))
            skip = i + 1
            continue
        if a.tex == "." and i + 2 < len(main) and all(
                main[k].tex == "." and not (main[k].sup or main[k].sub) and main[k].x0 - main[k - 1].x1 < 0.35 * a.size
                and abs(main[k].baseline - a.baseline) < 0.1 * a.size for k in (i + 1, i + 2)):
            out.append(replace(a, tex="\\ldots", x1=main[i + 2].x1, lx1=main[i + 2].lx1, kind="M"))
            skip2 = i + 2  # three low dots set close: an ellipsis
            skip = i + 1
            continue
        if i == skip2:
            continue
        if a.tex == "\\not" and i + 1 < len(main) and main[i + 1].x0 < a.x1 + 0.5:
            nxt = main[i + 1]
            out.append(replace(nxt, tex=NEGATED.get(nxt.tex, "\\not" + nxt.tex), x0=min(nxt.x0, a.x0)))
            skip = i + 1
            continue
        out.append(a)
    return out


def _build(atoms: list[Atom]) -> str:
    """LaTeX of a group of atoms that is all math (a script, a numerator, a whole formula); a word in upright text
    letters inside it (a script's `dropout`, a case's `if`) is \\text{...}."""
    if not atoms:
        return ""
    main = _negate(_words(_attach(atoms)))
    parts: list[str] = []
    i = 0
    while i < len(main):
        j = i
        while j < len(main) and main[j].kind == "T" and main[j].tex == main[j].text and main[j].text.isalpha() \
                and not (main[j].sup or main[j].sub) and (j == i or main[j].x0 - main[j - 1].x1 < 0.12 * main[j].size):
            j += 1
        if j - i >= 2:
            parts.append(f"\\text{{{''.join(a.text for a in main[i:j])}}}")
            i = j
            continue
        parts.append(_tex(main[i]))
        i += 1
    return _glue(parts)


def _left(a: Atom) -> float:
    """Left edge of an atom's advance box (its ink box for a rebuilt piece that has none)."""
    return a.lx0 or a.x0


def _right(a: Atom) -> float:
    """Right edge of an atom with its scripts and limits."""
    return max([a.lx1 or a.x1] + [_right(s) for s in a.sup + a.sub + a.over + a.under])


def _ok(a: Atom) -> bool:
    return a.ok and all(_ok(s) for s in a.sup + a.sub + a.over + a.under)


@dataclass(frozen=True)
class Line:
    """One rebuilt line of a page: its text with math spans, where it stands, and what was found in it."""

    text: str
    top: float
    bottom: float
    x0: float
    size: float  # the size of its main text
    display: bool
    unreadable: int  # formulas on it holding a glyph that could not be read
    plain: str  # the line as plain text (for spotting repeated headers and page numbers)
    bold: bool = False  # every text letter on it is set in a bold font (a sectioning heading, with its size)
    counted: bool = False  # it opens with a number set a quad apart from its words, as LaTeX sets a counter's number


# an OpenType font's pieces of tall delimiters (U+239B..U+23AD): drawn one above the other like CMEX's
_PIECE_CHARS = set("⎛⎜⎝⎞⎟⎠⎡⎢⎣⎤⎥⎦⎧⎨⎩⎪⎫⎬⎭")


def _pieces(glyphs: list[Glyph]) -> set[Glyph]:
    """Glyphs that are pieces of a tall delimiter: CMEX glyphs, an OpenType font's pieces, and an extender the font
    names as the plain delimiter (`{`) standing on or under one of those pieces."""
    out = {g for g in glyphs if role(g.font) == "extension" or g.text in _PIECE_CHARS}
    named = [g for g in glyphs if g.text in _PIECE_CHARS]
    if named:
        out.update(g for g in glyphs if g.text in "{}()[]|" and any(
            p.x0 - 0.5 < g.x1 and g.x0 < p.x1 + 0.5 and (abs(g.top - p.bottom) < 1.5 or abs(g.bottom - p.top) < 1.5
                                                         or g.bottom < p.top and p.bottom < g.top) for p in named))
    return out


def _stacks(hanging: list[Glyph]) -> list[list[Glyph]]:
    """Extension glyphs drawn one on another (a tall delimiter's or radical's pieces) grouped, so they stay together."""
    out: list[list[Glyph]] = []
    for g in sorted(hanging, key=lambda g: -g.top):
        last = next((s for s in out if (abs(s[-1].x0 - g.x0) < 1.0 or abs(s[-1].x1 - g.x1) < 1.0)
                     and g.top >= s[-1].bottom - 1.5 and g.bottom < s[-1].bottom), None)
        if last is not None:
            last.append(g)
        else:
            out.append([g])
    return out


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs sharing a baseline; extension glyphs (which hang from their origin) join the row nearest their axis."""
    rows: list[list[Glyph]] = []
    pieces = _pieces(glyphs)
    hanging = [g for g in glyphs if g in pieces]
    for g in sorted((g for g in glyphs if g not in pieces), key=lambda g: (-round(g.baseline, 1), g.x0)):
        if rows and abs(rows[-1][0].baseline - g.baseline) <= 0.6:
            rows[-1].append(g)
        else:
            rows.append([g])
    for stack in _stacks(hanging):
        top, bottom, size = max(g.top for g in stack), min(g.bottom for g in stack), stack[0].size
        base = (top + bottom) / 2 - 0.25 * size
        near = [r for r in rows if r[0].size >= 0.85 * size and r[0].bottom <= top and r[0].top >= bottom]
        if near:
            min(near, key=lambda r: abs(r[0].baseline - base)).extend(stack)
        else:
            rows.append(list(stack))
    rows.sort(key=lambda r: -r[0].baseline)
    return rows


def _lines(page: Page) -> list[tuple[list[Glyph], list[Rule]]]:
    """Rows of glyphs joined into visual lines: a script, a limit, a numerator and denominator join their line."""
    rows = _rows(list(page.glyphs))
    pieces = _pieces(list(page.glyphs))
    n = len(rows)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    info = []
    for r in rows:
        size = max(g.size for g in r if g not in pieces) if any(g not in pieces for g in r) \
            else r[0].size
        info.append((r[0].baseline, size, min(g.x0 for g in r), max(g.x1 for g in r),
                     min(g.bottom for g in r), max(g.top for g in r)))
    for i in range(n):
        bi, si, x0i, x1i, boti, topi = info[i]
        nearest: tuple[float, int] | None = None
        for j in range(max(0, i - 8), min(n, i + 8)):
            bj, sj, x0j, x1j, botj, topj = info[j]
            overlap_x = min(x1i, x1j) - max(x0i, x0j) > -0.5 * max(si, sj)
            if j != i and si < 0.85 * sj and overlap_x and abs(bi - bj) < 0.75 * sj \
                    and (nearest is None or abs(bi - bj) < nearest[0]):
                nearest = (abs(bi - bj), j)
            if j > i and all(g.text in ACCENTS for g in rows[i]) and boti - topj < 0.5 * sj and overlap_x:
                union(i, j)  # an accent raised onto its own baseline above its letter
        if nearest is not None:  # sub- or superscripts on their own baseline join the nearest larger row only
            union(i, nearest[1])
    surds = [g for g in page.glyphs if latex_of(g.text, g.font)[0] == "\\sqrt"]
    surd_set = set(surds)
    for rule in page.rules:
        y = rule.y
        if any(_bar_of(g.x1, g.top, rule, g.size) for g in surds):
            continue  # a radical's bar, not a fraction's: what lies above it is the line before, not a numerator
        near = [i for i in range(n) if info[i][2] < rule.x1 + 1 and info[i][3] > rule.x0 - 1
                and abs(info[i][0] - y) < 1.6 * info[i][1]]
        above = [i for i in near if any(rule.x0 - 2 <= (g.x0 + g.x1) / 2 <= rule.x1 + 2 and g.bottom >= y - 0.6
                                        for g in rows[i])]
        below = [i for i in near if any(rule.x0 - 2 <= (g.x0 + g.x1) / 2 <= rule.x1 + 2 and g.top <= y + 0.6
                                        for g in rows[i])]
        if above and below:
            lo = min(above, key=lambda i: info[i][0] - y)
            hi = min(below, key=lambda i: y - info[i][0])
            # a numerator or denominator of several rows (a sum whose limit K is a row of its own): the rows
            # under the bar that reach up to the lowest one taken so far
            reach = min(info[i][4] for i in below if info[i][0] >= info[hi][0])
            for k in range(hi + 1, min(n, hi + 8)):
                if not all(rule.x0 - 2 <= (g.x0 + g.x1) / 2 <= rule.x1 + 2 for g in rows[k]) \
                        or y - info[k][0] > 2.5 * info[k][1]:
                    continue
                if info[k][5] >= reach - 0.1 * info[k][1]:
                    hi = k
                    reach = min(reach, info[k][4])
            for i in range(min(lo, hi), max(lo, hi) + 1):
                union(i, lo)
    for i in range(n):  # tall glyphs (big operators, delimiters, a delimiter's stacked pieces) hold what lies
        # within their height
        tall = [(g.x0, g.x1, g.bottom, g.top, latex_of(g.text, g.font)[0]) for g in rows[i]
                if role(g.font) in MATH_ROLES and (len(rows[i]) == 1 or g not in pieces)]
        tall += [(min(g.x0 for g in st), max(g.x1 for g in st), min(g.bottom for g in st), max(g.top for g in st),
                  latex_of(st[0].text, st[0].font)[0])
                 for st in _stacks([g for g in rows[i] if g in pieces])] if len(rows[i]) > 1 else []
        for x0, x1, bottom, top, tex in tall:
            if top - bottom > 1.25 * info[i][1]:
                for j in range(max(0, i - 6), min(n, i + 7)):
                    bj = info[j][0]
                    lim = (info[j][1] < 0.85 * info[i][1] and tex in BIG_OPERATORS
                           and info[j][2] >= x0 - 0.8 * info[i][1] and info[j][3] <= x1 + 0.8 * info[i][1])
                    reach = 0.8 * info[i][1] if lim else 0.0
                    if bottom - reach <= bj <= top + reach and info[j][2] < x1 + 40 * info[i][1] \
                            and info[j][3] > x0 - 40 * info[i][1]:
                        union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        glyphs = [g for i in members for g in rows[i]]
        bottom = min(g.bottom for g in glyphs) - 1.0
        top = max(g.top for g in glyphs) + 1.0
        x0, x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
        rules = [r for r in page.rules if (bottom <= r.y <= top or any(_bar_of(g.x1, g.top, r, g.size) for g in glyphs
                                                                      if g in surd_set))
                 and r.x0 >= x0 - 2 and r.x1 <= x1 + 2]
        out.append((glyphs, rules))
    out.sort(key=lambda gr: -max(g.baseline for g in gr[0] if g.size >= 0.85 * max(h.size for h in gr[0])))
    return out


_TRIM_END = {".", ",", ";", ":"}


def _drop_tag(main: list[Atom], size: float, edge: float) -> list[Atom]:
    """A display's equation number, `(3)` or `(2.1)` set far to the right (or, after a wide formula, nearer but
    flush with the text block's right edge), is not part of the formula."""
    if len(main) < 4 or main[-1].text != ")":
        return main
    k = len(main) - 2
    while k > 0 and (main[k].text.isdigit() or main[k].text in ".*" or main[k].text.isalpha() and len(main[k].text) == 1) \
            and not main[k].sup and not main[k].sub:
        k -= 1
    if k == len(main) - 2 or main[k].text != "(" or k == 0:
        return main
    gap = _left(main[k]) - _right(main[k - 1])
    flush = abs(main[-1].x1 - edge) < 1.0 and gap > 0.25 * size \
        and main[k - 1].tex not in _RELATIONS | {"+", "-", "\\cdot", "\\times", ","}
    if gap < 2.0 * size and not flush:
        return main
    return main[:k]



# words a display sets between its formulas, a quad either side (`a = b \\quad \\text{and} \\quad c = d`)
_CONNECTIVES = {"and", "or", "if", "for", "where", "with", "when", "otherwise", "since", "so", "then", "thus",
                "hence", "i.e.", "s.t.", "as", "else"}


def _with_words(main: list[Atom], is_math: list[bool], gaps: list[float], size: float
                ) -> tuple[str, bool, int, str] | None:
    """A display line of formulas joined by connecting words set well apart (and, if, for): the whole line as one
    display with the words as \\text{...}; None when the line is not that."""
    pieces: list[tuple[str, list[Atom]]] = []  # ("word", atoms) or ("math", atoms)
    for k, a in enumerate(main):
        kind = "word" if a.kind == "T" and not is_math[k] else "math"
        if pieces and pieces[-1][0] == kind and (kind == "math" or gaps[k] < 0.16 * size):
            pieces[-1][1].append(a)
        else:
            pieces.append((kind, [a]))
    at = {id(a): k for k, a in enumerate(main)}
    words = [i for i, (kind, _) in enumerate(pieces) if kind == "word"]
    if not words or not any(kind == "math" and any(is_math[at[id(a)]] for a in atoms) for kind, atoms in pieces):
        return None
    for i in words:
        word = "".join(a.text for a in pieces[i][1])
        k, end = at[id(pieces[i][1][0])], at[id(pieces[i][1][-1])]
        if word not in _CONNECTIVES or k == 0 or end == len(main) - 1 or gaps[k] < 0.6 * size \
                or gaps[end + 1] < 0.6 * size:
            return None
    parts = [f"\\quad \\text{{{''.join(a.text for a in atoms)}}} \\quad" if kind == "word"
             else _glue([_tex(a) for a in _negate(atoms)]) for kind, atoms in pieces]
    unreadable = int(not all(_ok(a) for a in main))
    return f"$${' '.join(parts)}$$", True, unreadable, "".join(a.text for a in main)


def _text_punctuation(main: list[Atom], j: int, gaps: list[float], size: float, is_math: list[bool]) -> bool:
    """A comma, colon or semicolon of the sentence right after a formula (`$a$, $b$`, `$x \\in R$: $f$`): set tight
    against the formula's last operand and followed by a word space, where math sets a thin space (after a comma) or
    a thick space on both sides (a colon as a relation). It ends the formula instead of joining it to the next."""
    return (main[j].text in (",", ":", ";") and not is_math[j] and 0 < j < len(main) - 1
            and main[j - 1].tex not in _RELATIONS | _BINARY  # `=:` (defined as) is one relation
            and gaps[j] < 0.1 * size and gaps[j + 1] > 0.22 * size)


_BINARY = {"+", "-", "\\cdot", "\\times", "\\pm", "\\mp", "/", "\\in", ":", "\\subset", "\\subseteq"}


def _name_before(main: list[Atom], start: int, space: list[bool]) -> int:
    """A formula's start moved left over an upright name of two or more letters set against it, as `\\mathrm{KL}(p
    \\| q)` is typeset: prose is never set touching a formula, so the name is part of it."""
    k = start
    while k > 0 and main[k - 1].kind == "T" and main[k - 1].text.isalpha() and len(main[k - 1].text) == 1 \
            and not space[k] and not main[k - 1].tex.startswith("\\mathbf"):
        k -= 1
    if start - k < 2 or (k > 0 and not space[k]) or not (main[start].kind in ("M", "S") or main[start].text in "(["):
        return start
    for a in main[k:start]:
        a.kind, a.tex = "M", a.text
    main[k].tex = f"\\mathrm{{{''.join(a.text for a in main[k:start])}}}"
    for a in main[k + 1:start]:
        a.tex = ""
    return k


def _render(main: list[Atom], size: float, indented: bool, edge: float = float("inf")) -> tuple[str, bool, int, str]:
    """The text of a line with its math runs as $...$ (or the whole line as $$...$$), and unreadable formulas."""
    if indented:
        main = _drop_tag(main, size, edge)
    n = len(main)
    is_math = [a.kind in ("M", "S") or bool(a.sup or a.sub or a.over or a.under) for a in main]
    gaps = [_left(main[i]) - _right(main[i - 1]) if i else 0.0 for i in range(n)]
    space = [g > 0.16 * size for g in gaps]
    if indented:
        joined = _with_words(main, is_math, gaps, size)
        if joined is not None:
            return joined
    runs: list[list[int]] = []
    i = 0
    while i < n:
        if not is_math[i]:
            i += 1
            continue
        start = i
        while start > 0 and main[start - 1].kind == "N" and not space[start] and main[start - 1].text not in _TRIM_END:
            start -= 1
        start = _name_before(main, start, space)
        end = i
        j = i + 1
        depth = sum(1 for a in main[start:j] if a.text in "([") - sum(1 for a in main[start:j] if a.text in ")]")
        while j < n and main[j].kind != "T" and not (main[j].kind == "N" and j + 1 < n and main[j + 1].kind == "T"
                                                      and not space[j + 1] and not is_math[j]):
            if depth <= 0 and _text_punctuation(main, j, gaps, size, is_math):
                break
            depth += (main[j].text in "([") - (main[j].text in ")]")
            if is_math[j]:
                end = j
            j += 1
        # neutral glyphs after the last math glyph: digits and closing brackets belong to the formula
        k = end + 1
        while k < n and main[k].kind == "N" and main[k].text not in _TRIM_END and main[k].tex not in OPEN_BRACKETS \
                and not (k + 1 < n and main[k + 1].kind == "T" and not space[k + 1]):
            end = k
            k += 1
        opened = sum(1 for a in main[start:end + 1] if a.text in "([") - sum(1 for a in main[start:end + 1]
                                                                              if a.text in ")]")
        while end > start and opened < 0 and main[end].text in ")]":
            end -= 1
            opened += 1
        runs.append([start, end])
        i = j if j > end else end + 1
    # one line that is all math (maybe ending in punctuation) is a display; so is one of math and neutral glyphs
    # only (an align row that starts with its relation: `= f(x)`)
    display = indented and bool(runs) and len(runs) == 1 and runs[0][0] == 0 and all(
        main[k].text in _TRIM_END for k in range(runs[0][1] + 1, n))
    if indented and not display and any(is_math) and all(a.kind != "T" or is_math[k] for k, a in enumerate(main)):
        last = n - 1
        while last > 0 and main[last].text in _TRIM_END and not is_math[last]:
            last -= 1
        runs, display = [[0, last]], True
    pieces: list[str] = []
    plain: list[str] = []
    unreadable = 0
    pos = 0
    for start, end in runs:
        for k in range(pos, start):
            pieces.append((" " if space[k] and pieces else "") + main[k].text)
        atoms = main[start:end + 1]
        tex = _glue([_tex(a) for a in _negate(atoms)])
        if not all(_ok(a) for a in atoms):
            unreadable += 1
        lead = " " if space[start] and pieces else ""
        pieces.append(lead + (f"$${tex}$$" if display else f"${tex}$"))
        plain.append(tex)
        pos = end + 1
    for k in range(pos, n):
        pieces.append((" " if space[k] and pieces else "") + main[k].text)
        plain.append(main[k].text)
    return "".join(pieces), display, unreadable, "".join(a.text for a in main)


def rebuild_page(page: Page) -> list[Line]:
    """Every visual line of the page, top to bottom, as text with LaTeX math spans."""
    out: list[Line] = []
    groups = _lines(page)
    pieces = _pieces(list(page.glyphs))
    starts = [round(min(g.x0 for g in glyphs)) for glyphs, _ in groups]
    margin = max(set(starts), key=lambda x: (starts.count(x), -x)) if starts else 0
    right = max((max(g.x1 for g in glyphs) for glyphs, _ in groups), default=page.width)
    ends = [round(max(g.x1 for g in glyphs)) for glyphs, _ in groups]
    edge = float(max(set(ends), key=ends.count)) if ends else right  # where justified lines end
    center = (margin + right) / 2
    built: list[tuple[list[Atom], float, bool]] = []
    for glyphs, rules in groups:
        atoms = _stack_pieces([_atom(g, g in pieces) for g in glyphs])
        plain_sizes = [a.size for a in atoms if not a.big]
        # the line's body size: glyphs weighed by their area, so that a formula's many scripts do not outvote it
        ref = max(set(plain_sizes), key=lambda z: plain_sizes.count(z) * z * z) if plain_sizes else atoms[0].size
        atoms = _arrays(_structures(_accents(atoms), rules, ref), ref)
        main = _lone_letters(_words(_attach(atoms)))
        x0, x1 = min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)
        # a display stands apart: centred in the text block, or set in by more than a list's indentation
        indented = x0 - margin > 1.5 * ref and (abs((x0 + x1) / 2 - center) < 3 * ref or x0 - margin > 4 * ref)
        built.append((main, ref, indented))
        text, display, unreadable, plain = _render(main, ref, indented)
        letters = [role(g.font) for g in glyphs if g.text.isalpha() and role(g.font) in ("text", "bold")]
        out.append(Line(text=text, top=max(g.top for g in glyphs), bottom=min(g.bottom for g in glyphs),
                        x0=min(g.x0 for g in glyphs), size=ref, display=display, unreadable=unreadable,
                        plain=plain, bold=bool(letters) and all(r == "bold" for r in letters),
                        counted=_counter_number(main)))
    _aligned_rows(out, built, margin)
    _wide_displays(out, built, edge)
    return out


COUNTER_GAP = 0.75  # em after a number: LaTeX sets a \section's counter a quad (1 em) before its title, where a
# number typed in the title is followed by a word space (1/3 em, about 1/2 em after a full stop)


def _counter_number(main: list[Atom]) -> bool:
    """The line opens with a number ("4", "4.1") followed by a gap of about a quad before its first word: the
    layout of a number typeset by a sectioning counter, not typed by the writer."""
    k = 0
    while k < len(main) and main[k].kind == "N" and (main[k].text.isdigit() or main[k].text == "." and k):
        if k and _left(main[k]) - _right(main[k - 1]) > 0.16 * main[k].size:  # a space inside: not one number
            return False
        k += 1
    if k == 0 or k == len(main) or not any(a.text.isdigit() for a in main[:k]):
        return False
    return _left(main[k]) - _right(main[k - 1]) >= COUNTER_GAP * main[k - 1].size


def _wide_displays(out: list[Line], built: list[tuple[list[Atom], float, bool]], edge: float) -> None:
    """A formula wider than the text block starts at the margin, so it is not set in; it is still a display when it
    is all math and stands apart: the gaps above and below it are each several times the page's gap between lines."""
    # the usual gap between two lines of running text (displays, which have their own space around, left out)
    gaps = sorted(a.bottom - b.top for a, b in zip(out, out[1:]) if a.bottom > b.top and not a.display
                  and not b.display)
    if not gaps:
        return
    usual = gaps[len(gaps) // 4]  # a lower quartile: where paragraphs are spaced apart, most gaps are between them
    for i in range(1, len(out) - 1):
        line, ref = out[i], built[i][1]
        if line.display:
            continue
        above, below = out[i - 1].bottom - line.top, line.bottom - out[i + 1].top
        if min(above, below) < max(3 * usual, 0.8 * ref):
            continue
        text, display, unreadable, plain = _render(built[i][0], ref, True, edge)
        if display:
            out[i] = Line(text=text, top=line.top, bottom=line.bottom, x0=line.x0, size=line.size, display=True,
                          unreadable=unreadable, plain=plain)


_RELATIONS = {"=", "\\le", "\\ge", "<", ">", "\\approx", "\\equiv", "\\sim", "\\simeq", "\\propto", "\\ne",
              "\\implies", "\\iff", "\\Rightarrow", "\\Leftrightarrow", "\\to"}


def _aligned_rows(out: list[Line], built: list[tuple[list[Atom], float, bool]], margin: float) -> None:
    """Rows of an align set apart from the margin and holding only math, whose relation stands right under (or over)
    the relation of a display row next to them, are display rows too: an align's rows are left-aligned at their
    relation, so the short ones are neither centred nor far in."""
    rel_x = [[a.x0 for a in main if a.tex in _RELATIONS] for main, _, _ in built]
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(out):
            main, ref, _ = built[i]
            if line.display or not rel_x[i] or line.x0 - margin <= 1.5 * ref:
                continue
            if not any(0 <= j < len(out) and out[j].display and abs(out[j].top - line.bottom) < 3 * ref
                       or 0 <= j < len(out) and out[j].display and abs(line.top - out[j].bottom) < 3 * ref
                       for j in (i - 1, i + 1)):
                continue
            neighbours = [x for j in (i - 1, i + 1) if 0 <= j < len(out) and out[j].display for x in rel_x[j]]
            if not any(abs(x - y) < 0.6 for x in rel_x[i] for y in neighbours):
                continue
            text, display, unreadable, plain = _render(main, ref, True)
            if display:
                out[i] = Line(text=text, top=line.top, bottom=line.bottom, x0=line.x0, size=line.size, display=True,
                              unreadable=unreadable, plain=plain)
                changed = True
