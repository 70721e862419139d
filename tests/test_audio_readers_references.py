"""References, bibliographies and notes in every common shape: kept for the page, never narrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import read_article
from gentle_steps.audio.readers.references import label_of, looks_like_citation

BOWLBY = "Bowlby, J. (1969). Attachment and loss: Vol. 1. Attachment. Basic Books."
HAZAN = ("Hazan, C., & Shaver, P. (1987). Romantic love conceptualized as an attachment process. Journal of "
         "Personality and Social Psychology, 52(3), 511–524. https://doi.org/10.1037/0022-3514.52.3.511")
GOTTMAN = "Gottman, J. M., & Silver, N. (1999). The seven principles for making marriage work. Crown."
BODY = "Trust grows in small moments.\n\nIt grows when words and actions match."


def read(tmp_path: Path, text: str, name: str) -> Article:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "articles" / name
    path.write_text(text, encoding="utf-8")
    return read_article(path, tmp_path)


def narrated(article: Article) -> list[str]:
    return [b.text for s in article.sections for b in s.blocks]


@pytest.mark.parametrize("label", ["References", "References:", "REFERENCES", "📚 Further Reading:", "Works Cited",
                                   "Sources", "Notes and sources", "Sources & further reading", "Bibliography",
                                   "Footnotes", "Endnotes", "Suggested reading", "Citations", "Notes"])
def test_reference_labels(label: str):
    assert label_of(label)


@pytest.mark.parametrize("text", ["Notes on self-care", "Resources", "What the research says", "Sources of stress",
                                  "References in everyday life are everywhere", ""])
def test_not_reference_labels(text: str):
    assert not label_of(text)


@pytest.mark.parametrize("text", [BOWLBY, HAZAN, GOTTMAN,
                                  "American Psychological Association. (2017). What is psychotherapy? "
                                  "https://www.apa.org/topics/psychotherapy",
                                  "Porges SW, et al. Polyvagal theory. Norton; 2011. pp. 12-40.",
                                  "Neff, K. (n.d.). Self-compassion guided practices. Retrieved from self-compassion.org"])
def test_citations(text: str):
    assert looks_like_citation(text)


@pytest.mark.parametrize("text", [
    "In 2019 we moved offices, and in 2021 we added telehealth (finally).",
    "Trust isn't rebuilt with apologies alone.",
    "Call or text 988, any time, day or night (24/7), from anywhere in the U.S. since 2022.",
    "Dr. Gottman's research (1999) found that couples who turn toward each other fare better over time.",
])
def test_prose_is_not_a_citation(text: str):
    assert not looks_like_citation(text)


@pytest.mark.parametrize(("name", "text"), [
    ("heading.md", f"# Trust\n\n{BODY}\n\n## References\n\n- {BOWLBY}\n- {HAZAN}\n"),
    ("emoji_heading.txt", f"Trust\n\n{BODY}\n\n📚 Further Reading\n\n{BOWLBY}\n\n{HAZAN}\n"),
    ("bold.md", f"# Trust\n\n{BODY}\n\n**Works Cited**\n\n{BOWLBY}\n\n{HAZAN}\n"),
    ("label_paragraph.txt", f"Trust\n\n{BODY}\n\nReferences:\n\n{BOWLBY}\n\n{HAZAN}\n"),
    ("label_with_lines.txt", f"Trust\n\n{BODY}\n\nSources:\n{BOWLBY}\n{HAZAN}\n"),
    ("label_inline.md", f"# Trust\n\n{BODY}\n\nSources: {BOWLBY}\n\n{HAZAN}\n"),
    ("ordered_list_at_end.md", f"# Trust\n\n{BODY}\n\n1. {BOWLBY}\n2. {HAZAN}\n"),
    ("paragraphs_at_end.html", f"<html><body><article><h1>Trust</h1><p>{BODY.replace(chr(10) * 2, '</p><p>')}</p>"
                               f"<hr><p>{BOWLBY}</p><p>{HAZAN}</p></article></body></html>"),
    ("html_heading.html", f"<html><body><article><h1>Trust</h1><p>{BODY.replace(chr(10) * 2, '</p><p>')}</p>"
                          f"<h2>Sources</h2><ol><li>{BOWLBY}</li><li>{HAZAN}</li></ol></article></body></html>"),
])
def test_reference_lists_in_every_shape_are_kept_and_not_narrated(tmp_path: Path, name: str, text: str):
    article = read(tmp_path, text, name)
    assert narrated(article) == ["Trust grows in small moments.", "It grows when words and actions match."]
    assert [r.replace("\n", " ") for r in article.references] == [BOWLBY, HAZAN]
    assert not any("Reference" in s.title or "Sources" in s.title for s in article.sections)


def test_narration_resumes_after_a_reference_list_at_the_next_heading(tmp_path: Path):
    text = (f"# Trust\n\n{BODY}\n\n## References\n\n### Books\n\n- {BOWLBY}\n\n### Articles\n\n- {HAZAN}\n\n"
            "## About the author\n\nJane is a counsellor in Leeds.\n")
    article = read(tmp_path, text, "resume.md")
    assert [s.title for s in article.sections] == ["Introduction", "About the author"]
    assert narrated(article)[-1] == "Jane is a counsellor in Leeds."
    assert article.references == [BOWLBY, HAZAN]


def test_one_citation_like_paragraph_at_the_end_is_still_read(tmp_path: Path):
    article = read(tmp_path, f"# Trust\n\n{BODY}\n\nAs {GOTTMAN}\n", "single.md")
    assert narrated(article)[-1] == f"As {GOTTMAN}"
    assert article.references == []
