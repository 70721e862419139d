"""WordPress export files (WXR, Tools > Export) -> :class:`Entry` list, streamed.

Two passes over the file: the first collects author display names and attachment URLs (for featured images,
which WordPress stores as a ``_thumbnail_id`` pointing at an attachment item that may come later); the second
yields each published post. Post content in an export is the raw editor text: classic-editor posts have no
``<p>`` tags (WordPress adds them on display), so blank-line paragraphs are wrapped here, and shortcodes are
removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gentle_steps.audio.importing.entries import (
    Entry,
    clean_description,
    clean_url,
    plain_text,
    slug_from_url,
)
from gentle_steps.audio.importing.xmlstream import child_text, iter_elements, local, namespace
from gentle_steps.audio.text import collapse_spaces

_WP = "http://wordpress.org/export/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"


@dataclass
class Skipped:
    """An item of the export that is not imported, and why."""

    url: str
    reason: str


@dataclass
class _Index:
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, str] = field(default_factory=dict)


def is_wxr(data: bytes) -> bool:
    """True when the first 64 KB declare the WordPress export namespace."""
    return _WP.encode() in data[:65536]


def parse_wxr(source: Path | bytes, label: str) -> Iterator[Entry | Skipped]:
    """Every post of the export: an :class:`Entry` when published, a :class:`Skipped` for drafts and the like."""
    index = _Index()
    for element in iter_elements(source, {"author", "item"}, label):
        if local(element) == "author" and namespace(element).startswith(_WP):
            login = child_text(element, "author_login")
            index.authors[login] = child_text(element, "author_display_name") or login
        elif local(element) == "item" and child_text(element, "post_type", _WP) == "attachment":
            url = child_text(element, "attachment_url", _WP)
            if url:
                index.attachments[child_text(element, "post_id", _WP)] = url
    for element in iter_elements(source, {"item"}, label):
        if child_text(element, "post_type", _WP) != "post":
            continue  # pages, attachments, menu items, reusable blocks: not articles
        yield _post(element, index, label)


def _post(item, index: _Index, label: str) -> Entry | Skipped:
    link = child_text(item, "link") or child_text(item, "guid")
    title = collapse_spaces(html.unescape(child_text(item, "title")))
    status = child_text(item, "status", _WP)
    if status != "publish":
        return Skipped(link or title, f"not published ({status or 'no status'})")
    if child_text(item, "post_password", _WP):
        return Skipped(link, "password-protected")
    if not link.startswith(("http://", "https://")):
        return Skipped(title, "no permalink in the export")
    content = wpautop(strip_shortcodes(child_text(item, "encoded", _CONTENT)))
    categories, tags = [], []
    for child in item:
        if local(child) == "category" and child.text and child.get("nicename") != "uncategorized":
            (tags if child.get("domain") == "post_tag" else categories).append(plain_text(child.text))
    thumbnail = next((child_text(meta, "meta_value", _WP) for meta in item
                      if local(meta) == "postmeta" and child_text(meta, "meta_key", _WP) == "_thumbnail_id"), "")
    url = clean_url(link)
    creator = child_text(item, "creator")
    return Entry(
        url=url,
        title=title,
        published=_local_time(child_text(item, "post_date", _WP), child_text(item, "post_date_gmt", _WP)),
        author=index.authors.get(creator, creator),
        description=clean_description(child_text(item, "encoded", _WP)),
        categories=categories,
        tags=tags,
        image=index.attachments.get(thumbnail, ""),
        body_html=content,
        slug=child_text(item, "post_name", _WP) or slug_from_url(url, title),
        origin=label,
    )


def _local_time(local_text: str, gmt_text: str) -> str:
    """WordPress's local post time with its offset, worked out from the local and GMT times it stores."""
    try:
        moment = datetime.strptime(local_text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ""
    try:
        offset = moment - datetime.strptime(gmt_text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return moment.date().isoformat()
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{moment.isoformat()}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_SHORTCODES = re.compile(
    r"\[/?(?:caption|gallery|embed|video|audio|playlist|contact-form-7|contact-form|wpforms|"
    r"(?:et_pb|vc|fusion|elementor)_[\w-]*)(?:\s[^\]]*)?\]", re.I)
_BLOCK_START = re.compile(r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|div|figure|table|pre|hr|section|!--)[\s>/]", re.I)


_CAPTION = re.compile(r"\[caption[^\]]*\]\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*?)\[/caption\]",
                      re.I | re.S)


def strip_shortcodes(text: str) -> str:
    """Remove WordPress shortcodes (``[gallery]``, page-builder codes), keeping enclosed text; a ``[caption]``
    becomes the ``<figure>`` WordPress would show, so its caption stays out of the narration."""
    text = _CAPTION.sub(lambda m: f"<figure>{m.group(1)}<figcaption>{m.group(2).strip()}</figcaption></figure>", text)
    return _SHORTCODES.sub("", text)


def wpautop(text: str) -> str:
    """Wrap the blank-line paragraphs of raw editor text in ``<p>`` (what WordPress does when it displays them);
    chunks that already start with a block element (Gutenberg blocks, headings, lists) are left alone."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    out = []
    for chunk in chunks:
        out.append(chunk if _BLOCK_START.match(chunk) else "<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)
