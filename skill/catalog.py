"""The catalog the skill speaks from: ``dist/catalog.json``. This module owns its shape.

The build fills these dataclasses (``deploy/catalog.py``) and writes them with :meth:`Catalog.to_dict`; the skill
reads the file back with :func:`load_catalog` (validated once by ``skill/catalog_read.py``, every error naming
the file and the field). The skill never imports the narration stack.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from gentle_steps.skill.names import spoken_form, synonyms_for

__all__ = ["CATALOG_SCHEMA_VERSION", "Catalog", "CatalogError", "CrisisLine", "Episode", "Prompt", "Section",
           "Show", "Track", "load_catalog", "parse_catalog", "spoken_form", "synonyms_for"]

CATALOG_SCHEMA_VERSION = 2
"""The only ``schema_version`` this skill understands. 2: crisis lines by country with their numbers as digits,
episode dates, English locales, breathing tracks."""


class CatalogError(ValueError):
    """The catalog is missing, unreadable or not the expected shape; the message names the file and the field."""


@dataclass(frozen=True)
class CrisisLine:
    """One service a listener can reach right now, as the skill needs it (the build's country table, or the
    show's own ``crisis_resources``)."""

    kind: str
    """``crisis`` (a helpline to talk to) or ``emergency`` (the country's emergency number)."""

    name: str
    """The service's name as written, e.g. "Samaritans" (cards)."""

    contact: str
    """How to reach them as a card writes it, e.g. "Call 116 123"."""

    spoken: str
    """One calm sentence naming the service and its number; the skill reads every number in it that is one of
    :attr:`numbers` digit by digit, in the groups written, slowly."""

    number: str
    """The number to call, digits only ("" when the build found none): ``tel:`` links."""

    display: str
    """The number as the service writes it, e.g. "116 123"."""

    text: str = ""
    """An SMS number, digits only; empty when the service does not answer texts."""

    hours: str = ""
    """Opening hours as written; empty means any time, day or night."""

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every number of the line as digits (call, then text)."""
        return tuple(dict.fromkeys(n for n in (self.number, self.text) if n))


@dataclass(frozen=True)
class Show:
    """The show facts the skill needs."""

    title: str
    """Show title, spoken in the welcome and shown on cards."""

    invocation_name: str
    """Alexa invocation name."""

    language: str
    """The show's own locale, e.g. en-US."""

    disclosure: str
    """The synthetic-voice disclosure line."""

    disclaimer: str
    """Not therapy, not emergency help: said by Help."""

    artwork_url: str
    """Square artwork for AudioPlayer metadata (may be empty)."""

    locales: tuple[str, ...] = ()
    """Every Alexa locale the skill is published in (the show's own first); empty means just ``language``."""


@dataclass(frozen=True)
class Section:
    """One section of an episode: the unit the skill plays and navigates by."""

    episode_id: str
    """Id of the episode holding it."""

    id: str
    """Slug of the title; unique within the episode."""

    index: int
    """Position in the episode, from 0."""

    title: str
    """Heading as shown (no emoji)."""

    synonyms: tuple[str, ...]
    """Other ways a listener may name it ("part three")."""

    audio_url: str
    """The section's Alexa-profile MP3."""

    duration_ms: int
    """Length of that file."""

    version: str
    """Short content hash of the audio; part of the playback token."""

    text: str
    """Plain sentences, spoken on devices that cannot play the audio."""


@dataclass(frozen=True)
class Episode:
    """One article as an episode."""

    id: str
    """Stable episode id."""

    number: int
    """Episode number from 1, oldest first."""

    title: str
    """Article title."""

    page_url: str
    """The episode's listening page."""

    audio_url: str
    """Whole-episode podcast file (not played by the skill)."""

    duration_ms: int
    """Length of the whole-episode file."""

    sections: tuple[Section, ...]
    """Sections in order."""

    date: str = ""
    """Publication date, ISO ``YYYY-MM-DD`` (written per locale on cards); may be empty."""


@dataclass(frozen=True)
class Prompt:
    """A short grounding prompt with its narrated clip."""

    id: str
    """Slug of the text; what rotation remembers."""

    text: str
    """The prompt as authored; shown on the card and spoken when the clip cannot play."""

    audio_url: str
    """Narrated Alexa-profile clip."""

    duration_ms: int
    """Length of the clip."""


@dataclass(frozen=True)
class Track:
    """A breathing exercise track, played through the AudioPlayer like a section."""

    id: str
    """Slug, e.g. ``one-minute``; unique among tracks."""

    title: str
    """What the exercise is called on screens ("One minute of slow breathing")."""

    seconds: int
    """The length it was written for (60, 180): how a listener asks for it ("three minutes")."""

    audio_url: str
    """The Alexa-profile MP3."""

    duration_ms: int
    """Length of that file."""

    version: str
    """Short content hash of the audio; part of the playback token."""


@dataclass(frozen=True)
class Catalog:
    """Everything the skill says and plays."""

    base_url: str
    """Public URL the audio was built for; SSML ``<audio>`` is used only when it is https."""

    show: Show
    """Show facts."""

    episodes: tuple[Episode, ...]
    """Episodes oldest first; at least one."""

    prompts: tuple[Prompt, ...]
    """Grounding prompts; may be empty (the skill then offers a kind line of its own)."""

    crisis: dict[str, tuple[CrisisLine, ...]] = field(default_factory=dict)
    """Crisis lines by ISO country code: the show's own for its country, the build's table for the others. A
    request is answered with its own locale's country only, never another country's numbers."""

    breathing: tuple[Track, ...] = ()
    """Breathing exercise tracks, shortest first; empty unless show.toml turns them on."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready catalog, keys in a fixed order (a section's episode id is implied by its episode)."""
        data = {"schema_version": CATALOG_SCHEMA_VERSION, **asdict(self)}
        for episode in data["episodes"]:
            for section in episode["sections"]:
                del section["episode_id"]
        return data

    @property
    def https(self) -> bool:
        """Whether the audio is served over https (Alexa plays SSML audio only from https URLs)."""
        return self.base_url.lower().startswith("https://")

    @property
    def latest(self) -> Episode:
        """The newest episode: what "play the episode" plays."""
        return self.episodes[-1]

    def episode(self, episode_id: str) -> Episode | None:
        """The episode with this id, if any."""
        for ep in self.episodes:
            if ep.id == episode_id:
                return ep
        return None

    def section(self, episode_id: str, section_id: str) -> Section | None:
        """The section with these ids, if any."""
        ep = self.episode(episode_id)
        if ep is None:
            return None
        for sec in ep.sections:
            if sec.id == section_id:
                return sec
        return None

    def next_section(self, section: Section) -> Section | None:
        """The section after ``section`` in its episode; None after the last."""
        sections = self.episode(section.episode_id).sections  # type: ignore[union-attr]
        return sections[section.index + 1] if section.index + 1 < len(sections) else None

    def previous_section(self, section: Section) -> Section | None:
        """The section before ``section`` in its episode; None before the first."""
        sections = self.episode(section.episode_id).sections  # type: ignore[union-attr]
        return sections[section.index - 1] if section.index > 0 else None

    def find_section(self, said: str, prefer_episode: str | None = None) -> Section | None:
        """The section a listener most likely named, matching titles and synonyms; None when nothing fits.

        Exact spoken forms win; otherwise the section sharing the largest share of the listener's words (at least
        half of them, ignoring filler words). Sections of ``prefer_episode`` win ties, then newer episodes.
        """
        wanted = spoken_form(said)
        if not wanted:
            return None
        order = sorted(self.episodes, key=lambda ep: (ep.id != prefer_episode, -ep.number))
        for ep in order:
            for sec in ep.sections:
                if wanted == spoken_form(sec.title) or wanted in sec.synonyms:
                    return sec
        words = set(wanted.split()) - _FILLER
        if not words:
            return None
        best: tuple[float, Section] | None = None
        for ep in order:
            for sec in ep.sections:
                names = [spoken_form(sec.title), *sec.synonyms]
                score = max(len(words & (set(n.split()) - _FILLER)) / len(words) for n in names)
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, sec)
        return best[1] if best else None

    def crisis_lines(self, locale: str) -> tuple[CrisisLine, ...]:
        """The crisis lines for a request's locale ("en-GB" -> GB); empty when none are known for it."""
        parts = (locale or self.show.language).replace("_", "-").split("-")
        return self.crisis.get(parts[1].upper(), ()) if len(parts) > 1 else ()

    def track(self, track_id: str) -> Track | None:
        """The breathing track with this id, if any."""
        return next((t for t in self.breathing if t.id == track_id), None)


_FILLER = {"the", "a", "an", "about", "part", "section", "on", "of", "to", "is", "it", "that", "one", "with"}


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read and validate a catalog file; raises :class:`CatalogError` naming the file and the field."""
    path = os.fspath(path)  # os.path, not pathlib: pathlib alone adds ~10 ms to a Lambda cold start
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise CatalogError(f"{path}: catalog not found (run `gentle-steps build` first)") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"{path}: not valid JSON ({exc})") from None
    return parse_catalog(data, path)


def parse_catalog(data: Any, source: str = "catalog") -> Catalog:
    """Validate a parsed catalog mapping into a :class:`Catalog`; ``source`` names it in errors."""
    from gentle_steps.skill.catalog_read import read_catalog

    return read_catalog(data, source)


