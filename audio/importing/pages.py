"""Article pages: the metadata a page declares (canonical link, Open Graph, article:*, JSON-LD) and its main
content, through the readers' extraction."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from gentle_steps.audio.extract import extract_main_html
from gentle_steps.audio.importing.entries import (
    Entry,
    SourceError,
    any_date,
    clean_description,
    clean_url,
    plain_text,
    slug_from_url,
)
from gentle_steps.audio.text import collapse_spaces
from lxml import html as lxml_html

_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "socialmediaposting", "report", "scholarlyarticle"}


def decode_html(data: bytes, content_type: str = "") -> str:
    """Page bytes as text: the HTTP charset, else a ``<meta charset>`` in the first 2 KB, else UTF-8."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I) or re.search(
        rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:2048], re.I)
    charset = match.group(1) if match else "utf-8"
    charset = charset.decode("ascii", "replace") if isinstance(charset, bytes) else charset
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def read_page(text: str, url: str, label: str, *, require_article_markup: bool = False) -> Entry:
    """The article on a page as an :class:`Entry` with ``body_html`` set.

    Raises :class:`SourceError` when the page holds no article (or, with ``require_article_markup``, when it
    does not declare itself an article: no ``og:type=article``, ``article:published_time`` or JSON-LD
    Article, as About and Contact pages listed in a sitemap do not).
    """
    try:
        doc = lxml_html.document_fromstring(text)
    except Exception:  # lxml raises ParserError or ValueError on empty documents  # noqa: BLE001
        raise SourceError(f"{label}: the page is empty") from None
    meta = _meta(doc)
    ld = _json_ld_article(doc)
    if require_article_markup and not (meta.get("og:type") == "article" or meta.get("article:published_time") or ld):
        raise SourceError(f"{label}: not an article page")  # no og:type article, published time or JSON-LD Article
    body = extract_main_html(text, url)
    if body is None:
        feed = _feed_link(doc, url)
        hint = f"; its feed is {feed}, import that instead" if feed else ""
        raise SourceError(f"{label}: the page holds no article{hint}")
    canonical = _canonical(doc, url) or meta.get("og:url", "") or url
    title = (meta.get("og:title") or _ld_text(ld.get("headline")) or _first_text(doc, "//article//h1|//h1")
             or _first_text(doc, "//title"))
    time_attr = doc.xpath("//article//time[@datetime]/@datetime|//time[@itemprop='datePublished']/@datetime")
    published = any_date(meta.get("article:published_time") or _ld_text(ld.get("datePublished"))
                         or (time_attr[0] if time_attr else "") or meta.get("date", ""))
    author = meta.get("author") or _ld_name(ld.get("author"))
    if not author and not meta.get("article:author", "").startswith(("http://", "https://")):
        author = meta.get("article:author", "")  # Facebook wants a profile URL here; some themes put a name
    canonical = clean_url(urljoin(url, canonical))
    return Entry(
        url=canonical,
        title=collapse_spaces(title),
        published=published,
        author=plain_text(author),
        description=clean_description(meta.get("description") or meta.get("og:description") or ""),
        categories=_all(doc, "article:section"),
        tags=_all(doc, "article:tag"),
        image=_absolute(url, meta.get("og:image") or meta.get("twitter:image") or _ld_image(ld.get("image"))),
        body_html=body,
        slug=slug_from_url(canonical, title),
        origin=label,
    )


def fill_from_page(entry: Entry, page: Entry) -> Entry:
    """A feed entry completed by its page: the page's content and canonical URL; the feed's fields first."""
    return Entry(
        url=page.url,
        title=entry.title or page.title,
        published=entry.published or page.published,
        author=entry.author or page.author,
        description=entry.description or page.description,
        categories=entry.categories or page.categories,
        tags=entry.tags or page.tags,
        image=entry.image or page.image,
        body_html=page.body_html,
        slug=entry.slug or page.slug,
        origin=entry.origin,
    )


def _absolute(base: str, url: str) -> str:
    return urljoin(base, url.strip()) if url.strip() else ""


def _meta(doc: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in doc.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = node.get("content", "").strip()
    return meta


def _all(doc: Any, key: str) -> list[str]:
    values: list[str] = []
    for node in doc.xpath("//meta[@content]"):
        if (node.get("property") or node.get("name") or "").strip().lower() == key:
            value = plain_text(node.get("content", ""))
            if value and value not in values:
                values.append(value)
    return values


def _canonical(doc: Any, url: str) -> str:
    for node in doc.xpath("//link[@href]"):
        if "canonical" in (node.get("rel") or "").lower().split():
            return urljoin(url, node.get("href", "").strip())
    return ""


def _feed_link(doc: Any, url: str) -> str:
    for node in doc.xpath("//link[@href][@type]"):
        if node.get("type", "").lower() in ("application/rss+xml", "application/atom+xml") and \
                "alternate" in (node.get("rel") or "").lower().split():
            return urljoin(url, node.get("href", "").strip())
    return ""


def _first_text(doc: Any, xpath: str) -> str:
    nodes = doc.xpath(xpath)
    return nodes[0].text_content() if nodes else ""


def _json_ld_article(doc: Any) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (Yoast, Ghost and Squarespace all emit one), or {}."""
    for script in doc.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if len(raw) > 200_000:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                types = node.get("@type", [])
                types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
                if any(str(t).lower() in _ARTICLE_TYPES for t in types):
                    return node
                stack.extend(v for v in node.values() if isinstance(v, list | dict))
    return {}


def _ld_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _ld_name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return _ld_text(value)


def _ld_image(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return _ld_text(value.get("url"))
    return _ld_text(value)
