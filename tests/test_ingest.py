"""Tests of grader.read.ingest: files, folders, zips, notebooks, and every kind of bad input."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from grader.read.ingest import MAX_FILE_BYTES, IngestError, read_submission


def test_markdown_keeps_original_line_numbers(tmp_path: Path) -> None:
    p = tmp_path / "a.md"
    p.write_text("# Q1\r\n\r\n$x = 1$\r\n", encoding="utf-8")
    doc = read_submission(p)
    assert doc.lines[:3] == ("# Q1", "", "$x = 1$")
    assert doc.original_line(2) == 3
    assert doc.kind == "markdown"


def test_tex_is_latex(tmp_path: Path) -> None:
    p = tmp_path / "a.tex"
    p.write_text("\\section{Question 1}\n$x$\n", encoding="utf-8")
    assert read_submission(p).kind == "latex"


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x00\x01\x02abc", "binary file (NUL bytes), not a text write-up"),
    (b"caf\xe9 au lait", "not UTF-8 text (invalid byte at offset 3)"),
])
def test_bad_files_get_one_line_reasons(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.md"
    p.write_bytes(content)
    with pytest.raises(IngestError) as exc:
        read_submission(p)
    assert str(exc.value) == f"{p}: {message}"
    assert "\n" not in str(exc.value)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    p = tmp_path / "huge.md"
    with open(p, "wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    with pytest.raises(IngestError, match="over the 5 MB limit"):
        read_submission(p)


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        read_submission(tmp_path / "nope.md")
    (tmp_path / "x.docx").write_text("hi")
    with pytest.raises(IngestError, match="unsupported file type '.docx'"):
        read_submission(tmp_path / "x.docx")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")  # a PDF is read now; a broken one is refused, named
    with pytest.raises(IngestError, match=r"x\.pdf: not a readable PDF"):
        read_submission(tmp_path / "x.pdf")


def test_folder_takes_the_writeup_and_python_files(tmp_path: Path) -> None:
    d = tmp_path / "alice"
    d.mkdir()
    (d / "answers.md").write_text("# Question 1\nlong enough answer text here\n")
    (d / "README.md").write_text("notes")
    (d / "kernel.py").write_text("def f(x):\n    return x\n")
    os.symlink("/etc/passwd", d / "passwd.md")
    doc = read_submission(d)
    assert doc.path.endswith("alice/answers.md")
    assert doc.files == {"kernel.py": "def f(x):\n    return x\n"}
    assert any("symbolic link refused" in n for n in doc.notes)


def test_zip_refuses_unsafe_members(tmp_path: Path) -> None:
    z = tmp_path / "bob.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("writeup.md", "# Question 1\nanswer\n")
        zf.writestr("../evil.py", "print('x')")
        zf.writestr("/abs.py", "print('x')")
        zf.writestr("code/k.py", "x = 1\n")
    doc = read_submission(z)
    assert doc.path == f"{z}/writeup.md"
    assert set(doc.files) == {"code/k.py"}
    assert sum("unsafe path" in n for n in doc.notes) == 2


def test_zip_that_is_not_a_zip(tmp_path: Path) -> None:
    z = tmp_path / "c.zip"
    z.write_bytes(b"not a zip at all")
    with pytest.raises(IngestError, match="not a readable zip archive"):
        read_submission(z)


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("writeup.md", "a" * (MAX_FILE_BYTES + 10))
    with pytest.raises(IngestError, match="size limit"):
        read_submission(z)


def test_notebook_maps_lines_into_the_json(tmp_path: Path) -> None:
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["# Question 1\n", "The answer is $x = 2$.\n"], "metadata": {}},
        {"cell_type": "code", "source": ["def f(x):\n", "    return x\n"], "metadata": {}, "outputs": []},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb, indent=1))
    doc = read_submission(p)
    raw = p.read_text().split("\n")
    i = doc.lines.index("The answer is $x = 2$.")
    assert "The answer is" in raw[doc.original_line(i) - 1]
    assert "```python" in doc.lines
    j = doc.lines.index("    return x")
    assert "return x" in raw[doc.original_line(j) - 1]


def test_not_a_notebook(tmp_path: Path) -> None:
    p = tmp_path / "n.ipynb"
    p.write_text("{not json")
    with pytest.raises(IngestError, match="not a Jupyter notebook"):
        read_submission(p)


# --- several write-ups in one folder or zip: read together, in a stated order --------------------------------------

def test_several_markdown_writeups_are_read_in_natural_order_with_their_own_lines(tmp_path: Path) -> None:
    d = tmp_path / "alice"
    d.mkdir()
    for n in (10, 2, 1):
        (d / f"part{n}.md").write_text(f"# Part {n}\ntext {n}\n")
    doc = read_submission(d)
    assert doc.path == f"{d}/part1.md"
    assert [line for line in doc.lines if line.startswith("# ")] == ["# Part 1", "# Part 2", "# Part 10"]
    i = doc.lines.index("text 10")
    assert doc.original_line(i) == 2 and doc.original_file(i) == f"{d}/part10.md"
    assert doc.original_file(0) == f"{d}/part1.md"
    assert f"{d}: read 3 write-ups in this order: part1.md, part2.md, part10.md" in doc.notes
    assert doc.unreadable == ()


def test_a_single_writeup_has_no_per_line_files(tmp_path: Path) -> None:
    d = tmp_path / "bob"
    d.mkdir()
    (d / "answers.md").write_text("# Question 1\nx\n")
    doc = read_submission(d)
    assert doc.line_files == () and doc.original_file(1) == doc.path and doc.notes == ()


def test_a_latex_main_file_reads_its_inputs_where_they_stand(tmp_path: Path) -> None:
    d = tmp_path / "carol"
    (d / "sec").mkdir(parents=True)
    (d / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\input{sec/q2}\n"
                                "% \\input{old}\n\\include{sec/q1.tex}\n\\end{document}\n")
    (d / "sec" / "q1.tex").write_text("\\section{1}\nfirst\n")
    (d / "sec" / "q2.tex").write_text("\\section{2}\nsecond\n")
    (d / "old.tex").write_text("\\section{1}\nan old draft\n")
    doc = read_submission(d)
    assert doc.kind == "latex" and doc.path == f"{d}/main.tex"
    order = list(dict.fromkeys(doc.line_files))
    assert order == [f"{d}/main.tex", f"{d}/sec/q2.tex", f"{d}/sec/q1.tex"]
    # the inputs stand where main.tex inputs them, before its closing lines (the LaTeX reader blanks
    # \end{document}, which belongs to no answer, but keeps the line and its file)
    last_main = max(i for i, f in enumerate(doc.line_files) if f == f"{d}/main.tex")
    assert doc.lines.index("second") < doc.lines.index("first") < last_main
    assert "an old draft" not in doc.text  # a commented-out \input does not count, and LaTeX would not read it
    assert f"{d}: read 3 write-ups in this order: main.tex, sec/q2.tex, sec/q1.tex" in doc.notes
    assert f"{d}/old.tex: not \\input by main.tex, so not read" in doc.notes


def test_latex_inputs_that_loop_are_read_once(tmp_path: Path) -> None:
    d = tmp_path / "dan"
    d.mkdir()
    (d / "main.tex").write_text("\\documentclass{article}\n\\input{a}\n")
    (d / "a.tex").write_text("A\n\\input{b}\n")
    (d / "b.tex").write_text("B\n\\input{a}\n\\input{main}\n")
    doc = read_submission(d)
    assert doc.path == f"{d}/main.tex" and doc.lines.count("A") == 1 and doc.lines.count("B") == 1


def test_writeups_of_different_kinds_are_refused(tmp_path: Path) -> None:
    d = tmp_path / "erin"
    d.mkdir()
    (d / "a.md").write_text("# Question 1\nx\n")
    (d / "b.tex").write_text("\\section{2}\ny\n")
    with pytest.raises(IngestError, match=r"write-ups of different kinds \(a\.md, b\.tex\): hand in one kind"):
        read_submission(d)


def test_a_readme_beside_the_writeup_is_named_not_read(tmp_path: Path) -> None:
    d = tmp_path / "fay"
    d.mkdir()
    (d / "answers.md").write_text("# Question 1\nx\n")
    (d / "README.md").write_text("how to run my code\n")
    doc = read_submission(d)
    assert "how to run" not in doc.text and doc.line_files == ()
    assert doc.notes == (f"{d}/README.md: not read as a write-up (a README or requirements file)",)


def test_an_unreadable_writeup_among_several_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    d = tmp_path / "gus"
    d.mkdir()
    (d / "part1.md").write_text("# Question 1\nx\n")
    (d / "part2.md").write_bytes(b"caf\xe9\n")
    (d / "part3.md").write_text("")
    doc = read_submission(d)
    assert doc.unreadable == (f"{d}/part2.md: not UTF-8 text (invalid byte at offset 3)",)
    assert f"{d}/part3.md: empty file, nothing to read" in doc.notes
    assert "x" in doc.lines


def test_refused_files_of_a_readable_kind_are_unreadable(tmp_path: Path) -> None:
    d = tmp_path / "hal"
    d.mkdir()
    (d / "answers.md").write_text("# Question 1\nx\n")
    os.symlink("/etc/hostname", d / "helper.py")
    os.symlink("/etc/hostname", d / "data.csv")  # not a kind the grader reads: a note, not a reason to flag
    doc = read_submission(d)
    assert doc.unreadable == (f"{d}/helper.py: symbolic link refused",)
    assert f"{d}/data.csv: symbolic link refused" in doc.notes


def test_a_zip_of_one_student_wrapped_in_a_folder_is_one_submission(tmp_path: Path) -> None:
    z = tmp_path / "ivy.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ivy/answers.md", "# Question 1\nx\n")
        zf.writestr("ivy/code/k.py", "x = 1\n")
        zf.writestr("ivy/.ipynb_checkpoints/answers-checkpoint.md", "# Question 1\nold\n")
        zf.writestr("__MACOSX/ivy/._answers.md", "junk")
    doc = read_submission(z)
    assert doc.path == f"{z}/ivy/answers.md" and doc.line_files == () and "old" not in doc.lines


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_zip_or_folder_of_a_whole_class_is_refused(tmp_path: Path, wrapped: bool) -> None:
    top = "class/" if wrapped else ""
    z = tmp_path / "class.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name in ("alice", "bob", "carl", "dora"):
            zf.writestr(f"{top}{name}/answers.md", "# Question 1\nx\n")
    with pytest.raises(IngestError) as exc:
        read_submission(z)
    message = str(exc.value)
    assert message.startswith(f"{z}: holds 4 folders with a write-up each (alice/, bob/, carl/, ...)")
    assert "grader grade class/*" in message
    d = tmp_path / "class"
    for name in ("alice", "bob"):
        (d / name).mkdir(parents=True)
        (d / name / "answers.md").write_text("# Question 1\nx\n")
    with pytest.raises(IngestError, match="looks like a whole class"):
        read_submission(d)


def test_several_notebooks_are_read_together(tmp_path: Path) -> None:
    d = tmp_path / "jo"
    d.mkdir()
    for n in (1, 2):
        nb = {"cells": [{"cell_type": "markdown", "source": [f"# Question {n}\n", f"answer {n}\n"]}], "nbformat": 4}
        (d / f"q{n}.ipynb").write_text(json.dumps(nb, indent=1))
    doc = read_submission(d)
    assert doc.kind == "notebook" and doc.lines.index("answer 1") < doc.lines.index("answer 2")
    i = doc.lines.index("answer 2")
    raw = (d / "q2.ipynb").read_text().split("\n")
    assert doc.original_file(i) == f"{d}/q2.ipynb" and "answer 2" in raw[doc.original_line(i) - 1]


def test_latex_files_compiled_separately_are_all_read(tmp_path: Path) -> None:
    """Without \\input, each file that is a whole document keeps its body: the first \\end{document} ends only its own
    file, and the second file's preamble is no answer."""
    d = tmp_path / "eve"
    d.mkdir()
    (d / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\section*{1.1}\nfirst\n"
                                "\\end{document}\n")
    (d / "part2.tex").write_text("% second half\n\\documentclass{article}\n\\usepackage{amsmath}\n"
                                 "\\begin{document}\n\\section*{2.1}\nsecond\n\\end{document}\n")
    doc = read_submission(d)
    assert [ln for ln in doc.lines if ln.strip()] == ["\\section*{1.1}", "first", "\\section*{2.1}", "second"]
    assert doc.original_file(doc.lines.index("second")) == f"{d}/part2.tex"
    assert doc.original_line(doc.lines.index("second")) == 6
    assert [h.label for h in doc.structure] == [("1", "1"), ("2", "1")]


def test_a_followed_latex_input_is_not_noted_as_unread(tmp_path: Path) -> None:
    d = tmp_path / "fay"
    d.mkdir()
    (d / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\input{q1}\n\\input{gone}\n"
                                "\\end{document}\n")
    (d / "q1.tex").write_text("\\section{One}\ntext\n")
    doc = read_submission(d)
    unread = [n for n in doc.notes if "is not followed" in n]
    assert unread == [f"{d}/main.tex: line 4: \\input{{gone}} is not followed: only the submitted file is read"]
