"""From a reader's draft to an :class:`Article`: navigation residue removed, references kept aside, headings
checked for speakable words, text the voice cannot read reported, stable section ids assigned.
"""

from __future__ import annotations

from gentle_steps.audio.model import Article, ArticleSection, Block
from gentle_steps.audio.readers.checks import MAX_SCRIPT_WARNINGS, clean, foreign_text, has_latin
from gentle_steps.audio.readers.draft import DIVIDER, HEADING, PARAGRAPH, ArticleError, Draft, RawBlock
from gentle_steps.audio.readers.plain import has_words
from gentle_steps.audio.readers.references import split_references
from gentle_steps.audio.text import collapse_spaces, slugify, strip_emoji, unique_slug

NAV_WORDS = {"previous", "next", "previous post", "next post", "older post", "newer post", "« previous",
             "next »", "← previous", "next →", "older posts", "newer posts", "previous article", "next article",
             "share this:", "share this", "share", "like this:", "like this", "like", "loading...", "loading…",
             "related", "related posts", "leave a comment", "leave a reply", "comments", "no comments",
             "0 comments", "facebook", "twitter", "x", "pinterest", "linkedin", "email", "print", "tweet",
             "reddit", "whatsapp"}
"""Lines that make up a blog's trailing navigation and sharing residue (compared in lower case)."""

TOC_HEADINGS = {"contents", "table of contents", "on this page", "in this post", "in this article", "jump to",
                "jump to section", "quick links"}
"""Headings of a table of contents: never read (the entries are links within the page, also not read)."""


def assemble(draft: Draft, source: str, warnings: list[str] | None = None) -> Article:
    """Sections from a draft; ``warnings`` (from reading the file) come first in :attr:`Article.warnings`."""
    title = clean(collapse_spaces(draft.meta.get("title") or draft.title))
    if not has_words(strip_emoji(title)):
        raise ArticleError(f"{source}: no title found (first line, front-matter title or <h1>)")
    warnings = list(warnings or [])
    blocks = [RawBlock(b.kind, clean(b.text), b.ordered, b.line, b.level) for b in draft.blocks]
    blocks = [_sentence_heading(b) for b in blocks if b.kind != DIVIDER]
    previous_title, next_title, blocks = _strip_navigation(blocks)
    blocks, references = split_references(blocks)
    meta = {k: clean(v) for k, v in draft.meta.items()}

    article = Article(id=slugify(meta.get("id") or title, "episode"), title=strip_emoji(title) or title,
                      source=source, date=meta.get("date", "")[:10], description=meta.get("description", ""),
                      author=meta.get("author", ""), canonical_url=meta.get("canonical", ""),
                      previous_title=previous_title, next_title=next_title,
                      references=references + [f"{n}. {clean(f)}" for n, f in enumerate(draft.footnotes, 1)])
    warnings += [f"{source}:{line}: {note}" if line else f"{source}: {note}" for line, note in draft.notes]
    if not has_latin(title):
        warnings.append(f"{source}:{draft.title_line or 1}: the title has no Latin letters; the voice cannot read it")
    warnings += _script_warnings(blocks, source)
    _sections(article, blocks, warnings)
    if not any(s.heading for s in article.sections):
        warnings.append(f"{source}: no headings found; the article becomes one section")
        for section in article.sections:
            section.title = article.title
    if not article.description:
        first = next((b.text for s in article.sections for b in s.blocks if b.kind == PARAGRAPH), "")
        article.description = collapse_spaces(first)[:300]
    article.warnings = warnings
    return article


def _sentence_heading(block: RawBlock) -> RawBlock:
    """A "heading" that is a whole sentence (a subtitle set in a heading tag) is read as a paragraph."""
    if block.kind == HEADING and block.text.rstrip().endswith(".") and len(block.text.split()) >= 6:
        return RawBlock(PARAGRAPH, block.text, line=block.line)
    return block


def _sections(article: Article, blocks: list[RawBlock], warnings: list[str]) -> None:
    """Group blocks under their headings; a heading the voice cannot read gets a fallback title ("Part 3")."""
    taken: set[str] = set()
    current = ArticleSection(heading="", title="Introduction", id=unique_slug("introduction", taken))
    sections: list[ArticleSection] = []
    for block in blocks:
        if block.kind != HEADING:
            current.blocks.append(Block(block.kind, block.text, block.ordered))
            continue
        name = strip_emoji(block.text).strip(" :") or block.text
        if not has_words(name) or name.lower().strip(" :") in TOC_HEADINGS:
            # Only symbols or emoji ("✨✨✨", "* * *"): a divider, not a heading. "Contents" heads a table of
            # contents, whose in-page links the reader already left out.
            continue
        if current.blocks or current.heading:
            sections.append(current)
        if any(ch.isalpha() for ch in name) and not has_latin(name):
            fallback = f"Part {len(sections) + 1}"
            warnings.append(f"{article.source}:{block.line or 1}: heading '{block.text}' has no Latin letters; "
                            f"the narration calls it \"{fallback}\"")
            name = fallback
        current = ArticleSection(heading=block.text, title=name, id=unique_slug(slugify(name, "section"), taken))
    if current.blocks or current.heading:
        sections.append(current)
    article.sections = [s for i, s in enumerate(sections) if s.blocks or i > 0]


def _script_warnings(blocks: list[RawBlock], source: str) -> list[str]:
    """One warning per block holding letters of a script the voice cannot read, then a count."""
    found = []
    for block in blocks:
        if block.kind == HEADING and not has_latin(block.text):
            continue  # reported with its fallback title, or a divider
        foreign = foreign_text(block.text)
        if foreign:
            script, excerpt = foreign
            found.append(f"{source}:{block.line or 1}: {script} text the voice cannot read: '{excerpt}'")
    if len(found) > MAX_SCRIPT_WARNINGS:
        more = len(found) - MAX_SCRIPT_WARNINGS
        found = found[:MAX_SCRIPT_WARNINGS] + [f"{source}: {more} more block(s) with text the voice cannot read"]
    return found


def _strip_navigation(blocks: list[RawBlock]) -> tuple[str, str, list[RawBlock]]:
    """Drop the blog's trailing "Previous / <title> / Next / <title>" residue; return the neighbour titles.

    The residue is the longest tail made only of navigation and sharing words ("Previous", "Next", "Share
    this:"...) and short one-line titles, starting with such a word. A title right after "Previous" or "Next"
    is that neighbour's title.
    """

    def lines(block: RawBlock) -> list[str]:
        return [collapse_spaces(x) for x in block.text.split("\n") if x.strip()]

    def is_nav(block: RawBlock) -> bool:
        found = lines(block)
        if not found or found[0].lower() not in NAV_WORDS:
            return False
        # "Previous" alone, "Share this: / Facebook / X", or "Previous / <that post's title>" in one block.
        return all(x.lower() in NAV_WORDS for x in found) or (len(found) == 2 and len(found[1]) <= 140)

    def is_title(block: RawBlock) -> bool:
        return block.kind != HEADING and "\n" not in block.text and len(block.text) <= 140

    start = None
    for i in range(len(blocks) - 1, -1, -1):
        if is_nav(blocks[i]):
            start = i
        elif not is_title(blocks[i]):
            break
    if start is None:
        return "", "", blocks
    previous_title = next_title = ""
    for i in range(start, len(blocks)):
        if not is_nav(blocks[i]):
            continue
        found = lines(blocks[i])
        word = found[0].lower()
        if len(found) == 2 and found[1].lower() not in NAV_WORDS:
            title = found[1]
        elif i + 1 < len(blocks) and not is_nav(blocks[i + 1]):
            title = blocks[i + 1].text
        else:
            continue
        if "prev" in word or "older" in word:
            previous_title = title
        elif "next" in word or "newer" in word:
            next_title = title
    return previous_title, next_title, blocks[:start]
