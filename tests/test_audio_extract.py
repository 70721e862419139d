"""Main-content extraction from saved pages: the article stays, the theme's furniture goes."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from gentle_steps.audio.extract import MAX_HTML_CHARS, extract_main_html, extract_page

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
WORDPRESS = ARTICLES / "saved_page_with_callout_aside_and_related_posts.html"


def blocks(fragment: str) -> list[tuple[str, str]]:
    root = lxml.html.fromstring(fragment)
    tags = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6")
    return [(el.tag, " ".join(el.text_content().split())) for el in root.iter(*tags)]


def test_wordpress_page_keeps_the_article_in_order_and_drops_the_theme():
    fragment = extract_main_html(WORDPRESS.read_text(encoding="utf-8"))
    assert fragment is not None
    found = blocks(fragment)
    texts = [t for _, t in found]
    assert texts[0].startswith("Some people move toward conflict.")
    assert ("h2", "What withdrawal protects") in found and ("h2", "What the pursuing partner can try") in found
    # The callout inside the article is kept, its title first, as plain paragraphs (not a new section).
    assert texts.index("A gentle reminder") + 1 == texts.index(
        "Taking a break is different from leaving. Say when you will come back, and then come back.")
    assert ("h3", "A gentle reminder") not in found
    assert texts[-1].startswith("Slowing down is hard")
    whole = " ".join(texts)
    for furniture in ("Skip to content", "Book a consultation", "Posted on", "Share this", "Facebook", "Related",
                      "Posted in", "Tagged", "Leave a Reply", "Required fields", "Recent Posts", "Office hours",
                      "Proudly powered", "Previous Post"):
        assert furniture not in whole, furniture


def test_ordered_lists_stay_ordered():
    root = lxml.html.fromstring(extract_main_html(WORDPRESS.read_text(encoding="utf-8")))
    assert [" ".join(li.text_content().split()) for li in root.xpath("//ol/li")] == [
        "Name the break out loud.", "Agree on a time to return, such as twenty minutes.",
        "Return, even if the feeling has not fully settled."]


def test_page_metadata_comes_with_the_article():
    page = extract_page(WORDPRESS.read_text(encoding="utf-8"))
    assert (page.title, page.author, page.date) == ("When Your Partner Withdraws", "Maya Ortiz", "2025-11-03")


def test_a_simple_page_keeps_its_headings():
    found = blocks(extract_main_html((ARTICLES / "saved_page_named_txt.txt").read_text(encoding="utf-8")))
    assert found == [("h1", "Hidden Html"), ("p", "Plain words in a page saved with the wrong name."),
                     ("h2", "A Second Part"), ("p", "More words here.")]


@pytest.mark.parametrize("page", [
    "",
    "   ",
    "<html><body></body></html>",
    "<html><body><nav><a href=/>Home</a> <a href=/blog>Blog</a></nav><form><input name=q><button>Search</button>"
    "</form><footer>© 2025 Example</footer></body></html>",
    "<html><body><ul><li><a href=/a>About</a></li><li><a href=/b>Services</a></li><li><a href=/c>Contact</a></li>"
    "</ul></body></html>",
    "not a page at all \x00\x01",
])
def test_a_page_without_an_article_gives_none(page: str):
    assert extract_main_html(page) is None


def test_xml_declaration_and_oversized_pages():
    assert extract_main_html("<?xml version='1.0' encoding='utf-8'?><html><body><p>Just one short paragraph of "
                             "words here.</p></body></html>") is not None
    huge = "<html><body>" + "<p>Words words words words words.</p>" * (MAX_HTML_CHARS // 30) + "</body></html>"
    assert extract_main_html(huge) is None


def test_links_and_emphasis_only_on_request():
    page = WORDPRESS.read_text(encoding="utf-8").replace(
        "Slowing down is hard", 'Slowing down is <em>hard</em>, says <a href="https://example.org/a">one study</a>')
    plain = extract_page(page, metadata=False)
    rich = extract_page(page, metadata=False, markup=True)
    assert "<a " not in plain.html and "<em>" not in plain.html
    assert '<a href="https://example.org/a">one study</a>' in rich.html and "<em>hard</em>" in rich.html


def test_footnotes_close_the_fragment_and_leave_the_text():
    page = ("<html><body><article><h1>Rest</h1><p>Rest is part of how a body heals after a long and hard season."
            '<sup><a href="#fn1" id="r1">1</a></sup> Play matters too, more than we think.</p>'
            '<ol class="footnotes"><li id="fn1">Pang, A. (2016). Rest. Basic Books. <a href="#r1">↩</a></li></ol>'
            "</article></body></html>")
    page_out = extract_page(page, metadata=False)
    root = lxml.html.fromstring(page_out.html)
    assert page_out.footnotes == ("Pang, A. (2016). Rest. Basic Books.",)
    assert [" ".join(li.text_content().split()) for li in root.xpath("//section[@role='doc-endnotes']/ol/li")] == [
        "Pang, A. (2016). Rest. Basic Books."]
    body = " ".join(p.text_content() for p in root.iter("p"))
    assert "heals after a long and hard season. Play matters" in body and "Pang" not in body
