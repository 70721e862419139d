"""Main-content extraction: a saved web page in, the article alone out (as a small HTML fragment).

Themes wrap an article in menus, banners, sidebars, share buttons, related posts, comment threads and cookie
notices. :func:`extract_main_html` keeps the article: it runs trafilatura (chosen over readability-lxml by
measurement on real saved pages; see ``scripts/measure_extract.py`` and the README) and writes its result back as
plain HTML with the structure a reader needs: headings, paragraphs, ordered and unordered lists, quotes, tables,
code, bold lines that stand as headings, and the footnotes as a closing ``<section role="doc-endnotes">``.

What trafilatura would lose is read off the page first (:mod:`~gentle_steps.audio.page_marks`): callouts inside
the article become quotes (read as title, then body), footnotes are found by their back-links, footnote markers
are removed, tables of contents and bold lines are noted. On a simple page whose own markup holds the same text,
that markup is used instead, headings and all.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
import lxml.html
from gentle_steps.audio import page_marks as marks
from gentle_steps.audio.text import find_control, remove_control

MAX_HTML_CHARS = 8 * 1024 * 1024
"""Longer pages are refused (None): a saved article page is well under a megabyte."""

_HEAD_TAGS = marks.HEAD_TAGS
_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup", "#del": "del"}


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
    """The article's footnotes, in order, without their back-links (also the fragment's last element, a
    ``<section role="doc-endnotes">`` list)."""


def extract_main_html(html: str, url: str | None = None) -> str | None:
    """The article's main content of a saved page as an HTML fragment; ``None`` when the page holds no article.

    ``url`` (the page's address, when known) helps tell the site's own links and name from the article's.
    """
    page = extract_page(html, url, metadata=False)
    return page.html if page else None


def extract_page(html: str, url: str | None = None, metadata: bool = True,
                 markup: bool = False) -> ExtractedPage | None:
    """The article of a saved page with its metadata (title, author, date, description); ``None`` if none.

    With ``metadata=False`` only :attr:`ExtractedPage.html` is filled (faster). By default the fragment keeps
    structure (headings, paragraphs, lists, quotes, tables, bold lines that stand as headings) but not links or
    inline emphasis: asking trafilatura for those makes it keep less of the article (2.7 points fewer article
    blocks on the Readability test pages). ``markup=True`` keeps links and emphasis at that cost.
    """
    import trafilatura  # imported here: a heavy import only HTML pages need

    if not html or not html.strip() or len(html) > MAX_HTML_CHARS:
        return None
    tree = _parse(html)
    if tree is None:
        return None
    try:
        marks.keep_callouts(tree)
        footnotes = marks.find_footnotes(tree)
        contents = marks.contents_entries(tree)
        bold = marks.bold_lines(tree)
        marks.drop_markers(tree)
        semantic = _semantic_body(tree)
        document = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, include_images=False,
            include_formatting=markup, include_links=markup, favor_recall=True, with_metadata=metadata,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, lxml.etree.LxmlError):
        # A page too broken for either pass (odd attribute names, markup lxml rejects) holds no article
        # we can read reliably; the caller says so in one line.
        return None
    body = getattr(document, "body", None)
    fragment = _to_html(body) if body is not None else None
    if fragment is None or not _holds_prose(fragment):
        return None
    if semantic is not None and _same_text_with_structure(fragment, semantic):
        fragment = semantic  # trafilatura's text, as the page itself marks it up (headings kept)
    elif not markup:
        marks.mark_bold(fragment, bold)
    marks.remove_keys(fragment, contents, ("li",))
    if footnotes:
        marks.remove_footnotes(fragment, footnotes)
        fragment.append(_endnotes(footnotes))
    text = lxml.html.tostring(fragment, encoding="unicode")
    if not metadata:
        return ExtractedPage(text, footnotes=footnotes)
    # The page's own author line as written ("Dr. Maria Lopez, LPC"); trafilatura's is normalized for search.
    author = " ".join(tree.xpath("string(//meta[@name='author']/@content)").split()) or document.author or ""
    return ExtractedPage(text, title=document.title or "", author=author, date=document.date or "",
                         description=document.description or "", footnotes=footnotes)


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
    elif tag == "code":
        # trafilatura writes <code> for a code block and for a word of code inside a sentence alike.
        parent = el.getparent()
        inline = parent is not None and parent.tag in ("p", "item", "head", "cell", "hi", "ref")
        name = "code" if inline and "\n" not in "".join(el.itertext()).strip() else "pre"
    elif tag in ("graphic", "comments", ""):
        name = ""
    else:
        name = {"item": "li", "quote": "blockquote", "lb": "br", "row": "tr", "del": "del",
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
    """An article has some words outside links and at least one sentence-long line; a menu, a link list, a
    product grid or a copyright line has neither."""
    lines = fragment.text_content().splitlines()
    if max((sum(1 for w in line.split() if sum(ch.isalpha() for ch in w) >= 2) for line in lines), default=0) < 6:
        return False
    words = 0
    for el in fragment.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "a" and not any(a.tag == "a" for a in el.iterancestors()):
            words += sum(1 for w in (el.text or "").split() if sum(ch.isalpha() for ch in w) >= 2)
        if el is not fragment:
            words += sum(1 for w in (el.tail or "").split() if sum(ch.isalpha() for ch in w) >= 2)
    return words >= 6


def _same_text_with_structure(extracted: lxml.html.HtmlElement, semantic: lxml.html.HtmlElement) -> bool:
    """True when trafilatura kept no headings and the page's own markup, furniture removed, holds its text and
    nothing else but headings.

    On a simple page trafilatura keeps the paragraphs and drops the headings, or (under 250 characters) falls
    back to the whole page flattened into one paragraph, menus and captions included; the page's own markup is
    then the better copy.
    """
    if any(True for _ in extracted.iter(*_HEAD_TAGS)):
        return False
    theirs = " ".join(" ".join(extracted.itertext()).split())
    total = len(theirs.split())
    share = 0.5 if len(_blocks(extracted)) == 1 else 0.85  # a flattened page carries its furniture too
    headings = {" ".join("".join(h.itertext()).split()) for h in semantic.iter(*_HEAD_TAGS)}
    covered = 0
    for run in (" ".join(t.split()) for t in semantic.itertext()):
        if not run or run in headings:
            continue
        if run not in theirs:
            return False
        covered += len(run.split())
    return total > 0 and covered >= share * total


def _endnotes(notes: tuple[str, ...]) -> lxml.html.HtmlElement:
    """The footnotes as the fragment's last element: ``<section role="doc-endnotes"><ol><li>...``."""
    section = lxml.html.Element("section", {"role": "doc-endnotes"})
    ordered = lxml.etree.SubElement(section, "ol")
    for note in notes:
        lxml.etree.SubElement(ordered, "li").text = note
    return section
