"""A write-up as the rest of the grader sees it: lines with their original numbers, and the headings its markup declares."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # per line, the write-up file it comes from, where a submission has several; () when it has one (`path`)
    line_files: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()  # files of the submission that could not be read, one reason each
    pages: tuple[int, ...] = ()  # a PDF's page of each line (0: a blank line ingest set); then line_numbers
    # count lines on that page. Empty for every other kind of write-up.

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def original_file(self, index: int) -> str:
        """The file the 0-based document line `index` comes from, as a display path."""
        if not self.line_files:
            return self.path
        return self.line_files[min(max(index, 0), len(self.line_files) - 1)]

    def original_line(self, index: int) -> int:
        """Original 1-based line number of the 0-based document line `index`."""
        if not self.line_numbers:
            return 1
        index = min(max(index, 0), len(self.line_numbers) - 1)
        return self.line_numbers[index]

    def location(self, index: int) -> str:
        """Where the 0-based document line `index` stands, in words: "line 12", or "page 3, line 12" for a PDF."""
        line = self.original_line(index)
        if self.pages and 0 <= index < len(self.pages) and self.pages[index]:
            return f"page {self.pages[index]}, line {line}"
        return f"line {line}"


def shown(name: str) -> str:
    """`name` with control and bidi characters escaped, so a file name cannot drive a terminal or hide its text."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
