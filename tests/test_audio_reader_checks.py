"""What the voice cannot read is found while reading, named with its file and line (issue "late, unnamed failures").

Dividers made of emoji or symbols are not headings; a heading with no Latin letter gets a spoken fallback title;
text in another script is reported; control characters never reach an Article.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import ArticleError, read_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Characters XML 1.0 forbids, plus C1 controls and noncharacters: none may reach a page, transcript or feed.
BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ufdd0-\ufdef]")


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "articles" / name
    path.write_text(text, encoding="utf-8")
    return path


def all_text(article: Article) -> list[str]:
    texts = [article.title, article.description, article.author, article.date, article.previous_title,
             article.next_title, *article.references]
    for section in article.sections:
        texts += [section.heading, section.title, section.id] + [b.text for b in section.blocks]
    return texts


@pytest.mark.parametrize(("name", "text"), [
    ("emoji_line.txt", "Finding Calm\n\nFirst part of the article.\n\n✨✨✨\n\nSecond part of the article.\n"),
    ("stars.txt", "Finding Calm\n\nFirst part of the article.\n\n* * *\n\nSecond part of the article.\n"),
    ("emoji_heading.md", "# Finding Calm\n\nFirst part of the article.\n\n## ✨✨✨\n\nSecond part of the article.\n"),
    ("rule.md", "# Finding Calm\n\nFirst part of the article.\n\n***\n\nSecond part of the article.\n"),
    ("setext_rule.md", "# Finding Calm\n\nFirst part of the article.\n\n---\n\nSecond part of the article.\n"),
    ("emoji_heading.html", "<html><body><article><h1>Finding Calm</h1><p>First part of the article.</p>"
                           "<h2>✨✨✨</h2><p>Second part of the article.</p></article></body></html>"),
])
def test_a_divider_is_a_pause_not_a_heading(tmp_path: Path, name: str, text: str):
    article = read_article(write(tmp_path, name, text), tmp_path)
    assert [s.title for s in article.sections] == ["Finding Calm"]
    assert [b.text for b in article.sections[0].blocks] == ["First part of the article.",
                                                           "Second part of the article."]


@pytest.mark.parametrize(("name", "text", "line", "heading"), [
    ("greek.md", "# Finding Calm\n\nAn opening line.\n\n## Ελληνικά\n\nWords under it.\n", 5, "Ελληνικά"),
    ("hebrew.txt", "Finding Calm\n\nAn opening line.\n\n💛 שלום\n\nWords under it.\n", 5, "💛 שלום"),
    ("chinese.md", "---\ntitle: Finding Calm\n---\n\nAn opening line.\n\n## 平静\n\nWords under it.\n", 7, "平静"),
])
def test_a_heading_without_latin_letters_gets_a_spoken_fallback_and_a_named_warning(
        tmp_path: Path, name: str, text: str, line: int, heading: str):
    article = read_article(write(tmp_path, name, text), tmp_path)
    assert [s.title for s in article.sections] == ["Introduction", "Part 2"]
    assert article.sections[1].heading == heading  # the page still shows the author's heading
    assert article.sections[1].id == "part-2"
    assert any(w.startswith(f"articles/{name}:{line}:") and heading in w for w in article.warnings), \
        article.warnings


@pytest.mark.parametrize(("name", "text", "line", "script"), [
    ("hebrew_words.txt", "Finding Calm\n\nAn opening line.\n\nA blessing: שלום עליכם, said softly.\n", 5, "Hebrew"),
    ("greek_words.md", "# Finding Calm\n\nAn opening line.\n\n- The Greeks called it ἀταραξία.\n", 5, "Greek"),
    ("chinese_words.html", "<html><body><article><h1>Finding Calm</h1><p>An opening line.</p>\n\n"
                           "<p>The word 平静 means calm.</p></article></body></html>", 3, "Chinese"),
])
def test_text_in_another_script_is_reported_with_file_and_line(tmp_path: Path, name: str, text: str, line: int,
                                                               script: str):
    article = read_article(write(tmp_path, name, text), tmp_path)
    assert any(w.startswith(f"articles/{name}:{line}:") and script in w for w in article.warnings), article.warnings


def test_latin_text_with_accents_is_not_reported(tmp_path: Path):
    article = read_article(write(tmp_path, "accents.md", "# Café Talk\n\nA naïve façade, Señor Müller.\n\n"
                                                        "## Déjà Vu\n\nMore words.\n"), tmp_path)
    assert not [w for w in article.warnings if "cannot read" in w or "Latin" in w]


@pytest.mark.parametrize(("name", "text", "line"), [
    ("bell.txt", "Finding Calm\n\nAn opening line.\n\nA bell\x07 rang and an escape\x1b[0m code too.\n", 5),
    ("c1.md", "---\ntitle: Finding\x85 Calm\n---\n\nAn opening line.\n\nWords\ufffe here.\n", 2),
    ("vertical_tab.html", "<html><body><article><h1>Finding Calm</h1>\n<p>An opening\x0b line.</p>"
                          "<p>More words\x0c here.</p></article></body></html>", 2),
])
def test_control_characters_are_removed_and_reported(tmp_path: Path, name: str, text: str, line: int):
    article = read_article(write(tmp_path, name, text), tmp_path)
    assert not any(BAD.search(t) for t in all_text(article))
    assert article.title == "Finding Calm"
    assert any(w.startswith(f"articles/{name}:{line}:") and "control character" in w for w in article.warnings), \
        article.warnings


def test_control_characters_from_character_references_never_reach_the_article(tmp_path: Path):
    page = ("<html><body><article><h1>Finding&#x7; Calm</h1><p>An opening&#1; line&#x9f;.</p>"
            "<p>More words here.</p></article></body></html>")
    article = read_article(write(tmp_path, "entities.html", page), tmp_path)
    assert not any(BAD.search(t) for t in all_text(article))


# --- Fuzz: any article shape reads cleanly or fails with one named line ---------------------------------------

_WORDS = st.text(alphabet=string.ascii_letters + "  ,.'", min_size=1, max_size=60)
_SCRIPTS = st.sampled_from(["Ελληνικά κείμενα", "שלום עליכם", "平静的心", "Привет", "مرحبا", "こんにちは", "𝐁𝐨𝐥𝐝"])
_EMOJI = st.sampled_from(["✨✨✨", "💛", "🧨 ", "🌿🌿", "❤️‍🔥", "🇺🇸", "⭐️ ⭐️ ⭐️"])
_CONTROL = st.sampled_from(["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\ufdd0",
                            "\r", "\t", "\u200b", "\u202e"])
_FRAGMENT = st.one_of(_WORDS, _SCRIPTS, _EMOJI, _CONTROL, st.sampled_from(["***", "---", "* * *", "#", "> ", "- ",
                                                                           "1. ", "!!! note", "[^1]", "<p>", "</p>",
                                                                           "**", "`", "|", "[!NOTE]", "\n", "\n\n"]))
_LINE = st.lists(_FRAGMENT, min_size=0, max_size=8).map("".join)
_PREFIX = st.sampled_from(["", "# ", "## ", "- ", "1. ", "> ", "    ", "**", "!!! warning \"Careful\"\n    ",
                           "<h2>", "References:\n"])
_BLOCK = st.tuples(_PREFIX, _LINE).map("".join)
_LONG = st.integers(min_value=0, max_value=3).map(lambda n: ("A long sentence with many words, " * 400) if n == 3
                                                   else "")


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str]:
    ext = draw(st.sampled_from([".txt", ".md", ".html"]))
    head = draw(st.sampled_from(["", "---\ntitle: Fuzzed\n---\n", "<!doctype html><html><body>", "Fuzzed Title\n\n"]))
    body = "\n\n".join(draw(st.lists(_BLOCK, min_size=0, max_size=12))) + draw(_LONG)
    return ext, head + body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(articles())
def test_fuzz_any_article_reads_clean_or_fails_with_one_named_line(tmp_path: Path, shape: tuple[str, str]):
    ext, text = shape
    path = write(tmp_path, "fuzz" + ext, text)
    try:
        article = read_article(path, tmp_path)
    except ArticleError as exc:
        message = str(exc)
        assert message.startswith("articles/fuzz" + ext + ":") and "\n" not in message
        return
    assert isinstance(article, Article)
    assert article.sections and any(s.blocks for s in article.sections)
    for text_ in all_text(article):
        assert isinstance(text_, str) and not BAD.search(text_), repr(text_)
    titles = [s.title for s in article.sections]
    assert all(t.strip() and any(ch.isalnum() for ch in t) for t in titles), titles
    assert len({s.id for s in article.sections}) == len(article.sections)
    assert all(w.startswith("articles/fuzz" + ext) for w in article.warnings)
