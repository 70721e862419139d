"""Markdown through markdown-it-py: CommonMark structure, front matter, footnotes, tables, admonitions, alerts."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import ArticleError, read_article


def read(tmp_path: Path, text: str, name: str = "post.md") -> Article:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "articles" / name
    path.write_text(text, encoding="utf-8")
    return read_article(path, tmp_path)


def blocks(article: Article) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for s in article.sections for b in s.blocks]


def words(article: Article) -> str:
    return "\n".join([s.title for s in article.sections] + [b.text for s in article.sections for b in s.blocks])


def test_setext_headings_are_sections(tmp_path: Path):
    article = read(tmp_path, "Calm Title\n==========\n\nIntro words here.\n\nA Section\n---------\n\nMore words.\n")
    assert article.title == "Calm Title"
    assert [s.title for s in article.sections] == ["Introduction", "A Section"]


def test_nested_lists_read_parent_then_children_in_order(tmp_path: Path):
    article = read(tmp_path, "# T\n\nLead in words.\n\n1. First step\n   - a detail\n   - another detail\n"
                             "2. Second step\n\n   More about the second step.\n")
    items = [(b.text, b.ordered) for s in article.sections for b in s.blocks if b.kind == "item"]
    assert items == [("First step", True), ("a detail", False), ("another detail", False),
                     ("Second step\nMore about the second step.", True)]


def test_links_are_their_text_and_reference_definitions_are_not_read(tmp_path: Path):
    article = read(tmp_path, "# T\n\nRead the [gentle guide][g] or [this page](https://example.org/page \"t\").\n\n"
                             "[g]: https://example.org/guide\n")
    assert blocks(article) == [("paragraph", "Read the gentle guide or this page.")]


def test_images_and_code_are_never_read(tmp_path: Path):
    article = read(tmp_path, "# T\n\n![A calm lake at dawn](lake.jpg)\n\nWords stay.\n\n```python\nprint('no')\n```\n\n"
                             "    indented code\n\n<!-- a note to self -->\n\nEnd words.\n")
    assert blocks(article) == [("paragraph", "Words stay."), ("paragraph", "End words.")]


def test_footnotes_are_kept_for_the_page_and_their_markers_never_read(tmp_path: Path):
    article = read(tmp_path, "# T\n\nRest matters.[^1] So does play.[^note]\n\n[^1]: Pang (2016).\n"
                             "[^note]: A longer note\n    on two lines.\n")
    assert blocks(article) == [("paragraph", "Rest matters. So does play.")]
    assert article.references == ["1. Pang (2016).", "2. A longer note on two lines."]


def test_mkdocs_admonitions_read_title_then_body_never_the_type(tmp_path: Path):
    article = read(tmp_path, '# T\n\nIntro.\n\n!!! warning "Important Disclaimer"\n    Not therapy.\n\n'
                             "!!! note\n    Untitled body.\n\n??? tip \"Open me\"\n    Folded body.\n\n"
                             '!!! danger ""\n    Empty title body.\n')
    assert blocks(article) == [("paragraph", "Intro."), ("paragraph", "Important Disclaimer"),
                               ("paragraph", "Not therapy."), ("paragraph", "Untitled body."),
                               ("paragraph", "Open me"), ("paragraph", "Folded body."),
                               ("paragraph", "Empty title body.")]
    assert not any(w in words(article).lower() for w in ("warning", "note", "tip", "danger", "!!!", "???"))


def test_github_alerts_read_their_body_only(tmp_path: Path):
    article = read(tmp_path, "# T\n\n> [!NOTE]\n> Useful to know.\n\n> [!CAUTION]\n> Go slowly.\n")
    assert blocks(article) == [("paragraph", "Useful to know."), ("paragraph", "Go slowly.")]


def test_obsidian_callouts_read_their_title_then_body(tmp_path: Path):
    article = read(tmp_path, "# T\n\n> [!tip] Try this tonight\n> Put the phone in another room.\n\n"
                             "> [!info]-\n> Folded, no title.\n")
    assert blocks(article) == [("paragraph", "Try this tonight"), ("paragraph", "Put the phone in another room."),
                               ("paragraph", "Folded, no title.")]


def test_html_aside_in_markdown_is_a_callout_not_a_section(tmp_path: Path):
    article = read(tmp_path, "# T\n\nIntro.\n\n<aside>\n<h4>Side note</h4>\n<p>Aside words.</p>\n</aside>\n\nAfter.\n")
    assert [s.title for s in article.sections] == ["T"]
    assert blocks(article) == [("paragraph", "Intro."), ("paragraph", "Side note"), ("paragraph", "Aside words."),
                               ("paragraph", "After.")]


def test_small_tables_are_read_row_by_row_and_wide_ones_are_reported(tmp_path: Path):
    wide = "| a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 | 7 |\n"
    article = read(tmp_path, "# T\n\n| Day | Time |\n|---|---|\n| Monday | 9 am |\n| | |\n\nBetween.\n\n" + wide)
    assert blocks(article) == [("item", "Day, Time"), ("item", "Monday, 9 am"), ("paragraph", "Between.")]
    assert any(w.startswith("articles/post.md:10:") and "table" in w for w in article.warnings), article.warnings


def test_definition_lists_read_term_then_definition(tmp_path: Path):
    article = read(tmp_path, "# T\n\nGrounding\n: Coming back to the present.\n")
    assert blocks(article) == [("paragraph", "Grounding"), ("paragraph", "Coming back to the present.")]


def test_task_boxes_tables_of_contents_and_back_to_top_are_not_read(tmp_path: Path):
    article = read(tmp_path, "# T\n\n## Contents\n\n- [One](#one)\n- [Two](#two)\n\n## One\n\n- [x] Done thing\n"
                             "- [ ] Open thing\n\n[Back to top](#t)\n\n## Two\n\nWords.\n")
    assert [s.title for s in article.sections] == ["One", "Two"]
    assert blocks(article) == [("item", "Done thing"), ("item", "Open thing"), ("paragraph", "Words.")]


def test_soft_breaks_join_and_hard_breaks_keep_lines(tmp_path: Path):
    article = read(tmp_path, "# T\n\nOne sentence wrapped\nonto two lines.  \nA hard break.<br>And an HTML one.\n")
    assert blocks(article) == [("paragraph", "One sentence wrapped onto two lines.\nA hard break.\nAnd an HTML one.")]


def test_bold_line_is_a_heading_but_a_bold_sentence_is_not(tmp_path: Path):
    article = read(tmp_path, "# T\n\nIntro.\n\n**Why does this happen?**\n\nBecause.\n\n**Please call 988 if you are "
                             "in danger.**\n")
    assert [s.title for s in article.sections] == ["Introduction", "Why does this happen?"]
    assert blocks(article)[-1] == ("paragraph", "Please call 988 if you are in danger.")


def test_hand_written_footnote_markers_are_not_read(tmp_path: Path):
    article = read(tmp_path, "# T\n\nStudies agree[1] and disagree [2, 3]. Sleep helps¹²; in 2023 [4-6] too.\n")
    assert blocks(article) == [("paragraph", "Studies agree and disagree. Sleep helps; in 2023 too.")]


def test_bare_urls_stay_as_written_for_the_normalizer(tmp_path: Path):
    article = read(tmp_path, "# T\n\nSee <https://example.org/help> or https://example.org for more.\n")
    assert blocks(article) == [("paragraph", "See https://example.org/help or https://example.org for more.")]


def test_front_matter_is_yaml(tmp_path: Path):
    article = read(tmp_path, '---\ntitle: "Grounding: A Guide"\ndate: 2025-07-02T09:00:00-08:00\n'
                             "tags: [calm, body]\nauthor: Dr. Ann Lee, LPC\nid: grounding\n---\n\nWords.\n")
    assert (article.title, article.date, article.author, article.id) == (
        "Grounding: A Guide", "2025-07-02", "Dr. Ann Lee, LPC", "grounding")


@pytest.mark.parametrize(("front", "problem"), [
    ("title: [unclosed\n", "front matter is not valid YAML (line 2)"),
    ("- just\n- a list\n", "front matter must be 'key: value' lines"),
])
def test_bad_front_matter_names_the_file(tmp_path: Path, front: str, problem: str):
    with pytest.raises(ArticleError) as excinfo:
        read(tmp_path, "---\n" + front + "---\n\nWords.\n", "bad.md")
    assert str(excinfo.value).startswith("articles/bad.md: ") and problem in str(excinfo.value)


@pytest.mark.parametrize(("text", "title", "sections"), [
    ("# Own Title\n\nWords.\n\n## Part\n\nMore.\n", "Own Title", ["Introduction", "Part"]),
    ("---\ntitle: Same Title\n---\n# Same title!\n\nWords.\n", "Same Title", ["Same Title"]),
    ("---\ntitle: Listed Title\n---\n# Shown Title\n\nWords.\n\n## Part\n\nMore.\n", "Listed Title",
     ["Introduction", "Part"]),
    ("---\ntitle: Listed Title\n---\n# One\n\nWords.\n\n# Two\n\nMore.\n", "Listed Title", ["One", "Two"]),
])
def test_a_leading_level_one_heading_is_the_title(tmp_path: Path, text: str, title: str, sections: list[str]):
    article = read(tmp_path, text)
    assert article.title == title
    assert [s.title for s in article.sections] == sections


@pytest.mark.parametrize("text", ["# Calm Title\n\nWords.\n\n## Part\n\nMore.\n",
                                  "---\ntitle: Calm Title\n---\n\nWords.\n\n## Part\n\nMore.\n"])
def test_markdown_saved_as_txt_is_read_as_markdown(tmp_path: Path, text: str):
    article = read(tmp_path, text, "saved.txt")
    assert article.title == "Calm Title"
    assert [s.title for s in article.sections] == ["Introduction", "Part"]
