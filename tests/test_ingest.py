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
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(IngestError, match="converter"):
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
