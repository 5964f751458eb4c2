"""Read one submission (file, folder or zip) into a text document with a map back to original lines."""

from __future__ import annotations

import json
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

WRITEUP_SUFFIXES = (".md", ".markdown", ".txt", ".tex", ".ipynb")
CODE_SUFFIXES = (".py",)
MAX_FILE_BYTES = 5 * 1024 * 1024  # a converted write-up is tens of KB; 5 MB is far past any real one
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # all members read from a zip or a folder, together; also a zip's own size
MAX_FOLDER_ENTRIES = 10_000  # files and folders walked in a submitted folder
MAX_FOLDER_DEPTH = 16
MAX_NOTEBOOK_MISSES = 64  # source lines not found in the JSON before line mapping gives up


class IngestError(Exception):
    """A submission that cannot be read; the message names what and where, on one line."""


@dataclass(frozen=True)
class Heading:
    """A heading the markup itself declares (a LaTeX `\\section`, an `enumerate` item, an exam `\\part`).

    Segmentation takes these over headings guessed from the text: the markup says where an answer opens even
    when no number is written (an auto-numbered `\\section`, an `\\item` of `enumerate`)."""

    index: int  # 0-based line of the document where the heading stands
    label: tuple[str, ...]  # its full path, lower case: ("3",), ("3", "b"), ("3", "b", "ii"); () when none is known
    title: str = ""  # the heading's own words (a section title, the first words of an item), for alignment by text
    kind: str = "section"  # section | subsection | subsubsection | paragraph | item | question | part | subpart
    # | subsubpart | problem | solution | proof (a solution or proof continues the problem before it)
    inferred: bool = False  # the label comes from a counter, not from text the student wrote


@dataclass(frozen=True)
class Document:
    """A write-up as lines of text, each carrying its 1-based line number in the original file."""

    path: str  # the write-up file, as a display path
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    kind: str = "markdown"  # markdown | latex | notebook
    files: dict[str, str] = field(default_factory=dict)  # other files of the submission: name -> text
    notes: tuple[str, ...] = ()  # things ingest noticed and dropped (ignored files), for findings
    structure: tuple[Heading, ...] = ()  # headings declared by markup (LaTeX), in document order

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def original_line(self, index: int) -> int:
        """Original 1-based line number of the 0-based document line `index`."""
        if not self.line_numbers:
            return 1
        index = min(max(index, 0), len(self.line_numbers) - 1)
        return self.line_numbers[index]


def shown(name: str) -> str:
    """`name` with control and bidi characters escaped, so a file name cannot drive a terminal or hide its text."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


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


def _choose_writeup(texts: dict[str, bytes], where: str) -> tuple[str, list[str]]:
    """The write-up among a submission's files (the largest text), and notes on those left aside."""
    candidates = sorted(n for n in texts if n.lower().endswith(WRITEUP_SUFFIXES))
    if not candidates:
        raise IngestError(f"{where}: no write-up found (expected one of {', '.join(WRITEUP_SUFFIXES)})")
    # a README or a requirements list is not the write-up when something else is there
    preferred = [n for n in candidates if PurePosixPath(n).stem.lower() not in ("readme", "requirements")]
    pool = preferred or candidates
    chosen = max(pool, key=lambda n: (len(texts[n]), n))
    notes = [f"{where}: several write-ups; graded {chosen}, ignored {n}" for n in pool if n != chosen]
    return chosen, notes


def _read_folder(root: Path, where: str) -> Document:
    texts: dict[str, bytes] = {}
    notes: list[str] = []
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
            if stat.S_ISLNK(mode):
                notes.append(f"{where}/{rel}: symbolic link refused")
                continue
            if not stat.S_ISREG(mode):
                notes.append(f"{where}/{rel}: not a regular file, refused")
                continue
            if name.startswith(".") or not name.lower().endswith(WRITEUP_SUFFIXES + CODE_SUFFIXES):
                continue
            if full.stat().st_size > MAX_FILE_BYTES:
                notes.append(f"{where}/{rel}: over the size limit, ignored")
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
    return _assemble(texts, where, notes)


def _read_zip(path: Path, where: str) -> Document:
    texts: dict[str, bytes] = {}
    notes: list[str] = []
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
                if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                    notes.append(f"{where}: member {name!r} has an unsafe path, refused")
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    notes.append(f"{where}: member {name!r} is a symbolic link, refused")
                    continue
                if not name.lower().endswith(WRITEUP_SUFFIXES + CODE_SUFFIXES) or PurePosixPath(name).name.startswith("."):
                    continue
                if "__MACOSX" in parts:
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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        raise IngestError(f"{where}: not a readable zip archive") from None
    return _assemble(texts, where, notes)


def _assemble(texts: dict[str, bytes], where: str, notes: list[str]) -> Document:
    names = sorted(texts)
    chosen, more = _choose_writeup(texts, where)
    doc = _document_from_text(decode(texts[chosen], f"{where}/{chosen}"), f"{where}/{chosen}")
    files: dict[str, str] = {}
    for name in names:
        if name.lower().endswith(CODE_SUFFIXES):
            try:
                files[name] = decode(texts[name], f"{where}/{name}")
            except IngestError as exc:
                notes.append(str(exc))
    return Document(path=doc.path, lines=doc.lines, line_numbers=doc.line_numbers, kind=doc.kind,
                    files=files, notes=tuple(notes + more) + doc.notes, structure=doc.structure)


def read_submission(path: str | os.PathLike[str]) -> Document:
    """Read a submission path as given on the command line; raise IngestError with a one-line reason."""
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
        return _read_folder(p, where)
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(f"{where}: not a regular file or folder")
    suffix = p.suffix.lower()
    if suffix == ".zip":
        return _read_zip(p, where)
    if suffix == ".pdf":
        raise IngestError(f"{where}: PDF input needs a converter command configured by the course (none is set)")
    if suffix and suffix not in WRITEUP_SUFFIXES:
        raise IngestError(f"{where}: unsupported file type {suffix!r} (expected {', '.join(WRITEUP_SUFFIXES)}, .zip or a folder)")
    if st.st_size > MAX_FILE_BYTES:
        raise IngestError(f"{where}: file is {st.st_size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    return _document_from_text(decode(p.read_bytes(), where), where)
