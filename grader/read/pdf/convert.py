"""Run a course's external PDF converter (an OCR service's client) on a scanned PDF: argv only, time and output bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass

from grader.read.pdf.layer import PdfError

MAX_OUTPUT_BYTES = 5 * 1024 * 1024  # a converted write-up is tens of KB, as for a text one
PLACEHOLDER = "{pdf}"


@dataclass(frozen=True)
class PdfConverter:
    """The command that turns a PDF into Markdown or LaTeX on stdout, and how long it may take."""

    command: tuple[str, ...]
    timeout_s: float = 120.0

    def argv(self, pdf: str) -> list[str]:
        """The command with the PDF's path in place of `{pdf}`, or appended when no argument holds it."""
        if any(PLACEHOLDER in a for a in self.command):
            return [a.replace(PLACEHOLDER, pdf) for a in self.command]
        return [*self.command, pdf]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:  # the converter's own children (a shell wrapper, a worker pool) go with it
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def convert(converter: PdfConverter, pdf: str, where: str) -> str:
    """The converter's stdout for the PDF at `pdf`; PdfError naming the command when it fails, hangs or floods."""
    shown = " ".join(converter.command)
    try:
        proc = subprocess.Popen(converter.argv(pdf), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` could not start ({exc.strerror or exc})") from None
    out = bytearray()
    err = bytearray()
    flooded = threading.Event()

    def pump(stream: object, into: bytearray, limit: int, keep_tail: bool) -> None:
        assert hasattr(stream, "read")
        while chunk := stream.read(65536):
            into.extend(chunk)
            if len(into) > limit:
                if keep_tail:  # stderr: only its last words matter for the message
                    del into[:-limit]
                else:
                    flooded.set()
                    _kill(proc)
                    return

    readers = [threading.Thread(target=pump, args=(proc.stdout, out, MAX_OUTPUT_BYTES, False), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err, 4096, True), daemon=True)]
    for r in readers:
        r.start()
    try:
        code = proc.wait(timeout=converter.timeout_s)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.wait()
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` ran past its {converter.timeout_s:g} s "
                       "limit and was stopped") from None
    finally:
        for r in readers:
            r.join(timeout=5)
    _kill(proc)  # a child it left running in the background would hold the pipes
    if flooded.is_set():
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` wrote more than "
                       f"{MAX_OUTPUT_BYTES // (1024 * 1024)} MB, over the limit")
    if code != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        said = f": {last[0][:200]}" if last[0] else ""
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` failed (exit {code}){said}")
    try:
        text = bytes(out).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` wrote text that is not UTF-8 "
                       f"(byte {exc.start})") from None
    if not text.strip():
        raise PdfError(f"{where}: the course's pdf_converter `{shown}` wrote nothing")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def convert_bytes(converter: PdfConverter, data: bytes, where: str) -> str:
    """As `convert`, for a PDF held in memory (a zip member): written to a private temporary file first."""
    with tempfile.TemporaryDirectory(prefix="grader-pdf-") as tmp:
        path = os.path.join(tmp, "submission.pdf")
        with open(path, "wb") as fh:
            fh.write(data)
        return convert(converter, path, where)


__all__ = ["MAX_OUTPUT_BYTES", "PdfConverter", "convert", "convert_bytes"]
