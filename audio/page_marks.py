"""What a saved page marks up itself, read before and after trafilatura runs: callouts to keep, footnotes and
their markers, tables of contents, bold lines standing as headings.

Matching is by a text key (letters and digits, lower case), since trafilatura rebuilds the elements it keeps.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

HEAD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ARTICLE_XPATH = ("//article | //main | //*[@itemprop='articleBody'] | //*[@role='main'] "
                 "| //*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')] "
                 "| //*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]")


def _link_density(el: lxml.html.HtmlElement) -> float:
    text = " ".join("".join(el.itertext()).split())
    links = sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))
    return links / len(text) if text else 1.0


def keep_callouts(tree: lxml.html.HtmlElement) -> None:
    """Callouts inside the article that read as prose become quotes (kept); rendered alert labels go.

    A callout is an ``<aside>``, or an element whose class names a callout or an admonition (Ghost's
    ``kg-callout-card``, MkDocs' ``admonition``, GitHub's ``markdown-alert``, WordPress themes' ``callout``).
    """
    for label in tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' markdown-alert-title ')]"
                            " | //*[contains(@class, 'callout-emoji') or contains(@class, 'callout-icon')]"):
        label.drop_tree()
    containers = tree.xpath(ARTICLE_XPATH)
    candidates = list(tree.iter("aside")) + tree.xpath(
        "//div[contains(@class, 'callout') or contains(@class, 'admonition') or contains(@class, 'markdown-alert')]")
    for callout in candidates:
        if callout.tag != "aside" and any(a in candidates for a in callout.iterancestors()):
            continue  # the outer callout carries it
        if not any(c in callout.iterancestors() for c in containers):
            continue
        words = len("".join(callout.itertext()).split())
        if words < 4 or _link_density(callout) > 0.5 or callout.xpath(".//form | .//nav | .//input"):
            continue
        callout.tag = "blockquote"
        for heading in callout.iter(*HEAD_TAGS):
            heading.tag = "p"
        callout.attrib.clear()
        for inner in callout.iter("div"):
            inner.tag = "p" if not inner.xpath(".//p | .//div | .//ul | .//ol") else "div"
            inner.attrib.clear()


MAX_FOOTNOTE_CHARS = 1500
"""A footnote is a short note; a block longer than this holding a back-link is something else."""
_BACKLINK_HREF = re.compile(r"ref|anchor|back|-link", re.IGNORECASE)
_BACKLINK_TEXT = {"\u21a9", "\u21a9\ufe0e", "\u21a9\ufe0f", "\u2191", "^", "\u2934", "back", "return", "[return]"}


def is_backlink(a: lxml.html.HtmlElement) -> bool:
    """The link at a footnote that leads back to its marker ("↩", or "1" pointing at "#footnote-anchor-1")."""
    href = a.get("href") or ""
    if a.tag != "a" or not href.startswith("#"):
        return False
    text = "".join(a.itertext()).strip().lower()
    # Where a footnote points back to its marker: "#fnref1", "#fnref:1", "#footnote-anchor-1", "#cite_ref-1",
    # WordPress's "#...-link"; forward markers ("#fn1", "#footnote-1", "#cite_note-1") match none of these.
    return text in _BACKLINK_TEXT or (bool(_BACKLINK_HREF.search(href)) and bool(_MARKER_TEXT.match(text)))


def find_footnotes(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Footnotes found by their back-links, as text without the back-links. The page is left as it is: taking
    them out first can change which part of the page trafilatura takes for the article."""
    notes: list[str] = []
    seen: set[int] = set()
    for link in tree.iter("a"):
        if not is_backlink(link):
            continue
        near = list(link.iterancestors())[:3]
        box = next((a for a in near if a.tag == "li"), None)
        if box is None:
            box = next((a for a in near if a.tag in ("p", "div", "section", "aside") and
                        "".join(a.itertext()).strip() != "".join(link.itertext()).strip()), None)
        if box is None or id(box) in seen or box.tag == "body" or \
                len("".join(box.itertext())) > MAX_FOOTNOTE_CHARS:
            continue  # a "back" link in a large block is page navigation, not a footnote
        seen.add(id(box))
        text = _text_without_backlinks(box)
        if text:
            notes.append(text)
    return tuple(notes)


def _text_without_backlinks(el: lxml.html.HtmlElement) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if not (child.tag == "a" and is_backlink(child)):
            parts.append(_text_without_backlinks(child) if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def contents_entries(tree: lxml.html.HtmlElement) -> set[str]:
    """List items that are only a link within the page: a table of contents, never read."""
    found = set()
    for li in tree.iter("li"):
        text = key("".join(li.itertext()))
        links = key("".join(t for a in li.iter("a") if (a.get("href") or "").startswith("#") for t in a.itertext()))
        if text and links == text:
            found.add(text)
    return found


def bold_lines(tree: lxml.html.HtmlElement) -> set[str]:
    """Short paragraphs that are wholly bold (a heading written as ``<p><strong>...``, or a "Sources" label)."""
    found = set()
    for p in tree.iter("p"):
        text = " ".join("".join(p.itertext()).split())
        if not text or len(text) > 100:
            continue
        bold = "".join("".join(b.itertext()) for b in p.iter("strong", "b") if not any(
            a.tag in ("strong", "b") for a in b.iterancestors() if p in a.iterancestors() or a is p))
        if len("".join(bold.split())) >= len("".join(text.split())):
            found.add(key(text))
    return found


def mark_bold(fragment: lxml.html.HtmlElement, bold: set[str]) -> None:
    """Put back the bold of the page's bold lines (trafilatura without formatting drops it)."""
    for p in fragment.iter("p"):
        if len(p) == 0 and p.text and key(p.text) in bold:
            strong = lxml.etree.SubElement(p, "strong")
            strong.text, p.text = p.text, None


def remove_keys(fragment: lxml.html.HtmlElement, keys: set[str], tags: tuple[str, ...]) -> None:
    for el in list(fragment.iter(*tags)):
        if el.getparent() is not None and key("".join(el.itertext())) in keys:
            el.drop_tree()


def remove_footnotes(fragment: lxml.html.HtmlElement, notes: tuple[str, ...]) -> None:
    """Take the footnotes (and the lone numbers heading them) out of the article; they go in the endnotes."""
    keys = {key(n) for n in notes}
    for el in list(fragment.iter("li", "p", "div", "dd", "blockquote")):
        if el.getparent() is None:
            continue
        links = [a for a in el.iter("a") if is_backlink(a)]
        text = _text_without_backlinks(el)
        found = key(text)
        if (found and (found in keys or found.lstrip("0123456789") in keys)) or (links and not found):
            el.drop_tree()


_MARKER_TEXT = re.compile(r"^\[?[0-9*\u2020\u2021\u00a7]{1,4}(?:[,\u2013-][0-9]{1,4})*\]?$")


def drop_markers(tree: lxml.html.HtmlElement) -> None:
    """Footnote markers (``<sup>1</sup>``, ``<a href="#fn2">[2]</a>``) go (after :func:`_take_footnotes`):
    never read, and their links make a short paragraph look like a list of links to trafilatura."""
    for el in tree.xpath("//sup | //a[starts-with(@href, '#')]"):
        if el.getparent() is None or not _MARKER_TEXT.match("".join(el.itertext()).strip()):
            continue
        el.drop_tree()
