"""The narration plan: every line the voice will say, in order, with the cache key of each synthesis call.

Made from the articles and prompts before anything is synthesized, so the build knows up front what is
missing from the cache, how long each episode will be, and what every file is made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gentle_steps.audio.cache import digest
from gentle_steps.audio.content import short_slug
from gentle_steps.audio.model import Article
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.audio.speech import (
    PAUSES,
    Pauses,
    Utterance,
    lead_in,
    plan_section,
    speakable,
    split_long,
    split_sentences,
)
from gentle_steps.audio.text import unique_slug

if TYPE_CHECKING:
    from gentle_steps.audio.breathing import BreathingPlan

SPOKEN_CHARS_PER_SECOND = 15.0
"""A cautious speaking rate for estimates (the default voice reads about 17 characters a second)."""

MAX_EPISODE_SECONDS = 3 * 3600
"""Longest episode the build narrates; a longer article is refused before synthesis (split it in parts)."""


@dataclass(frozen=True)
class Piece:
    """One synthesis call: the spoken text and its cache key."""

    key: str
    """Cache key: voice identity and spoken text."""

    spoken: str
    """What the voice is given (at most a few hundred characters)."""


@dataclass(frozen=True)
class Line:
    """Something the voice says (an utterance) and the synthesis calls it is made of."""

    utterance: Utterance
    """Text, spoken form, kind, pause after it."""

    pieces: tuple[Piece, ...]
    """One piece, or several for a sentence too long for the voice (joined by a short pause)."""


@dataclass(frozen=True)
class SectionPlan:
    """A section of an episode before synthesis."""

    id: str
    """Slug, unique in the episode."""

    title: str
    """Title without decoration."""

    heading: str
    """Heading as written."""

    lines: tuple[Line, ...]
    """Everything said in the section, in order."""


@dataclass(frozen=True)
class EpisodePlan:
    """An article ready to narrate."""

    article: Article
    """The article."""

    number: int
    """Episode number from 1."""

    sections: tuple[SectionPlan, ...]
    """Sections in order."""

    pauses: Pauses = PAUSES
    """The show's pauses (the silences between sections and at the files' edges come from here)."""


@dataclass(frozen=True)
class PromptPlan:
    """A grounding prompt ready to narrate."""

    id: str
    """Slug of the text, unique among prompts."""

    text: str
    """The prompt as written."""

    line: Line
    """What the voice says."""


@dataclass(frozen=True)
class NarrationPlan:
    """The whole show's narration."""

    episodes: tuple[EpisodePlan, ...]
    """Episodes in publication order."""

    prompts: tuple[PromptPlan, ...]
    """Grounding prompts."""

    pauses: Pauses = PAUSES
    """The show's pauses (the prompts' edge silence comes from here)."""

    breathing: tuple[BreathingPlan, ...] = ()
    """Breathing exercise tracks (``audio/breathing.py``); empty unless show.toml turns them on."""

    def pieces(self) -> dict[str, str]:
        """Cache key -> spoken text of every synthesis call: the prompts, reading order, the breathing cues.

        The prompts come first: each is a file of its own, mastered while the sections are synthesized, so what
        is left after the last sentence is the last section's mastering alone, not also the prompts' small files,
        each waiting for two ffmpeg runs (the build trace's task list shows the tail).
        """
        lines = [p.line for p in self.prompts] + [ln for ep in self.episodes for s in ep.sections for ln in s.lines]
        lines += [ln for track in self.breathing for ln in track.lines.values()]
        return {piece.key: piece.spoken for line in lines for piece in line.pieces}


def line_for(utterance: Utterance, voice_key: dict[str, object]) -> Line:
    """The line saying ``utterance``, with the cache key of each synthesis call."""
    return Line(utterance, tuple(Piece(digest("sentence", voice_key, s), s) for s in split_long(utterance.spoken)))


def plan_episode(article: Article, number: int, show: ShowSettings, lexicon: dict[str, str],
                 voice_key: dict[str, object]) -> EpisodePlan:
    """The narration of one article: the title and disclosure lead the first section."""
    sections = []
    cite, pauses = show.read_citations, show.pauses
    for i, section in enumerate(article.sections):
        lead = lead_in(article.title, show.disclosure, lexicon, pauses, read_citations=cite) if i == 0 else None
        lines = tuple(line_for(u, voice_key) for u in plan_section(section, lexicon, lead, pauses, read_citations=cite))
        sections.append(SectionPlan(section.id, section.title, section.heading, lines))
    return EpisodePlan(article, number, tuple(sections), pauses)


def plan_narration(articles: list[Article], prompts: list[str], show: ShowSettings, lexicon: dict[str, str],
                   voice_key: dict[str, object]) -> NarrationPlan:
    """Plan every episode (numbered from 1 in the given order) and every prompt."""
    episodes = tuple(plan_episode(a, i + 1, show, lexicon, voice_key) for i, a in enumerate(articles))
    taken: set[str] = set()
    planned_prompts = tuple(
        PromptPlan(unique_slug(short_slug(text), taken), text,
                   line_for(Utterance(text, speakable(text, lexicon, read_citations=show.read_citations), "paragraph",
                                   0, 0), voice_key))
        for text in prompts)
    return NarrationPlan(episodes, planned_prompts, show.pauses)


def plan_passage(text: str, show: ShowSettings, lexicon: dict[str, str], voice_key: dict[str, object]) -> tuple[Line, ...]:
    """A passage read as one paragraph, sentence by sentence with the show's pauses (the voice sampler).

    Its sentences have the same cache keys as in a build, so a sentence the build has narrated is reused.
    """
    lines = []
    for sentence in split_sentences(text):
        spoken = speakable(sentence, lexicon, read_citations=show.read_citations)
        if re.search(r"\w", spoken):
            lines.append(line_for(Utterance(sentence, spoken, "paragraph", show.pauses.sentence, 0), voice_key))
    if lines:
        last = lines[-1].utterance
        lines[-1] = line_for(Utterance(last.text, last.spoken, last.kind, 0, 0), voice_key)
    return tuple(lines)


def estimated_seconds(episode: EpisodePlan) -> float:
    """A cautious estimate of an episode's length, from its spoken characters and pauses."""
    chars = sum(len(p.spoken) for s in episode.sections for ln in s.lines for p in ln.pieces)
    pauses = sum(ln.utterance.pause_ms for s in episode.sections for ln in s.lines) / 1000
    return chars / SPOKEN_CHARS_PER_SECOND + pauses


def check_lengths(plan: NarrationPlan) -> list[str]:
    """One line per episode that would be longer than :data:`MAX_EPISODE_SECONDS`, naming its file."""
    problems = []
    for ep in plan.episodes:
        seconds = estimated_seconds(ep)
        if seconds > MAX_EPISODE_SECONDS:
            problems.append(f"{ep.article.source}: about {seconds / 3600:.1f} hours of narration; an episode may be "
                            f"at most {MAX_EPISODE_SECONDS // 3600} hours (split the article into parts)")
    return problems
