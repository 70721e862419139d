"""What every format's reader hands to :func:`~gentle_steps.audio.readers.assemble.assemble`.

A reader turns its format into a flat list of :class:`RawBlock` (heading, paragraph, item, divider) with the
source line each came from, plus the title, the metadata and any footnotes it found. Everything after that
(references, navigation residue, speakable headings, warnings, sections) is format-blind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING, PARAGRAPH, ITEM, DIVIDER = "heading", "paragraph", "item", "divider"

BOLD_LEVEL = 7
"""Level given to a paragraph that is only bold text, read as a heading below every real heading level."""


class ArticleError(ValueError):
    """An article cannot be read; the message names the file and the problem."""


@dataclass
class RawBlock:
    """One block as a reader found it, before sections exist."""

    kind: str
    """``heading``, ``paragraph``, ``item`` or ``divider`` (a pause: a rule or a line of symbols)."""

    text: str
    """The article's words, markup removed; ``\\n`` separates lines the author kept apart."""

    ordered: bool = False
    """For items: part of a numbered list."""

    line: int = 0
    """1-based line in the source file where the block starts; 0 when the format cannot tell."""

    level: int = 2
    """For headings: 1-6 as written, :data:`BOLD_LEVEL` for a bold paragraph standing as a heading."""


@dataclass
class Draft:
    """A reader's result."""

    title: str = ""
    """Title found in the body (first line, leading ``# Title`` or ``<h1>``)."""

    title_line: int = 0
    """Line of that title."""

    meta: dict[str, str] = field(default_factory=dict)
    """Front matter or page metadata: title, date, description, author, id (strings)."""

    blocks: list[RawBlock] = field(default_factory=list)
    """Blocks in reading order."""

    footnotes: list[str] = field(default_factory=list)
    """Footnote texts, numbered in order of appearance: kept for the page, never narrated."""

    notes: list[tuple[int, str]] = field(default_factory=list)
    """Things the reader skipped that the author should hear about: (line or 0, what), reported as warnings."""


# Footnote markers written by hand: "[1]", "[2, 3]", "[4-6]" after a word or punctuation, and superscript digits.
_MARKER = re.compile(r"(?<=\S)\s?\[\d{1,3}(?:\s?[,\u2013-]\s?\d{1,3})*\]|(?<=[^\s\d])[\u00b9\u00b2\u00b3\u2070-\u2079]+")


def drop_markers(text: str) -> str:
    """Remove footnote markers such as ``[1]`` and superscript digits: they are never spoken."""
    return _MARKER.sub("", text)


def tidy(text: str) -> str:
    """Collapse runs of spaces inside each line; drop empty lines; keep the author's line breaks."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
