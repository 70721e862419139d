"""Main-content extraction: a saved web page in, the article alone out (as a small HTML fragment).

Themes wrap an article in menus, banners, sidebars, share buttons, related posts, comment threads and cookie
notices. :func:`extract_main_html` keeps the article: it runs trafilatura (chosen over readability-lxml by
measurement on real saved pages; see ``scripts/measure_extract.py`` and the README) and writes its result back as
plain HTML with the structure a reader needs: headings, paragraphs, ordered and unordered lists, quotes, tables,
code, links, bold and italics, superscripts (footnote markers).

Two things trafilatura would lose are kept by a short pass before it runs: an ``<aside>`` *inside* the article
that reads as prose (a callout or a note, not a list of links) becomes a ``<blockquote>`` whose heading is a plain
paragraph, so it is read as its title then its body; the type label of a rendered GitHub alert ("Note") is
dropped, since it is markup, not the author's words.
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from dataclasses import dataclass
from functools import cache

import lxml.etree
import lxml.html
from gentle_steps.audio.text import find_control, remove_control

MAX_HTML_CHARS = 8 * 1024 * 1024
"""Longer pages are refused (None): a saved article page is well under a megabyte."""

_HEAD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup", "#del": "del"}
_ARTICLE_XPATH = ("//article | //main | //*[@itemprop='articleBody'] | //*[@role='main'] "
                  "| //*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')] "
                  "| //*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]")


@dataclass(frozen=True)
class ExtractedPage:
    """What a saved page holds: the article as an HTML fragment and the page's own metadata."""

    html: str
    """The article's main content: ``<div>`` holding h1-h6, p, ul/ol/li, blockquote, table, pre, a, strong..."""

    title: str = ""
    """The page's article title (metadata or first heading), without the site name when it can tell."""

    author: str = ""
    """Author named by the page's metadata, if any."""

    date: str = ""
    """Publication date ``YYYY-MM-DD`` from the page's metadata, if any."""

    description: str = ""
    """The page's description metadata, if any."""

    footnotes: tuple[str, ...] = ()
    """The article's footnotes, in order, without their back-links (taken out of :attr:`html`)."""


def extract_main_html(html: str, url: str | None = None) -> str | None:
    """The article's main content of a saved page as an HTML fragment; ``None`` when the page holds no article.

    ``url`` (the page's address, when known) helps tell the site's own links and name from the article's.
    """
    page = extract_page(html, url, metadata=False)
    return page.html if page else None


def extract_page(html: str, url: str | None = None, metadata: bool = True) -> ExtractedPage | None:
    """The article of a saved page with its metadata (title, author, date, description); ``None`` if none.

    With ``metadata=False`` only :attr:`ExtractedPage.html` is filled (faster).
    """
    import trafilatura  # imported here: a heavy import only HTML pages need

    if not html or not html.strip() or len(html) > MAX_HTML_CHARS:
        return None
    tree = _parse(html)
    if tree is None:
        return None
    try:
        _keep_callouts(tree)
        footnotes = _take_footnotes(tree)
        _drop_markers(tree)
        semantic = _semantic_body(tree)
        document = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, include_images=False,
            include_formatting=True, include_links=True, favor_recall=True, with_metadata=metadata,
            date_extraction_params={"extensive_search": False, "original_date": True}, config=_config(),
        )
    except (ValueError, TypeError, lxml.etree.LxmlError):
        # A page too broken for either pass (odd attribute names, markup lxml rejects) holds no article
        # we can read reliably; the caller says so in one line.
        return None
    body = getattr(document, "body", None)
    fragment = _to_html(body) if body is not None else None
    if fragment is None or not _holds_prose(fragment):
        return None
    if semantic is not None and _only_headings_added(fragment, semantic):
        fragment = semantic  # same text with the page's own headings and structure
    text = lxml.html.tostring(fragment, encoding="unicode")
    if not metadata:
        return ExtractedPage(text, footnotes=footnotes)
    # The page's own author line as written ("Dr. Maria Lopez, LPC"); trafilatura's is normalized for search.
    author = " ".join(tree.xpath("string(//meta[@name='author']/@content)").split()) or document.author or ""
    return ExtractedPage(text, title=document.title or "", author=author, date=document.date or "",
                         description=document.description or "", footnotes=footnotes)


@cache
def _config() -> ConfigParser:
    from trafilatura.settings import use_config

    config = use_config()
    # trafilatura replaces a short extraction (under 250 characters) by the whole page's text, menus included;
    # a short note is still an article, so only an empty extraction falls back.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _parse(html: str) -> lxml.html.HtmlElement | None:
    html = remove_control(html)  # lxml refuses them; the HTML reader reports them before calling us
    # An XML declaration in a str makes lxml refuse it; pages saved from a browser often carry one.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    # Character references (&#7;) decode to control characters inside the tree: remove those too.
    for el in tree.iter():
        if el.text and find_control(el.text):
            el.text = remove_control(el.text)
        if el.tail and find_control(el.tail):
            el.tail = remove_control(el.tail)
        for key, value in el.attrib.items():
            if find_control(value):
                el.set(key, remove_control(value))
    return tree


def _link_density(el: lxml.html.HtmlElement) -> float:
    text = " ".join("".join(el.itertext()).split())
    links = sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))
    return links / len(text) if text else 1.0


def _keep_callouts(tree: lxml.html.HtmlElement) -> None:
    """Callouts inside the article that read as prose become quotes (kept); rendered alert labels go.

    A callout is an ``<aside>``, or an element whose class names a callout or an admonition (Ghost's
    ``kg-callout-card``, MkDocs' ``admonition``, GitHub's ``markdown-alert``, WordPress themes' ``callout``).
    """
    for label in tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' markdown-alert-title ')]"
                            " | //*[contains(@class, 'callout-emoji') or contains(@class, 'callout-icon')]"):
        label.drop_tree()
    containers = tree.xpath(_ARTICLE_XPATH)
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
        for heading in callout.iter(*_HEAD_TAGS):
            heading.tag = "p"
        callout.attrib.clear()
        for inner in callout.iter("div"):
            inner.tag = "p" if not inner.xpath(".//p | .//div | .//ul | .//ol") else "div"
            inner.attrib.clear()


_BACKLINK_HREF = re.compile(r"ref|anchor|back|-link", re.IGNORECASE)
_BACKLINK_TEXT = {"\u21a9", "\u21a9\ufe0e", "\u21a9\ufe0f", "\u2191", "^", "\u2934", "back", "return", "[return]"}


def _is_backlink(a: lxml.html.HtmlElement) -> bool:
    """The link at a footnote that leads back to its marker ("↩", or "1" pointing at "#footnote-anchor-1")."""
    href = a.get("href") or ""
    text = "".join(a.itertext()).strip().lower()
    return href.startswith("#") and (text in _BACKLINK_TEXT or (bool(_BACKLINK_HREF.search(href))
                                                                  and bool(_MARKER_TEXT.match(text))))


def _take_footnotes(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Footnotes found by their back-links, removed from the page (trafilatura would drop or flatten them)."""
    notes: list[str] = []
    for link in list(tree.iter("a")):
        if link.getparent() is None or not _is_backlink(link):
            continue
        near = list(link.iterancestors())[:3]
        box = next((a for a in near if a.tag == "li"), None)
        if box is None:
            box = next((a for a in near if a.tag in ("p", "div", "section", "aside") and
                        "".join(a.itertext()).strip() != "".join(link.itertext()).strip()), None)
        if box is None or box.getparent() is None or box.tag == "body":
            continue
        for back in [a for a in box.iter("a") if _is_backlink(a)]:
            back.drop_tree()
        text = " ".join("".join(box.itertext()).split())
        if text:
            notes.append(text)
        box.drop_tree()
    return tuple(notes)


_MARKER_TEXT = re.compile(r"^\[?[0-9*\u2020\u2021\u00a7]{1,4}(?:[,\u2013-][0-9]{1,4})*\]?$")


def _drop_markers(tree: lxml.html.HtmlElement) -> None:
    """Footnote markers (``<sup>1</sup>``, ``<a href="#fn2">[2]</a>``) go (after :func:`_take_footnotes`):
    never read, and their links make a short paragraph look like a list of links to trafilatura."""
    for el in tree.xpath("//sup | //a[starts-with(@href, '#')]"):
        if el.getparent() is None or not _MARKER_TEXT.match("".join(el.itertext()).strip()):
            continue
        el.drop_tree()


def _to_html(body: lxml.etree._Element) -> lxml.html.HtmlElement:
    """trafilatura's XML (head, list/item, quote, hi, ref, lb, row/cell) as plain HTML elements."""
    out = lxml.html.Element("div")
    for child in body:
        converted = _convert(child)
        if converted is not None:
            out.append(converted)
    return out


def _convert(el: lxml.etree._Element) -> lxml.html.HtmlElement | None:
    tag = el.tag if isinstance(el.tag, str) else ""
    attrs: dict[str, str] = {}
    if tag == "head":
        rend = el.get("rend") or "h3"
        name = rend if rend in _HEAD_TAGS else "h3"
    elif tag == "list":
        name = "ol" if el.get("rend") == "ol" else "ul"
    elif tag == "hi":
        name = _HI_TAGS.get(el.get("rend") or "", "span")
    elif tag == "ref":
        name, attrs = "a", ({"href": el.get("target")} if el.get("target") else {})
    elif tag == "cell":
        name = "th" if el.get("role") == "head" else "td"
    elif tag in ("graphic", "comments", ""):
        name = ""
    else:
        name = {"item": "li", "quote": "blockquote", "code": "pre", "lb": "br", "row": "tr", "del": "del",
                "p": "p", "table": "table", "div": "div", "span": "span"}.get(tag, "span")
    if not name:
        # Images and comments are not carried over, but the text after them is.
        if el.tail and el.tail.strip():
            span = lxml.html.Element("span")
            span.text = el.tail
            return span
        return None
    new = lxml.html.Element(name, attrs)
    new.text = el.text
    for child in el:
        converted = _convert(child)
        if converted is not None:
            new.append(converted)
    new.tail = el.tail
    return new


# --- A page that marks its furniture -------------------------------------------------------------------------

_FURNITURE = ("head", "nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template", "svg",
              "button", "select", "textarea", "iframe", "figure", "dialog")
_FURNITURE_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search", "dialog")
_TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "th", "dd", "dt", "blockquote")
_KEEP = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr",
         "td", "th", "pre", "code", "a", "strong", "b", "em", "i", "u", "sup", "sub", "br", "dl", "dt", "dd", "del",
         "s"}


def _semantic_body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The page's body without the furniture it marks as such (nav, header, footer, aside, forms...).

    On a simple page this is exactly the article, headings included, where trafilatura keeps only paragraphs.
    """
    body = tree.find("body")
    if body is None:
        return None
    body = lxml.html.fromstring(lxml.html.tostring(body))  # a copy: trafilatura gets the page untouched
    for el in list(body.iter(*_FURNITURE)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in body.xpath("//*[@role] | //*[@aria-hidden='true'] | //*[@hidden]"):
        if (el.get("role") in _FURNITURE_ROLES or el.get("role") is None) and el.getparent() is not None:
            el.drop_tree()
    for el in body.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction):
        if el.getparent() is not None:
            el.drop_tree()
    out = lxml.html.Element("div")
    out.text = None
    for el in list(body.iter()):
        if el is body or not isinstance(el.tag, str):
            continue
        if el.tag not in _KEEP:
            el.drop_tag()
        else:
            href = el.get("href") if el.tag == "a" else None
            el.attrib.clear()
            if href:
                el.set("href", href)
    out.text = body.text
    out.extend(body)
    return out


def _blocks(fragment: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    found = []
    for el in fragment.iter(*_TEXT_BLOCKS):
        if any(True for _ in el.iterdescendants(*_TEXT_BLOCKS)):
            continue
        text = " ".join("".join(el.itertext()).split())
        if text:
            found.append((el.tag, text))
    return found


def _holds_prose(fragment: lxml.html.HtmlElement) -> bool:
    """An article has some words outside links; a menu, a link list or a copyright line has (almost) none."""
    words = 0
    for el in fragment.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "a" and not any(a.tag == "a" for a in el.iterancestors()):
            words += sum(1 for w in (el.text or "").split() if sum(ch.isalpha() for ch in w) >= 2)
        if el is not fragment:
            words += sum(1 for w in (el.tail or "").split() if sum(ch.isalpha() for ch in w) >= 2)
    return words >= 6


def _only_headings_added(extracted: lxml.html.HtmlElement, semantic: lxml.html.HtmlElement) -> bool:
    """True when the page's own markup holds exactly trafilatura's text plus headings."""
    mine = _blocks(semantic)
    theirs = [text for _, text in _blocks(extracted)]
    if not mine or not theirs:
        return False
    headings = {text for tag, text in mine if tag in _HEAD_TAGS}
    return [text for tag, text in mine if tag not in _HEAD_TAGS] == [t for t in theirs if t not in headings]
