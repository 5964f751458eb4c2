"""Self-check packs: a rubric's public text plus fingerprints of its references, checked without the references."""

from __future__ import annotations

# The check kinds a pack's questions use, by name -> module; grader/course/kinds.py registers them with the others.
PACK_KINDS: dict[str, str] = {
    "pack_final_answer": "grader.pack.kinds.final_answer",
    "pack_number": "grader.pack.kinds.number",
    "pack_complexity": "grader.pack.kinds.complexity",
    "pack_keywords": "grader.pack.kinds.keywords",
    "pack_free_text": "grader.pack.kinds.free_text",
    "pack_code": "grader.pack.kinds.code",
    "pack_unavailable": "grader.pack.kinds.unavailable",
}

PACK_FILE = "pack.json"
FORMAT = "grader-pack/1"

__all__ = ["FORMAT", "PACK_FILE", "PACK_KINDS"]
