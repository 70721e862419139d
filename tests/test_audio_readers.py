"""Readers: the seed article, Markdown and saved HTML become the right title, sections and blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.readers import ArticleError, read_article
from gentle_steps.audio.text import is_emoji, slugify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "content" / "articles" / "can-you-rebuild-trust-after-betrayal.txt"


def fixture(name: str):
    return read_article(FIXTURES / "articles" / name, FIXTURES)


def test_seed_parses_to_title_introduction_and_five_emoji_sections():
    article = read_article(SEED, ROOT / "content")
    assert article.title == "Can You Rebuild Trust After Betrayal?"
    assert article.id == "can-you-rebuild-trust-after-betrayal"
    assert [s.id for s in article.sections] == [
        "introduction",
        "trust-isnt-rebuilt-with-apologies-alone",
        "betrayal-is-a-trauma",
        "what-trust-repair-actually-looks-like",
        "but-i-dont-know-if-i-can-stay",
        "if-youre-navigating-betrayal-right-now",
    ]
    assert [s.heading[0] for s in article.sections[1:]] == ["🧨", "🔁", "🛠", "💬", "💛"]
    assert all(not any(is_emoji(ch) for ch in s.title) for s in article.sections)
    intro = article.sections[0]
    assert intro.heading == "" and intro.blocks[0].text.startswith("Betrayal doesn’t just break trust.")


def test_seed_bullets_are_list_items():
    article = read_article(SEED, ROOT / "content")
    trauma = article.sections[2]
    items = [b.text for b in trauma.blocks if b.kind == "item"]
    assert items[0] == "Needing more transparency to feel safe"
    assert len(items) == 8
    repair = [b.text for b in article.sections[3].blocks if b.kind == "item"]
    assert len(repair) == 6 and repair[-1].startswith("Space for grief")
    assert not any("•" in b.text for s in article.sections for b in s.blocks)


def test_seed_navigation_residue_is_dropped_but_neighbours_kept():
    article = read_article(SEED, ROOT / "content")
    words = " ".join(b.text for s in article.sections for b in s.blocks)
    assert "Previous" not in words and "Next\n" not in words
    assert "Erotic Blueprints" not in words and "5 Things I Wish" not in words
    assert article.previous_title == "What Are Erotic Blueprints—and Why Should Couples Care?"
    assert article.next_title == "5 Things I Wish Everyone Knew About Sex Therapy"
    last = article.sections[-1].blocks[-1].text
    assert last.startswith("You just have to keep listening to yourself")


def test_markdown_front_matter_headings_lists_and_references():
    article = fixture("markdown_with_front_matter_and_bold_heading.md")
    assert (article.id, article.title, article.date, article.author) == (
        "small-repairs", "Small Repairs After a Hard Week", "2026-03-14", "Dr. Jane Example")
    assert [s.title for s in article.sections] == ["Introduction", "What Helps", "Saying It Out Loud",
                                                   "When It Goes Wrong"]
    helps = article.sections[1].blocks
    assert [b.kind for b in helps] == ["paragraph", "item", "item", "item"]
    assert helps[1].text == "Naming the moment gently"  # bold markers removed
    numbered = article.sections[2].blocks
    assert all(b.kind == "item" and b.ordered for b in numbered)
    assert "https://" not in article.sections[0].blocks[0].text  # link text kept, URL dropped
    assert article.sections[0].blocks[0].text == "Repair rarely looks dramatic. It looks like coming back to the table."
    assert len(article.references) == 1 and "On Repair" in article.references[0]
    assert all("Example, J." not in b.text for s in article.sections for b in s.blocks)


def test_html_takes_the_article_and_drops_page_furniture():
    article = fixture("saved_page_with_nav_and_footer.html")
    assert article.title == "Listening Without Fixing"
    assert [s.title for s in article.sections] == ["Introduction", "Why Fixing Backfires", "What To Try Instead"]
    words = " ".join(b.text for s in article.sections for b in s.blocks)
    for furniture in ("Home", "Blog", "Related posts", "All rights reserved", "Subscribe", "Sign up",
                      "analytics", "editor's comment", "font-family"):
        assert furniture not in words
    assert "Tom & Ana" in words  # entities decoded
    assert [b.kind for b in article.sections[1].blocks] == ["paragraph", "item", "item"]
    assert article.description == "How to listen without rushing to fix."


def test_html_content_with_txt_extension_is_read_as_html():
    article = fixture("saved_page_named_txt.txt")
    assert article.title == "Hidden Html"
    assert [s.title for s in article.sections] == ["Introduction", "A Second Part"]
    assert "Menu" not in " ".join(b.text for s in article.sections for b in s.blocks)


def test_article_without_headings_is_one_section_with_a_warning():
    article = fixture("plain_without_headings.txt")
    assert len(article.sections) == 1 and article.sections[0].title == "A Short Note on Rest"
    assert article.warnings and "no headings" in article.warnings[0]


def test_ids_are_ascii_and_stable_when_text_changes(tmp_path: Path):
    original = SEED.read_text(encoding="utf-8")
    edited = original.replace("It’s easy to say “I’m sorry.”", "It is easy, very easy, to say sorry.")
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    before = read_article(SEED, ROOT / "content")
    after = read_article(path, tmp_path)
    assert [s.id for s in before.sections] == [s.id for s in after.sections]
    assert before.id == after.id
    for s in after.sections:
        assert s.id.isascii() and slugify(s.id) == s.id


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n\t \n", "empty"),
    ("latin1.txt", "Caf\u00e9 au lait\n\nWords.".encode("latin-1"), "not UTF-8"),
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("only_nav.txt", b"Title Here\n\nPrevious\nPrevious\n\nOther\n\nNext\nNext\n\nAnother", "no article text"),
])
def test_bad_articles_name_the_file_and_the_problem(tmp_path: Path, name: str, data: bytes, problem: str):
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / name
    path.write_bytes(data)
    with pytest.raises(ArticleError) as excinfo:
        read_article(path, tmp_path)
    assert f"articles/{name}" in str(excinfo.value) and problem in str(excinfo.value)


def test_article_over_two_megabytes_is_refused(tmp_path: Path):
    (tmp_path / "articles").mkdir()
    path = tmp_path / "articles" / "huge.txt"
    path.write_bytes(b"Title\n\n" + b"word " * (2 * 1024 * 1024 // 5 + 10))
    with pytest.raises(ArticleError, match=r"huge\.txt: file is 2\.0 MB; articles must be at most 2 MB"):
        read_article(path, tmp_path)
