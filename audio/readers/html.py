"""Saved web pages: the article's main content (see :mod:`gentle_steps.audio.extract`) read into blocks.

:class:`HtmlBlocks` also reads the raw HTML blocks a Markdown file may hold, so both formats share one idea of
what is read: headings, paragraphs, list items, quotes and callouts (as their paragraphs), definition lists, and
small tables row by row; never code, images, forms, scripts or footnote markers.
"""

from __future__ import annotations

import lxml.etree
import lxml.html
from gentle_steps.audio.extract import extract_page
from gentle_steps.audio.page_marks import is_backlink as _is_backlink
from gentle_steps.audio.readers.draft import (
    BOLD_LEVEL,
    DIVIDER,
    HEADING,
    ITEM,
    PARAGRAPH,
    ArticleError,
    Draft,
    RawBlock,
    drop_markers,
    tidy,
)

_SKIP = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "img", "picture", "svg",
         "video", "audio", "iframe", "object", "embed", "canvas", "form", "input", "button", "select", "textarea",
         "nav", "pre", "figure", "math", "map", "dialog"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "dt", "dd", "address", "summary", "caption", "figcaption"}
_BLOCKISH = _HEADINGS | _PARAGRAPHS | {"ul", "ol", "li", "table", "blockquote", "div", "section", "article", "main",
                                       "aside", "header", "footer", "dl", "details", "hr", "pre", "figure"}
_IN_PAGE_LINKS = "./a[starts-with(@href, '#')] | ./*/a[starts-with(@href, '#')]"
_NESTED = ("ul", "ol", "table", "blockquote", "pre")
_MARKER_CHARS = set("0123456789[]()*\u2020\u2021\u00a7, -")
MAX_TABLE_COLUMNS = 6
"""Wider tables are not read aloud (a note says so): a listener cannot hold more columns than this."""
MAX_TABLE_ROWS = 30
"""Longer tables are not read aloud (a note says so)."""


def _is_marker(el: lxml.html.HtmlElement) -> bool:
    """A footnote marker: ``<sup>1</sup>``, ``<a href="#fn1">[1]</a>``, ``<sup><a href="#fn2">*</a></sup>``."""
    text = "".join(el.itertext()).strip()
    if not text or len(text) > 8 or not set(text) <= _MARKER_CHARS:
        return False
    if el.tag == "sup":
        return True
    href = el.get("href") or ""
    return el.tag == "a" and href.startswith("#")


class HtmlBlocks:
    """Walks an HTML element tree in reading order and collects :class:`RawBlock` items and footnotes."""

    def __init__(self, line: int = 0) -> None:
        self.blocks: list[RawBlock] = []
        self.footnotes: list[str] = []
        self.notes: list[tuple[int, str]] = []
        self.line = line
        self._lists: list[bool] = []
        self._footnote_next = False
        self._loose: list[str] = []

    # -- inline text ---------------------------------------------------------------------------------------

    def _inline(self, el: lxml.html.HtmlElement, stop: frozenset[str] = frozenset()) -> tuple[str, bool, bool]:
        """Text of ``el`` (line breaks kept), whether it is all bold, and whether it holds a footnote backlink."""
        raw, bold_chars, backlink = _inline_parts(el, stop)
        text = drop_markers(tidy(raw))
        return text, bool(text) and bold_chars >= len("".join(text.split())), backlink

    # -- blocks --------------------------------------------------------------------------------------------

    def walk(self, el: lxml.html.HtmlElement) -> None:
        """Read ``el``'s children (not ``el`` itself) into blocks."""
        self._loose_text(el.text)
        for child in el:
            self._element(child)
            self._loose_text(child.tail)
        self._flush()

    def _add(self, kind: str, text: str, ordered: bool = False, level: int = 2) -> None:
        if text or kind == DIVIDER:
            self.blocks.append(RawBlock(kind, text, ordered, self.line, level))

    def _loose_text(self, text: str | None) -> None:
        if text:
            self._loose.append(" ".join(text.split("\n")))

    def _flush(self) -> None:
        text = drop_markers(tidy("".join(self._loose)))
        self._loose = []
        self._add(PARAGRAPH, text)

    def _element(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP:
            return
        if tag not in _BLOCKISH:
            # Inline content standing loose in a container: gathered into a paragraph.
            if not _is_marker(el) and not _is_backlink(el):
                self._loose.append("\n" if tag == "br" else _inline_parts(el, frozenset())[0])
            return
        self._flush()
        if tag in _HEADINGS and not any(a.tag == "aside" for a in el.iterancestors()):
            self._add(HEADING, self._inline(el)[0], level=int(tag[1]))
        elif tag in _HEADINGS:
            self._add(PARAGRAPH, self._inline(el)[0])  # a callout's title: read, but not a new section
        elif tag in _PARAGRAPHS:
            text, bold, backlink = self._inline(el)
            if backlink or self._footnote_next:
                # A footnote, or the number that heads one (the footnote's text is the next paragraph).
                self._footnote_next = backlink and not text
                if text:
                    self.footnotes.append(text)
                return
            self._add(HEADING if bold and _reads_as_heading(text) else PARAGRAPH, text, level=BOLD_LEVEL)
        elif tag in ("ul", "ol"):
            self._lists.append(tag == "ol")
            self.walk(el)
            self._lists.pop()
        elif tag == "li":
            self._item(el)
        elif tag == "hr":
            self._add(DIVIDER, "")
        elif tag == "table":
            self._table(el)
        elif el.get("role") in ("doc-endnotes", "doc-footnotes"):
            self.footnotes += [t for t in (self._inline(li)[0] for li in el.iter("li")) if t]
        elif _is_footnote(el):
            self.footnotes.append(self._inline(el)[0])
        else:
            self.walk(el)

    def _item(self, el: lxml.html.HtmlElement) -> None:
        text, _, backlink = self._inline(el, _NESTED)
        in_page = "".join(" ".join(a.itertext()) for a in el.xpath(_IN_PAGE_LINKS))
        if text and not backlink and len("".join(in_page.split())) >= len("".join(text.split())):
            text = ""  # a table of contents entry: a link within the page, not words to read
        if backlink:
            self.footnotes.append(text)
            return
        self._add(ITEM, text, bool(self._lists and self._lists[-1]))
        for nested in el.iterdescendants(*_NESTED):
            owner = next(a for a in nested.iterancestors() if a is el or a.tag in _NESTED or a.tag == "li")
            if owner is el:
                self._element(nested)

    def _table(self, el: lxml.html.HtmlElement) -> None:
        rows = [r for r in el.iter("tr") if _owner_table(r) is el]
        if any(cell.xpath(".//p | .//div | .//ul | .//ol | .//table") for r in rows for cell in r):
            for row in rows:  # a layout table: its cells are ordinary containers
                for cell in row:
                    self.walk(cell)
            return
        cells = [[self._inline(c)[0] for c in r if c.tag in ("td", "th")] for r in rows]
        cells = [[c for c in row if c] for row in cells]
        cells = [row for row in cells if row]
        if not cells:
            return
        if max(len(r) for r in cells) > MAX_TABLE_COLUMNS or len(cells) > MAX_TABLE_ROWS:
            self.notes.append((self.line, f"a table of {len(cells)} rows is not read aloud (at most {MAX_TABLE_ROWS} "
                                          f"rows of {MAX_TABLE_COLUMNS} columns are)"))
            return
        for row in cells:
            self._add(ITEM, ", ".join(row))


def _inline_parts(el: lxml.html.HtmlElement, stop: frozenset[str]) -> tuple[str, int, bool]:
    """Raw text of ``el``'s content, the count of its bold characters, and whether it holds a backlink.

    Block children (paragraphs inside a list item) become line breaks; ``stop`` names tags left out
    (nested lists, read as their own items). The element's own tail is not included.
    """
    parts: list[str] = []
    bold_chars = 0
    backlink = False

    def add(text: str | None, bold: bool) -> None:
        nonlocal bold_chars
        if text:
            parts.append(" ".join(text.split("\n")))  # a line break in HTML source is a space; <br> is a break
            if bold:
                bold_chars += len("".join(text.split()))

    # An explicit stack, not recursion: a page may nest inline tags deeper than Python's recursion limit.
    start_bold = el.tag in ("strong", "b")
    add(el.text, start_bold)
    stack: list[tuple[lxml.html.HtmlElement, bool, int]] = [(el, start_bold, 0)]
    while stack:
        node, bold, index = stack.pop()
        if index >= len(node):
            if node is not el:
                if node.tag in _BLOCKISH:
                    parts.append("\n")
                add(node.tail, stack[-1][1] if stack else bold)
            continue
        stack.append((node, bold, index + 1))
        child = node[index]
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append("\n")
            add(child.tail, bold)
        elif _is_backlink(child):
            backlink = True
            add(child.tail, bold)
        elif not tag or tag in _SKIP or tag in stop or _is_marker(child):
            add(child.tail, bold)
        else:
            child_bold = bold or tag in ("strong", "b")
            if tag in _BLOCKISH:
                parts.append("\n")
            add(child.text, child_bold)
            stack.append((child, child_bold, 0))
    return "".join(parts), bold_chars, backlink


def _is_footnote(el: lxml.html.HtmlElement) -> bool:
    """A container holding one footnote: its first link points back to the marker, and it holds no list."""
    first = next(el.iter("a"), None)
    return first is not None and _is_backlink(first) and not el.xpath(".//li") and \
        len("".join(el.itertext())) < 1000


def _owner_table(row: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    return next(row.iterancestors("table"), None)


def _reads_as_heading(text: str) -> bool:
    """A bold line that stands as a heading: short, one line, not a sentence ending in a full stop."""
    return len(text) <= 100 and "\n" not in text and not text.rstrip().endswith((".", "!", ","))


def read_html_fragment(fragment: str, line: int = 0) -> HtmlBlocks:
    """Blocks of an HTML fragment (a raw HTML block inside Markdown); every block gets ``line``."""
    walker = HtmlBlocks(line)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return walker
    walker.walk(root)
    return walker


def read_html(text: str, source: str = "") -> Draft:
    """A saved web page: its article (title, metadata, blocks, footnotes) without the page's furniture."""
    page = extract_page(text)
    if page is None:
        raise ArticleError(f"{source}: no article found in the page (no text outside menus, links, forms and pictures)")
    root = lxml.html.fragment_fromstring(page.html, create_parent="div")
    walker = HtmlBlocks()
    walker.walk(root)
    canonical = lxml.html.fromstring(text).xpath("string(//link[contains(concat(' ', normalize-space(@rel), ' '), "
                                                 "' canonical ')]/@href)").strip()
    draft = Draft(meta={k: v for k, v in (("date", page.date), ("description", page.description),
                                         ("author", page.author), ("canonical", canonical)) if v},
                  footnotes=walker.footnotes, notes=walker.notes)
    # Counters and badges a theme leaves in the article ("1.2K", "14"): no word in them.
    blocks = [b for b in walker.blocks if b.kind != PARAGRAPH or _has_word(b.text)]
    if blocks and blocks[0].kind == HEADING and blocks[0].level == 1:
        draft.title = blocks.pop(0).text
        if blocks and blocks[0].kind == HEADING and len(blocks[0].text.split()) >= 8:
            blocks[0] = RawBlock(PARAGRAPH, blocks[0].text)  # a subtitle under the title, not a section
    draft.title = draft.title or page.title
    draft.blocks = blocks
    for block in draft.blocks:
        block.line = _line_of(text, block.text)
    return draft


def _has_word(text: str) -> bool:
    return any(sum(ch.isalpha() for ch in word) >= 2 for word in text.split())


def _line_of(source: str, text: str) -> int:
    """Best-effort source line of a block (0 when its words cannot be found as written)."""
    words = text.split()[:4]
    if not words:
        return 0
    for probe in (" ".join(words), words[0] if len(words[0]) > 3 else ""):
        at = source.find(probe) if probe else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return 0
