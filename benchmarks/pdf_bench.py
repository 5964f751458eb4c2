"""Measure the PDF reader over the typeset fixtures against the .tex sources they were made from.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_bench.py [--show]

For every PDF fixture of tests/read/pdf/fixtures made from a write-up of tests/fixtures/styles/tex
(cm_<name>.pdf: pdfLaTeX, Computer Modern; otf_<name>.pdf: XeLaTeX, Latin Modern Math):
- formulas: each row of each display formula of the source (split at \\\\, alignment & dropped) is matched with
  a display formula rebuilt from the PDF by grader.math.equivalent; the share found equivalent;
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


def _clean(tex: str) -> str:
    """A display row without what equivalence does not judge: labels, alignment, spacing, trailing punctuation."""
    tex = re.sub(r"\\(label|tag)\{[^}]*\}|\\(begin|end)\{[a-z*]+\}|\\(nonumber|notag)\b", "", tex)
    tex = re.sub(r"\\[,;:!]|\\quad|\\qquad|\\(Big|big|Bigg|bigg)[lr]?|\\left|\\right", " ", tex).replace("&", " ")
    return tex.strip().rstrip(".,; ").strip()


def source_rows(text: str) -> list[str]:
    from grader.math.spans import find_spans

    rows = []
    for span in find_spans(text):
        if span.display:
            rows.extend(r for r in (_clean(x) for x in span.latex.split("\\\\")) if r)
    return rows


def rebuilt_rows(lines: tuple[str, ...]) -> list[str]:
    from grader.math.spans import find_spans

    return [_clean(s.latex) for s in find_spans("\n".join(lines)) if s.display]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each formula that was not matched")
    args = parser.parse_args()
    from grader.course.directory import Course
    from grader.grading.pipeline import grade_submission
    from grader.math.equivalence import equivalent
    from grader.read.ingest import read_submission
    from grader.read.pdf.layer import read_layer
    from grader.read.segment import segment

    manifest = {Path(e["path"]).stem: e for e in yaml.safe_load((STYLES / "manifest.yaml").read_text())["fixtures"]}
    course = Course(REPO)
    formulas = matched = expected = found = questions = same = pages = 0
    seconds = 0.0
    for pdf in sorted(FIXTURES.glob("*.pdf")):
        stem = pdf.stem.split("_", 1)[1] if "_" in pdf.stem else pdf.stem
        entry = manifest.get(stem)
        if entry is None or not pdf.stem.startswith(("cm_", "otf_")):
            continue
        source = STYLES / entry["path"]
        start = time.perf_counter()
        doc = read_submission(pdf)
        seconds += time.perf_counter() - start
        n_pages = len(read_layer(str(pdf), pdf.name))
        pages += n_pages
        src_rows, pdf_rows = source_rows(source.read_text(encoding="utf-8")), rebuilt_rows(doc.lines)
        hits = 0
        used: set[int] = set()
        for row in src_rows:
            hit = next((j for j, cand in enumerate(pdf_rows) if j not in used
                        and equivalent(row, cand).verdict == "equivalent"), None)
            if hit is None:
                if args.show:
                    print(f"  {pdf.name}: no match for {row}")
                continue
            used.add(hit)
            hits += 1
        formulas += len(src_rows)
        matched += hits
        rubric = course.rubric(entry["assignment"])
        qs = rubric.assignment.questions
        answers = segment(doc, [q.id for q in qs], {q.id: q.prompt for q in qs if q.prompt})
        texts = {qid: squash(a.text) for qid, a in answers.items() if a is not None and a.found}
        ok = sum(1 for qid, phrase in entry["expect"].items() if phrase in texts.get(qid, ""))
        expected += len(entry["expect"])
        found += ok
        by_source = {q.id: q.status for q in grade_submission(str(source), rubric, course).questions}
        by_pdf = {q.id: q.status for q in grade_submission(str(pdf), rubric, course).questions}
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
