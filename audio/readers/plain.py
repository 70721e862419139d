"""Plain text pasted from a blog: title on the first line, blank lines between paragraphs."""

from __future__ import annotations

import re

from gentle_steps.audio.readers.draft import DIVIDER, HEADING, ITEM, PARAGRAPH, Draft, RawBlock, drop_markers
from gentle_steps.audio.text import collapse_spaces, starts_with_emoji

BULLET = re.compile(r"^\s*(?:[•◦▪‣●∙·]|[-*+](?=\s))\s*")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")


def has_words(text: str) -> bool:
    """True when ``text`` holds a letter or a digit (in any script): something a person could read out."""
    return any(ch.isalnum() for ch in text)


def read_plain(text: str) -> Draft:
    """Paragraphs, bullet and numbered items, and emoji-led headings of a pasted article.

    A short line standing alone that starts with an emoji is a heading; a line of only symbols or emoji
    (``***``, ``---``, ``✨✨✨``) is a divider; lines starting with a bullet glyph (or "- ") are list items;
    numbered lines are numbered items. Lines within one paragraph stay separate (blogs often put one sentence
    on each line).
    """
    draft = Draft()
    first = True
    for start, para in _paragraphs(text):
        lines = [(start + i, ln) for i, ln in enumerate(para.split("\n")) if ln.strip()]
        if first:
            lines = [(n, ln) for n, ln in lines if has_words(ln)] if not has_words(lines[0][1]) else lines
            if not lines:
                continue  # a divider above the title
            first = False
            draft.title, draft.title_line = collapse_spaces(lines[0][1]), lines[0][0]
            lines = lines[1:]
            if not lines:
                continue
        if len(lines) == 1 and not has_words(lines[0][1]):
            draft.blocks.append(RawBlock(DIVIDER, "", line=lines[0][0]))
            continue
        if len(lines) == 1 and _is_plain_heading(lines[0][1]):
            draft.blocks.append(RawBlock(HEADING, collapse_spaces(lines[0][1]), line=lines[0][0]))
            continue
        _lines_to_blocks(lines, draft.blocks)
    return draft


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs (separated by blank lines) with the 1-based line each starts on."""
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            found.append((start, "\n".join(current)))
            current = []
    if current:
        found.append((start, "\n".join(current)))
    return found


def _lines_to_blocks(lines: list[tuple[int, str]], blocks: list[RawBlock]) -> None:
    run: list[str] = []
    run_start = 0
    for number, line in lines:
        if BULLET.match(line) or NUMBERED.match(line):
            if run:
                blocks.append(RawBlock(PARAGRAPH, "\n".join(run), line=run_start))
                run = []
            ordered = bool(NUMBERED.match(line))
            item = (NUMBERED if ordered else BULLET).sub("", line, count=1)
            blocks.append(RawBlock(ITEM, drop_markers(collapse_spaces(item)), ordered, line=number))
        elif has_words(line):
            if not run:
                run_start = number
            run.append(drop_markers(collapse_spaces(line)))
    if run:
        blocks.append(RawBlock(PARAGRAPH, "\n".join(run), line=run_start))


def _is_plain_heading(line: str) -> bool:
    line = line.strip()
    return starts_with_emoji(line) and len(line) <= 100 and not line.endswith((".", ","))
