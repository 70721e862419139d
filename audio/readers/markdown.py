"""Markdown through markdown-it-py (CommonMark) and its plugins: front matter, footnotes, tables, definition
lists, MkDocs admonitions and GitHub alerts; raw HTML blocks go through the HTML reader's block walker.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

import yaml
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
from gentle_steps.audio.readers.html import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, read_html_fragment
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# Obsidian-style callouts ("> [!tip] Title") are not GitHub alerts; markdown-it leaves them as quotes whose
# first text starts with the marker. This reads the marker off that parsed text, not off the Markdown source.
_CALLOUT = re.compile(r"^\[!(\w+)\][+-]?[ \t]*(.*)$")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"alerts": True, "tasklists": True, "linkify": False})
    md.enable("table").enable("strikethrough")
    return md.use(front_matter_plugin).use(footnote_plugin).use(deflist_plugin).use(admon_plugin)


def read_markdown(text: str, source: str = "") -> Draft:
    """Markdown with optional YAML front matter (title, date, description, author, id)."""
    walker = _Walker(source)
    walker.run(_parser().parse(text))
    walker.finish()
    return walker.draft


def parse_front_matter(block: str, source: str) -> dict[str, str]:
    """Front matter as strings (dates as ISO text); raises :class:`ArticleError` when it is not YAML."""
    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ArticleError(f"{source}: front matter is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ArticleError(f"{source}: front matter must be 'key: value' lines, not a {type(data).__name__}")
    meta: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list | dict):
            continue  # tags, categories: not used for narration
        elif value is None:
            value = ""
        meta[str(key).lower()] = str(value).strip()
    return meta


@dataclass
class _Item:
    """A list item being read: its text comes before any nested list's items."""

    ordered: bool
    line: int
    parts: list[str] = field(default_factory=list)


class _Walker:
    """Turns markdown-it's token stream into a :class:`Draft`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.draft = Draft()
        self.lists: list[bool] = []
        self.items: list[_Item] = []
        self.heading_level = 0
        self.skip_inline = 0  # inside the type label of an alert or an admonition's title paragraph
        self.quote_start = False  # the next paragraph opens a block quote (a callout marker may lead it)
        self.footnote: list[str] | None = None
        self.row: list[str] | None = None
        self.rows: list[list[str]] = []
        self.table_line = 0
        self.line = 0

    def run(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.map:
                self.line = token.map[0] + 1
            handler = getattr(self, "_" + token.type, None)
            if handler is not None:
                handler(token)

    def _add(self, kind: str, text: str, ordered: bool = False, level: int = 2) -> None:
        if text or kind == DIVIDER:
            self.draft.blocks.append(RawBlock(kind, text, ordered, self.line, level))

    # -- block tokens --------------------------------------------------------------------------------------

    def _front_matter(self, token: Token) -> None:
        self.draft.meta = parse_front_matter(token.content, self.source)

    def _heading_open(self, token: Token) -> None:
        self.heading_level = int(token.tag[1])

    def _heading_close(self, token: Token) -> None:
        self.heading_level = 0

    def _bullet_list_open(self, token: Token) -> None:
        self._flush_item()
        self.lists.append(False)

    def _ordered_list_open(self, token: Token) -> None:
        self._flush_item()
        self.lists.append(True)

    def _bullet_list_close(self, token: Token) -> None:
        self.lists.pop()

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token) -> None:
        self.items.append(_Item(bool(self.lists and self.lists[-1]), self.line))

    def _list_item_close(self, token: Token) -> None:
        self._flush_item()
        self.items.pop()

    def _flush_item(self) -> None:
        if self.items and self.items[-1].parts:
            item = self.items[-1]
            text = "\n".join(item.parts)
            item.parts = []
            if self.footnote is None:
                line, self.line = self.line, item.line
                self._add(ITEM, text, item.ordered)
                self.line = line

    def _blockquote_open(self, token: Token) -> None:
        self.quote_start = True

    def _hr(self, token: Token) -> None:
        self._add(DIVIDER, "")

    def _alert_title_open(self, token: Token) -> None:
        self.skip_inline += 1  # "Note", "Warning": the alert's type, never read

    def _alert_title_close(self, token: Token) -> None:
        self.skip_inline -= 1

    def _admonition_open(self, token: Token) -> None:
        tag, _, title = token.info.strip().partition(" ")
        title = title.strip()
        if len(title) >= 2 and title[0] == title[-1] and title[0] in "\"'":
            title = title[1:-1]
        if title:  # an explicit title is read; the type keyword never is
            self._add(PARAGRAPH, drop_markers(" ".join(title.split())))

    def _admonition_title_open(self, token: Token) -> None:
        self.skip_inline += 1

    def _admonition_title_close(self, token: Token) -> None:
        self.skip_inline -= 1

    def _html_block(self, token: Token) -> None:
        walker = read_html_fragment(token.content, self.line)
        if self.footnote is not None:
            self.footnote.extend(b.text for b in walker.blocks)
            return
        self.draft.blocks.extend(walker.blocks)
        self.draft.footnotes.extend(walker.footnotes)
        self.draft.notes.extend((self.line, note) for _, note in walker.notes)

    def _footnote_open(self, token: Token) -> None:
        self.footnote = []

    def _footnote_close(self, token: Token) -> None:
        if self.footnote:
            self.draft.footnotes.append(" ".join(" ".join(self.footnote).split()))
        self.footnote = None

    def _table_open(self, token: Token) -> None:
        self.rows = []
        self.table_line = self.line

    def _tr_open(self, token: Token) -> None:
        self.row = []

    def _tr_close(self, token: Token) -> None:
        if self.row and any(self.row):
            self.rows.append([c for c in self.row if c])
        self.row = None

    def _table_close(self, token: Token) -> None:
        if not self.rows:
            return
        if max(len(r) for r in self.rows) > MAX_TABLE_COLUMNS or len(self.rows) > MAX_TABLE_ROWS:
            self.draft.notes.append((self.table_line, f"a table of {len(self.rows)} rows is not read aloud (at most "
                                                      f"{MAX_TABLE_ROWS} rows of {MAX_TABLE_COLUMNS} columns are)"))
        else:
            for row in self.rows:
                self._add(ITEM, ", ".join(row))
        self.rows = []

    # -- inline content ------------------------------------------------------------------------------------

    def _inline(self, token: Token) -> None:
        if self.skip_inline:
            return
        children = token.children or []
        if self.quote_start:
            self.quote_start = False
            children = self._callout(children)
        text, bold, in_page = _inline_text(children)
        if in_page and self.row is None and self.footnote is None and not self.heading_level:
            return  # a table of contents entry or "Back to top": links within the page, not words to read
        if self.row is not None:
            self.row.append(" ".join(text.split()))
        elif self.footnote is not None:
            self.footnote.append(text)
        elif self.heading_level:
            self._heading(" ".join(text.split()))
        elif self.items:
            self.items[-1].parts.append(text)
        elif bold and len(text) <= 100 and "\n" not in text and not text.rstrip().endswith((".", "!", ",")):
            self._add(HEADING, text, level=BOLD_LEVEL)
        else:
            self._add(PARAGRAPH, text)

    def _callout(self, children: list[Token]) -> list[Token]:
        """A quote opening with ``[!type] Title``: the title is read as its own paragraph, the type never."""
        if not children or children[0].type != "text":
            return children
        match = _CALLOUT.match(children[0].content)
        if not match:
            return children
        end = next((i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak")), len(children))
        title = Token("text", "", 0, content=match.group(2))
        self._add(PARAGRAPH, _inline_text([title, *children[1:end]])[0])
        return children[end + 1:]

    def _heading(self, text: str) -> None:
        self._add(HEADING, text, level=self.heading_level)

    def finish(self) -> None:
        """A leading level-1 heading is the title: it becomes the title, or goes when front matter has one.

        It stays a section only when the front matter names another title and the file uses level-1
        headings for its sections (more than one of them).
        """
        blocks = self.draft.blocks
        if not blocks or blocks[0].kind != HEADING or blocks[0].level != 1:
            return
        first = blocks[0]
        meta_title = self.draft.meta.get("title", "")
        level_ones = sum(1 for b in blocks if b.kind == HEADING and b.level == 1)
        if not meta_title:
            self.draft.title, self.draft.title_line = first.text, first.line
        elif _loose(meta_title) != _loose(first.text) and level_ones > 1:
            return
        blocks.pop(0)


def _loose(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _inline_text(children: list[Token]) -> tuple[str, bool, bool]:
    """Words of an inline run: link text without its URL, no images, no footnote markers, no HTML tags.

    Returns the text (``\n`` for hard breaks), whether every visible character was bold, and whether every
    visible character was inside links to the same page (``#anchor``).
    """
    parts: list[str] = []
    bold = sup = 0
    bold_chars = anchor_chars = 0
    anchor = False
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            if sup and set(child.content.strip()) <= set("0123456789[]*,-"):
                continue  # <sup>1</sup>: a footnote marker written in HTML
            parts.append(child.content)
            visible = len("".join(child.content.split()))
            bold_chars += visible if bold else 0
            anchor_chars += visible if anchor else 0
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("link_open", "link_close"):
            anchor = kind == "link_open" and str(child.attrs.get("href", "")).startswith("#")
        elif kind == "html_inline":
            tag = child.content.lower()
            if tag.startswith("<br"):
                parts.append("\n")
            elif tag.startswith("<sup"):
                sup += 1
            elif tag.startswith("</sup"):
                sup = max(0, sup - 1)
        # images, footnote references and everything else: not read
    text = drop_markers(tidy("".join(parts)))
    visible = len("".join(text.split()))
    return text, bool(text) and bold_chars >= visible, bool(text) and anchor_chars >= visible
