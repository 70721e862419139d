"""What each audio file is made of, and where every sentence lands in it.

A file is a list of *units*: stretches of narration (cached sentences and silences) mastered and encoded on
their own, at most :data:`~gentle_steps.audio.mastering.MAX_UNIT_SECONDS` long, then joined. A section file
is usually one unit; the whole episode is one unit per section (more for a long section), so editing one
paragraph re-encodes only its section's units. A unit starts, in the joined file, at the sum of the earlier
units' frame samples (:func:`gentle_steps.audio.encoding.join_mp3`); sentence timings follow from that.
"""

from __future__ import annotations

from dataclasses import dataclass

from gentle_steps.audio.cache import digest
from gentle_steps.audio.encoding import Tags
from gentle_steps.audio.mastering import ALEXA, MAX_UNIT_SECONDS, PODCAST, Profile
from gentle_steps.audio.model import Sentence
from gentle_steps.audio.plan import EpisodePlan, Line, NarrationPlan, SectionPlan

SPLIT_PAUSE_MS = 150
"""Silence between the pieces of a sentence that was too long for the voice."""

MASTERING_VERSION = 6
"""Part of every unit's cache key: bump it when mastering or encoding changes the sound."""

Part = tuple[str, str | int]
"""``("k", cache key)`` for a sentence, ``("s", samples)`` for silence."""


@dataclass(frozen=True)
class Placed:
    """A line placed in a unit: where its speech starts (samples from the unit's start) and how long it is."""

    line: Line
    start: int
    length: int


@dataclass(frozen=True)
class Unit:
    """A stretch of narration mastered and encoded on its own."""

    parts: tuple[Part, ...]
    """Sentences and silences in order."""

    rate: int
    """Sample rate of the narration."""

    profile: Profile
    """Delivery profile."""

    placed: tuple[Placed, ...]
    """The lines it says, with their positions."""

    @property
    def key(self) -> str:
        """Cache key of the encoded unit."""
        return digest("unit", MASTERING_VERSION, self.parts, self.rate, self.profile.__dict__)

    @property
    def keys(self) -> tuple[str, ...]:
        """Cache keys of the sentences it needs."""
        return tuple(str(v) for kind, v in self.parts if kind == "k")


@dataclass(frozen=True)
class Chapter:
    """A chapter of a joined file: it starts ``lead_ms`` into unit ``unit`` (the first chapter at 0)."""

    title: str
    unit: int
    lead_ms: int


@dataclass(frozen=True)
class FileJob:
    """One output MP3: its path in ``dist/``, units, profile and tags."""

    path: str
    """Relative path in ``dist/``."""

    units: tuple[Unit, ...]
    """What it is made of, in order."""

    profile: Profile
    """Delivery profile."""

    tags: Tags
    """ID3 tags (chapters are added from :attr:`chapters` once the units' places are known)."""

    chapters: tuple[Chapter, ...] = ()
    """ID3 chapters (the whole episode)."""

    def key(self, cover_sha: str) -> str:
        """Cache key of the finished, tagged file."""
        return digest("file", MASTERING_VERSION, [u.key for u in self.units], self.tags.__dict__,
                      [c.__dict__ for c in self.chapters], cover_sha)

    def chapter_times(self, starts: list[float], duration_ms: int) -> list[tuple[int, int]]:
        """(start ms, end ms) of every chapter: each ends where the next begins, the last at the end."""
        begins = [0 if i == 0 else round(starts[c.unit] * 1000) + c.lead_ms for i, c in enumerate(self.chapters)]
        return list(zip(begins, [*begins[1:], duration_ms], strict=True)) if begins else []


def _silence(ms: int, rate: int) -> Part:
    return ("s", round(ms * rate / 1000))


class Layout:
    """Builds units from lines, given each sentence's length in samples (from the cache)."""

    def __init__(self, lengths: dict[str, int], rate: int) -> None:
        self.lengths, self.rate = lengths, rate

    def _line_parts(self, line: Line) -> list[Part]:
        parts: list[Part] = []
        for n, piece in enumerate(line.pieces):
            if n:
                parts.append(_silence(SPLIT_PAUSE_MS, self.rate))
            parts.append(("k", piece.key))
        return parts

    def _length(self, parts: list[Part]) -> int:
        return sum(self.lengths[str(v)] if kind == "k" else int(v) for kind, v in parts)

    def units(self, lines: tuple[Line, ...], profile: Profile, lead_ms: int, trail_ms: int) -> tuple[Unit, ...]:
        """``lines`` as units of at most MAX_UNIT_SECONDS: lead silence, the lines with their pauses, trail.

        Units break after a line's pause, so every unit after the first starts with speech.
        """
        limit = MAX_UNIT_SECONDS * self.rate
        units: list[Unit] = []
        parts: list[Part] = [_silence(lead_ms, self.rate)] if lead_ms else []
        placed: list[Placed] = []
        position = self._length(parts)
        for line in lines:  # the section's last line has no pause after it (speech.plan_section)
            speech = self._line_parts(line)
            length = self._length(speech)
            if placed and position + length > limit:
                units.append(Unit(tuple(parts), self.rate, profile, tuple(placed)))
                parts, placed, position = [], [], 0
            placed.append(Placed(line, position, length))
            pause = [_silence(line.utterance.pause_ms, self.rate)] if line.utterance.pause_ms else []
            parts += speech + pause
            position += length + self._length(pause)
        if trail_ms:
            parts.append(_silence(trail_ms, self.rate))
        units.append(Unit(tuple(parts), self.rate, profile, tuple(placed)))
        return tuple(units)


def section_job(layout: Layout, episode: EpisodePlan, index: int, section: SectionPlan, show_title: str) -> FileJob:
    """A section's own file (Alexa profile): edge silence, its lines, edge silence."""
    article = episode.article
    tags = Tags(f"{article.title}: {section.title}", article.author, show_title,
                f"{index + 1}/{len(episode.sections)}", article.date[:4])
    return FileJob(section_path(episode, index, section),
                   layout.units(section.lines, ALEXA, episode.pauses.edge, episode.pauses.edge), ALEXA, tags)


def episode_units(layout: Layout, episode: EpisodePlan, index: int) -> tuple[Unit, ...]:
    """Section ``index``'s part of the whole episode: the first section after edge silence, the others after
    the longer pause before a heading; edge silence after the last."""
    last, pauses = len(episode.sections) - 1, episode.pauses
    return layout.units(episode.sections[index].lines, PODCAST,
                        pauses.edge if index == 0 else pauses.before_heading, pauses.edge if index == last else 0)


def episode_job(layout: Layout, episode: EpisodePlan, show_title: str) -> FileJob:
    """The whole episode (podcast profile), one chapter per section."""
    per_section = [episode_units(layout, episode, i) for i in range(len(episode.sections))]
    units = tuple(u for section in per_section for u in section)
    firsts = [sum(len(s) for s in per_section[:i]) for i in range(len(per_section))]
    chapters = tuple(Chapter(s.title, first, 0 if i == 0 else episode.pauses.before_heading)
                     for i, (s, first) in enumerate(zip(episode.sections, firsts, strict=True)))
    article = episode.article
    return FileJob(episode_path(episode), units, PODCAST,
                   Tags(article.title, article.author, show_title, str(episode.number), article.date[:4]), chapters)


def prompt_job(layout: Layout, plan: NarrationPlan, index: int, show_title: str, author: str) -> FileJob:
    """A grounding prompt's clip (Alexa profile)."""
    prompt = plan.prompts[index]
    edge = plan.pauses.edge
    return FileJob(f"prompts/{prompt.id}.mp3", layout.units((prompt.line,), ALEXA, edge, edge),
                   ALEXA, Tags(prompt.text, author, show_title, "", ""))


def episode_path(episode: EpisodePlan) -> str:
    """The whole episode's file in ``dist/``."""
    return f"episodes/{episode.article.id}/{episode.article.id}.mp3"


def section_path(episode: EpisodePlan, index: int, section: SectionPlan) -> str:
    """A section's file in ``dist/``."""
    return f"episodes/{episode.article.id}/sections/{index:02d}-{section.id}.mp3"


def unit_starts(offsets: list[int], profile: Profile) -> list[float]:
    """Where each unit starts in its joined file, in seconds (offsets are frame samples at the profile rate)."""
    return [offset / profile.sample_rate for offset in offsets]


def sentence_timings(units: tuple[Unit, ...], starts: list[float]) -> list[tuple[Line, int, int]]:
    """Every line of ``units`` with its start and end in milliseconds in the joined file."""
    timed = []
    for unit, start in zip(units, starts, strict=True):
        for placed in unit.placed:
            begin = start * 1000 + placed.start * 1000 / unit.rate
            timed.append((placed.line, round(begin), round(begin + placed.length * 1000 / unit.rate)))
    return timed


def section_sentences(section_units: tuple[Unit, ...], section_starts: list[float],
                      episode_units_: tuple[Unit, ...], episode_starts: list[float]) -> list[Sentence]:
    """A section's sentences with their timings in the section file and in the episode file."""
    own = sentence_timings(section_units, section_starts)
    in_episode = sentence_timings(episode_units_, episode_starts)
    return [Sentence(text=line.utterance.text, spoken=line.utterance.spoken, kind=line.utterance.kind,
                     start_ms=start, end_ms=end, episode_start_ms=ep_start, episode_end_ms=ep_end,
                     paragraph=line.utterance.paragraph)
            for (line, start, end), (_, ep_start, ep_end) in zip(own, in_episode, strict=True)]
