"""TEMPORARY stand-in for ``gentle_steps.audio.extract.extract_main_html`` (being written on branch h/readers).

Same signature and contract: the main content of a saved page as an HTML fragment, or None when the page holds
no article. When the readers' module lands, :mod:`gentle_steps.audio.importing.pages` imports it instead and
this file is deleted. Until then: the page's ``<article>`` (the one holding most paragraph text), else
``<main>`` / ``[role=main]``, else a WordPress/Ghost/Squarespace content container, with page furniture removed.
"""

from __future__ import annotations

from lxml import html as lxml_html

_CONTAINERS = ("//article", "//main", "//*[@role='main']",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' gh-content ')]",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' blog-item-content ')]")
_FURNITURE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template", "iframe",
              "button")
_MIN_WORDS = 60
"""Fewer words of paragraph text than this and the page is a listing, a form or a stub, not an article."""


def extract_main_html(html: str, url: str | None = None) -> str | None:
    """The article part of a page as an HTML fragment, or None when the page holds no article."""
    try:
        doc = lxml_html.document_fromstring(html)
    except Exception:  # lxml raises ParserError or ValueError on empty or odd documents  # noqa: BLE001
        return None
    if url:
        doc.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    for xpath in _CONTAINERS:
        candidates = doc.xpath(xpath)
        if not candidates:
            continue
        best = max(candidates, key=_paragraph_words)
        for junk in best.xpath(" | ".join(f".//{tag}" for tag in _FURNITURE)):
            if junk.getparent() is not None:
                junk.drop_tree()
        if _paragraph_words(best) >= _MIN_WORDS:
            return lxml_html.tostring(best, encoding="unicode")
    return None


def _paragraph_words(element) -> int:
    return sum(len(p.text_content().split()) for p in element.xpath(".//p|.//li"))
