"""Salted fingerprints: sha256 of the pack's salt, a domain tag and a canonical text."""

from __future__ import annotations

import hashlib
import secrets

DIGEST_CHARS = 32  # 128 bits: collisions are not the weak point, low-entropy answers are (see docs/self-check.md)


def new_salt() -> str:
    return secrets.token_hex(16)


def digest(salt: str, domain: str, canonical: str) -> str:
    """The fingerprint of `canonical` in `domain` ("num", "class", "phrase", "sym", "tree") under this pack's salt."""
    data = f"{salt}\x1f{domain}\x1f{canonical}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def scramble(salt: str, tag: str, data: bytes) -> bytes:
    """XOR with a key stream from the salt: stored values cannot be read off the file at a glance.

    This is obfuscation, not secrecy: the salt is in the pack, and the pack must be able to undo it."""
    stream = bytearray()
    block = 0
    while len(stream) < len(data):
        stream += hashlib.sha256(f"{salt}\x1fscramble\x1f{tag}\x1f{block}".encode()).digest()
        block += 1
    return bytes(a ^ b for a, b in zip(data, stream))
