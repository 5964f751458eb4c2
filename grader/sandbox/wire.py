"""Length-prefixed JSON messages over a stream socket; the only format that crosses the sandbox boundary."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

# A control message is a few hundred bytes; anything larger from the untrusted side is refused unread.
MAX_MESSAGE_BYTES = 1 << 20
_HEADER = struct.Struct(">I")


class WireError(Exception):
    """The peer closed the connection, or sent something that is not a well-formed message."""


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """Send one message; `fds` travel with it as SCM_RIGHTS (the fork server hands a worker its files)."""
    body = json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.sendall(data)


def _exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise WireError("connection closed")
        chunks += chunk
    return bytes(chunks)


def recv(sock: socket.socket) -> dict[str, Any]:
    """Receive one message (blocking, or up to the socket's timeout: then `socket.timeout` propagates)."""
    (size,) = _HEADER.unpack(_exact(sock, _HEADER.size))
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {size} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")
    try:
        message = json.loads(_exact(sock, size))
    except ValueError as exc:
        raise WireError(f"malformed message: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("message is not a JSON object")
    return message


def recv_with_fds(sock: socket.socket, max_fds: int) -> tuple[dict[str, Any], list[int]]:
    """Receive one message that may carry file descriptors (sent by `send(..., fds=...)`)."""
    header, fds, _flags, _addr = socket.recv_fds(sock, _HEADER.size, max_fds)
    if not header:
        raise WireError("connection closed")
    if len(header) < _HEADER.size:
        header += _exact(sock, _HEADER.size - len(header))
    (size,) = _HEADER.unpack(header)
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {size} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")
    return json.loads(_exact(sock, size)), list(fds)
