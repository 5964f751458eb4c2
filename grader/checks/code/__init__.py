"""The `code` check: extraction, sandboxed trials against the reference, timing and credit."""
