"""`parse()`: LaTeX to a `Parsed` root with its kind and its relation links, cached and bounded."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from grader.math import nodes as N
from grader.math.limits import DEFAULT_LIMITS
from grader.math.parser import parse_node

KINDS = ("expr", "relation", "chain", "system", "set", "matrix", "asymptotic")


@dataclass(frozen=True)
class Parsed:
    """A parsed span: `root` is the AST; `links` are its relations (lhs, op, rhs), each checkable alone."""

    latex: str
    kind: str  # one of KINDS
    root: N.Node
    links: tuple[tuple[N.Node, str, N.Node], ...]
    statements: tuple[N.Node, ...]  # the top-level statements (one unless kind == "system")
    # (start, end) offsets in `latex` of each statement (rows of an aligned block included); `latex[start:end]`
    # is the statement's source, separators excluded. Optional: () when the positions are not known.
    spans: tuple[tuple[int, int], ...] = ()


def statement_links(node: N.Node) -> tuple[tuple[N.Node, str, N.Node], ...]:
    if isinstance(node, N.Relation):
        return ((node.lhs, node.op, node.rhs),)
    if isinstance(node, N.Chain):
        return node.links
    if isinstance(node, N.System):
        return tuple(link for item in node.items for link in statement_links(item))
    return ()


def kind_of(node: N.Node) -> str:
    if isinstance(node, N.Relation):
        return "relation"
    if isinstance(node, N.Chain):
        return "chain"
    if isinstance(node, N.System):
        return "system"
    if isinstance(node, N.SetN):
        return "set"
    if isinstance(node, N.Matrix):
        return "matrix"
    if isinstance(node, N.Asym):
        return "asymptotic"
    return "expr"


@lru_cache(maxsize=4096)
def parse(latex: str) -> Parsed:
    """Parse one formula (the LaTeX inside the delimiters); raises MathError with a reason."""
    root = parse_node(latex.strip(), DEFAULT_LIMITS)
    statements = root.items if isinstance(root, N.System) else (root,)
    lead = len(latex) - len(latex.lstrip())
    body_end = len(latex.rstrip())
    if isinstance(root, N.System) and len(root.spans) == len(statements):
        spans = tuple((a + lead, _trim(latex, a + lead, min(b + lead, body_end))) for a, b in root.spans)
    else:
        spans = ((lead, body_end),)
    return Parsed(latex, kind_of(root), root, statement_links(root), tuple(statements), spans)


def _trim(latex: str, start: int, end: int) -> int:
    """End of a statement without the trailing spaces and separators (`,` `\\\\` `&`) before the next one."""
    while end > start and (latex[end - 1].isspace() or latex[end - 1] in ",;&"):
        end -= 1
    while latex.endswith("\\\\", start, end):
        end -= 2
        while end > start and latex[end - 1].isspace():
            end -= 1
    return end
