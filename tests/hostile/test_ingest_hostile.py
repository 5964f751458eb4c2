"""Hostile submissions at ingest: sizes, archives, links, devices, encodings; each refused with a reason or bounded."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import time
import zipfile
from pathlib import Path

import pytest

from grader.read import ingest
from grader.read.ingest import IngestError, read_submission

from hostile_support import HOSTILE

WRITEUP = "## Question 1\nWe use Viterbi.\n"


def make_zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def refused(path: Path, *words: str) -> str:
    with pytest.raises(IngestError) as info:
        read_submission(path)
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words), message
    return message


@pytest.mark.parametrize("name, words", [
    ("nul-bytes.md", ("binary",)),
    ("binary-junk.md", ("binary",)),
    ("invalid-utf8.md", ("not UTF-8", "offset 25")),
])
def test_unreadable_text_is_refused_in_one_line(name: str, words: tuple[str, ...]) -> None:
    refused(HOSTILE / name, *words)


def test_nul_bytes_after_the_first_8_kb_are_still_text_not_a_crash(tmp_path: Path) -> None:
    p = tmp_path / "late-nul.md"
    p.write_bytes(WRITEUP.encode() + b"x" * 9000 + b"\x00tail\n")
    assert "\x00" in read_submission(p).text  # kept as text; the report escapes it


def test_a_20_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    p = tmp_path / "huge.md"
    with p.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)  # sparse: costs no disk
    start = time.process_time()
    refused(p, "MB", "limit")
    assert time.process_time() - start < 1.0


def test_control_and_bidi_characters_are_kept_as_text() -> None:
    raw = (HOSTILE / "controls-and-rtl.md").read_text(encoding="utf-8")
    doc = read_submission(HOSTILE / "controls-and-rtl.md")
    assert "\u202e" in doc.text and "\x1b" in doc.text
    # only "\n" ends a line: form feed, VT, NEL, U+2028 must not shift the line numbers of later findings
    assert doc.lines == tuple(raw.split("\n"))
    assert doc.line_numbers == tuple(range(1, raw.count("\n") + 2))


@pytest.mark.parametrize("member", ["../evil.md", "a/../../evil.md", "/etc/evil.md", "C:/evil.md", "..\\evil.md"])
def test_zip_member_with_an_unsafe_path_is_refused_with_a_note(tmp_path: Path, member: str) -> None:
    z = make_zip(tmp_path / "s.zip", {member: b"## Question 1\nevil\n", "answer.md": WRITEUP.encode()})
    doc = read_submission(z)
    assert doc.path.endswith("answer.md") and "evil" not in doc.text
    assert any("unsafe path" in n for n in doc.notes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.zip"]  # nothing extracted anywhere


def test_zip_symlink_member_is_refused(tmp_path: Path) -> None:
    z = tmp_path / "s.zip"
    with zipfile.ZipFile(z, "w") as zf:
        link = zipfile.ZipInfo("solution.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/work/main/reference/secret.md")
        zf.writestr("answer.md", WRITEUP)
    doc = read_submission(z)
    assert any("symbolic link" in n for n in doc.notes) and "secret" not in doc.text


def test_zip_bomb_is_refused_after_reading_at_most_the_limit(tmp_path: Path) -> None:
    # 50 MB of zeros deflates to about 50 KB: a ratio of 1000
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("answer.md", "w") as fh:
            chunk = b"0" * (1 << 20)
            for _ in range(50):
                fh.write(chunk)
    assert z.stat().st_size < 200_000
    start = time.process_time()
    refused(z, "size limit")
    assert time.process_time() - start < 2.0


def test_zip_with_a_lying_size_header_is_refused(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "liar.zip", {"answer.md": b"x" * (ingest.MAX_FILE_BYTES + 10)})
    data = bytearray(z.read_bytes())
    # rewrite the uncompressed size in the central directory to 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    z.write_bytes(bytes(data))
    with pytest.raises(IngestError):
        read_submission(z)


def test_many_small_bombs_are_capped_by_the_archive_total(tmp_path: Path) -> None:
    members = {f"part{i}.py": b"#" * (4 * 1024 * 1024) for i in range(6)}  # 24 MB in all, each under 5 MB
    members["answer.md"] = WRITEUP.encode()
    refused(make_zip(tmp_path / "many.zip", members), "size limit")


def test_very_many_zip_members_are_refused(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "members.zip", {f"f{i}.md": b"x" for i in range(ingest.MAX_ARCHIVE_MEMBERS + 1)})
    refused(z, "members", "limit")


def test_an_oversized_zip_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    z = tmp_path / "big.zip"
    with z.open("wb") as fh:
        fh.truncate(ingest.MAX_ARCHIVE_BYTES + 1)
    refused(z, "zip is", "limit")


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"not a zip at all", b"PK\x05\x06" + b"\x00" * 18])
def test_a_corrupt_zip_is_refused(tmp_path: Path, data: bytes) -> None:
    z = tmp_path / "bad.zip"
    z.write_bytes(data)
    refused(z, "zip")


def test_an_encrypted_or_unknown_method_zip_member_is_refused(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "enc.zip", {"answer.md": WRITEUP.encode()})
    data = bytearray(z.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        data[at + flag_at] |= 1  # the "encrypted" bit
    z.write_bytes(bytes(data))
    refused(z, "zip")


def test_symlinks_devices_and_fifos_in_a_folder_are_refused_with_notes(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "answer.md").write_text(WRITEUP)
    secret = tmp_path / "reference-solution.md"
    secret.write_text("## Question 1\nTHE SECRET REFERENCE\n" * 100)
    (sub / "solution.md").symlink_to(secret)
    (sub / "linked-dir").symlink_to(tmp_path)
    os.mkfifo(sub / "pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sub / "sock.md"))
    try:
        doc = read_submission(sub)
    finally:
        sock.close()
    assert "SECRET" not in doc.text and doc.path.endswith("answer.md")
    notes = " ".join(doc.notes)
    assert "solution.md: symbolic link refused" in notes
    assert "pipe.md: not a regular file" in notes and "sock.md: not a regular file" in notes


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_file_in_a_folder_is_refused(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "answer.md").write_text(WRITEUP)
    try:
        os.mknod(sub / "zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: reading never ends
    except PermissionError:
        pytest.skip("mknod is not allowed here")
    doc = read_submission(sub)
    assert any("zero.md: not a regular file" in n for n in doc.notes)


def test_a_device_given_as_the_submission_is_refused(tmp_path: Path) -> None:
    refused(Path("/dev/zero"), "not a regular file")


def test_deeply_nested_folders_are_cut_with_a_note(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    deep = sub
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "answer.md").write_text(WRITEUP + "deep\n" * 100)
    (sub / "answer.md").write_text(WRITEUP)
    doc = read_submission(sub)
    assert doc.path.endswith("student/answer.md")
    assert any("nested deeper" in n for n in doc.notes)


def test_a_folder_with_very_many_files_is_refused(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    for i in range(ingest.MAX_ARCHIVE_MEMBERS + 1):
        (sub / f"f{i}.py").write_text("x = 1\n")
    (sub / "answer.md").write_text(WRITEUP)
    refused(sub, "over the limit")


def test_a_folder_over_its_total_size_is_refused(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    for i in range(6):
        (sub / f"part{i}.py").write_bytes(b"#" * (4 * 1024 * 1024))
    (sub / "answer.md").write_text(WRITEUP)
    refused(sub, "size limit")


def test_a_notebook_with_a_huge_output_reads_only_its_sources(tmp_path: Path) -> None:
    big = "<script>alert(1)</script>" * 150_000  # about 4 MB of output
    nb = {"nbformat": 4, "cells": [
        {"cell_type": "markdown", "source": ["## Question 1\n", "We use Viterbi.\n"]},
        {"cell_type": "code", "source": "print('x')", "outputs": [{"output_type": "stream", "text": [big]}]},
    ]}
    p = tmp_path / "nb.ipynb"
    p.write_text(json.dumps(nb))
    start = time.process_time()
    doc = read_submission(p)
    assert time.process_time() - start < 2.0
    assert "Viterbi" in doc.text and "script" not in doc.text


def test_hostile_notebook_cells_are_skipped_not_fatal() -> None:
    doc = read_submission(HOSTILE / "notebook-hostile.ipynb")
    assert "## Question 2" in doc.text and "42" in doc.text  # a raw cell whose source is a number


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"cells": 7}', '{"cells": {"a": 1}}', "[]", "null"])
def test_malformed_notebooks_are_refused_in_one_line(tmp_path: Path, text: str) -> None:
    p = tmp_path / "nb.ipynb"
    p.write_text(text)
    refused(p, "notebook")


def test_notebook_line_mapping_is_linear_and_right_for_non_ascii(tmp_path: Path) -> None:
    # Jupyter writes non-ASCII unescaped; every such line used to be searched to the end of the file
    src = [f"ligne numéro {i} é\n" for i in range(20_000)]
    p = tmp_path / "fr.ipynb"
    p.write_text(json.dumps({"nbformat": 4, "cells": [{"cell_type": "markdown", "source": src}]},
                            ensure_ascii=False, indent=1))
    start = time.process_time()
    doc = read_submission(p)
    assert time.process_time() - start < 3.0
    assert doc.line_numbers[:3] == (7, 8, 9) and doc.line_numbers[-2] == 20_006


def test_zip_member_names_with_control_characters_do_not_reach_messages_raw(tmp_path: Path) -> None:
    sub = tmp_path / "student"
    sub.mkdir()
    (sub / "answer.md").write_text(WRITEUP)
    (sub / "\x1b]0;pwned\x07.md").symlink_to(sub / "answer.md")
    doc = read_submission(sub)
    assert doc.notes and all("\x1b" not in n and "\x07" not in n for n in doc.notes)


def test_zip_in_memory_reads_are_bounded_even_for_stored_members(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("answer.md", WRITEUP)
        zf.writestr("nested.zip", b"PK" + b"\x00" * 100)  # an archive inside is ignored, not opened
    z = tmp_path / "s.zip"
    z.write_bytes(buf.getvalue())
    doc = read_submission(z)
    assert doc.files == {} and "Viterbi" in doc.text
