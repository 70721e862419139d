"""Readers: plain text pasted from a blog, Markdown with front matter, and saved HTML pages -> :class:`Article`.

The format is chosen by extension and confirmed by content (a ``.txt`` that is really HTML is read as HTML).
Each format's reader (:mod:`.plain`, :mod:`.markdown`, :mod:`.html`) produces the same :class:`~.draft.Draft`:
a title, metadata and a flat list of blocks with their source lines; :func:`~.assemble.assemble` turns that into
sections, drops blog navigation residue, keeps references and footnotes out of the narration and reports what
the voice cannot read. Every text an :class:`Article` holds is free of control characters (XML-safe).
"""

from __future__ import annotations

import re
from pathlib import Path

from gentle_steps.audio.model import Article
from gentle_steps.audio.readers.assemble import assemble
from gentle_steps.audio.readers.checks import clean_source
from gentle_steps.audio.readers.draft import ArticleError, Draft
from gentle_steps.audio.readers.html import read_html
from gentle_steps.audio.readers.markdown import read_markdown
from gentle_steps.audio.readers.plain import read_plain

__all__ = ["EXTENSIONS", "MAX_BYTES", "ArticleError", "assemble", "read_article", "read_text"]

MAX_BYTES = 2 * 1024 * 1024
"""Articles larger than this are refused (a pasted article is a few kilobytes)."""

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
              ".html": "html", ".htm": "html"}
"""Article file extensions and the reader each selects."""

_LOOKS_LIKE_MARKDOWN = re.compile(r"\s*(?:---\n(?:.*\n)*?---\s*\n|#{1,2} \S)")
_LOOKS_LIKE_HTML = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype html|<html[\s>])",
                              re.IGNORECASE | re.DOTALL)


def read_article(path: Path, content_dir: Path) -> Article:
    """Read one article file; raises :class:`ArticleError` with the file name and the problem."""
    rel = path.relative_to(content_dir).as_posix() if path.is_relative_to(content_dir) else str(path)
    try:
        if not path.is_file():
            raise ArticleError(f"{rel}: file not found")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(f"{rel}: file is {size / 1048576:.1f} MB; articles must be at most 2 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{rel}: cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{rel}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{rel}: not UTF-8 text (bad byte at offset {exc.start})") from None
    return read_text(text, rel, EXTENSIONS.get(path.suffix.lower(), "text"))


def read_text(text: str, source: str, kind: str = "text") -> Article:
    """Read an article held in memory; ``kind`` is ``text``, ``markdown`` or ``html``; ``source`` names it."""
    if not text.strip():
        raise ArticleError(f"{source}: the article is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, warnings = clean_source(text, source)
    if kind != "html" and _LOOKS_LIKE_HTML.match(text):
        kind = "html"  # confirmed by content: a saved page with the wrong extension
    elif kind == "text" and _LOOKS_LIKE_MARKDOWN.match(text):
        kind = "markdown"  # front matter or a "# Title" first line: Markdown saved as .txt
    try:
        draft = _read(kind, text, source)
        article = assemble(draft, source, warnings)
    except RecursionError:
        raise ArticleError(f"{source}: nested too deeply to read (lists or quotes inside each other)") from None
    if not any(s.blocks for s in article.sections):
        raise ArticleError(f"{source}: no article text left after cleaning")
    return article


def _read(kind: str, text: str, source: str) -> Draft:
    if kind == "markdown":
        return read_markdown(text, source)
    if kind == "html":
        return read_html(text, source)
    return read_plain(text)
