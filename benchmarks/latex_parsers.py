"""Measure pylatexenc, TexSoup and plasTeX on the LaTeX samples: positions, definitions, optional args, robustness, speed.

Run with the candidates importable (for example `pip install --target /tmp/latexcand pylatexenc TexSoup plasTeX` and
`PYTHONPATH=/tmp/latexcand:. python benchmarks/latex_parsers.py`). Each parse runs in a child process with a time
limit, so a library that hangs costs its limit, not the run.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.latex_samples import SAMPLES  # noqa: E402

LIMIT_S = 10.0
MARKERS = ("section", "subsection", "paragraph", "item", "question", "part", "subpart")
ENVS = ("enumerate", "problem", "solution", "proof", "parts", "questions")
DEFINERS = ("newcommand", "renewcommand", "providecommand", "def", "DeclareMathOperator", "DeclarePairedDelimiter", "let")


def truth(text: str) -> set[tuple[str, int]]:
    """(name, line) of every marker macro and listed environment outside comments and \\iffalse blocks."""
    found: set[tuple[str, int]] = set()
    hidden = False
    for n, line in enumerate(text.split("\n"), 1):
        line = re.sub(r"(?<!\\)%.*", "", line)
        if line.strip().startswith("\\iffalse"):
            hidden = True
        if line.strip().startswith("\\fi"):
            hidden = False
        if hidden:
            continue
        for m in re.finditer(r"\\(%s)\b\*?" % "|".join(MARKERS), line):
            found.add((m.group(1), n))
        for m in re.finditer(r"\\begin\{(%s)\}" % "|".join(ENVS), line):
            found.add((m.group(1), n))
    return found


def _pylatexenc(text: str) -> dict:
    from pylatexenc.latexwalker import LatexEnvironmentNode, LatexGroupNode, LatexMacroNode, LatexWalker

    w = LatexWalker(text, tolerant_parsing=True)
    nodes, _, _ = w.get_latex_nodes()
    marks: set[tuple[str, int]] = set()
    opts: list[str] = []
    defs: list[str] = []

    def walk(ns: list) -> None:
        for n in ns or []:
            if isinstance(n, LatexMacroNode):
                if n.macroname in MARKERS:
                    marks.add((n.macroname, w.pos_to_lineno_colno(n.pos)[0]))
                if n.macroname in DEFINERS:
                    args = [a.latex_verbatim() for a in (n.nodeargd.argnlist if n.nodeargd else []) if a is not None]
                    defs.append(n.macroname + "".join(args))
            elif isinstance(n, LatexEnvironmentNode):
                if n.environmentname in ENVS:
                    marks.add((n.environmentname, w.pos_to_lineno_colno(n.pos)[0]))
                    args = [a.latex_verbatim() for a in (n.nodeargd.argnlist if n.nodeargd else []) if a is not None]
                    opts.extend(f"{n.environmentname}{a}" for a in args)
                walk(n.nodelist)
            elif isinstance(n, LatexGroupNode):
                walk(n.nodelist)

    walk(nodes)
    return {"marks": marks, "opts": opts, "defs": defs}


def _texsoup(text: str) -> dict:
    import TexSoup

    soup = TexSoup.TexSoup(text)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(pos: int) -> int:
        return sum(1 for s in starts if s <= pos)

    marks: set[tuple[str, int]] = set()
    opts: list[str] = []
    defs: list[str] = []
    for n in soup.descendants:
        name = str(getattr(n, "name", "")).rstrip("*")  # TexSoup's names are tokens that do not pickle
        if name in MARKERS or name in ENVS:
            marks.add((name, line(int(n.position))))
        if name in ENVS:
            opts.extend(f"{name}{a}" for a in map(str, n.args) if a.startswith("["))
        if name in DEFINERS:
            defs.append(name + "".join(map(str, n.args)))
    return {"marks": marks, "opts": opts, "defs": defs}


def _plastex(text: str) -> dict:
    import logging

    logging.disable(logging.CRITICAL)
    from plasTeX.TeX import TeX

    tex = TeX()
    tex.input(text)
    doc = tex.parse()
    marks: set[tuple[str, int]] = set()
    opts: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        for c in node.childNodes:
            name = getattr(c, "nodeName", "").rstrip("*")
            if name in MARKERS or name in ENVS:
                ln = getattr(c, "linenumber", None)  # plasTeX keeps no source line on parsed nodes
                marks.add((name, ln if isinstance(ln, int) else -1))
                if name in ENVS and c.source.startswith("\\begin{%s}[" % name):
                    opts.append(name + c.source[len(name) + 8:].split("]")[0] + "]")
            walk(c)

    walk(doc)
    return {"marks": marks, "opts": opts, "defs": [], "source": doc.source}


PARSERS = {"pylatexenc 2.11": _pylatexenc, "TexSoup 0.3.3": _texsoup, "plasTeX 3.1": _plastex}


def _child(parser: str, text: str, q: mp.Queue) -> None:
    t = time.perf_counter()
    try:
        out = PARSERS[parser](text)
        out["error"] = ""
    except Exception as exc:  # a parser's failure is what is measured here
        out = {"marks": set(), "opts": [], "defs": [], "error": f"{type(exc).__name__}: {str(exc)[:60]}"}
    out["seconds"] = time.perf_counter() - t
    q.put(out)


def run(parser: str, text: str, limit: float = LIMIT_S) -> dict:
    q: mp.Queue = mp.Queue()
    p = mp.Process(target=_child, args=(parser, text, q))
    p.start()
    try:
        out = q.get(timeout=limit)  # read before joining: a large answer blocks the child until it is read
    except queue.Empty:
        out = {"marks": set(), "opts": [], "defs": [], "error": f"no answer in {limit:.0f} s", "seconds": limit}
    p.kill()
    p.join()
    return out


def main() -> None:
    secret = Path("/tmp/latex_parsers_secret.tex")
    secret.write_text("SECRET-FROM-OUTSIDE\n", encoding="utf-8")
    big = "\n".join(SAMPLES["sections"].split("\n")[3:-2] * 3000)  # about 240 KB of body
    big = "\\documentclass{article}\n\\begin{document}\n" + big + "\n\\end{document}\n"
    for parser in PARSERS:
        print(f"== {parser}")
        hit = total = wrong = 0
        for name, text in SAMPLES.items():
            want = truth(text)
            got = run(parser, text)
            ok = want & got["marks"]
            hit += len(ok)
            total += len(want)
            wrong += len(got["marks"] - want)
            extra = f" error={got['error']}" if got["error"] else ""
            print(f"  {name:22s} markers at right line {len(ok):2d}/{len(want):2d}, wrong {len(got['marks'] - want)}"
                  f"  {got['seconds'] * 1000:7.1f} ms{extra}")
            if name in ("enumerate-enumitem", "amsthm"):
                print(f"  {'':22s} optional args: {got['opts']}")
            if name in ("macros", "multiline-def"):
                print(f"  {'':22s} definitions: {got['defs']}")
        print(f"  markers at the right line: {hit}/{total}, reported at a wrong line or not there: {wrong}")
        got = run(parser, "\\documentclass{article}\\begin{document}\\input{%s}\\end{document}" % secret)
        print(f"  \\input of an outside file read: {'SECRET-FROM-OUTSIDE' in got.get('source', '')}  {got['error']}")
        got = run(parser, "$" + "{" * 100_000 + "x" + "}" * 100_000 + "$")
        print(f"  100k nested groups: {got['seconds']:.2f} s {got['error']}")
        got = run(parser, big, limit=60)
        print(f"  {len(big) // 1000} KB document: {got['seconds']:.2f} s {got['error']}")
    secret.unlink()


if __name__ == "__main__":
    main()
