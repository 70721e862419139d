"""What every source yields: :class:`Entry`, one article found in a feed, export, sitemap or page, with the
small helpers that tidy its fields (dates with their offset kept, descriptions, slugs from URLs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from gentle_steps.audio.text import collapse_spaces, slugify
from lxml import html as lxml_html


class SourceError(ValueError):
    """A source cannot be imported at all; ``str()`` is one line naming it and the problem."""

    def __init__(self, message: str, *, network: bool = False) -> None:
        super().__init__(message)
        self.network = network
        """True when the cause is an unreachable site (exit status 1), not bad input (exit status 2)."""


@dataclass
class Entry:
    """One article a source names; ``body_html`` is None until its page has been read."""

    url: str
    """The article's canonical URL (the sync key), or for an entry still to be read, its page."""

    title: str = ""
    """The article's title as published."""

    published: str = ""
    """Publication time, ISO 8601 with the site's own offset (``2024-03-05T09:00:00+01:00``), or a date."""

    author: str = ""
    """Author's display name."""

    description: str = ""
    """Plain-text summary, at most about 300 characters."""

    categories: list[str] = field(default_factory=list)
    """Categories (WordPress categories, feed categories, article:section)."""

    tags: list[str] = field(default_factory=list)
    """Tags (WordPress tags, article:tag)."""

    image: str = ""
    """Featured image URL."""

    body_html: str | None = None
    """The article's content as HTML; None when the page at ``url`` must be fetched and extracted."""

    slug: str = ""
    """Preferred file name stem (the site's own slug when it has one)."""

    origin: str = ""
    """The source that named this entry (for messages)."""

    def date(self) -> str:
        """The publication date ``YYYY-MM-DD`` (the site's local day), or ""."""
        return self.published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", self.published) else ""


def iso_from_rfc822(value: str) -> str:
    """An RSS date (``Tue, 05 Mar 2024 09:00:00 +0100``) as ISO 8601 keeping its offset; "" when unreadable."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return iso_from_iso(value)
    if moment is None:
        return ""
    return moment.isoformat()


def iso_from_iso(value: str) -> str:
    """An Atom/W3C date-time or date, normalised (``Z`` becomes ``+00:00``); "" when unreadable."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00")).isoformat()
    except ValueError:
        return ""


def any_date(value: str) -> str:
    """RFC 822 or ISO 8601, whichever parses."""
    value = (value or "").strip()
    if not value:
        return ""
    return iso_from_iso(value) if re.match(r"\d{4}-\d{2}-\d{2}", value) else iso_from_rfc822(value)


_TRAILERS = (
    re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?\.?\s*$", re.S),  # Yoast's default RSS footer
    re.compile(r"\s*(Continue reading|Read more|Read the full (post|article))\b.{0,120}$", re.I | re.S),
    re.compile(r"\s*(\[(…|&hellip;|\.\.\.)\]|\[…\])\s*$"),
)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment with its spaces collapsed."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return collapse_spaces(fragment)
    try:
        node = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises a few unrelated types on odd fragments  # noqa: BLE001
        return collapse_spaces(re.sub(r"<[^>]+>", " ", fragment))
    for junk in node.xpath(".//script|.//style"):
        junk.drop_tree()
    return collapse_spaces(node.text_content())


def clean_description(fragment: str, limit: int = 300) -> str:
    """A feed or page summary as plain text: markup, "The post ... appeared first on" and "[…]" removed,
    cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = plain_text(fragment)
    for trailer in _TRAILERS:
        text = trailer.sub("", text)
    text = text.strip().rstrip("…").strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def looks_truncated(fragment: str) -> bool:
    """True for feed content that is an excerpt: short, or ending in "[…]" / "Continue reading"."""
    text = plain_text(fragment)
    if len(text.split()) < 40:
        return True
    tail = text[-160:]
    return bool(re.search(r"(\[(…|\.\.\.)\]|…|Continue reading|Read more|Read the full (post|article))\W{0,6}"
                          r"(\S+\W{0,3}){0,10}$", tail, re.I))


_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref)$", re.I)


def clean_url(url: str) -> str:
    """A URL without its fragment and tracking parameters (``utm_*``, ``fbclid``...), so one article has one key."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def slug_from_url(url: str, title: str) -> str:
    """The site's own slug (last path segment, extension dropped), else the title's slug."""
    path = unquote(urlsplit(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1] if path else ""
    last = re.sub(r"\.(html?|php|aspx?)$", "", last, flags=re.I)
    if last and not last.isdigit() and last.lower() not in ("index", "post", "p", "blog", "article"):
        slug = slugify(last, "")
        if slug:
            return slug
    return slugify(title, "article")
