"""Grade edited variants of real write-ups and print how many question results each kind of edit changes.

    .venv/bin/python benchmarks/variants_bench.py [--jobs 2] [--show]

Every edit in EDITS keeps what a write-up says and changes only how it is written: line endings, spaces,
blank lines, math delimiters and environments, \\dfrac, \\left( \\right), bold commands and headings, operator
and text fonts, transpose and norm symbols, \\mathrm{E}, Unicode Greek, short relation commands, braced
scripts, "Problem" for "Question", a byte-order mark, page headers. A grader that reads the mathematics gives
each variant the statuses and scores of the original; each difference it prints is a place where the reading
depends on form, not content. Write-ups: the graded corpus files (by the manifest's assignment) and the
example write-ups under submissions/ of assignments without code questions.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))


def _outside_code(text: str, edit: Callable[[str], str]) -> str:
    """Apply `edit` to the text between fenced code blocks only (code keeps its bytes)."""
    parts = re.split(r"(^```.*?^```[^\n]*$)", text, flags=re.M | re.S)
    return "".join(p if i % 2 else edit(p) for i, p in enumerate(parts))


def _each_math(text: str, edit: Callable[[str], str]) -> str:
    """Apply `edit` to the body of every $$..$$ and $..$ span (outside code)."""
    def per_text(t: str) -> str:
        pieces = t.split("$$")
        if len(pieces) % 2 == 0:
            return t
        for i in range(0, len(pieces), 2):
            pieces[i] = re.sub(r"(?<!\\)\$([^$\n]+?)\$", lambda m: "$" + edit(m.group(1)) + "$", pieces[i])
        return "$$".join(p if i % 2 == 0 else edit(p) for i, p in enumerate(pieces))
    return _outside_code(text, per_text)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def trailing_spaces(text: str) -> str:
    return _outside_code(text, lambda t: t.replace("\n", "  \n"))


def blank_lines(text: str) -> str:
    return _outside_code(text, lambda t: re.sub(r"\n[ \t]*\n", "\n\n\n", t))


def display_brackets(text: str) -> str:
    """$$ X $$ -> \\[ X \\] (pairs taken in order)."""
    def edit(t: str) -> str:
        pieces = t.split("$$")
        if len(pieces) % 2 == 0:
            return t  # an unpaired $$: leave it
        return "".join(p if i % 2 == 0 else f"\\[{p}\\]" for i, p in enumerate(pieces))
    return _outside_code(text, edit)


def inline_parens(text: str) -> str:
    """$x$ -> \\(x\\) on lines without $$."""
    def line(s: str) -> str:
        if "$$" in s or "\\$" in s:
            return s
        return re.sub(r"\$([^$\n]+?)\$", lambda m: f"\\({m.group(1)}\\)", s)
    return _outside_code(text, lambda t: "\n".join(line(s) for s in t.split("\n")))


def dfrac(text: str) -> str:
    return _outside_code(text, lambda t: re.sub(r"\\frac(?![a-zA-Z])", r"\\dfrac", t))


def _sized(math: str) -> str:
    """( ... ) -> \\left( ... \\right) where every pair sits at one brace depth; else the math as it was."""
    if re.search(r"\\(?:left|right|[bB]ig)", math):
        return math  # sized already
    depth, stack, pairs = 0, [], []
    for i, ch in enumerate(math):
        escaped = i > 0 and math[i - 1] == "\\"
        if ch == "{" and not escaped:
            depth += 1
        elif ch == "}" and not escaped:
            depth -= 1
        elif ch == "(" and not escaped:
            stack.append((i, depth))
        elif ch == ")" and not escaped:
            if not stack or stack[-1][1] != depth:
                return math
            pairs.append((stack.pop()[0], i))
    if stack or not pairs:
        return math
    out = list(math)
    for open_at, close_at in pairs:
        out[open_at], out[close_at] = "\\left(", "\\right)"
    return "".join(out)


def left_right(text: str) -> str:
    """Parentheses in math sized with \\left( \\right), as many typesetters write them."""
    return _each_math(text, _sized)


def bold(text: str) -> str:
    """\\mathbf{x} -> \\boldsymbol{x}."""
    return _outside_code(text, lambda t: t.replace("\\mathbf{", "\\boldsymbol{"))


def bold_headings(text: str) -> str:
    """`## Question 2` -> `**Question 2**`: the heading a PDF converter gives when it loses the font size."""
    return _outside_code(text, lambda t: re.sub(r"(?m)^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", r"**\1**", t))


def operatorname(text: str) -> str:
    """\\mathrm{Var} -> \\operatorname{Var} (names of two letters or more)."""
    return _outside_code(text, lambda t: re.sub(r"\\mathrm\{([A-Za-z]{2,})\}", r"\\operatorname{\1}", t))


def transpose(text: str) -> str:
    """^\\top -> ^{\\intercal} (not ^T: \\delta^T may be a power)."""
    return _outside_code(text, lambda t: re.sub(r"\^(?:\{\\top\}|\\top(?![a-zA-Z]))", r"^{\\intercal}", t))


def expectation(text: str) -> str:
    """\\mathbb{E} -> \\mathrm{E}."""
    return _outside_code(text, lambda t: t.replace("\\mathbb{E}", "\\mathrm{E}"))


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
          "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω"}


def unicode_greek(text: str) -> str:
    """\\alpha -> α (what a PDF converter often leaves)."""
    return _outside_code(text, lambda t: re.sub(r"\\(" + "|".join(_GREEK) + r")(?![a-zA-Z])",
                                                lambda m: _GREEK[m.group(1)], t))


def short_relations(text: str) -> str:
    """\\leq -> \\le, \\geq -> \\ge, \\neq -> \\ne, \\rightarrow -> \\to."""
    pairs = {"leq": "le", "geq": "ge", "neq": "ne", "rightarrow": "to"}
    return _outside_code(text, lambda t: re.sub(r"\\(leq|geq|neq|rightarrow)(?![a-zA-Z])",
                                                lambda m: "\\" + pairs[m.group(1)], t))


def math_spaces(text: str) -> str:
    """Spaces around = + in math: `a+b=c` -> `a + b = c` (TeX ignores them)."""
    return _each_math(text, lambda m: re.sub(r"\s*([=+])\s*", r" \1 ", m))


def braced_scripts(text: str) -> str:
    """x_t -> x_{t}, x^2 -> x^{2} (one-character scripts)."""
    return _each_math(text, lambda m: re.sub(r"([_^])([A-Za-z0-9])(?![A-Za-z0-9])", r"\1{\2}", m))


def norms(text: str) -> str:
    """\\| x \\| -> \\lVert x \\rVert, in spans where they pair up."""
    def edit(m: str) -> str:
        if re.search(r"\\(?:left|right|[bB]igg?[lr]?)\s*\\\|", m):
            return m
        parts = m.split("\\|")
        if len(parts) % 2 == 0:
            return m
        return "".join(p + ("" if i == len(parts) - 1 else ("\\lVert " if i % 2 == 0 else "\\rVert "))
                       for i, p in enumerate(parts))
    return _each_math(text, edit)


def text_words(text: str) -> str:
    """\\text{softmax} -> \\mathrm{softmax} inside math (one word)."""
    return _each_math(text, lambda m: re.sub(r"\\text\{([A-Za-z]+)\}", r"\\mathrm{\1}", m))


def equation_env(text: str) -> str:
    """$$ X $$ -> \\begin{equation} X \\end{equation}."""
    def edit(t: str) -> str:
        pieces = t.split("$$")
        if len(pieces) % 2 == 0:
            return t
        return "".join(p if i % 2 == 0 else f"\\begin{{equation}}{p}\\end{{equation}}" for i, p in enumerate(pieces))
    return _outside_code(text, edit)


def problem_word(text: str) -> str:
    """`Question 2` -> `Problem 2` where it opens a line."""
    return _outside_code(text, lambda t: re.sub(r"(?m)^([#*_> \t]*)Question(?=\s+\d)", r"\1Problem", t))


def bom(text: str) -> str:
    return "\ufeff" + text


def page_headers(text: str) -> str:
    """A 'Page k' header after every 30th line, at a blank line outside display math and code."""
    lines, out, in_block, since, page = text.split("\n"), [], False, 0, 1
    for s in lines:
        out.append(s)
        stripped = s.strip()
        if stripped.startswith("```") or stripped.count("$$") % 2 == 1:
            in_block = not in_block
        since += 1
        if not stripped and not in_block and since >= 30:
            page += 1
            out += [f"Page {page}", ""]
            since = 0
    return "\n".join(out)


EDITS: dict[str, Callable[[str], str]] = {
    "crlf": crlf, "trailing-spaces": trailing_spaces, "blank-lines": blank_lines,
    "display-brackets": display_brackets, "inline-parens": inline_parens, "dfrac": dfrac, "left-right": left_right,
    "bold": bold, "bold-headings": bold_headings, "operatorname": operatorname, "transpose": transpose,
    "expectation": expectation, "unicode-greek": unicode_greek, "short-relations": short_relations,
    "math-spaces": math_spaces, "braced-scripts": braced_scripts, "norms": norms, "text-words": text_words,
    "equation-env": equation_env, "problem-word": problem_word, "bom": bom, "page-headers": page_headers,
}


def writeups() -> list[tuple[Path, str]]:
    """(path, assignment) of every graded corpus file and example write-up."""
    found: list[tuple[Path, str]] = []
    if (CORPUS / "manifest.yaml").is_file():
        manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
        for name, spec in sorted(manifest["submissions"].items()):
            if spec.get("graded", True) is not False:
                found.append((CORPUS / name, spec["assignment"]))
    for folder in sorted(p for p in (REPO / "submissions").iterdir() if p.is_dir()):
        rubric = REPO / "rubrics" / f"{folder.name}.yaml"
        # code answers are timed, and timings differ between any two runs: this is about reading
        if rubric.is_file() and "kind: code" not in rubric.read_text("utf-8"):
            found += [(p, folder.name) for p in sorted(folder.iterdir())
                      if p.suffix in (".md", ".txt", ".tex") and p.is_file()]
    return found


def _grade(job: tuple[str, str]) -> dict[str, tuple[str, float]]:
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission

    path, assignment = job
    course = Course(REPO)
    result = grade_submission(path, course.rubric(assignment), course)
    return {q.id: (q.status.value, round(q.score, 4)) for q in result.questions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print every changed question")
    parser.add_argument("--only", metavar="EDIT", choices=sorted(EDITS), action="append", help="only these edits")
    args = parser.parse_args()
    edits = {k: v for k, v in EDITS.items() if not args.only or k in args.only}
    sources = writeups()
    with tempfile.TemporaryDirectory(prefix="variants-") as tmp:
        jobs: list[tuple[str, str]] = []
        for path, assignment in sources:
            jobs.append((str(path), assignment))
            raw = path.read_bytes().decode("utf-8")
            for name, edit in edits.items():
                target = Path(tmp) / name / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(edit(raw).encode("utf-8"))
                jobs.append((str(target), assignment))
        with mp.get_context("fork").Pool(args.jobs) as pool:
            graded = dict(zip(jobs, pool.map(_grade, jobs, chunksize=1)))
    total_q = sum(len(graded[(str(p), a)]) for p, a in sources)
    print(f"{len(sources)} write-ups, {total_q} question results each edit could change")
    worst = 0
    for name in edits:
        changed = []
        for path, assignment in sources:
            before = graded[(str(path), assignment)]
            target = str(Path(tmp) / name / path.parent.name / path.name)
            after = graded[(target, assignment)]
            changed += [(path, qid, before[qid], after.get(qid)) for qid in before if after.get(qid) != before[qid]]
        worst = max(worst, len(changed))
        print(f"{name:18} {len(changed):3d} changed")
        if args.show:
            for path, qid, b, a in changed:
                print(f"    {path.parent.name}/{path.name} {qid}: {b} -> {a}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
