r"""Measure the PDF reader over the typeset fixtures against the .tex sources they were made from.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_bench.py [--show]

For every PDF fixture of tests/read/pdf/fixtures (cm_<name>.pdf: pdfLaTeX, Computer Modern; otf_<name>.pdf:
XeLaTeX, Latin Modern Math) made from a write-up of tests/fixtures/styles/tex, from a re-typeset real write-up
(rt_<NNN>: tests/fixtures/styles/retypeset/article/<NNN>_*.tex), from a page of its own (math_dense.tex) or
from a write-up of a new-instructor trial (newuser_<name>.tex, graded with that trial's course,
fixtures/dl_basics_course):
- formulas: each row of each display formula of the source is matched with a display row rebuilt from the PDF
  by grader.math.equivalent (or, where that cannot decide, the same LaTeX tokens); the share matched. Rows: a display is split at its top-level \\\\ (an
  align's rows; a matrix or cases keeps its rows), alignment & dropped; a row that starts with a relation (an
  align's `&= ...` continuation) is compared, on both sides, with the same placeholder `Q` as its left side.
  The source's own zero-argument macros (\newcommand, \DeclareMathOperator) are expanded first;
- questions: the share of the manifest's expected answers found, each holding its phrase (as segment_bench);
- statuses: both the source and the PDF are graded; the share of questions with the same status;
- seconds per page of reading the PDF (text layer, rebuilding, furniture).
It is a measurement: it always exits 0 and ends with one summary line.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "read" / "pdf" / "fixtures"
STYLES = REPO / "tests" / "fixtures" / "styles"
sys.path.insert(0, str(REPO))


def squash(text: str) -> str:
    return " ".join(text.split())


ALIGNS = r"align\*?|aligned|gather\*?|gathered|split|multline\*?|eqnarray\*?|equation\*?"
RELATION = re.compile(r"^(=|\\le\b|\\leq\b|\\ge\b|\\geq\b|<|>|\\approx\b|\\to\b|\\propto\b|\\sim\b|\\ne\b)")


def _clean(tex: str) -> str:
    """A display row without what equivalence does not judge: labels, alignment, spacing, trailing punctuation."""
    tex = re.sub(r"\\(label|tag)\*?\{[^}]*\}|\\(begin|end)\{(" + ALIGNS + r")\}(\{[^}]*\})?|\\(nonumber|notag)\b",
                 "", tex)
    tex = re.sub(r"(?<!\\)\\[,;:!> ]|\\quad|\\qquad|\\(Big|big|Bigg|bigg)[lrm]?\b|\\left|\\right|\\displaystyle", " ", tex)
    tex = re.sub(r"\\(text|mbox|mathrm)\{\s*(and|or|for|where|if|since|so|with|,)?\s*\}", " ", tex)
    tex = tex.strip().rstrip(".,; ").strip()
    if RELATION.match(tex):  # an align continuation: the same placeholder left side on both sides
        tex = "Q " + tex
    return tex


def _top_rows(latex: str) -> list[str]:
    """The rows of a display split at \\\\ outside any matrix, cases or array (those keep their rows); & dropped
    outside them too."""
    rows, depth, cur, i = [], 0, "", 0
    while i < len(latex):
        m = re.match(r"\\(begin|end)\{([a-zA-Z*]+)\}", latex[i:])
        if m and not re.fullmatch(ALIGNS, m.group(2)):
            depth += 1 if m.group(1) == "begin" else -1
            cur += m.group(0)
            i += len(m.group(0))
        elif latex.startswith("\\\\", i) and depth == 0:
            rows.append(cur)
            cur, i = "", i + 2
        elif latex[i] == "&" and depth == 0:
            cur, i = cur + " ", i + 1
        else:
            cur, i = cur + latex[i], i + 1
    return rows + [cur]


def expand_macros(text: str) -> str:
    """The source's \\newcommand / \\DeclareMathOperator macros replaced by their bodies."""
    macros: dict[str, str] = {}
    for m in re.finditer(r"\\(?:re)?newcommand\*?\{?\\([A-Za-z]+)\}?\{(.*)\}\s*$", text, re.M):
        macros[m.group(1)] = m.group(2)
    for m in re.finditer(r"\\DeclareMathOperator\*?\{?\\([A-Za-z]+)\}?\{([^}]*)\}", text):
        macros[m.group(1)] = f"\\operatorname{{{m.group(2)}}}"
    body = text.split("\\begin{document}", 1)[-1]
    for name, value in macros.items():
        body = re.sub(r"\\" + name + r"(?![A-Za-z])", lambda _, v=value: v, body)
    # a macro with arguments (\newcommand{\KL}[2]{\mathrm{KL}(#1\|#2)}), its arguments braced without nesting
    for m in re.finditer(r"\\(?:re)?newcommand\*?\{?\\([A-Za-z]+)\}?\[([1-9])\]\{(.*)\}\s*$", text, re.M):
        call = r"\\" + m.group(1) + r"(?![A-Za-z])" + r"\s*\{([^{}]*)\}" * int(m.group(2))
        body = re.sub(call, lambda c, v=m.group(3): re.sub(r"#([1-9])", lambda a: c.group(int(a.group(1))), v), body)
    return body


def _tokens(tex: str) -> list[str]:
    """A row as tokens, a one-token script braced, so `w_i` and `w_{i}` read the same."""
    tex = re.sub(r"([_^])\s*(\\[A-Za-z]+|[^\s{\\])", r"\1{\2}", tex)
    return re.findall(r"\\[A-Za-z]+|\\.|\S", tex)


def same_row(a: str, b: str) -> bool:
    """Equivalent by grader.math, or the same tokens (a relation equivalence cannot decide, such as `\\ll`)."""
    from grader.math.equivalence import equivalent

    return _tokens(a) == _tokens(b) or equivalent(a, b).verdict == "equivalent"


def source_rows(text: str) -> list[str]:
    from grader.math.spans import find_spans

    rows = []
    for span in find_spans(expand_macros(text)):
        if span.display:
            rows.extend(r for r in (_clean(x) for x in _top_rows(span.latex)) if r)
    return rows


def rebuilt_rows(lines: tuple[str, ...]) -> list[str]:
    from grader.math.spans import find_spans

    return [r for s in find_spans("\n".join(lines)) if s.display for r in (_clean(x) for x in _top_rows(s.latex)) if r]


def sources() -> dict[str, tuple[Path, dict | None]]:
    """Fixture name (without cm_/otf_) -> its LaTeX source and its manifest entry (None: formulas only)."""
    manifest = yaml.safe_load((STYLES / "manifest.yaml").read_text())
    out: dict[str, tuple[Path, dict | None]] = {}
    for e in manifest["fixtures"]:
        if e["path"].endswith(".tex"):
            out[Path(e["path"]).stem] = (STYLES / e["path"], e)
    for e in manifest.get("retypeset", []):
        if e["path"].startswith("retypeset/article/"):
            stem = Path(e["path"]).stem
            out[f"rt_{stem[:3]}"] = (STYLES / e["path"], {"assignment": e["assignment"], "expect": {}})
    out["math_dense"] = (FIXTURES / "math_dense.tex", None)
    out.update(NEWUSER)
    return out


# a new-instructor trial's own course and two write-ups it typeset with pdfLaTeX (newuser_<name>.tex ->
# cm_newuser_<name>.pdf); graded with that course (fixtures/dl_basics_course), phrases from the sources
NEWUSER_COURSE = FIXTURES / "dl_basics_course"
NEWUSER: dict[str, tuple[Path, dict | None]] = {
    "newuser_bob": (FIXTURES / "newuser_bob.tex", {
        "assignment": "dl-basics", "course": NEWUSER_COURSE,
        "expect": {"1": "Differentiating", "2": "= 0.58", "3": "The score matrix", "4": "The output size is",
                   "5": "Setting the gradient to zero", "6": "\\mathrm{KL}"}}),
    "newuser_hank": (FIXTURES / "newuser_hank.tex", {
        "assignment": "dl-basics", "course": NEWUSER_COURSE,
        "expect": {"1": "For the logits", "2": "= 3.053", "3": "queries is compared", "4": "rounded down",
                   "5": "\\boldsymbol{w}^{*}", "6": "\\mathrm{KL}"}}),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each formula that was not matched")
    args = parser.parse_args()
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission
    from grader.read.ingest import read_submission
    from grader.read.pdf.layer import read_layer
    from grader.read.segment import segment

    known = sources()
    course = Course(REPO)
    formulas = matched = expected = found = questions = same = pages = 0
    seconds = 0.0
    for pdf in sorted(FIXTURES.glob("*.pdf")):
        stem = pdf.stem.split("_", 1)[1] if "_" in pdf.stem else pdf.stem
        if stem not in known or not pdf.stem.startswith(("cm_", "otf_")):
            continue
        source, entry = known[stem]
        start = time.perf_counter()
        doc = read_submission(pdf)
        seconds += time.perf_counter() - start
        n_pages = len(read_layer(str(pdf), pdf.name))
        pages += n_pages
        src_rows, pdf_rows = source_rows(source.read_text(encoding="utf-8")), rebuilt_rows(doc.lines)
        hits = 0
        used: set[int] = set()
        for row in src_rows:
            hit = next((j for j, cand in enumerate(pdf_rows) if j not in used and same_row(row, cand)), None)
            if hit is None:
                if args.show:
                    print(f"  {pdf.name}: no match for {row}")
                continue
            used.add(hit)
            hits += 1
        formulas += len(src_rows)
        matched += hits
        if entry is None:
            print(f"{pdf.name}: {n_pages} pages, formulas {hits}/{len(src_rows)}")
            continue
        own = Course(entry["course"]) if "course" in entry else course
        rubric = own.rubric(entry["assignment"])
        qs = rubric.assignment.questions
        answers = segment(doc, [q.id for q in qs], {q.id: q.prompt for q in qs if q.prompt},
                          {q.id: q.title for q in qs if q.title})  # as grading and segment_bench call it
        texts = {qid: squash(a.text) for qid, a in answers.items() if a is not None and a.found}
        ok = sum(1 for qid, phrase in entry["expect"].items() if phrase in texts.get(qid, ""))
        expected += len(entry["expect"])
        found += ok
        by_source = {q.id: q.status for q in grade_submission(str(source), rubric, own).questions}
        by_pdf = {q.id: q.status for q in grade_submission(str(pdf), rubric, own).questions}
        agree = sum(1 for qid in by_source if by_pdf.get(qid) == by_source[qid])
        questions += len(by_source)
        same += agree
        print(f"{pdf.name}: {n_pages} pages, formulas {hits}/{len(src_rows)}, questions {ok}/{len(entry['expect'])}, "
              f"statuses {agree}/{len(by_source)}")
        if args.show:
            for qid in by_source:
                if by_pdf.get(qid) != by_source[qid]:
                    print(f"  {qid}: source {by_source[qid]}, pdf {by_pdf.get(qid)}")
    share = lambda a, b: a / b if b else 0.0  # noqa: E731
    print(f"summary: formulas equivalent {share(matched, formulas):.1%} ({matched}/{formulas}), questions found "
          f"{share(found, expected):.1%} ({found}/{expected}), statuses as the source {share(same, questions):.1%} "
          f"({same}/{questions}), {share(seconds, pages):.3f} s per page over {pages} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
