"""References, bibliographies and notes: found in every common shape, kept for the page, never narrated.

Shapes recognised (each from a real blog's habits):

- a heading named like a reference list ("References", "Works Cited", "Sources", "Further Reading", "Notes",
  "Bibliography", ... with or without a colon or an emoji); a bold paragraph standing as that heading;
- a paragraph that is only such a label ("References:") followed by the citations as paragraphs or items;
- a paragraph that starts with the label and holds the citations ("Sources: Gottman, J. (1999). ...");
- with no label at all, a run of at least two citations (author, year in brackets, journal, DOI...) that ends
  the article.

A labelled list runs to the next heading at its level or above (a sub-heading such as "Books" stays inside it);
whatever follows (an author's bio, a disclaimer) is narrated again.
"""

from __future__ import annotations

import re

from gentle_steps.audio.readers.draft import BOLD_LEVEL, HEADING, RawBlock
from gentle_steps.audio.text import strip_emoji

LABELS = {
    "references", "reference", "reference list", "sources", "source", "sources cited", "works cited",
    "works consulted", "bibliography", "citations", "further reading", "suggested reading",
    "recommended reading", "additional reading", "reading list", "notes", "endnotes", "footnotes",
    "literature", "resources cited", "selected references", "cited works", "studies cited",
}
"""Names of a reference list, lower case, without punctuation (combinations like "Notes and sources" count)."""

_YEAR_IN_BRACKETS = re.compile(r"\((?:19|20)\d{2}[a-z]?(?:,[^)]{0,30})?\)|\(n\.\s?d\.\)")
_AUTHOR = re.compile(
    r"^[\w'\u2019-]+(?: [\w'\u2019-]+)?, (?:[A-Z]\.\s?){1,3}"  # APA, MLA: "Hazan, C.", "van der Kolk, B. A."
    r"|^[A-Z][\w'\u2019-]+ [A-Z]{1,3}[,.]"  # Vancouver: "Porges SW,"
    r"|^[A-Z][\w'\u2019-]+ et al\.")
_STRONG = (
    re.compile(r"\bdoi\.org/|\bdoi:\s?10\.", re.IGNORECASE),
    re.compile(r"\b\d{1,4}\s?\(\d{1,4}\)\s?[,:]\s?\d+"),  # volume(issue), pages
    re.compile(r"\bet al\.", re.IGNORECASE),
    re.compile(r"\bRetrieved (?:from|on)\b"),
    re.compile(r"\bpp?\.\s?\d+"),
    re.compile(r"\(Eds?\.\)"),
)
_WEAK = (
    re.compile(r"https?://|www\.", re.IGNORECASE),
    re.compile(r"\b(?:Press|Publishing|Publications|Publishers|Journal|Review|Quarterly|Proceedings|Books|"
               r"University|Institute|Association|Vol\.|No\.|ed\.|edn\.)", re.IGNORECASE),
    re.compile(r"\b\d+\s?[\u2013-]\s?\d+\b"),  # a page range
)
_BARE_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def label_of(text: str) -> str:
    """``text`` as a reference label ("References", "📚 Further reading:") or "" when it is not one."""
    if len(text) > 80:
        return ""
    words = re.sub(r"[^\w\s&]", " ", strip_emoji(text).lower()).replace("&", " and ")
    words = " ".join(words.split())
    if not words or len(words) > 40:
        return ""
    parts = [p.strip() for p in re.split(r"\band\b|,", words) if p.strip()]
    return words if parts and all(p in LABELS for p in parts) else ""


def looks_like_citation(text: str) -> bool:
    """A bibliography entry: an author or a bracketed year near the start, and a second sign of a citation."""
    text = " ".join(text.split())
    if len(text) > 600 or len(text) < 15:
        return False
    author = bool(_AUTHOR.search(text))
    bracketed = bool(_YEAR_IN_BRACKETS.search(text[:160]))
    signs = 2 * (sum(bool(p.search(text)) for p in _STRONG) + author + bracketed)
    signs += sum(bool(p.search(text)) for p in _WEAK)
    signs += bool(_BARE_YEAR.search(text)) and not bracketed  # the bracketed year is not counted twice
    return (author or bracketed) and signs >= 3


def split_references(blocks: list[RawBlock]) -> tuple[list[RawBlock], list[str]]:
    """Blocks to narrate and the reference texts taken out of them (in the article's order)."""
    kept: list[RawBlock] = []
    references: list[str] = []
    level = 0  # inside a labelled list until a heading at this level or above
    for block in blocks:
        if level:
            if block.kind == HEADING and block.level <= level and not label_of(block.text):
                level = 0
            else:
                if block.kind != HEADING and block.text and not label_of(block.text):
                    references.append(block.text)
                continue  # sub-headings ("Books", "Articles") only group the list
        if block.kind == HEADING and label_of(block.text):
            level = block.level
            continue
        if block.kind != HEADING and label_of(block.text):
            level = BOLD_LEVEL
            continue
        inline = _inline_label(block.text)
        if block.kind != HEADING and inline is not None:
            references.extend(inline)
            level = BOLD_LEVEL
            continue
        kept.append(block)
    tail = _citation_tail(kept)
    if tail:
        references.extend(b.text for b in kept[-tail:])
        kept = kept[:-tail]
    return kept, references


def _inline_label(text: str) -> list[str] | None:
    """"References: Smith, J. (2020). ..." (one line, or the label line with citations below it)."""
    first, sep, rest = text.partition("\n")
    if sep and label_of(first):
        return [line for line in rest.split("\n") if line.strip()]
    head, colon, body = text.partition(":")
    if colon and label_of(head) and looks_like_citation(body):
        return [line.strip() for line in body.split("\n") if line.strip()]
    return None


def _citation_tail(blocks: list[RawBlock]) -> int:
    """How many blocks at the end are unlabelled citations (0 unless at least two, and not the whole text)."""
    count = 0
    for block in reversed(blocks):
        if block.kind == HEADING or not looks_like_citation(block.text):
            break
        count += 1
    return count if 2 <= count < len(blocks) else 0
