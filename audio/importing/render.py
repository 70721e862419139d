"""An :class:`Entry` as the article file the build reads: a small, deterministic HTML document whose metadata is
standard markup (``<link rel=canonical>``, ``<meta>`` description/author/Open Graph/``article:*`` and a
``<time datetime>``), and whose body is the article's content with everything but text structure removed."""

from __future__ import annotations

import re
from html import escape

from gentle_steps.audio.importing.entries import Entry
from gentle_steps.audio.text import collapse_spaces
from lxml import html as lxml_html

_KEEP = {"p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "b", "em", "i", "u",
         "s", "a", "img", "figure", "figcaption", "pre", "code", "table", "thead", "tbody", "tr", "th", "td", "hr",
         "dl", "dt", "dd", "sup", "sub", "small", "mark", "aside", "q", "cite", "abbr", "time"}
"""Tags kept in an imported body; any other tag is unwrapped (its text kept) unless it is in ``_DROP``."""

_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "form", "input", "button",
         "select", "textarea", "nav", "header", "footer", "svg", "canvas", "video", "audio", "source", "map",
         "dialog", "link", "meta", "title"}
"""Tags removed with everything inside them."""

_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
               "ol": {"start"}, "time": {"datetime"}, "abbr": {"title"}}
_FURNITURE_CLASS = re.compile(r"sharedaddy|share-|social|jp-relatedposts|related-posts|subscription-widget|"
                              r"subscribe|newsletter|comments|post-navigation|wp-block-buttons|button-wrapper|"
                              r"author-bio|post-tags|entry-meta", re.I)
_BLOCKS = ("p", "div", "section", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
           "table", "pre", "hr", "dl", "aside", "article", "header", "footer")
_FEED_FOOTER = re.compile(r"^The post .+ appeared first on .+\.?$", re.S)


def clean_body(fragment: str, base_url: str, title: str) -> str:
    """The article's content reduced to text structure: furniture, scripts, styles and attributes removed,
    links made absolute, the title heading (already the document's ``<h1>``) dropped, other ``h1`` made ``h2``."""
    root = lxml_html.fragment_fromstring(fragment or "", create_parent="div")
    root.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    for element in list(root.iter()):
        if element is root or element.getparent() is None:
            continue
        if not isinstance(element.tag, str):  # comments and processing instructions
            element.drop_tree()
        elif element.tag in _DROP or _FURNITURE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
            element.drop_tree()
    for element in list(root.iter("div", "section")):
        if element is not root and not element.xpath(f"./{'|./'.join(_BLOCKS)}"):
            element.tag = "p"  # a div holding only text is a paragraph; unwrapping it would glue it to the next
    for element in list(root.iter()):
        if element is root:
            continue
        if element.tag == "h1":
            element.tag = "h2"
        if element.tag not in _KEEP:
            element.drop_tag()
            continue
        allowed = _ATTRIBUTES.get(element.tag, set())
        for name in list(element.attrib):
            value = element.get(name, "")
            if name not in allowed or (name in ("href", "src") and not value.startswith(("http://", "https://",
                                                                                           "mailto:"))):
                del element.attrib[name]
    _drop_title_and_trailers(root, title)
    return _serialize(root)


def _drop_title_and_trailers(root, title: str) -> None:
    headings = root.xpath("./h2|./h3")
    if headings and collapse_spaces(headings[0].text_content()).lower() == collapse_spaces(title).lower():
        headings[0].drop_tree()
    for para in root.xpath(".//p"):
        text = collapse_spaces(para.text_content())
        if _FEED_FOOTER.match(text):
            para.drop_tree()
    for element in reversed(list(root.iter("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure"))):
        if not re.search(r"\w", element.text_content()) and not element.xpath(".//img"):
            element.drop_tree()  # empty, or only an emoji or a bullet glyph (a callout's icon)


def _serialize(root) -> str:
    parts = []
    lead = collapse_spaces(root.text or "")
    if lead:
        parts.append(f"<p>{escape(lead, quote=False)}</p>")
    for child in root:
        parts.append(lxml_html.tostring(child, encoding="unicode", with_tail=False).strip())
        tail = collapse_spaces(child.tail or "")
        if tail:
            parts.append(f"<p>{escape(tail, quote=False)}</p>")
    return "\n".join(p for p in parts if p)


def render_article(entry: Entry) -> bytes:
    """The whole article file, UTF-8; the same entry always gives the same bytes."""
    title = collapse_spaces(entry.title) or "Untitled"
    head = ["<meta charset=\"utf-8\">", f"<title>{_text(title)}</title>",
            f"<link rel=\"canonical\" href=\"{_attr(entry.url)}\">"]
    meta = [("name", "description", entry.description), ("name", "author", entry.author),
            ("property", "og:type", "article"), ("property", "og:title", title), ("property", "og:url", entry.url),
            ("property", "og:image", entry.image), ("property", "article:published_time", entry.published)]
    meta += [("property", "article:section", c) for c in entry.categories]
    meta += [("property", "article:tag", t) for t in entry.tags]
    meta.append(("name", "generator", "gentle-steps import"))
    head += [f"<meta {kind}=\"{key}\" content=\"{_attr(value)}\">" for kind, key, value in meta if value]
    body = clean_body(entry.body_html or "", entry.url, title)
    footer = _footer(entry)
    lines = ["<!DOCTYPE html>", "<html>", "<head>", *head, "</head>", "<body>", "<article>",
             f"<h1>{_text(title)}</h1>", body, footer, "</article>", "</body>", "</html>", ""]
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")


def _footer(entry: Entry) -> str:
    """Where the article came from, in a ``<footer>`` (page furniture: shown, never narrated)."""
    bits = ["Originally published"]
    if entry.published:
        bits.append(f"on <time datetime=\"{_attr(entry.published)}\">{_text(entry.date() or entry.published)}</time>")
    if entry.author:
        bits.append(f"by {_text(entry.author)}")
    bits.append(f"at <a href=\"{_attr(entry.url)}\">{_text(entry.url)}</a>.")
    return f"<footer><p>{' '.join(bits)}</p></footer>"


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)
