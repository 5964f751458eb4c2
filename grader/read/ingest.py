"""Read one submission (file, folder or zip) into a text document with a map back to original lines."""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable

from grader.read.document import Document, shown

if TYPE_CHECKING:  # the PDF reader (pypdfium2) loads only when a PDF is read
    from grader.read.pdf.convert import PdfConverter

WRITEUP_SUFFIXES = (".md", ".markdown", ".txt", ".tex", ".ipynb")
CODE_SUFFIXES = (".py",)
MAX_FILE_BYTES = 5 * 1024 * 1024  # a converted write-up is tens of KB; 5 MB is far past any real one
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # all members read from a zip or a folder, together; also a zip's own size
MAX_FOLDER_ENTRIES = 10_000  # files and folders walked in a submitted folder
MAX_FOLDER_DEPTH = 16
MAX_NOTEBOOK_MISSES = 64  # source lines not found in the JSON before line mapping gives up
# a LaTeX main file pulls its parts in with these; the part is read where the command stands
TEX_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^{}]*)\}")
KINDS = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".tex": "latex", ".ipynb": "notebook"}
NOT_WRITEUPS = ("readme", "requirements")  # stems read as write-ups only when nothing else is there


class IngestError(Exception):
    """A submission that cannot be read; the message names what and where, on one line."""


def decode(data: bytes, where: str) -> str:
    """UTF-8 text of `data`, or an IngestError naming the file and the offending byte offset."""
    if not data.strip():
        raise IngestError(f"{where}: empty file")
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"{where}: file is {len(data) / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    if b"\x00" in data[:8192]:
        raise IngestError(f"{where}: binary file (NUL bytes), not a text write-up")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{where}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain(text: str, path: str, kind: str) -> Document:
    lines = tuple(text.split("\n"))
    return Document(path=path, lines=lines, line_numbers=tuple(range(1, len(lines) + 1)), kind=kind)


def _notebook(text: str, path: str) -> Document:
    """Markdown cells as text, code cells as fenced python blocks; lines map into the .ipynb JSON."""
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise IngestError(f"{path}: not a Jupyter notebook (no JSON 'cells' list)") from None
    if not isinstance(cells, list):
        raise IngestError(f"{path}: not a Jupyter notebook (no JSON 'cells' list)")
    raw_lines = text.split("\n")
    cursor = 0
    misses = 0
    out_lines: list[str] = []
    numbers: list[int] = []

    def locate(fragment: str) -> int:
        # nbformat writes each source line as its own JSON string; find it after the cursor
        nonlocal cursor, misses
        if misses >= MAX_NOTEBOOK_MISSES:  # each miss scans to the end: bounded, so a hostile notebook stays linear
            return cursor + 1
        # Jupyter writes non-ASCII as is, other tools escape it: look for either spelling
        needles = {json.dumps(fragment, ensure_ascii=a)[1:-1].rstrip("\\n") or '"' for a in (False, True)}
        for i in range(cursor, len(raw_lines)):
            if any(n in raw_lines[i] for n in needles):
                cursor = i
                return i + 1
        misses += 1
        return cursor + 1

    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        src = "".join(map(str, source)) if isinstance(source, list) else str(source)
        cell_lines = src.split("\n")
        located = [locate(s) for s in cell_lines]
        if cell.get("cell_type") == "code":
            out_lines.append("```python")
            numbers.append(located[0] if located else cursor + 1)
        out_lines.extend(cell_lines)
        numbers.extend(located)
        if cell.get("cell_type") == "code":
            out_lines.append("```")
            numbers.append(located[-1] if located else cursor + 1)
        out_lines.append("")
        numbers.append(numbers[-1] if numbers else 1)
    return Document(path=path, lines=tuple(out_lines), line_numbers=tuple(numbers), kind="notebook")


def _document_from_text(text: str, path: str) -> Document:
    suffix = Path(path).suffix.lower()
    if suffix == ".ipynb":
        return _notebook(text, path)
    if suffix == ".tex":
        from grader.read.latex import read_latex  # it imports this module's Document and Heading

        return read_latex(text, path)
    return _plain(text, path, "markdown")


def _pdf_document(source: str | bytes, where: str, converter: PdfConverter | None = None) -> Document:
    """A typeset PDF rebuilt into lines with math spans (grader.read.pdf); line numbers count on each page.

    A scanned PDF is read by the course's converter when it has one (its Markdown or LaTeX, lines as it wrote
    them), and refused otherwise."""
    from grader.read.pdf import PdfError, ScannedPdf, read_pdf

    try:
        pdf = read_pdf(source, where)
    except ScannedPdf as exc:
        if converter is None:
            # the instructor reading this in a report learns that such PDFs can be read after all
            raise IngestError(f"{str(exc).rstrip('.')}; a course can set `pdf_converter` in course.yaml "
                              "(docs/pdf.md) to read scanned pages") from None
        return _converted(source, where, converter)
    except PdfError as exc:
        raise IngestError(str(exc)) from None
    numbers: list[int] = []
    for page_line in pdf.page_lines:  # a blank line ingest set takes the number of the line before it
        numbers.append(page_line or (numbers[-1] if numbers else 1))
    return Document(path=where, lines=pdf.lines, line_numbers=tuple(numbers), kind="markdown", notes=pdf.notes,
                    pages=pdf.pages, structure=pdf.structure)


def _converted(source: str | bytes, where: str, converter: PdfConverter) -> Document:
    """A scanned PDF as the course's converter reads it: LaTeX when it writes a LaTeX document, else Markdown."""
    from grader.read.pdf import PdfError
    from grader.read.pdf.convert import convert, convert_bytes

    try:
        text = convert_bytes(converter, source, where) if isinstance(source, bytes) else convert(converter, source, where)
    except PdfError as exc:
        raise IngestError(str(exc)) from None
    latex = bool(re.search(r"\\(?:documentclass|begin\{document\}|section\*?\{|begin\{enumerate\})", text))
    if latex:
        from grader.read.latex import read_latex  # it imports this module's Document and Heading

        doc = read_latex(text, where)
    else:
        doc = _plain(text, where, "markdown")
    note = (f"{where}: scanned pages read by the course's pdf_converter `{' '.join(converter.command)}` as "
            f"{'LaTeX' if latex else 'Markdown'}; line numbers count lines of its output")
    return dataclasses.replace(doc, notes=(note,) + doc.notes)


def _only_pdf(names: list[str], source: Callable[[str], str | bytes], where: str, notes: list[str],
              converter: PdfConverter | None = None) -> Document:
    """A folder or zip whose only write-up is a PDF: the first PDF by name is rebuilt, the others noted."""
    chosen = names[0]
    doc = _pdf_document(source(chosen), f"{where}/{chosen}", converter)
    more = [f"{where}: several PDFs; graded {chosen}, ignored {n}" for n in names[1:]]
    return Document(path=doc.path, lines=doc.lines, line_numbers=doc.line_numbers, kind=doc.kind,
                    notes=tuple(notes + more) + doc.notes, pages=doc.pages, structure=doc.structure)


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that reads digit runs as numbers, so part2 comes before part10."""
    pieces = [t for t in re.split(r"([0-9]+)", name) if t]
    return tuple((1, int(t), "") if t[0] in "0123456789" else (0, 0, t.lower()) for t in pieces) + ((2, 0, name),)


def _is_writeup(name: str) -> bool:
    return name.lower().endswith(WRITEUP_SUFFIXES)


def _refuse_class(names: list[str], where: str) -> None:
    """A folder or zip whose write-ups sit in several top-level folders is a class, not one student's files."""
    parts = [n.split("/") for n in names if _is_writeup(n) and PurePosixPath(n).stem.lower() not in NOT_WRITEUPS]
    while parts and all(len(p) > 1 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]  # a zip often wraps everything in one folder: look inside it
    if not parts or any(len(p) == 1 for p in parts):
        return
    tops = sorted({p[0] for p in parts}, key=natural_key)
    if len(tops) >= 2:
        named = ", ".join(shown(t) + "/" for t in tops[:3]) + (", ..." if len(tops) > 3 else "")
        raise IngestError(f"{where}: holds {len(tops)} folders with a write-up each ({named}), which looks like a "
                          "whole class: grade one path per student, e.g. `grader grade class/* --assignment ID "
                          "--out DIR` (if they are parts of one write-up, put them in one folder)")


def _writeups(names: list[str], where: str, notes: list[str]) -> list[str]:
    """The submission's write-up files; a README or a requirements list is one only when nothing else is."""
    candidates = [n for n in names if _is_writeup(n)]
    if not candidates:
        raise IngestError(f"{where}: no write-up found (expected one of {', '.join(WRITEUP_SUFFIXES)})")
    preferred = [n for n in candidates if PurePosixPath(n).stem.lower() not in NOT_WRITEUPS]
    if preferred:
        notes.extend(f"{where}/{shown(n)}: not read as a write-up (a README or requirements file)"
                     for n in candidates if n not in preferred)
    chosen = preferred or candidates
    kinds = {KINDS[PurePosixPath(n).suffix.lower()] for n in chosen}
    if len(kinds) > 1:
        raise IngestError(f"{where}: write-ups of different kinds ({', '.join(shown(n) for n in chosen[:6])}): hand "
                          "in one kind (all .md, all .tex or all .ipynb) so they can be read together")
    return chosen


def _uncommented(line: str) -> str:
    return re.sub(r"(?<!\\)%.*", "", line)


def _tex_lines(names: list[str], texts: dict[str, str]) -> tuple[list[tuple[str, str, int]], list[str], set[int]]:
    """LaTeX write-ups as (line, file, 1-based line), the files left out, and the rows whose \\input was read in
    place: the main file (one that \\inputs others and is input by none) with each part read where it is input, as
    LaTeX would; files it never inputs are not part of that document and are left out (named in a note). Without a
    main file: every file, in natural order."""
    def target(base: str, arg: str) -> str | None:
        arg = arg.strip()
        for cand in (arg, arg + ".tex"):
            for rel in (posixpath.normpath(posixpath.join(posixpath.dirname(base), cand)), posixpath.normpath(cand)):
                if rel in texts and rel != base:
                    return rel
        return None

    inputs = {n: {t for line in texts[n].split("\n") for m in TEX_INPUT.finditer(_uncommented(line))
                  if (t := target(n, m.group(1))) is not None} for n in names}
    included = set().union(*inputs.values())
    # inputs that loop back to the main file leave no root: then a file that is a whole document is the main one
    roots = ([n for n in names if inputs[n] and n not in included]
             or [n for n in names if inputs[n] and "\\documentclass" in texts[n]])
    # several candidates: the one that is a whole document, then by name
    roots.sort(key=lambda n: ("\\documentclass" not in texts[n], natural_key(n)))
    out: list[tuple[str, str, int]] = []
    placed: set[str] = set()
    followed: set[int] = set()

    def emit(name: str, depth: int) -> None:
        placed.add(name)
        for k, line in enumerate(texts[name].split("\n"), 1):
            out.append((line, name, k))
            if depth >= MAX_FOLDER_DEPTH:  # inputs nest a few levels; a cycle is stopped by `placed`
                continue
            row = len(out) - 1
            for m in TEX_INPUT.finditer(_uncommented(line)):
                t = target(name, m.group(1))
                if t is not None and t not in placed:
                    followed.add(row)
                    emit(t, depth + 1)

    if roots:
        emit(roots[0], 0)
        return out, [n for n in sorted(names, key=natural_key) if n not in placed], followed
    for name in sorted(names, key=natural_key):
        if name not in placed:
            emit(name, 0)
    return out, [], followed


def _together(names: list[str], texts: dict[str, str], where: str, notes: list[str]) -> Document:
    """Several write-ups of one kind as one document whose every line names its file and line."""
    def label(name: str) -> str:
        return f"{where}/{name}"

    ordered = sorted(names, key=natural_key)
    if KINDS[PurePosixPath(names[0]).suffix.lower()] == "notebook":
        docs = [_document_from_text(texts[n], label(n)) for n in ordered]
        lines = tuple(x for d in docs for x in d.lines)
        numbers = tuple(x for d in docs for x in d.line_numbers)
        files = tuple(d.path for d in docs for _ in d.lines)
        return Document(path=docs[0].path, lines=lines, line_numbers=numbers, kind="notebook", line_files=files)
    if KINDS[PurePosixPath(names[0]).suffix.lower()] == "latex":
        from grader.read.latex import read_latex  # it imports this module's Document and Heading

        rows, left, followed = _tex_lines(ordered, texts)
        notes.extend(f"{where}/{shown(n)}: not \\input by {shown(rows[0][1])}, so not read" for n in left)
        # each file keeps its own preamble and \end{document}; the reader's notes name the file and line
        doc = read_latex("\n".join(r[0] for r in rows), label(rows[0][1]), [(label(r[1]), r[2]) for r in rows],
                         followed)
    else:
        rows = [(line, n, k) for n in ordered for k, line in enumerate(texts[n].split("\n"), 1)]
        doc = _document_from_text("\n".join(r[0] for r in rows), label(rows[0][1]))
    origin = [rows[min(max(n - 1, 0), len(rows) - 1)] for n in doc.line_numbers]
    return Document(path=doc.path, lines=doc.lines, line_numbers=tuple(r[2] for r in origin), kind=doc.kind,
                    notes=doc.notes, structure=doc.structure, line_files=tuple(label(r[1]) for r in origin))


def _read_folder(root: Path, where: str, converter: PdfConverter | None = None) -> Document:
    texts: dict[str, bytes] = {}
    notes: list[str] = []
    unreadable: list[str] = []  # files of a kind the grader reads that it could not read: the submission is flagged
    pdfs: dict[str, Path] = {}
    seen = total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        seen += len(dirnames) + len(filenames)
        if seen > MAX_FOLDER_ENTRIES:
            raise IngestError(f"{where}: folder holds more than {MAX_FOLDER_ENTRIES} files and folders, over the limit")
        depth = len(Path(dirpath).relative_to(root).parts)
        if depth >= MAX_FOLDER_DEPTH and dirnames:
            notes.append(f"{where}/{shown(Path(dirpath).relative_to(root).as_posix())}: folders nested deeper than "
                         f"{MAX_FOLDER_DEPTH} levels, ignored")
            dirnames[:] = []
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            mode = full.lstat().st_mode
            rel = shown(rel)
            wanted = not name.startswith(".") and name.lower().endswith(WRITEUP_SUFFIXES + CODE_SUFFIXES)
            refused = ("symbolic link refused" if stat.S_ISLNK(mode) else
                       "not a regular file, refused" if not stat.S_ISREG(mode) else
                       "over the size limit, ignored" if wanted and full.stat().st_size > MAX_FILE_BYTES else None)
            if refused is not None:
                notes.append(f"{where}/{rel}: {refused}")
                if wanted:
                    unreadable.append(notes[-1])
                continue
            if not name.startswith(".") and name.lower().endswith(".pdf"):
                pdfs[rel] = full
                continue
            if not wanted:
                continue
            if len(texts) >= MAX_ARCHIVE_MEMBERS:
                raise IngestError(f"{where}: folder holds more than {MAX_ARCHIVE_MEMBERS} write-up and code files, "
                                  "over the limit")
            with full.open("rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
            total += len(data)
            if len(data) > MAX_FILE_BYTES or total > MAX_ARCHIVE_BYTES:
                raise IngestError(f"{where}/{rel}: takes the folder over its size limit")
            texts[rel] = data
    if pdfs and not any(_is_writeup(n) for n in texts):
        return _only_pdf(sorted(pdfs), lambda n: str(pdfs[n]), where, notes, converter)
    return _assemble(texts, where, notes, unreadable, sorted(pdfs))


def _read_zip(path: Path, where: str, converter: PdfConverter | None = None) -> Document:
    texts: dict[str, bytes] = {}
    notes: list[str] = []
    unreadable: list[str] = []
    pdfs: dict[str, zipfile.ZipInfo] = {}
    size = path.stat().st_size
    if size > MAX_ARCHIVE_BYTES:
        raise IngestError(f"{where}: zip is {size / 1e6:.1f} MB, over the {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB limit")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                raise IngestError(f"{where}: zip holds {len(infos)} members, over the limit of {MAX_ARCHIVE_MEMBERS}")
            total = 0
            for info in infos:
                name = info.filename
                if info.is_dir():
                    continue
                parts = PurePosixPath(name.replace("\\", "/")).parts
                # hidden folders (.ipynb_checkpoints, .git) are skipped, as in a submitted folder
                wanted = (name.lower().endswith(WRITEUP_SUFFIXES + CODE_SUFFIXES) and "__MACOSX" not in parts
                          and not any(part.startswith(".") and part not in (".", "..") for part in parts))
                unsafe = name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])
                if unsafe or stat.S_ISLNK(info.external_attr >> 16):
                    notes.append(f"{where}: member {name!r} " + ("has an unsafe path, refused" if unsafe
                                                                 else "is a symbolic link, refused"))
                    if wanted:
                        unreadable.append(notes[-1])
                    continue
                if (name.lower().endswith(".pdf") and "__MACOSX" not in parts
                        and not any(part.startswith(".") and part not in (".", "..") for part in parts)):
                    pdfs["/".join(parts)] = info
                    continue
                if not wanted:
                    continue
                total += info.file_size
                if info.file_size > MAX_FILE_BYTES or total > MAX_ARCHIVE_BYTES:
                    raise IngestError(f"{where}: zip member {name!r} takes the archive over its size limit")
                with zf.open(info) as fh:
                    data = fh.read(MAX_FILE_BYTES + 1)  # the header's size can lie
                total += len(data) - info.file_size
                if len(data) > MAX_FILE_BYTES or total > MAX_ARCHIVE_BYTES:
                    raise IngestError(f"{where}: zip member {name!r} takes the archive over its size limit")
                texts["/".join(parts)] = data
            if pdfs and not any(_is_writeup(n) for n in texts):
                def member(n: str) -> bytes:
                    info = pdfs[n]
                    if info.file_size > MAX_ARCHIVE_BYTES:
                        raise IngestError(f"{where}: zip member {n!r} is over the size limit")
                    with zf.open(info) as fh:
                        data = fh.read(MAX_ARCHIVE_BYTES + 1)
                    if len(data) > MAX_ARCHIVE_BYTES:
                        raise IngestError(f"{where}: zip member {n!r} is over the size limit")
                    return data
                return _only_pdf(sorted(pdfs), member, where, notes, converter)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        raise IngestError(f"{where}: not a readable zip archive") from None
    return _assemble(texts, where, notes, unreadable, sorted(pdfs))


def _assemble(texts: dict[str, bytes], where: str, notes: list[str], unreadable: list[str],
              pdfs: list[str] | None = None) -> Document:
    names = sorted(texts)
    _refuse_class(names, where)
    writeups = _writeups(names, where, notes)
    # the source beside its PDF is what is graded: say so, so nobody wonders whether the PDF was read
    notes.extend(f"{where}: graded the source {', '.join(shown(w) for w in writeups)}; the PDF {shown(n)} beside it "
                 "was not read" for n in (pdfs or []))
    if len(writeups) == 1:
        chosen = writeups[0]
        doc = _document_from_text(decode(texts[chosen], f"{where}/{chosen}"), f"{where}/{chosen}")
    else:
        decoded: dict[str, str] = {}
        for name in writeups:
            if not texts[name].strip():
                notes.append(f"{where}/{shown(name)}: empty file, nothing to read")
                continue
            try:
                decoded[name] = decode(texts[name], f"{where}/{shown(name)}")
            except IngestError as exc:
                notes.append(str(exc))
                unreadable.append(str(exc))
        if not decoded:
            raise IngestError(unreadable[0] if unreadable else f"{where}: every write-up is an empty file")
        left_out: list[str] = []
        doc = _together(list(decoded), decoded, where, left_out)
        order = list(dict.fromkeys(doc.line_files))
        notes.append(f"{where}: read {len(order)} write-ups in this order: "
                     + ", ".join(shown(n[len(where) + 1:]) for n in order))
        notes.extend(left_out)
    files: dict[str, str] = {}
    for name in names:
        if name.lower().endswith(CODE_SUFFIXES):
            try:
                files[name] = decode(texts[name], f"{where}/{shown(name)}")
            except IngestError as exc:
                notes.append(str(exc))
                unreadable.append(str(exc))
    return Document(path=doc.path, lines=doc.lines, line_numbers=doc.line_numbers, kind=doc.kind,
                    files=files, notes=tuple(notes) + doc.notes, structure=doc.structure, line_files=doc.line_files,
                    unreadable=tuple(unreadable))


def read_submission(path: str | os.PathLike[str], pdf_converter: PdfConverter | None = None) -> Document:
    """Read a submission path as given on the command line; raise IngestError with a one-line reason.

    `pdf_converter` (the course's, from course.yaml) reads a PDF of scanned pages; without it they are refused."""
    where = str(path)
    p = Path(path)
    try:
        st = p.lstat()
    except FileNotFoundError:
        raise IngestError(f"{where}: no such file or folder") from None
    except OSError as exc:
        raise IngestError(f"{where}: cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        p = p.resolve()
        st = p.stat()
    if stat.S_ISDIR(st.st_mode):
        return _read_folder(p, where, pdf_converter)
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(f"{where}: not a regular file or folder")
    suffix = p.suffix.lower()
    if suffix == ".zip":
        return _read_zip(p, where, pdf_converter)
    if suffix == ".pdf":
        return _pdf_document(str(p), where, pdf_converter)
    if suffix and suffix not in WRITEUP_SUFFIXES:
        raise IngestError(f"{where}: unsupported file type {suffix!r} (expected {', '.join(WRITEUP_SUFFIXES)}, .zip or a folder)")
    if st.st_size > MAX_FILE_BYTES:
        raise IngestError(f"{where}: file is {st.st_size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    return _document_from_text(decode(p.read_bytes(), where), where)
