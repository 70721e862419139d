"""The article collection in tests/fixtures/corpus: each file reads as a person reading it aloud would narrate it.

Every article has a reference, ``NAME.expected.txt``, written by hand (never produced by the reader): the title,
how many references are kept off the narration, the warnings expected, then each section's title and the text
of each block in order (``- `` for a list item, ``1. `` for a numbered one). See the corpus README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import EXTENSIONS, read_article

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
REFERENCE_SUFFIXES = (".expected.txt", ".spoken.txt")
ARTICLES = sorted(p for p in CORPUS.iterdir()
                  if p.suffix in EXTENSIONS and not p.name.endswith(REFERENCE_SUFFIXES) and p.name != "README.md")


@dataclass
class Reference:
    """What a person would narrate, as written in a ``.expected.txt`` file."""

    title: str = ""
    references: int = 0
    warnings: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[tuple[str, bool, str]]]] = field(default_factory=list)


def parse_reference(path: Path) -> Reference:
    ref = Reference()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or (line.startswith("# ") and not ref.sections):
            continue
        if line.startswith("## "):
            ref.sections.append((line[3:].strip(), []))
        elif not ref.sections:
            key, _, value = line.partition(":")
            if key == "title":
                ref.title = value.strip()
            elif key == "references":
                ref.references = int(value)
            elif key == "warning":
                ref.warnings.append(value.strip())
        elif line.startswith("- "):
            ref.sections[-1][1].append(("item", False, line[2:].strip()))
        elif re.match(r"\d+\. ", line):
            ref.sections[-1][1].append(("item", True, line.split(" ", 1)[1].strip()))
        else:
            ref.sections[-1][1].append(("paragraph", False, line.strip()))
    return ref


def narrated(article: Article) -> list[tuple[str, list[tuple[str, bool, str]]]]:
    return [(s.title, [(b.kind, b.ordered, " ".join(b.text.split())) for b in s.blocks]) for s in article.sections]


def reference_for(path: Path) -> Path:
    return path.with_name(path.stem + ".expected.txt")


def test_the_collection_has_at_least_twelve_articles_each_with_its_reference():
    assert len(ARTICLES) >= 12
    missing = [p.name for p in ARTICLES if not reference_for(p).is_file()]
    assert not missing
    assert {p.suffix for p in ARTICLES} >= {".txt", ".md", ".html"}


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_article_reads_as_a_person_would_narrate_it(path: Path):
    ref = parse_reference(reference_for(path))
    article = read_article(path, CORPUS)
    assert article.title == ref.title
    got, want = narrated(article), ref.sections
    assert [title for title, _ in got] == [title for title, _ in want]
    for (title, got_blocks), (_, want_blocks) in zip(got, want, strict=True):
        assert got_blocks == want_blocks, title
    assert len(article.references) == ref.references, article.references
    for expected in ref.warnings:
        assert any(expected in w for w in article.warnings), (expected, article.warnings)
    assert len(article.warnings) == len(ref.warnings), article.warnings


# Markup, entities and link targets never reach the blocks. (A URL the author wrote out as text stays in the
# block, as the page shows it; the normalizer speaks it as a domain.)
_NEVER_NARRATED = re.compile(
    r"doi\.org|\]\(|\]\[|!\[|\[!|!!!|\?\?\?|</?\w+[ >]|<https?:|\*\*|__|```|^\s*[#>|]|\s\|\s|\[\^|\[[ x]\]|"
    r"&\w+;|&#|\.(?:jpg|png|mp3)\b")


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_no_markup_url_or_reference_is_narrated(path: Path):
    article = read_article(path, CORPUS)
    texts = [s.title for s in article.sections] + [b.text for s in article.sections for b in s.blocks]
    for text in texts:
        assert not _NEVER_NARRATED.search(text), text
    narration = "\n".join(texts)
    for reference in article.references:
        assert reference not in narration
