"""Readers: plain text pasted from a blog, Markdown with front matter, and saved HTML pages -> :class:`Article`.

The format is chosen by extension and confirmed by content (a ``.txt`` that is really HTML is read as HTML).
Every reader produces the same intermediate: a title, front-matter metadata and a flat list of blocks
(heading, paragraph, item); :func:`assemble` turns that into sections, drops blog navigation residue and
keeps a trailing References/Sources/Footnotes list out of the narration.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from gentle_steps.audio.model import Article, ArticleSection, Block
from gentle_steps.audio.text import collapse_spaces, slugify, starts_with_emoji, strip_emoji, unique_slug

MAX_BYTES = 2 * 1024 * 1024
"""Articles larger than this are refused (a pasted article is a few kilobytes)."""

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
              ".html": "html", ".htm": "html"}
"""Article file extensions and the reader each selects."""

_BULLET = re.compile(r"^\s*(?:[•◦▪‣●∙·]|[-*+](?=\s))\s*")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_REFERENCE_HEADINGS = {"references", "sources", "footnotes", "notes", "bibliography", "citations"}
_NAV_WORDS = {"previous", "next", "previous post", "next post", "older post", "newer post", "« previous",
              "next »", "← previous", "next →"}


class ArticleError(ValueError):
    """An article cannot be read; the message names the file and the problem."""


@dataclass
class _Draft:
    """What a format-specific reader hands to :func:`assemble`."""

    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


# --- Entry point --------------------------------------------------------------------------------------------


def read_article(path: Path, content_dir: Path) -> Article:
    """Read one article file; raises :class:`ArticleError` with the file name and the problem."""
    rel = path.relative_to(content_dir).as_posix() if path.is_relative_to(content_dir) else str(path)
    if not path.is_file():
        raise ArticleError(f"{rel}: file not found")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ArticleError(f"{rel}: file is {size / 1048576:.1f} MB; articles must be at most 2 MB")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{rel}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{rel}: not UTF-8 text (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise ArticleError(f"{rel}: the article is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    kind = EXTENSIONS.get(path.suffix.lower(), "text")
    if kind != "html" and re.match(r"\s*(<!doctype html|<html[\s>])", text, re.IGNORECASE):
        kind = "html"  # confirmed by content: a saved page with the wrong extension
    draft = {"text": read_plain, "markdown": read_markdown, "html": read_html}[kind](text)
    article = assemble(draft, rel)
    if not any(s.blocks for s in article.sections):
        raise ArticleError(f"{rel}: no article text left after cleaning")
    return article


# --- Plain text ---------------------------------------------------------------------------------------------


def read_plain(text: str) -> _Draft:
    """Text pasted from a blog: title on the first line, blank lines between paragraphs.

    A short line standing alone that starts with an emoji is a heading; lines starting with a bullet glyph
    (or "- ") are list items; numbered lines are numbered items. Lines within one paragraph are kept as
    separate sentences-in-a-paragraph (blogs often put one sentence on each line).
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    draft = _Draft()
    if paragraphs:
        first_lines = paragraphs[0].split("\n")
        draft.title = collapse_spaces(first_lines[0])
        rest = "\n".join(first_lines[1:]).strip()
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    for para in paragraphs:
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if len(lines) == 1 and _is_plain_heading(lines[0]):
            draft.blocks.append(Block("heading", collapse_spaces(lines[0])))
            continue
        run: list[str] = []
        for line in lines:
            if _BULLET.match(line) or _NUMBERED.match(line):
                if run:
                    draft.blocks.append(Block("paragraph", "\n".join(run)))
                    run = []
                ordered = bool(_NUMBERED.match(line))
                item = (_NUMBERED if ordered else _BULLET).sub("", line, count=1)
                draft.blocks.append(Block("item", collapse_spaces(item), ordered))
            else:
                run.append(collapse_spaces(line))
        if run:
            draft.blocks.append(Block("paragraph", "\n".join(run)))
    return draft


def _is_plain_heading(line: str) -> bool:
    line = line.strip()
    return starts_with_emoji(line) and len(line) <= 100 and not line.endswith((".", ","))


# --- Markdown -----------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)


def read_markdown(text: str) -> _Draft:
    """Markdown with optional YAML front matter (title, date, description, author, id)."""
    draft = _Draft()
    match = _FRONT_MATTER.match(text)
    if match:
        draft.meta = _parse_front_matter(match.group(1))
        text = text[match.end():]
    draft.title = draft.meta.get("title", "")
    # Drop HTML comments and fenced code (never narrated).
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.DOTALL | re.MULTILINE)
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        run: list[str] = []

        def flush(run: list[str] = run) -> None:
            if run:
                draft.blocks.append(Block("paragraph", "\n".join(run)))
                run.clear()

        for line in lines:
            heading = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if heading:
                flush()
                level, words = len(heading.group(1)), _inline_markdown(heading.group(2))
                if level == 1 and not draft.title and not draft.blocks:
                    draft.title = words
                elif words:
                    draft.blocks.append(Block("heading", words))
                continue
            if re.match(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", line):  # thematic break
                flush()
                continue
            if _BULLET.match(line) or _NUMBERED.match(line):
                flush()
                ordered = bool(_NUMBERED.match(line))
                item = (_NUMBERED if ordered else _BULLET).sub("", line, count=1)
                draft.blocks.append(Block("item", _inline_markdown(item), ordered))
                continue
            if re.match(r"^\s{2,}\S", line) and draft.blocks and draft.blocks[-1].kind == "item" and not run:
                last = draft.blocks.pop()  # continuation line of a list item
                draft.blocks.append(Block("item", collapse_spaces(last.text + " " + _inline_markdown(line)),
                                          last.ordered))
                continue
            line = re.sub(r"^\s{0,3}>\s?", "", line)  # block quote marker
            run.append(_inline_markdown(line))
        flush()
    # A paragraph that is only bold text is a heading.
    blocks = []
    for block in draft.blocks:
        if block.kind == "paragraph" and _BOLD_ONLY.fullmatch(block.text):
            blocks.append(Block("heading", collapse_spaces(_BOLD_ONLY.fullmatch(block.text).group(2))))
        else:
            blocks.append(block)
    draft.blocks = [Block(b.kind, _strip_bold(b.text), b.ordered) for b in blocks if _strip_bold(b.text).strip()]
    return draft


_BOLD_ONLY = re.compile(r"\s*(\*\*|__)([^*_\n][^\n]*?)\1\s*")


def _strip_bold(text: str) -> str:
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)


def _inline_markdown(text: str) -> str:
    """Inline Markdown to plain words; bold markers stay so a bold-only paragraph can be recognised."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)  # reference links
    text = re.sub(r"\[\^[^\]]+\]", "", text)  # footnote markers
    text = re.sub(r"<https?://[^>]+>", "", text)  # autolinks
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(?<![*\w])\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)", r"\1", text)  # *em*
    text = re.sub(r"(?<![_\w])_(?!_)([^_\n]+)(?<!_)_(?![_\w])", r"\1", text)  # _em_
    text = re.sub(r"~~(.+?)~~", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = text.replace("\\", "")
    return collapse_spaces(html.unescape(text))


def _parse_front_matter(block: str) -> dict[str, str]:
    """The small YAML subset front matter uses: ``key: value`` lines, quoted or not."""
    meta: dict[str, str] = {}
    for line in block.split("\n"):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if not match:
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        meta[match.group(1).lower()] = value
    return meta


# --- HTML ---------------------------------------------------------------------------------------------------

_DROP_TAGS = {"head", "nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template",
              "svg", "button", "select", "textarea", "iframe", "figure"}
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "pre", "td"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


class _HtmlBlocks(HTMLParser):
    """Collects text blocks, skipping dropped subtrees; notes whether an <article> or <main> exists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth = 0
        self.blocks: list[tuple[str, str, int, bool, bool]] = []  # (tag, text, main_depth>0, bold_only, ordered)
        self.current: list[str] = []
        self.current_tag = ""
        self.bold_chars = 0
        self.bold_depth = 0
        self.main_depth = 0
        self.list_stack: list[bool] = []
        self.meta: dict[str, str] = {}
        self.in_title = False
        self.page_title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("name", a.get("property", "")).lower() in ("description", "author",
                                                                              "og:title", "article:published_time"):
            self.meta[a.get("name", a.get("property", "")).lower()] = a.get("content", "")
        if tag == "title":
            self.in_title = True
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.meta.setdefault("canonical", a.get("href", "").strip())
        if tag in _VOID:
            if tag == "br" and not self.skip_depth:
                self.current.append("\n")
            return
        self.stack.append(tag)
        if self.skip_depth or tag in _DROP_TAGS or a.get("role") in ("navigation", "banner", "contentinfo"):
            self.skip_depth += 1
            return
        if tag in ("article", "main"):
            self.main_depth += 1
        if tag in ("ul", "ol"):
            self.list_stack.append(tag == "ol")
        if tag in _BLOCK_TAGS:
            self._flush()
            self.current_tag = tag
        if tag in ("strong", "b"):
            self.bold_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            else:
                if top in ("article", "main"):
                    self.main_depth -= 1
                if top in ("ul", "ol") and self.list_stack:
                    self.list_stack.pop()
                if top in _BLOCK_TAGS:
                    self._flush()
                if top in ("strong", "b"):
                    self.bold_depth -= 1
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title += data
        if self.skip_depth:
            return
        self.current.append(data)
        if self.bold_depth:
            self.bold_chars += len(data.strip())

    def _flush(self) -> None:
        raw = "".join(self.current)
        text = collapse_spaces(raw)
        bold_only = bool(text) and self.bold_chars >= len(re.sub(r"\s", "", text))
        if text:
            ordered = bool(self.list_stack and self.list_stack[-1])
            self.blocks.append((self.current_tag or "p", text, self.main_depth, bold_only, ordered))
        self.current, self.current_tag, self.bold_chars = [], "", 0

    def close(self) -> None:
        super().close()
        self._flush()


def read_html(text: str) -> _Draft:
    """A saved web page: the <article> (or <main>, or <body>) content without page furniture."""
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    blocks = parser.blocks
    if any(b[2] for b in blocks):
        blocks = [b for b in blocks if b[2]]  # the page marks its main content: use only that
    draft = _Draft(meta={k.split(":")[-1].replace("published_time", "date"): v for k, v in parser.meta.items()})
    for tag, words, _, bold_only, ordered in blocks:
        if tag == "h1" and not draft.title:
            draft.title = words
        elif tag in ("h1", "h2", "h3", "h4") or (tag == "p" and bold_only and len(words) <= 120):
            draft.blocks.append(Block("heading", words))
        elif tag == "li":
            draft.blocks.append(Block("item", words, ordered))
        else:
            draft.blocks.append(Block("paragraph", words))
    if not draft.title:
        draft.title = collapse_spaces(parser.meta.get("og:title", "") or parser.page_title)
    return draft


# --- From blocks to an article ------------------------------------------------------------------------------


def assemble(draft: _Draft, source: str) -> Article:
    """Sections from a draft: navigation residue removed, references kept aside, stable ids assigned."""
    blocks = list(draft.blocks)
    title = collapse_spaces(draft.meta.get("title") or draft.title)
    if not title:
        raise ArticleError(f"{source}: no title found (first line, front-matter title or <h1>)")

    previous_title, next_title, blocks = _strip_navigation(blocks)

    references: list[str] = []
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].kind == "heading" and strip_emoji(blocks[i].text).rstrip(":").strip().lower() in _REFERENCE_HEADINGS:
            references = [b.text for b in blocks[i + 1:]]
            blocks = blocks[:i]
            break

    article = Article(id=slugify(draft.meta.get("id") or title, "episode"), title=strip_emoji(title) or title,
                      source=source, date=draft.meta.get("date", "")[:10], description=draft.meta.get("description", ""),
                      author=draft.meta.get("author", ""), canonical_url=draft.meta.get("canonical", ""),
                      references=references,
                      previous_title=previous_title, next_title=next_title)
    if draft.meta.get("id"):
        article.id = slugify(draft.meta["id"], "episode")

    taken: set[str] = set()
    current = ArticleSection(heading="", title="Introduction", id=unique_slug("introduction", taken))
    for block in blocks:
        if block.kind == "heading":
            if current.blocks or current.heading:
                article.sections.append(current)
            name = strip_emoji(block.text).strip(" :") or block.text
            current = ArticleSection(heading=block.text, title=name, id=unique_slug(slugify(name, "section"), taken))
        else:
            current.blocks.append(block)
    if current.blocks or current.heading:
        article.sections.append(current)
    article.sections = [s for s in article.sections if s.blocks or s is not article.sections[0]]
    if not any(s.heading for s in article.sections):
        article.warnings.append(f"{source}: no headings found; the article becomes one section")
        for section in article.sections:
            section.title = article.title
    if not article.description:
        first = next((b.text for s in article.sections for b in s.blocks if b.kind == "paragraph"), "")
        article.description = collapse_spaces(first)[:300]
    return article


def _strip_navigation(blocks: list[Block]) -> tuple[str, str, list[Block]]:
    """Drop the blog's trailing "Previous / <title> / Next / <title>" residue; return the neighbour titles.

    The residue is the longest tail made only of navigation words ("Previous", "Next", ...) and short one-line
    titles, starting with a navigation word. A title right after a navigation word is that neighbour's title.
    """

    def is_nav(block: Block) -> bool:
        lines = [collapse_spaces(x).lower() for x in block.text.split("\n") if x.strip()]
        return bool(lines) and all(x in _NAV_WORDS for x in lines)

    def is_title(block: Block) -> bool:
        return block.kind != "heading" and "\n" not in block.text and len(block.text) <= 140

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
        if is_nav(blocks[i]) and i + 1 < len(blocks) and not is_nav(blocks[i + 1]):
            word = blocks[i].text.lower()
            if "prev" in word or "older" in word:
                previous_title = blocks[i + 1].text
            else:
                next_title = blocks[i + 1].text
    return previous_title, next_title, blocks[:start]
