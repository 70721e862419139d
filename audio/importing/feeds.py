"""RSS and Atom feeds (through feedparser) -> :class:`Entry` list.

Full content comes from ``content:encoded`` / ``atom:content`` (or a Squarespace-style full ``description``);
an item whose content is only an excerpt ("[…]", "Continue reading", a few words) becomes an entry without
``body_html``, so its page is fetched and the article extracted from it.
"""

from __future__ import annotations

import io
from typing import Any

import feedparser
from gentle_steps.audio.importing.entries import (
    Entry,
    SourceError,
    any_date,
    clean_description,
    clean_url,
    looks_truncated,
    plain_text,
    slug_from_url,
)
from gentle_steps.audio.text import collapse_spaces


def parse_feed(data: bytes, url: str, content_type: str = "") -> list[Entry]:
    """Every item of an RSS or Atom feed; raises :class:`SourceError` when ``data`` is not a feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never a string: feedparser treats a string as a URL or path and would open it.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem).splitlines()[0][:120]})" if problem else ""
        raise SourceError(f"{url}: not an RSS or Atom feed{detail}")
    feed_author = _name(parsed.feed)
    return [entry for item in parsed.entries if (entry := _entry(item, url, feed_author)) is not None]


def _entry(item: Any, source: str, feed_author: str) -> Entry | None:
    link = item.get("link") or (item.get("id") if item.get("guidislink") else "")
    if not link or not link.startswith(("http://", "https://")):
        return None  # an item with no page of its own cannot be kept in sync
    url = clean_url(link)
    title = _title(item)
    summary = item.get("summary", "") or ""
    content = next((c.get("value", "") for c in item.get("content", []) or [] if c.get("value")), "")
    body = content or summary
    entry = Entry(
        url=url,
        title=title,
        published=any_date(item.get("published", "") or item.get("updated", "")),
        author=_name(item) or feed_author,
        description=clean_description(summary if summary and summary != body else body),
        categories=_terms(item),
        image=_image(item),
        body_html=None if looks_truncated(body) else body,
        slug=slug_from_url(url, title),
        origin=source,
    )
    return entry


def _title(item: Any) -> str:
    """feedparser has already decoded the title; only an HTML-typed one still holds markup."""
    detail = item.get("title_detail") or {}
    raw = item.get("title", "") or ""
    return plain_text(raw) if detail.get("type") == "text/html" else collapse_spaces(raw)


def _name(node: Any) -> str:
    detail = node.get("author_detail") or {}
    return plain_text(detail.get("name") or node.get("author", "") or "")


def _terms(item: Any) -> list[str]:
    seen: list[str] = []
    for tag in item.get("tags", []) or []:
        term = plain_text(tag.get("label") or tag.get("term") or "")
        if term and term not in seen and term.lower() != "uncategorized":
            seen.append(term)
    return seen


def _image(item: Any) -> str:
    """Featured image: media:content / media:thumbnail (Ghost, Substack), else an image enclosure."""
    for media in (item.get("media_content") or []) + (item.get("media_thumbnail") or []):
        url = media.get("url", "")
        if url and media.get("medium", "image") == "image":
            return url
    for enclosure in item.get("enclosures", []) or []:
        if enclosure.get("type", "").startswith("image/") and enclosure.get("href"):
            return enclosure["href"]
    return ""
