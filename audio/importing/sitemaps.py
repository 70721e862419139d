"""Sitemaps (sitemaps.org protocol; WordPress core, Yoast, Squarespace, Ghost) -> page URLs to read.

A sitemap index names child sitemaps; the ones that list only taxonomy, author or tag pages are passed over,
since those pages are never articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gentle_steps.audio.importing.entries import any_date
from gentle_steps.audio.importing.xmlstream import child_text, iter_elements, local

MAX_URLS = 50_000
"""The protocol's own limit per sitemap file; more is refused rather than read."""

_NOT_ARTICLES = re.compile(r"(categor(y|ies)|tags?|authors?|users?|taxonomies|post_format)[-_]?(sitemap)?[-_\d]*\.xml",
                           re.I)
_NOT_PAGES = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|mp3|mp4|zip|docx?|xml|txt|css|js)$", re.I)


@dataclass
class Listing:
    """What one sitemap file holds: page URLs with their lastmod, or child sitemaps."""

    pages: list[tuple[str, str]]
    """(URL, lastmod as ISO 8601 or "") in document order."""

    children: list[str]
    """Child sitemap URLs (a sitemap index), article-bearing ones only."""


def is_sitemap_root(name: str) -> bool:
    """True for the document element of a sitemap or sitemap index."""
    return name in ("urlset", "sitemapindex")


def parse_sitemap(source: Path | bytes, label: str) -> Listing:
    """Read one sitemap or sitemap index, streamed."""
    listing = Listing([], [])
    for element in iter_elements(source, {"url", "sitemap"}, label):
        loc = child_text(element, "loc")
        if not loc.startswith(("http://", "https://")):
            continue
        if local(element) == "sitemap":
            if not _NOT_ARTICLES.search(loc.rsplit("/", 1)[-1]):
                listing.children.append(loc)
            continue
        if len(listing.pages) >= MAX_URLS:
            break
        path = loc.split("?", 1)[0].split("://", 1)[-1]
        if "/" not in path.rstrip("/") or _NOT_PAGES.search(path):
            continue  # the home page, or a file that is not a page
        listing.pages.append((loc, any_date(child_text(element, "lastmod"))))
    return listing
