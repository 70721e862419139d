"""Preparing what the voice says: the article's words stay for pages and transcripts; the voice gets a clean copy.

:func:`plan_section` turns one :class:`ArticleSection` into :class:`Utterance` items: the text to show, the text
to speak, and the silence to leave after it. Pauses carry the rhythm (headings, paragraphs, list items); the
spoken text comes from the normalizer (:mod:`gentle_steps.audio.normalize`), so it never contains emoji, markup,
bullet glyphs, citations or symbol names, and numbers, phone lines, money, times and acronyms read as people
say them. The lexicon lives in :mod:`gentle_steps.audio.lexicon` (``load_lexicon`` is re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gentle_steps.audio.lexicon import LexiconError, load_lexicon
from gentle_steps.audio.model import ArticleSection
from gentle_steps.audio.normalize import normalize
from gentle_steps.audio.spoken_numbers import year_words
from gentle_steps.audio.text import collapse_spaces
from gentle_steps.audio.voice_settings import PAUSES, Pauses

__all__ = ["PAUSES", "LexiconError", "Pauses", "Utterance", "lead_in", "load_lexicon", "plan_section", "speakable",
           "split_long", "split_sentences", "year_words"]

MAX_SPOKEN_CHARS = 300
"""Longer sentences are split at commas, semicolons or spaces: Piper's quality drops on very long input."""


@dataclass(frozen=True)
class Utterance:
    """One thing the voice says, and the silence after it."""

    text: str
    """The article's own words."""

    spoken: str
    """What the voice is given."""

    kind: str
    """``title``, ``disclosure``, ``heading``, ``paragraph`` or ``item``."""

    pause_ms: int
    """Silence after it, in milliseconds."""

    paragraph: int
    """Block index within the section."""


# --- Sentences ----------------------------------------------------------------------------------------------

_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "vs.", "St.", "Jr.", "Sr.",
                  "Prof.", "approx.", "No.")
_PLACEHOLDER = "\u0000"


def split_sentences(text: str) -> list[str]:
    """Sentences of one block: each line is at least one sentence; lines split after . ! ? or an ellipsis."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = collapse_spaces(line)
        if not line:
            continue
        protected = line
        for abbr in _ABBREVIATIONS:
            protected = re.sub(r"(?<!\w)" + re.escape(abbr), abbr.replace(".", _PLACEHOLDER), protected, flags=re.IGNORECASE)
        parts = re.split(r"(?<=[.!?\u2026][\"\u201d\u2019)])\s+|(?<=[.!?\u2026])\s+(?=[\"\u201c\u2018(]*[A-Z0-9])",
                         protected)
        sentences.extend(p.replace(_PLACEHOLDER, ".").strip() for p in parts if p and p.strip())
    return sentences


# --- Spoken text --------------------------------------------------------------------------------------------

def speakable(text: str, lexicon: dict[str, str] | None = None, *, read_citations: bool = False) -> str:
    """The words of ``text`` as the voice should hear them (see :mod:`gentle_steps.audio.normalize`).

    Emoji, bullet glyphs, markup, footnote markers and (unless ``read_citations``) inline citations are
    removed; numbers, telephone numbers, money, times, dates, units, abbreviations, acronyms, emails and web
    addresses read as a person would say them; em dashes and ellipses become short pauses (commas) rather than
    run-ons; the lexicon's respellings or ``[[ phonemes ]]`` replace whole words, last.
    """
    return normalize(text, lexicon, read_citations=read_citations)


def split_long(spoken: str, limit: int = MAX_SPOKEN_CHARS) -> list[str]:
    """A sentence too long for the voice, split at the last comma, semicolon or space before ``limit``.

    The pieces are synthesized separately and joined with a short pause, but stay one sentence (one cue).
    """
    pieces: list[str] = []
    while len(spoken) > limit:
        cut = max(spoken.rfind(sep, 0, limit) for sep in (", ", "; ", ": "))
        if cut <= limit // 3:
            cut = spoken.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(spoken[:cut + 1].strip())
        spoken = spoken[cut + 1:].strip()
    if spoken:
        pieces.append(spoken)
    return pieces


def plan_section(section: ArticleSection, lexicon: dict[str, str], lead: list[Utterance] | None = None,
                 pauses: Pauses = PAUSES, *, read_citations: bool = False) -> list[Utterance]:
    """Everything one section's narration says, in order, with the silence after each part.

    ``lead`` goes first (the episode's title and disclosure before the introduction). A section with a heading
    opens with it, spoken once. ``read_citations`` is show.toml's setting of the same name.
    """
    plan: list[Utterance] = list(lead or [])
    if section.heading:
        spoken = speakable(section.title, lexicon, read_citations=read_citations)
        if spoken:
            plan.append(Utterance(section.heading, spoken, "heading", pauses.after_heading, 0))
    for index, block in enumerate(section.blocks, start=1):
        sentences = split_sentences(block.text) if block.kind == "paragraph" else [collapse_spaces(block.text)]
        for n, sentence in enumerate(sentences):
            spoken = speakable(sentence, lexicon, read_citations=read_citations)
            if not re.search(r"\w", spoken):
                continue
            if block.kind == "item" and spoken[-1] not in ".!?":
                spoken += "."  # each bullet item is its own sentence
            last = n == len(sentences) - 1
            pause = pauses.item if block.kind == "item" else (pauses.paragraph if last else pauses.sentence)
            plan.append(Utterance(sentence, spoken, block.kind, pause, index))
    if plan:
        last = plan[-1]
        plan[-1] = Utterance(last.text, last.spoken, last.kind, 0, last.paragraph)
    return plan


def lead_in(title: str, disclosure: str, lexicon: dict[str, str], pauses: Pauses = PAUSES, *,
            read_citations: bool = False) -> list[Utterance]:
    """The episode's opening: its title, then the synthetic-voice disclosure."""
    items = [Utterance(title, speakable(title, lexicon, read_citations=read_citations), "title",
                       pauses.after_heading, 0)]
    if disclosure.strip():
        items.append(Utterance(disclosure, speakable(disclosure, lexicon, read_citations=read_citations),
                               "disclosure", pauses.paragraph, 0))
    return items
