"""Saved pages: the article's blocks, footnotes kept aside, markup and media never read."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import ArticleError, read_article

INTRO = "<p>An opening paragraph that sets the scene for everything that follows in this short piece.</p>"


def read(tmp_path: Path, body: str, name: str = "page.html", intro: str = INTRO) -> Article:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "articles" / name
    path.write_text(f"<!doctype html><html><head><title>Page</title></head><body><nav><a href='/'>Home</a></nav>"
                    f"<main><article><h1>Gentle Page</h1>{intro}{body}</article></main>"
                    f"<footer><p>© 2025 Example Practice</p></footer></body></html>", encoding="utf-8")
    return read_article(path, tmp_path)


def blocks(article: Article) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for s in article.sections for b in s.blocks][1:]  # after the shared intro


def test_footnote_list_is_kept_aside_and_markers_dropped(tmp_path: Path):
    article = read(tmp_path, '<p>Rest helps.<sup id="r1"><a href="#fn1">1</a></sup> Play too.<a href="#fn2">[2]</a></p>'
                             '<section class="footnotes"><ol><li id="fn1">A study of rest. <a href="#r1">↩</a></li>'
                             '<li id="fn2">Another note. <a href="#fnref2">↩︎</a></li></ol></section>')
    assert blocks(article) == [("paragraph", "Rest helps. Play too.")]
    assert article.references == ["1. A study of rest.", "2. Another note."]


def test_ordered_lists_line_breaks_and_bold_headings(tmp_path: Path):
    article = read(tmp_path, "<p><strong>What To Try</strong></p><ol><li>Breathe out slowly.</li><li>Name it.</li></ol>"
                             "<p>Reflect back.<br>Ask what helps.</p>")
    assert [s.title for s in article.sections] == ["Introduction", "What To Try"]
    assert [(b.kind, b.ordered, b.text) for b in article.sections[1].blocks] == [
        ("item", True, "Breathe out slowly."), ("item", True, "Name it."), ("paragraph", False,
                                                                           "Reflect back.\nAsk what helps.")]


def test_aside_inside_the_article_reads_its_title_then_body(tmp_path: Path):
    article = read(tmp_path, "<aside><h3>A gentle reminder</h3><p>Breaks are not leaving; come back when you said."
                             "</p></aside><p>After the aside, the article goes on.</p>")
    assert [s.title for s in article.sections] == ["Gentle Page"]
    assert blocks(article) == [("paragraph", "A gentle reminder"),
                               ("paragraph", "Breaks are not leaving; come back when you said."),
                               ("paragraph", "After the aside, the article goes on.")]


def test_code_images_captions_and_forms_are_never_read(tmp_path: Path):
    article = read(tmp_path, '<pre><code>print("never")</code></pre><figure><img src="a.jpg" alt="A calm lake">'
                             "<figcaption>Photo by a friend</figcaption></figure><p>Words that stay in the article.</p>"
                             '<form><label>Email</label><input name="e"><button>Subscribe</button></form>')
    text = " ".join(t for _, t in blocks(article))
    assert text == "Words that stay in the article."


def test_data_tables_are_read_by_row_and_layout_tables_as_text(tmp_path: Path):
    article = read(tmp_path, "<table><tr><th>Session</th><th>Fee</th></tr><tr><td>Individual</td><td>$135</td></tr>"
                             "</table><table><tr><td><p>A paragraph inside a layout table, read as ordinary text.</p>"
                             "</td></tr></table>")
    assert blocks(article) == [("item", "Session, Fee"), ("item", "Individual, $135"),
                               ("paragraph", "A paragraph inside a layout table, read as ordinary text.")]


def test_a_subtitle_under_the_title_is_read_as_a_paragraph(tmp_path: Path):
    article = read(tmp_path, "<h2>Why being kind to yourself is a skill and not a personality trait</h2>" + INTRO +
                             "<h2>Part One</h2><p>Words of part one, long enough to be an article paragraph.</p>",
                   intro="")
    assert [s.title for s in article.sections] == ["Introduction", "Part One"]
    assert article.sections[0].blocks[0].text == "Why being kind to yourself is a skill and not a personality trait"


@pytest.mark.parametrize("page", [
    "<html><body><nav><a href='/'>Home</a><a href='/blog'>Blog</a></nav><footer>© 2025</footer></body></html>",
    "<html><body><img src='a.jpg' alt='Only a picture of a calm lake at sunrise with mist'></body></html>",
])
def test_a_page_without_an_article_is_one_named_error(tmp_path: Path, page: str):
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / "empty.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"^articles/empty\.html: no article"):
        read_article(path, tmp_path)


def test_line_breaks_in_the_source_are_spaces_and_inline_code_is_read_in_place(tmp_path: Path):
    article = read(tmp_path, "<p>Support can be detected by checking for\n<code>Headers</code>, <code>Request</code>"
                             " or\n   <code>fetch</code> on the\nwindow, which most people never need to do.</p>")
    assert blocks(article) == [("paragraph", "Support can be detected by checking for Headers, Request or fetch on "
                                             "the window, which most people never need to do.")]
